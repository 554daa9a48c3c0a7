"""What the Benchmark page shows, worked out without Streamlit: many collaboratives side by side,
summarised by region or ICS beside England, how their stages compare with the survey's 70%, how
varied each area is, how areas moved over the years, and who changed stage.

The views compare, they never rank: collaboratives are always listed by name (or region, then
name). Every figure over several collaboratives is over collaboratives the viewer can already see
named (the store narrows the filter to them), so hiding it would protect nobody: it is shown, with
its n. The one figure that also covers collaboratives the viewer cannot see, England beside a
regional team's selection, follows anonymity.aggregate_shown (store.england_summary).

Each piece is its own function of (store, selection), so the page can work out only what the part
on screen needs and cache each piece apart; benchmark_view gathers them all (exports, tests, the
bench).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import (
    AREA_PLACES,
    LEVELS,
    PEER_PLACES,
    level_label,
    shown_score,
    stage_of,
)
from collab_assess.store import RoundFilter
from collab_assess.store.benchmarks import EnglandSummary
from collab_assess.store.view import StoreView

MEASURES = {"computed": "Stage worked out from the answers",
            "self-described": "Stage respondents described"}
OVERALL = "Overall"
"""The heatmap's and the summaries' column for the overall score (the mean of the area scores)."""
ROWS_PER_PAGE = 20
"""Rows of the heatmap at a time: with the area names above and the legend, one screen."""
NOT_GIVEN = {"region": "No region given", "ics": "No ICS given"}
GROUPINGS = {"region": "Region", "ics": "ICS", "collaborative": "Collaborative"}
"""What one row of the heatmap can stand for."""


def period_label(start: int) -> str:
    """An NHS financial year, e.g. 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


STAGE_LABELS = {int(level): level_label(level) for level in LEVELS}


def shown(scores: pd.Series, places: int = AREA_PLACES) -> pd.Series:
    """Scores rounded as every page shows them (scale.shown_score), worked out once per distinct
    value: thousands of collaboratives share a few hundred distinct scores."""
    distinct = {float(s): shown_score(float(s), places) for s in scores.dropna().unique()}
    return scores.map(distinct).astype("float64")


def stage_names(scores: pd.Series) -> pd.Series:
    """The stage each (shown) score falls in, as every page names it; "not scored" for none."""
    distinct = {float(s): level_label(stage_of(float(s))) for s in scores.dropna().unique()}
    return scores.map(distinct).fillna("not scored").astype("object")


# -- the collaboratives selected, and their area scores ------------------------------------------

@dataclass(frozen=True)
class BenchmarkCore:
    """The selected collaboratives (each on its latest submitted round) and their area scores:
    everything else on the page builds on this."""

    selection: RoundFilter
    rounds: pd.DataFrame
    """One row per collaborative, in order of name: see COLUMN_NOTES for each column."""
    area_scores: pd.DataFrame
    """Long: collaborative_id, round_id, collaborative, region, area_order, area_id, area,
    area_group, score, stage; area "Overall" (area_order 0) is the mean of its area scores."""
    areas: pd.DataFrame
    """area_order (from 1), area_id, area, area_group: in the question bank's order."""
    versions: tuple[int, ...]
    shared_statements: tuple[str, ...] | None
    """The statements every version asks (None: one version, so every statement)."""
    area_bank_version: int
    statements_compared: int

    @property
    def empty(self) -> bool:
        return self.rounds.empty

    @property
    def collaboratives(self) -> int:
        return len(self.rounds)

    @property
    def versions_note(self) -> str | None:
        if len(self.versions) < 2:
            return None
        listed = " and ".join(str(v) for v in self.versions)
        return (f"These collaboratives answered question bank versions {listed}, so areas are "
                f"compared on the {self.statements_compared} statements every version asks.")

    @property
    def statement_ids(self) -> list[str] | None:
        return None if self.shared_statements is None else list(self.shared_statements)


ROUND_COLUMNS = ["collaborative_id", "collaborative", "region", "icss", "collaborative_type",
                 "governance_model", "round_id", "round_label", "opened_on", "submitted_on",
                 "period", "overall", "stage", "self_described", "people_took_part",
                 "bank_version", "is_demo"]


