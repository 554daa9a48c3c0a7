"""The Benchmark page's downloads, for an analyst who will pivot them: every table as CSV and all of
them in one Excel workbook, each stamped with what it holds (the filters, when it was made, the
threshold and how many collaboratives), with ids, the area's order and group, a stage beside every
score, real dates and number formats. No cell can run as a formula
(collab_assess.exchange.export_sheets)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from collab_assess.benchmark.view import BenchmarkView, period_label
from collab_assess.content.anonymity import min_peers
from collab_assess.exchange.export_sheets import Sheet, csv_bytes, xlsx_bytes
from collab_assess.store import RoundFilter


def filters_in_words(selection: RoundFilter) -> str:
    """The filters as a sentence for a download's stamp or a slide: "Region: London; ICS: any;
    ..."."""
    parts = [("Region", selection.regions), ("ICS", selection.icss),
             ("Type", selection.collaborative_types),
             ("Governance model", selection.governance_models),
             ("NHS financial year", tuple(period_label(p) for p in selection.periods))]
    return "; ".join(f"{name}: {', '.join(values) if values else 'any'}"
                     for name, values in parts)


@dataclass(frozen=True)
class Stamp:
    """What a download holds, written on it."""

    filters: str
    made_at: datetime
    collaboratives: int
    threshold: int
    scope: str | None = None
    """What the downloader's role covers (None: everything)."""

    def lines(self) -> list[tuple[str, str]]:
        lines = [
            ("Filters", self.filters + " (each collaborative on its latest submitted round)"),
            ("Made", f"{self.made_at:%Y-%m-%d %H:%M}"),
            ("Collaboratives selected", f"{self.collaboratives:,}"),
            ("Threshold", f"A figure that includes collaboratives the downloader's role does "
                          f"not show needs at least {self.threshold} of them; figures over "
                          "collaboratives named here are given whatever their number."),
        ]
        if self.scope:
            lines.append(("Role covers", self.scope))
        return lines

    def words(self) -> str:
        """One line for a slide."""
        return (f"{self.collaboratives:,} collaboratives · {self.filters} · made "
                f"{self.made_at:%Y-%m-%d}")

    def columns(self) -> dict[str, object]:
        """Columns that stamp every row of a CSV file, so a pivot keeps them."""
        return {"filters": self.filters, "made_at": self.made_at.replace(microsecond=0),
                "collaboratives_selected": self.collaboratives, "threshold": self.threshold}


def stamp_for(view_or_count: BenchmarkView | int, selection: RoundFilter, *,
              made_at: datetime | None = None, scope: str | None = None) -> Stamp:
    collaboratives = (view_or_count if isinstance(view_or_count, int)
                      else len(view_or_count.rounds))
    return Stamp(filters_in_words(selection), made_at or datetime.now(), collaboratives,
                 min_peers(), scope)


COLUMN_NOTES = {
    "collaborative_id": "collab-assess's own number for the collaborative: stays the same when "
                        "its name changes. (Provider collaboratives have no ODS code, so none "
                        "is given.)",
    "collaborative": "The collaborative's name.",
    "region": "Its NHS England region.",
    "icss": "The integrated care systems (ICSs) it works across, separated by '; '.",
    "collaborative_type": "The kind of providers it brings together.",
    "governance_model": "Its governance model.",
    "round_id": "collab-assess's own number for the assessment round.",
    "round_label": "The name of its latest submitted assessment round.",
    "opened_on": "The date that round opened.",
    "submitted_on": "The date that round was submitted (closed by its lead).",
    "period": "The NHS financial year (April to March) the round opened in.",
    "overall": "The round's overall score, 1 to 4 (the mean of its area scores), to 2 decimal "
               "places as every page shows it.",
    "stage": "The stage of the score beside it (Emerging 1.00-1.75, Developing to 2.50, Maturing "
             "to 3.25, Thriving to 4.00); a score on the line between two stages counts as the "
             "lower one.",
    "people_took_part": "How many people took part in that round (gave at least one answer "
                        "that counts), as its Results page says.",
    "self_described": "The stage its respondents said it is at (the middle answer).",
    "bank_version": "The question bank version the round asked.",
    "is_demo": "True for synthetic demo collaboratives (made-up data).",
    "area_order": "The area's place in the question bank (0 is the overall score), so a pivot "
                  "can keep the bank's order.",
    "area_id": "The area's id in the question bank (blank for the overall score).",
    "area": "One of the areas, or Overall (the mean of the area scores).",
    "area_group": "Whether the area is a core capability or an enabler (as the guidance groups "
                  "them).",
    "score": "The area's score, 1 to 4, on the statements every selected round asks, to 2 "
             "decimal places.",
    "group": "The region, ICS or selection the row summarises. A collaborative across several "
             "ICSs counts in each.",
    "collaboratives": "How many collaboratives the figure covers (its n).",
    "median": "The middle of the collaboratives' scores.",
    "q1": "The lower quartile: a quarter of the collaboratives score at or below it.",
    "q3": "The upper quartile: three quarters of the collaboratives score at or below it.",
    "lowest": "The lowest of the collaboratives' scores.",
    "highest": "The highest of the collaboratives' scores.",
    "measure": "Which stage: worked out from answers, or described by respondents.",
    "share": "Share of the selected collaboratives at that stage, by that measure.",
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

NUMBER_FORMATS = {
    **{column: "0.00" for column in ("overall", "score", "median", "q1", "q3", "lowest",
                                     "highest", "from_score", "to_score")},
    "share": "0%",
    **{column: "#,##0" for column in ("collaboratives", "people_took_part")},
}


def benchmark_tables(view: BenchmarkView) -> dict[str, pd.DataFrame]:
    """Every table behind the page, by sheet name, in the page's order."""
    references = [frame for frame in (view.england.figures, view.selected)
                  if frame is not None and not frame.empty]
    tables = {"Collaboratives": view.rounds,
              "Area scores": view.area_scores,
              "Selection and England": (pd.concat(references, ignore_index=True) if references
                                        else view.selected),
              "By region": view.regions,
              "By ICS": view.icss,
              "Stage shares": view.stage_shares,
              "Trends": view.trends,
              "Stage moves": view.moved}
    return tables


def read_me(stamp: Stamp, columns: list[str]) -> pd.DataFrame:
    lines = [*stamp.lines(), *((column, COLUMN_NOTES.get(column, "")) for column in columns)]
    return pd.DataFrame(lines, columns=["Item", "What it means"])


def benchmark_excel(view: BenchmarkView, stamp: Stamp | None = None) -> bytes:
    """All the tables as one Excel workbook, with a first sheet that says what it holds (the
    stamp) and explains every column."""
    stamp = stamp or stamp_for(view, view.core.selection)
    tables = benchmark_tables(view)
    columns = sorted({column for table in tables.values() for column in table.columns})
    sheets = [Sheet("Read me", read_me(stamp, columns), wrap=True, filters=False,
                    widths={"Item": 26, "What it means": 100})]
    sheets += [Sheet(name, table, number_formats={c: f for c, f in NUMBER_FORMATS.items()
                                                  if c in table.columns})
               for name, table in tables.items()]
    return xlsx_bytes(sheets)


def table_csv(table: pd.DataFrame, stamp: Stamp | None = None) -> bytes:
    """One table as CSV for Excel (UTF-8 with a byte-order mark); no cell can run as a formula.
    With a stamp, every row also says what the download holds (filters, made_at,
    collaboratives_selected, threshold)."""
    if stamp is not None:
        table = table.assign(**stamp.columns())
    return csv_bytes(table)
