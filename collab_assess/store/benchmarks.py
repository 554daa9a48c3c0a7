"""Reads of the scores kept for submitted rounds: peer figures and regional benchmarks.

Everything here reads kept_*_scores (worked out once, when a round is submitted) and aggregates in
DuckDB, so a benchmark over thousands of collaboratives never touches the answers table and an
answer saved in an open round changes nothing here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import pandas as pd

from collab_assess.store.database import Database
from collab_assess.store.rules import across_collaboratives, checked_by_caller, open_to_all


@dataclass(frozen=True)
class RoundFilter:
    """Which submitted rounds count: by the collaborative's profile and the period (NHS financial
    year, by its starting year). An empty tuple means no filter on that field."""

    regions: tuple[str, ...] = ()
    icss: tuple[str, ...] = ()
    collaborative_types: tuple[str, ...] = ()
    governance_models: tuple[str, ...] = ()
    periods: tuple[int, ...] = ()
    exclude_collaborative_id: int | None = None
    only_collaborative_ids: tuple[int, ...] = field(default=())

    def params(self) -> list:
        return [list(self.regions), list(self.icss), list(self.collaborative_types),
                list(self.governance_models), [int(p) for p in self.periods],
                self.exclude_collaborative_id, [int(c) for c in self.only_collaborative_ids]]


# The submitted rounds a filter selects, with their collaborative's profile. The filter's fields are
# parameters ($1 to $7, see RoundFilter.params); an empty list leaves that field unfiltered.
_FILTERED_ROUNDS = """
    SELECT k.round_id, k.collaborative_id, k.bank_version, k.opens_on, k.period_start,
        k.overall, k.stage, k.self_described, k.respondents,
        c.name AS collaborative, c.region, c.icss, c.collaborative_type, c.governance_model,
        c.is_demo, r.label AS round_label, r.closed_at AS submitted_at
    FROM kept_round_scores k
    JOIN collaboratives c ON c.id = k.collaborative_id
    JOIN rounds r ON r.id = k.round_id
    WHERE (len($1::VARCHAR[]) = 0 OR list_contains($1::VARCHAR[], c.region))
      AND (len($2::VARCHAR[]) = 0 OR list_has_any(c.icss, $2::VARCHAR[]))
      AND (len($3::VARCHAR[]) = 0 OR list_contains($3::VARCHAR[], c.collaborative_type))
      AND (len($4::VARCHAR[]) = 0 OR list_contains($4::VARCHAR[], c.governance_model))
      AND (len($5::INTEGER[]) = 0 OR list_contains($5::INTEGER[], k.period_start))
      AND ($6::INTEGER IS NULL OR k.collaborative_id <> $6::INTEGER)
      AND (len($7::INTEGER[]) = 0 OR list_contains($7::INTEGER[], k.collaborative_id))
"""

def _area_scores_sql(chosen: str, *, by_statement: bool) -> str:
    """SQL for the area scores (round_id, area_id, score) of the rounds in the CTE named `chosen`
    (fixed text, never input): their kept area scores; or, by_statement, worked out again from
    their kept statement scores on the statements in $9, grouped into areas as bank version $8
    does. Both forms name $8 and $9, so they take the same parameters."""
    if not by_statement:
        return f"""
            SELECT a.round_id, a.area_id, a.score FROM kept_area_scores a
            WHERE a.round_id IN (SELECT round_id FROM {chosen}) AND a.score IS NOT NULL
                AND $8 IS NOT NULL AND $9 IS NOT NULL
        """
    return f"""
        SELECT k.round_id, s.area_id, avg(k.score) AS score
        FROM kept_statement_scores k
        JOIN bank_statements s ON s.statement_id = k.statement_id AND s.bank_version = $8
        WHERE k.round_id IN (SELECT round_id FROM {chosen})
          AND k.statement_id IN (SELECT unnest($9::VARCHAR[]))
          AND k.score IS NOT NULL
        GROUP BY k.round_id, s.area_id
    """


SUMMARY_GROUPS = {
    "all": "'all'",
    "region": "coalesce(latest.region, '')",
    "ics": "unnest(CASE WHEN len(latest.icss) = 0 THEN [''] ELSE latest.icss END)",
}
"""How BenchmarkQueries.area_summary groups collaboratives: fixed SQL, never input."""


@dataclass(frozen=True)
class EnglandSummary:
    """The England row beside a selection (BenchmarkQueries.england_summary)."""

    figures: pd.DataFrame | None
    """As area_summary, one group ('all'); None when hidden."""
    collaboratives: int
    as_of: date | None
    """The day of the peer snapshot it comes from; None: live figures."""
    why_hidden: str | None


_LATEST_PER_COLLABORATIVE = """
    QUALIFY row_number() OVER (PARTITION BY k.collaborative_id
                               ORDER BY k.opens_on DESC, k.round_id DESC) = 1