def benchmark_core(store: StoreView, selection: RoundFilter, bank: QuestionBank) -> BenchmarkCore:
    """The collaboratives the filter selects and their area scores. Areas are named and grouped
    as the newest bank version among the selected rounds does (`bank` when there are none)."""
    rounds = store.submitted_rounds(selection, latest_only=True)
    versions = tuple(sorted({int(v) for v in rounds["bank_version"]}))
    area_bank = store.bank(versions[-1]) if versions else bank
    # One bank version: the kept area scores as they are. Several: worked out again on the
    # statements every version asks.
    shared = tuple(store.statements_shared(versions)) if len(versions) > 1 else None
    areas = pd.DataFrame([{"area_order": n, "area_id": area.id, "area": area.name,
                           "area_group": area.group}
                          for n, area in enumerate(area_bank.areas, start=1)],
                         columns=["area_order", "area_id", "area", "area_group"])
    scores = store.area_scores_over(selection, None if shared is None else list(shared),
                                    area_bank.version)
    return BenchmarkCore(
        selection=selection, rounds=_described_rounds(rounds),
        area_scores=_long_scores(scores, areas), areas=areas, versions=versions,
        shared_statements=shared, area_bank_version=area_bank.version,
        statements_compared=len(shared) if shared is not None else len(area_bank.statements))


def _day(column: pd.Series) -> pd.Series:
    return pd.to_datetime(column).dt.date


def _described_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    overall = shown(rounds["overall"])
    described = rounds.assign(
        icss=rounds["icss"].map(lambda listed: "; ".join(listed) if listed is not None else ""),
        opened_on=_day(rounds["opens_on"]), submitted_on=_day(rounds["submitted_at"]),
        period=rounds["period_start"].map(period_label),
        overall=overall,
        stage=rounds["stage"].map(STAGE_LABELS).fillna("not scored"),
        self_described=rounds["self_described"].map(STAGE_LABELS).fillna("nobody said"),
        people_took_part=rounds["respondents"].astype("int64"),
    )
    return described[ROUND_COLUMNS].reset_index(drop=True)


def _long_scores(scores: pd.DataFrame, areas: pd.DataFrame) -> pd.DataFrame:
    """The area scores with the area's name, order and group, plus each collaborative's overall
    (area_order 0), rounded as shown, each with its stage."""
    columns = ["collaborative_id", "round_id", "collaborative", "region", "area_order", "area_id",
               "area", "area_group", "score", "stage"]
    if scores.empty:
        return pd.DataFrame(columns=columns)
    per_area = scores.merge(areas, on="area_id", how="left")
    overall = (scores.drop_duplicates("round_id")
               .assign(area_order=0, area_id=None, area=OVERALL, area_group="all areas",
                       score=lambda frame: frame["overall"]))
    long = pd.concat([overall, per_area], ignore_index=True)
    long["score"] = shown(long["score"])
    long["stage"] = stage_names(long["score"])
    long["area_order"] = long["area_order"].astype("int64")
    order = long["collaborative"].str.lower()
    return (long.assign(_name=order).sort_values(["_name", "collaborative_id", "area_order"])
            [columns].reset_index(drop=True))


# -- summaries: by region or ICS, the selection, England ------------------------------------------

SUMMARY_COLUMNS = ["group", "area_order", "area", "collaboratives", "median", "q1", "q3",
                   "lowest", "highest", "stage"]


def _summary(figures: pd.DataFrame, core: BenchmarkCore, places: int,
             label: Callable[[str], str]) -> pd.DataFrame:
    """Store summaries (group, area_id, collaboratives, median, q1, q3, lowest, highest) with area
    names and order (Overall first), rounded as shown, each median with its stage."""
    if figures.empty:
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    named = figures.merge(core.areas[["area_id", "area", "area_order"]], on="area_id", how="left")
    overall = named["area_id"].isna()
    named.loc[overall, "area"] = OVERALL
    named.loc[overall, "area_order"] = 0
    named = named.dropna(subset=["area"])  # an area the bank shown does not have
    rounded = {column: shown(named[column], places)
               for column in ("median", "q1", "q3", "lowest", "highest")}
    summary = named.assign(group=named["group"].map(label), area_order=named["area_order"]
                           .astype("int64"), collaboratives=named["collaboratives"]
                           .astype("int64"), **rounded)
    summary["stage"] = stage_names(summary["median"])
    return (summary.sort_values(["group", "area_order"])[SUMMARY_COLUMNS]
            .reset_index(drop=True))


def group_summary(store: StoreView, core: BenchmarkCore, by: str) -> pd.DataFrame:
    """One row per region or ICS (by: "region" or "ics") and area: how many of the selected
    collaboratives it holds and the median, middle half and range of their scores."""
    figures = store.area_summary(core.selection, core.statement_ids, core.area_bank_version, by)
    return _summary(figures, core, AREA_PLACES, lambda group: group or NOT_GIVEN[by])


