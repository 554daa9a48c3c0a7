"""What the Benchmark page shows, worked out without Streamlit: many collaboratives side by side,
how their stages compare with the survey's 70%, how varied each area is, and how areas moved.

The views compare, they never rank: collaboratives are ordered by name or region. Aggregates
(stage shares, distributions, medians over time) appear only when they cover at least min_peers()
collaboratives; below that the view carries the reason instead of the figures.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from collab_assess.content.anonymity import min_peers
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import AREA_PLACES, LEVELS, level_label, shown_score
from collab_assess.exchange.export_sheets import Sheet, csv_bytes, xlsx_bytes
from collab_assess.store import RoundFilter
from collab_assess.store.view import StoreView

MEASURES = {"computed": "Stage worked out from the answers",
            "self-described": "Stage respondents described"}


def period_label(start: int) -> str:
    """An NHS financial year, e.g. 2025 -> "2025/26"."""
    return f"{start}/{(start + 1) % 100:02d}"


@dataclass(frozen=True)
class BenchmarkView:
    rounds: pd.DataFrame
    """Each selected collaborative's latest submitted round: collaborative, region,
    collaborative_type, governance_model, round_label, period, stage, self_described,
    bank_version."""
    area_scores: pd.DataFrame
    """Long: collaborative, region, area, area_position, score (on the statements all share)."""
    statements_compared: int
    versions: tuple[int, ...]
    stage_shares: pd.DataFrame | None
    """measure, stage, share, collaboratives; None when too few collaboratives."""
    trends: pd.DataFrame | None
    """period, area, area_position, median, collaboratives; periods with too few are left out."""
    moved: pd.DataFrame
    why_hidden: str | None
    """Why the aggregates are hidden (too few collaboratives), or None."""

    @property
    def empty(self) -> bool:
        return self.rounds.empty

    @property
    def versions_note(self) -> str | None:
        if len(self.versions) < 2:
            return None
        listed = " and ".join(str(v) for v in self.versions)
        return (f"These collaboratives answered question bank versions {listed}, so areas are "
                f"compared on the {self.statements_compared} statements every version asks.")


def benchmark_view(store: StoreView, selection: RoundFilter, bank: QuestionBank) -> BenchmarkView:
    """The page's figures for the collaboratives the filter selects. Areas are named and grouped
    as the newest bank version among the selected rounds does (`bank` when there are none)."""
    rounds = store.submitted_rounds(selection, latest_only=True)
    versions = tuple(sorted({int(v) for v in rounds["bank_version"]}))
    area_bank = store.bank(versions[-1]) if versions else bank
    # One bank version: the kept area scores as they are. Several: worked out again on the
    # statements every version asks.
    shared = store.statements_shared(versions) if len(versions) > 1 else None
    names = {area.id: area.name for area in area_bank.areas}
    positions = {area.id: position for position, area in enumerate(area_bank.areas)}
    scores = store.area_scores_over(selection, shared, area_bank.version)
    scores["area"] = scores["area_id"].map(names)
    scores["area_position"] = scores["area_id"].map(positions)

    needed = min_peers()
    enough = len(rounds) >= needed
    why = None if enough else (
        f"Figures across collaboratives appear once at least {needed} are selected (there are "
        f"{len(rounds)}), so no single collaborative can be picked out of them.")
    return BenchmarkView(
        rounds=_described_rounds(rounds),
        area_scores=scores.assign(score=_shown(scores["score"]))[
            ["collaborative", "region", "area", "area_position", "score"]],
        statements_compared=len(shared) if shared is not None else len(area_bank.statements),
        versions=versions,
        stage_shares=_stage_shares(store.stage_counts(selection)) if enough else None,
        trends=_trends(store, selection, shared, area_bank, names, positions, needed)
        if enough else None,
        moved=_moves(store.stage_moves(selection)),
        why_hidden=why,
    )


STAGE_LABELS = {int(level): level_label(level) for level in LEVELS}


def _shown(scores: pd.Series) -> pd.Series:
    """Scores rounded as every page shows them (scale.shown_score, two places)."""
    return scores.map(lambda score: shown_score(float(score), AREA_PLACES) if pd.notna(score)
                      else None).astype("float64")


def _described_rounds(rounds: pd.DataFrame) -> pd.DataFrame:
    described = rounds.assign(
        period=rounds["period_start"].map(period_label),
        overall=_shown(rounds["overall"]),
        stage=rounds["stage"].map(STAGE_LABELS).fillna("not scored"),
        self_described=rounds["self_described"].map(STAGE_LABELS).fillna("nobody said"),
        people_took_part=rounds["respondents"].astype("int64"),
    )
    return described[["collaborative", "region", "collaborative_type", "governance_model",
                      "round_label", "period", "overall", "stage", "self_described",
                      "people_took_part", "bank_version", "is_demo"]]


def _stage_shares(counts: pd.DataFrame) -> pd.DataFrame:
    totals = counts.groupby("measure")["collaboratives"].transform("sum")
    return counts.assign(
        share=counts["collaboratives"] / totals,
        measure=counts["measure"].map(MEASURES),
        stage=counts["stage"].map(lambda s: level_label(int(s))),
    )[["measure", "stage", "share", "collaboratives"]]


def _trends(store: StoreView, selection: RoundFilter, shared: list[str] | None, bank: QuestionBank,
            names: dict, positions: dict, needed: int) -> pd.DataFrame:
    everywhen = replace(selection, periods=())
    trends = store.area_trends(everywhen, shared, bank.version)
    trends = trends[trends["collaboratives"] >= needed]
    return trends.assign(
        period=trends["period_start"].map(period_label),
        area=trends["area_id"].map(names),
        area_position=trends["area_id"].map(positions),
        median=_shown(trends["median"]),
    )[["period", "area", "area_position", "median", "collaboratives"]]


MOVE_COLUMNS = ["collaborative", "region", "from_round", "from_date", "from_stage", "from_score",
                "to_round", "to_date", "to_stage", "to_score", "direction"]
DIRECTIONS = {"up": "Up", "down": "Down"}


def _moves(moves: pd.DataFrame) -> pd.DataFrame:
    """Each change of stage between consecutive submitted rounds, in the store's order (name,
    then date): stages labelled, direction in words, dates without times, scores to 2 places."""
    def label(stage):
        return level_label(int(stage)) if pd.notna(stage) else "not scored"

    def day(column: pd.Series) -> pd.Series:
        return pd.to_datetime(column).dt.date

    return moves.assign(
        from_date=day(moves["from_date"]), to_date=day(moves["to_date"]),
        from_stage=moves["from_stage"].map(label), to_stage=moves["to_stage"].map(label),
        from_score=_shown(moves["from_score"]), to_score=_shown(moves["to_score"]),
        direction=moves["direction"].map(DIRECTIONS),
    )[MOVE_COLUMNS].reset_index(drop=True)


COLUMN_NOTES = {
    "collaborative": "The collaborative's name.",
    "region": "Its NHS England region.",
    "collaborative_type": "The kind of providers it brings together.",
    "governance_model": "Its governance model.",
    "round_label": "The name of its latest submitted assessment round.",
    "period": "The NHS financial year (April to March) that round opened in.",
    "overall": "The round's overall score, 1 to 4 (the mean of its area scores), to 2 decimal "
               "places as every page shows it.",
    "stage": "The stage worked out from the round's answers (mean of area scores); a score on "
             "the line between two stages counts as the lower one.",
    "people_took_part": "How many people took part in that round (gave at least one answer "
                        "that counts), as its Results page says.",
    "self_described": "The stage its respondents said it is at (the middle answer).",
    "bank_version": "The question bank version the round asked.",
    "is_demo": "True for synthetic demo collaboratives (made-up data).",
    "area": "One of the eleven areas.",
    "score": "The area's score, 1 to 4, on the statements every selected round asks.",
    "measure": "Which stage: worked out from answers, or described by respondents.",
    "share": "Share of the selected collaboratives at that stage.",
    "collaboratives": "How many collaboratives the figure covers.",
    "median": "The middle of the collaboratives' area scores in that period.",
    "from_round": "Stage moves: the submitted round the stage moved from (the one before "
                  "to_round among the rounds selected, skipping any not scored).",
    "from_date": "Stage moves: the date that earlier round opened.",
    "from_stage": "Stage moves: the stage worked out from that earlier round's answers.",
    "from_score": "Stage moves: that earlier round's overall score, 1 to 4 (mean of area "
                  "scores), to 2 decimal places.",
    "to_round": "Stage moves: the next submitted round, in which the stage was different.",
    "to_date": "Stage moves: the date that later round opened.",
    "to_stage": "Stage moves: the stage worked out from that later round's answers.",
    "to_score": "Stage moves: that later round's overall score, 1 to 4 (mean of area scores), "
                "to 2 decimal places.",
    "direction": "Stage moves: Up if the later round's stage is higher, Down if lower.",
}


def benchmark_tables(view: BenchmarkView) -> dict[str, pd.DataFrame]:
    """Every table behind the page's charts, by sheet name."""
    tables = {"Collaboratives": view.rounds,
              "Area scores": view.area_scores.drop(columns="area_position"),
              "Stage moves": view.moved}
    if view.stage_shares is not None:
        tables["Stage shares"] = view.stage_shares
    if view.trends is not None:
        tables["Trends"] = view.trends.drop(columns="area_position")
    return tables


def benchmark_excel(view: BenchmarkView) -> bytes:
    """All the tables as one Excel workbook, with a first sheet that explains every column. No
    cell can run as a formula (see collab_assess.exchange.export_sheets)."""
    tables = benchmark_tables(view)
    columns = sorted({column for table in tables.values() for column in table.columns})
    notes = pd.DataFrame({"Column": columns,
                          "What it means": [COLUMN_NOTES.get(c, "") for c in columns]})
    return xlsx_bytes([Sheet("Read me", notes, wrap=True, filters=False),
                       *(Sheet(name, table) for name, table in tables.items())])


def table_csv(table: pd.DataFrame) -> bytes:
    """One table as CSV for Excel (UTF-8 with a byte-order mark); no cell can run as a formula."""
    return csv_bytes(table)