"""


class BenchmarkQueries(Database):
    """Kept scores of submitted rounds, and the aggregates built on them."""

    @checked_by_caller
    def kept_scores(self, round_id: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """A round's kept statement, area and round scores (empty while it is not submitted)."""
        return (
            self._frame("SELECT * FROM kept_statement_scores WHERE round_id = ?", [round_id]),
            self._frame("SELECT * FROM kept_area_scores WHERE round_id = ?", [round_id]),
            self._frame("SELECT * FROM kept_round_scores WHERE round_id = ?", [round_id]),
        )

    @open_to_all
    def kept_version(self) -> tuple[int, str]:
        """Changes only when a round is submitted or reopened: the cache key for peer figures."""
        row = self._row(
            "SELECT count(*), coalesce(max(kept_at)::VARCHAR, '') FROM kept_round_scores")
        return int(row[0]), str(row[1])

    @across_collaboratives
    def submitted_rounds(self, selection: RoundFilter, *, latest_only: bool) -> pd.DataFrame:
        """The submitted rounds the filter selects (each collaborative's latest one only, if
        latest_only), ordered by collaborative name then date."""
        sql = _FILTERED_ROUNDS + (_LATEST_PER_COLLABORATIVE if latest_only else "")
        return self._frame(f"SELECT * FROM ({sql}) ORDER BY lower(collaborative), opens_on",
                           selection.params())

    @open_to_all
    def statements_shared(self, bank_versions: Sequence[int]) -> list[str]:
        """The statement ids every one of these bank versions asks."""
        versions = sorted({int(v) for v in bank_versions})
        rows = self._frame(
            """
            SELECT statement_id FROM bank_statements
            WHERE bank_version IN (SELECT unnest(?::INTEGER[]))
            GROUP BY statement_id HAVING count(DISTINCT bank_version) = ?
            """,
            [versions, len(versions)],
        )
        return rows["statement_id"].tolist()

    @across_collaboratives
    def area_scores_over(self, selection: RoundFilter, statement_ids: Sequence[str] | None,
                         area_bank_version: int) -> pd.DataFrame:
        """The area scores of each collaborative's latest submitted round the filter selects.
        With statement_ids, worked out from the kept statement scores on those statements only,
        grouped into areas as bank version `area_bank_version` does: how rounds on different
        bank versions are compared on what they share. Without, the kept area scores as they
        are (every round asks the same bank). Columns: round_id, collaborative_id, collaborative,
        region, area_id, score, statements_scored, overall (the mean of the round's area scores
        here: its overall score on these statements). Ordered by name, never by score."""
        latest = _FILTERED_ROUNDS + _LATEST_PER_COLLABORATIVE
        if statement_ids is None:
            return self._frame(
                f"""
                WITH latest AS ({latest})
                SELECT a.round_id, latest.collaborative_id, latest.collaborative, latest.region,
                    a.area_id, a.score, a.statements_scored,
                    avg(a.score) OVER (PARTITION BY a.round_id) AS overall
                FROM kept_area_scores a JOIN latest ON latest.round_id = a.round_id
                WHERE a.score IS NOT NULL
                ORDER BY lower(latest.collaborative), latest.collaborative_id, a.area_id
                """, selection.params())
        return self._frame(
            f"""
            WITH latest AS ({latest})
            SELECT k.round_id, any_value(latest.collaborative_id) AS collaborative_id,
                any_value(latest.collaborative) AS collaborative,
                any_value(latest.region) AS region, s.area_id, avg(k.score) AS score,
                count(k.score) AS statements_scored,
                avg(avg(k.score)) OVER (PARTITION BY k.round_id) AS overall
            FROM kept_statement_scores k
            JOIN latest ON latest.round_id = k.round_id
            JOIN bank_statements s ON s.statement_id = k.statement_id AND s.bank_version = $8
            WHERE k.statement_id IN (SELECT unnest($9::VARCHAR[])) AND k.score IS NOT NULL
            GROUP BY k.round_id, s.area_id
            ORDER BY lower(any_value(latest.collaborative)), any_value(latest.collaborative_id),
                s.area_id
            """,
            [*selection.params(), int(area_bank_version), list(statement_ids)],
        )

    @across_collaboratives
    def stage_counts(self, selection: RoundFilter) -> pd.DataFrame:
        """How many of the selected collaboratives' latest submitted rounds sit at each stage, by
        this tool's scores ("computed") and by how their respondents described it
        ("self-described"). Columns: measure, stage, collaboratives."""
        latest = _FILTERED_ROUNDS + _LATEST_PER_COLLABORATIVE
        return self._frame(
            f"""
            WITH latest AS ({latest})
            SELECT 'computed' AS measure, stage, count(*) AS collaboratives
            FROM latest WHERE stage IS NOT NULL GROUP BY stage
            UNION ALL
            SELECT 'self-described', self_described, count(*)
            FROM latest WHERE self_described IS NOT NULL GROUP BY self_described
            ORDER BY measure, stage
            """, selection.params())

    @across_collaboratives
    def area_summary(self, selection: RoundFilter, statement_ids: Sequence[str] | None,
                     area_bank_version: int, by: str) -> pd.DataFrame:
        """The selected collaboratives' latest submitted rounds summarised per group (`by`: "all",
        "region" or "ics", a key of SUMMARY_GROUPS) and area: how many collaboratives, and the
        median, quartiles, lowest and highest of their area scores (as area_scores_over works
        them out); area_id NULL is their overall score (the mean of their area scores). A
        collaborative across several ICSs counts in each; with ICSs chosen, only those ICSs are
        groups. A group of '' is a region or ICS not given. Columns: group, area_id,
        collaboratives, median, q1, q3, lowest, highest."""
        group = SUMMARY_GROUPS[by]
        areas = _area_scores_sql("latest", by_statement=statement_ids is not None)
        only_chosen = ("AND (len($2::VARCHAR[]) = 0 OR list_contains($2::VARCHAR[], g.grp))"
                       if by == "ics" else "")
        return self._frame(
            f"""
            WITH latest AS ({_FILTERED_ROUNDS} {_LATEST_PER_COLLABORATIVE}),
            areas AS ({areas}),
            scored AS (
                SELECT round_id, area_id, score FROM areas
                UNION ALL
                SELECT round_id, NULL, avg(score) FROM areas GROUP BY round_id
            ), grouped AS (SELECT round_id, {group} AS grp FROM latest)
            SELECT g.grp AS "group", s.area_id, count(*) AS collaboratives,
                median(s.score) AS median, quantile_cont(s.score, 0.25) AS q1,
                quantile_cont(s.score, 0.75) AS q3, min(s.score) AS lowest,
                max(s.score) AS highest
            FROM grouped g JOIN scored s ON s.round_id = g.round_id
            WHERE true {only_chosen}
            GROUP BY g.grp, s.area_id ORDER BY g.grp, s.area_id NULLS FIRST
            """,
            [*selection.params(), int(area_bank_version), list(statement_ids or [])])

    @checked_by_caller
    def england_summary(self, selection: RoundFilter, statement_ids: Sequence[str] | None,
                        area_bank_version: int, *, today: date | None = None) -> EnglandSummary:
        """England beside the selection: area_summary of every collaborative the selection's type,
        governance model and period filters keep, whatever its region or ICS, as they stand now.
        (For a caller who may not read every collaborative, the ScopedStore answers from the
        day's peer snapshot instead, and only when enough collaboratives they cannot see are in
        it: access/scoped_store.py.)"""
        everywhere = replace(selection, regions=(), icss=(), only_collaborative_ids=(),
                             exclude_collaborative_id=None)
        figures = self.area_summary(everywhere, statement_ids, area_bank_version, "all")
        overall = figures[figures["area_id"].isna()]
        count = int(overall["collaboratives"].iloc[0]) if len(overall) else 0
        return EnglandSummary(figures, count, as_of=None, why_hidden=None)

    @across_collaboratives
    def area_trends(self, selection: RoundFilter, statement_ids: Sequence[str] | None,
                    area_bank_version: int) -> pd.DataFrame:
        """Per period and area: how many collaboratives submitted a round in that period and
        the median of their area scores (each collaborative's latest round in the period, on the
        given statements; statement_ids None: the kept area scores, all rounds asking one bank).
        Columns: period_start, area_id, collaboratives, median."""
        params = [*selection.params(), int(area_bank_version), list(statement_ids or [])]
        areas = _area_scores_sql("picked", by_statement=statement_ids is not None)
        return self._frame(
            f"""
            WITH picked AS (
                {_FILTERED_ROUNDS}
                QUALIFY row_number() OVER (PARTITION BY k.collaborative_id, k.period_start
                                           ORDER BY k.opens_on DESC, k.round_id DESC) = 1
            ), areas AS ({areas})
            SELECT p.period_start, a.area_id, count(*) AS collaboratives, median(a.score) AS median
            FROM picked p JOIN areas a ON a.round_id = p.round_id
            GROUP BY p.period_start, a.area_id ORDER BY p.period_start, a.area_id
            """, params)

    @across_collaboratives
    def stage_moves(self, selection: RoundFilter) -> pd.DataFrame:
        """Every change of stage between one submitted round and the next of the same
        collaborative, among the rounds the filter selects (with periods: consecutive rounds
        within those years). Rounds not scored (no stage) are skipped, so a move compares two
        scored rounds with none scored between them. Ordered by collaborative name then the date
        of the later round, never by score. Columns: collaborative_id, collaborative, region,
        from_round, from_date, from_stage, from_score, to_round, to_date, to_stage, to_score,
        direction ('up' or 'down')."""
        return self._frame(
            f"""
            WITH scored AS (
                SELECT * FROM ({_FILTERED_ROUNDS}) WHERE stage IS NOT NULL
            ), paired AS (
                SELECT collaborative_id, collaborative, region, round_id,
                    lag(round_label) OVER w AS from_round, lag(opens_on) OVER w AS from_date,
                    lag(stage) OVER w AS from_stage, lag(overall) OVER w AS from_score,
                    round_label AS to_round, opens_on AS to_date, stage AS to_stage,
                    overall AS to_score
                FROM scored
                WINDOW w AS (PARTITION BY collaborative_id ORDER BY opens_on, round_id)
            )
            SELECT collaborative_id, collaborative, region, from_round, from_date,
                from_stage::INTEGER AS from_stage, from_score::DOUBLE AS from_score,
                to_round, to_date, to_stage::INTEGER AS to_stage, to_score::DOUBLE AS to_score,
                CASE WHEN to_stage > from_stage THEN 'up' ELSE 'down' END AS direction
            FROM paired
            WHERE from_stage IS NOT NULL AND to_stage <> from_stage
            ORDER BY lower(collaborative), collaborative_id, to_date, round_id
            """, selection.params())

    @checked_by_caller
    def benchmark_choices(self) -> pd.DataFrame:
        """The profile values and periods that submitted rounds have, for the page's filters
        (with each collaborative's id, so a caller's choices can be limited to its scope)."""
        return self._frame(
            """
            SELECT DISTINCT k.collaborative_id, c.region, c.collaborative_type,
                c.governance_model, k.period_start, c.icss
            FROM kept_round_scores k JOIN collaboratives c ON c.id = k.collaborative_id
            """
        )