def selection_summary(store: StoreView, core: BenchmarkCore) -> pd.DataFrame:
    """The whole selection as one group, labelled by selection_name."""
    figures = store.area_summary(core.selection, core.statement_ids, core.area_bank_version,
                                 "all")
    return _summary(figures, core, AREA_PLACES, lambda _: selection_name(core.selection))


@dataclass(frozen=True)
class England:
    """England beside the selection, or why it is not shown."""

    figures: pd.DataFrame | None
    """As group_summary, with one group."""
    label: str
    note: str
    """What it covers, in words (and when it is from)."""


def england_summary(store: StoreView, core: BenchmarkCore, today: date | None = None) -> England:
    """England beside the selection: every collaborative the type, governance model and period
    filters keep, whatever its region or ICS. Live for a viewer who can see every collaborative;
    otherwise from the day's peer snapshot, to one decimal place, and only when it covers enough
    collaboratives the viewer cannot see (the store decides: anonymity.aggregate_shown)."""
    summary: EnglandSummary = store.england_summary(core.selection, core.statement_ids,
                                                    core.area_bank_version, today=today)
    label = "England"
    kept = [name for name, values in (("types", core.selection.collaborative_types),
                                      ("governance models", core.selection.governance_models))
            if values]
    covers = ("every collaborative with a submitted round" if not kept
              else "every collaborative of the chosen " + " and ".join(kept))
    if summary.as_of is not None:
        when = f"{summary.as_of.day} {summary.as_of:%B %Y}"
        note = (f"England: {covers}, as the day's snapshot held them on {when} (figures that "
                "include collaboratives your role does not show you change at most once a day "
                "and are rounded to one decimal place).")
    else:
        years = ", in the years chosen" if core.selection.periods else ""
        note = f"England: {covers}{years}, whatever its region or ICS."
    if summary.figures is None:
        return England(None, label, f"The England row is hidden: {summary.why_hidden}.")
    places = PEER_PLACES if summary.as_of is not None else AREA_PLACES
    return England(_summary(summary.figures, core, places, lambda _: label), label, note)


def selection_name(selection: RoundFilter) -> str:
    """A short name for the selection, for its median row: the region or ICS when one is chosen
    (and nothing else is), else "Selected"."""
    narrowed = [selection.collaborative_types, selection.governance_models, selection.periods]
    if any(narrowed):
        return "Selected"
    if len(selection.icss) == 1 and not selection.regions:
        return selection.icss[0]
    if len(selection.regions) == 1 and not selection.icss:
        return selection.regions[0]
    return "Selected" if selection.regions or selection.icss else "All selected"


# -- the heatmap's rows --------------------------------------------------------------------------

@dataclass(frozen=True)
class HeatmapPage:
    """One screen of the heatmap: its rows' cells, the median rows above them, and where it is."""

    cells: pd.DataFrame
    """row_key, row, region, area_order, area, score, stage, detail (tooltip words)."""
    reference: pd.DataFrame
    """The same columns: England, and the selection (or its region) as a median row."""
    rows: int
    """How many rows there are in all (collaboratives or groups)."""
    page: int
    pages: int
    first: int
    """The first row shown, counting from 1."""
    last: int


def pages_of(rows: int, per_page: int | None = None) -> int:
    return max(1, -(-rows // (per_page or ROWS_PER_PAGE)))


def _summary_cells(summary: pd.DataFrame, key: str, suffix: str = "") -> pd.DataFrame:
    places = summary.assign(detail=[
        f"n={n:,}; middle half {q1:.2f} to {q3:.2f}; range {lo:.2f} to {hi:.2f}"
        for n, q1, q3, lo, hi in zip(summary["collaboratives"], summary["q1"], summary["q3"],
                                     summary["lowest"], summary["highest"], strict=True)])
    counts = summary[summary["area_order"] == 0].set_index("group")["collaboratives"]
    return places.assign(
        row_key=places["group"].map(lambda group: f"{key}:{group}"),
        row=places["group"].map(
            lambda group: f"{group}{suffix} (n={int(counts.get(group, 0)):,})"),
        region="", score=places["median"],
    )[["row_key", "row", "region", "area_order", "area", "score", "stage", "detail"]]


def _collaboratives_in_order(core: BenchmarkCore, order_by: str) -> list[int]:
    """The selected collaboratives' ids in the heatmap's order: by name (core.rounds' own order),
    or by region, then name; never by score."""
    rounds = core.rounds
    if order_by == "region":
        rounds = rounds.assign(_region=rounds["region"].fillna("").str.lower(),
                               _name=rounds["collaborative"].str.lower())
        rounds = rounds.sort_values(["_region", "_name", "collaborative_id"])
    return [int(key) for key in rounds["collaborative_id"]]


def heatmap_page(core: BenchmarkCore, grouping: str, *, order_by: str = "collaborative",
                 page: int = 1, groups: pd.DataFrame | None = None,
                 references: tuple[pd.DataFrame, ...] = ()) -> HeatmapPage:
    """The rows of one page of the heatmap. grouping "collaborative": one row per collaborative,
    in order of name (or region, then name), never of score; "region" or "ics": one row per
    group (`groups`, from group_summary) with its median, in order of name. The reference rows
    (England, the selection's median) head every page."""
    keys: list[int] | list[str]
    if grouping == "collaborative":
        keys = _collaboratives_in_order(core, order_by)
    else:
        assert groups is not None, "a grouped heatmap needs its groups' summary"
        keys = sorted(groups["group"].unique(), key=str.lower)
    pages = pages_of(len(keys))
    page = min(max(1, page), pages)
    first = (page - 1) * ROWS_PER_PAGE
    chosen = keys[first:first + ROWS_PER_PAGE]
    if grouping == "collaborative":
        details = core.rounds.set_index("collaborative_id")
        cells = core.area_scores[core.area_scores["collaborative_id"].isin(chosen)]
        words = {key: (f"{row.people_took_part} took part; round '{row.round_label}' opened "
                       f"{row.opened_on:%Y-%m-%d}, submitted {row.submitted_on:%Y-%m-%d}"
                       if pd.notna(row.submitted_on) else
                       f"{row.people_took_part} took part; round '{row.round_label}' opened "
                       f"{row.opened_on:%Y-%m-%d}")
                 for key, row in details.loc[chosen].iterrows()}
        cells = cells.assign(row_key=cells["collaborative_id"].astype(str),
                             row=cells["collaborative"], region=cells["region"].fillna(""),
                             detail=cells["collaborative_id"].map(words))
        position = {key: n for n, key in enumerate(chosen)}
        cells = cells.assign(_at=cells["collaborative_id"].map(position)).sort_values(
            ["_at", "area_order"])[["row_key", "row", "region", "area_order", "area", "score",
                                    "stage", "detail"]]
    else:
        assert groups is not None
        cells = _summary_cells(groups[groups["group"].isin(chosen)], grouping)
    reference = pd.concat([_summary_cells(frame, "reference", " median")
                           for frame in references
                           if frame is not None and not frame.empty] or
                          [pd.DataFrame(columns=cells.columns)], ignore_index=True)
    return HeatmapPage(cells.reset_index(drop=True), reference, len(keys), page, pages,
                       first + 1 if keys else 0, first + len(chosen))


def page_holding(core: BenchmarkCore, collaborative_id: int, order_by: str) -> int:
    """The heatmap page (of collaboratives) that holds this collaborative."""
    keys = _collaboratives_in_order(core, order_by)
    return keys.index(collaborative_id) // ROWS_PER_PAGE + 1 if collaborative_id in keys else 1


def default_grouping(core: BenchmarkCore) -> str:
    """What one heatmap row stands for when nobody has chosen: each collaborative when they fit
    on a page or two, else each region (each ICS when one region is chosen)."""
    if core.collaboratives <= 2 * ROWS_PER_PAGE:
        return "collaborative"
    regions = core.rounds["region"].nunique(dropna=False)
    return "region" if regions > 1 else "ics"


# -- stages, spread, years, moves ------------------------------------------------------------------

def stage_shares(store: StoreView, selection: RoundFilter) -> pd.DataFrame:
    """How many of the selected collaboratives sit at each stage, by both measures, with the share
    of those that have one. Columns: measure, stage, share, collaboratives."""
    counts = store.stage_counts(selection)
    totals = counts.groupby("measure")["collaboratives"].transform("sum")
    return counts.assign(
        share=counts["collaboratives"] / totals,
        measure=counts["measure"].map(MEASURES),
        stage=counts["stage"].map(lambda s: level_label(int(s))),
        collaboratives=counts["collaboratives"].astype("int64"),
    )[["measure", "stage", "share", "collaboratives"]].reset_index(drop=True)


def weakest_areas(summary: pd.DataFrame, count: int = 3) -> pd.DataFrame:
    """The areas with the lowest median across the selection (areas, not collaboratives: the
    answer to "where is everyone weakest?"), lowest first; ties in the bank's order."""
    areas = summary[summary["area_order"] > 0]
    return areas.sort_values(["median", "area_order"]).head(count).reset_index(drop=True)


def trends(store: StoreView, core: BenchmarkCore) -> pd.DataFrame:
    """Each area's median score by financial year, over the selected collaboratives' rounds (each
    collaborative's latest round in that year), whatever years the filter chose, with how many
    collaboratives each median covers. Columns: period, area_order, area, median, stage,
    collaboratives."""
    everywhen = replace(core.selection, periods=())
    found = store.area_trends(everywhen, core.statement_ids, core.area_bank_version)
    named = found.merge(core.areas, on="area_id", how="inner")
    median = shown(named["median"])
    return named.assign(
        period=named["period_start"].map(period_label), median=median,
        stage=stage_names(median), collaboratives=named["collaboratives"].astype("int64"),
    ).sort_values(["period", "area_order"])[
        ["period", "area_order", "area", "median", "stage", "collaboratives"]
    ].reset_index(drop=True)


MOVE_COLUMNS = ["collaborative_id", "collaborative", "region", "from_round", "from_date",
                "from_stage", "from_score", "to_round", "to_date", "to_stage", "to_score",
                "direction"]
DIRECTIONS = {"up": "Up", "down": "Down"}


def stage_moves(store: StoreView, selection: RoundFilter) -> pd.DataFrame:
    return _moves(store.stage_moves(selection))


def _moves(moves: pd.DataFrame) -> pd.DataFrame:
    """Each change of stage between consecutive submitted rounds, in the store's order (name,
    then date): stages labelled, direction in words, dates without times, scores to 2 places."""
    def label(stage):
        return level_label(int(stage)) if pd.notna(stage) else "not scored"

    return moves.assign(
        from_date=_day(moves["from_date"]), to_date=_day(moves["to_date"]),
        from_stage=moves["from_stage"].map(label), to_stage=moves["to_stage"].map(label),
        from_score=shown(moves["from_score"]), to_score=shown(moves["to_score"]),
        direction=moves["direction"].map(DIRECTIONS),
    )[MOVE_COLUMNS].reset_index(drop=True)


def compare_two(core: BenchmarkCore, first: int, second: int) -> pd.DataFrame:
    """Two selected collaboratives side by side, area by area (Overall first): area_order, area,
    area_group, collaborative, score, stage. Empty if either is not in the selection."""
    chosen = core.area_scores[core.area_scores["collaborative_id"].isin([first, second])]
    if chosen["collaborative_id"].nunique() < 2:
        return chosen.iloc[0:0][["area_order", "area", "area_group", "collaborative", "score",
                                 "stage"]]
    return chosen.sort_values(["area_order", "collaborative_id"])[
        ["area_order", "area", "area_group", "collaborative", "score", "stage"]
    ].reset_index(drop=True)


# -- everything at once --------------------------------------------------------------------------

@dataclass(frozen=True)
class BenchmarkView:
    """Every figure of the page for one selection: for the downloads, the bench and tests."""

    core: BenchmarkCore
    regions: pd.DataFrame
    icss: pd.DataFrame
    selected: pd.DataFrame
    england: England
    stage_shares: pd.DataFrame
    trends: pd.DataFrame
    moved: pd.DataFrame

    @property
    def empty(self) -> bool:
        return self.core.empty

    @property
    def rounds(self) -> pd.DataFrame:
        return self.core.rounds

    @property
    def area_scores(self) -> pd.DataFrame:
        return self.core.area_scores

    @property
    def versions(self) -> tuple[int, ...]:
        return self.core.versions

    @property
    def statements_compared(self) -> int:
        return self.core.statements_compared

    @property
    def versions_note(self) -> str | None:
        return self.core.versions_note


def benchmark_view(store: StoreView, selection: RoundFilter, bank: QuestionBank, *,
                   today: date | None = None) -> BenchmarkView:
    core = benchmark_core(store, selection, bank)
    return BenchmarkView(
        core=core, regions=group_summary(store, core, "region"),
        icss=group_summary(store, core, "ics"), selected=selection_summary(store, core),
        england=england_summary(store, core, today), stage_shares=stage_shares(store, selection),
        trends=trends(store, core), moved=stage_moves(store, selection))
