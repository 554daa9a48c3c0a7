"""Peers as of a day: a copy, taken at most once a day, of every collaborative's profile and of the
kept scores of its latest submitted round. Peer figures (benchmark.peer_comparison) read only this
copy, so they change at most once a day: comparing figures before and after one change (a profile
edited to narrow the peer group, a peer joining it) takes a day per try (anonymity.py says why).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import duckdb
import pandas as pd

from collab_assess.store.database import Database, utc_now
from collab_assess.store.kept_scores_sql import stage_case
from collab_assess.store.rows import one_row
from collab_assess.store.rules import admin_only

PEER_GROUP_FIELDS = {"all": None, "type": "collaborative_type", "region": "region",
                     "model": "governance_model"}
"""benchmark.PeerGroup's values and the profile field each compares (None: everyone)."""

# The peers of collaborative $2 in snapshot $1, in group $3 (a PEER_GROUP_FIELDS key): others
# with a submitted round whose profile field matches this collaborative's, as both stood that day.
_PEERS = """
    me AS (
        SELECT * FROM peer_snapshot_collaboratives WHERE taken_on = $1 AND collaborative_id = $2
    ), peers AS (
        SELECT p.round_id, p.bank_version, p.is_demo
        FROM peer_snapshot_collaboratives p, me
        WHERE p.taken_on = $1 AND p.collaborative_id <> $2 AND p.round_id IS NOT NULL
          AND CASE $3::VARCHAR
                WHEN 'all' THEN true
                WHEN 'type' THEN p.collaborative_type = me.collaborative_type
                WHEN 'region' THEN p.region = me.region
                WHEN 'model' THEN p.governance_model = me.governance_model
              END
    )
"""


class PeerSnapshots(Database):
    """The daily copy behind every peer figure."""

    @admin_only
    def peer_snapshot_on(self, today: date) -> date:
        """The day of the snapshot peer figures use today: today's, taken now if there is none
        yet (the first peer figure of the day takes it), replacing the one before."""

        def work(cursor: duckdb.DuckDBPyConnection) -> date:
            (newest,) = one_row(cursor, "SELECT max(taken_on) FROM peer_snapshots")
            if newest is not None and newest >= today:
                return newest
            for table in ("peer_snapshot_statement_scores", "peer_snapshot_area_scores",
                          "peer_snapshot_collaboratives", "peer_snapshots"):
                cursor.execute(f"DELETE FROM {table}")
            cursor.execute("INSERT INTO peer_snapshots VALUES (?, ?)", [today, utc_now()])
            cursor.execute(
                """
                INSERT INTO peer_snapshot_collaboratives
                WITH latest AS (
                    SELECT * FROM kept_round_scores
                    QUALIFY row_number() OVER (PARTITION BY collaborative_id
                                               ORDER BY opens_on DESC, round_id DESC) = 1
                )
                SELECT ?, c.id, c.region, c.icss, c.collaborative_type, c.governance_model,
                    c.is_demo, latest.round_id, latest.bank_version, latest.overall
                FROM collaboratives c LEFT JOIN latest ON latest.collaborative_id = c.id
                """, [today])
            for kept, key in (("kept_area_scores", "area_id"),
                              ("kept_statement_scores", "statement_id")):
                snapshot = kept.replace("kept_", "peer_snapshot_")
                cursor.execute(
                    f"""
                    INSERT INTO {snapshot}
                    SELECT ?, k.round_id, k.{key}, k.score FROM {kept} k
                    WHERE k.score IS NOT NULL AND k.round_id IN (
                        SELECT round_id FROM peer_snapshot_collaboratives WHERE taken_on = ?)
                    """, [today, today])
            return today

        return self._write(work)

    @admin_only
    def snapshot_profile(self, taken_on: date, collaborative_id: int) -> dict | None:
        """A collaborative's profile as the snapshot holds it (None: it is newer than the
        snapshot)."""
        row = self._one(
            "SELECT region, collaborative_type, governance_model FROM "
            "peer_snapshot_collaboratives WHERE taken_on = ? AND collaborative_id = ?",
            [taken_on, collaborative_id])
        if row is None:
            return None
        return dict(zip(("region", "collaborative_type", "governance_model"), row, strict=True))

    @admin_only
    def snapshot_peers(self, taken_on: date, collaborative_id: int, group: str) -> pd.DataFrame:
        """How many peers the group has that day, and their bank versions: round_id,
        bank_version, is_demo (no names, no scores)."""
        return self._frame(f"WITH {_PEERS} SELECT * FROM peers ORDER BY round_id",
                           [taken_on, collaborative_id, group])

    @admin_only
    def snapshot_peer_aggregates(self, taken_on: date, collaborative_id: int, group: str,
                                 statement_ids: Sequence[str] | None, area_bank_version: int,
                                 early_stages: Sequence[int]) -> tuple[pd.DataFrame, dict]:
        """The peers' aggregates that day: per area, how many peers and the median and quartiles
        of their area scores; overall, how many peers (and synthetic ones), the share at an early
        stage and the median and quartiles of their overall scores. With statement_ids, every
        peer's areas are worked out on those statements only, grouped as bank version
        area_bank_version groups them (peers on other bank versions); without, their kept area
        scores as they are."""
        if statement_ids is None:
            areas = """
                SELECT a.round_id, a.area_id, a.score FROM peer_snapshot_area_scores a
                WHERE a.taken_on = $1 AND a.round_id IN (SELECT round_id FROM peers)
                    AND $4 IS NOT NULL AND $5 IS NOT NULL
            """
        else:
            areas = """
                SELECT k.round_id, s.area_id, avg(k.score) AS score
                FROM peer_snapshot_statement_scores k
                JOIN bank_statements s ON s.statement_id = k.statement_id AND s.bank_version = $4
                WHERE k.taken_on = $1 AND k.round_id IN (SELECT round_id FROM peers)
                  AND k.statement_id IN (SELECT unnest($5::VARCHAR[]))
                GROUP BY k.round_id, s.area_id
            """
        common = f"WITH {_PEERS}, areas AS ({areas})"
        params = [taken_on, collaborative_id, group, int(area_bank_version),
                  list(statement_ids or [])]
        per_area = self._frame(
            common + """
            SELECT area_id, count(*) AS peers, median(score) AS peer_median,
                quantile_cont(score, 0.25) AS peer_q1, quantile_cont(score, 0.75) AS peer_q3
            FROM areas GROUP BY area_id ORDER BY area_id
            """, params)
        overall = self._frame(
            common + f"""
            , overall AS (
                SELECT p.round_id, p.is_demo, avg(a.score) AS score
                FROM peers p LEFT JOIN areas a ON a.round_id = p.round_id
                GROUP BY p.round_id, p.is_demo
            ), staged AS (SELECT *, {stage_case("score")} AS stage FROM overall)
            SELECT count(*) AS peers, count(*) FILTER (WHERE is_demo) AS synthetic,
                avg((stage IN (SELECT unnest($6::INTEGER[])))::INTEGER)
                    FILTER (WHERE stage IS NOT NULL) AS early_share,
                median(score) AS overall_median, quantile_cont(score, 0.25) AS overall_q1,
                quantile_cont(score, 0.75) AS overall_q3
            FROM staged
            """, [*params, [int(stage) for stage in early_stages]]).iloc[0].to_dict()
        return per_area, overall

    @admin_only
    def snapshot_area_summary(self, taken_on: date, collaborative_types: Sequence[str],
                              governance_models: Sequence[str], statement_ids: Sequence[str],
                              area_bank_version: int,
                              visible_ids: Sequence[int]) -> tuple[pd.DataFrame, int, int]:
        """England that day, for a caller who may read only some collaboratives: every
        collaborative with a submitted round in the snapshot (of these types and governance
        models, when given), summarised as BenchmarkQueries.area_summary does with one group,
        'all': per area (area_id NULL: overall) how many, and the median, quartiles, lowest and
        highest of their area scores, each worked out on `statement_ids` and grouped into areas
        as bank version area_bank_version groups them. Also how many collaboratives it covers,
        and how many of them are not in `visible_ids` (the ones the caller cannot see)."""
        chosen = """
            chosen AS (
                SELECT round_id, collaborative_id FROM peer_snapshot_collaboratives
                WHERE taken_on = $1 AND round_id IS NOT NULL
                  AND (len($2::VARCHAR[]) = 0 OR list_contains($2::VARCHAR[], collaborative_type))
                  AND (len($3::VARCHAR[]) = 0 OR list_contains($3::VARCHAR[], governance_model))
            )
        """
        params = [taken_on, list(collaborative_types), list(governance_models),
                  int(area_bank_version), list(statement_ids)]
        figures = self._frame(
            f"""
            WITH {chosen}, areas AS (
                SELECT k.round_id, s.area_id, avg(k.score) AS score
                FROM peer_snapshot_statement_scores k
                JOIN bank_statements s ON s.statement_id = k.statement_id AND s.bank_version = $4
                WHERE k.taken_on = $1 AND k.round_id IN (SELECT round_id FROM chosen)
                  AND k.statement_id IN (SELECT unnest($5::VARCHAR[]))
                GROUP BY k.round_id, s.area_id
            ), scored AS (
                SELECT round_id, area_id, score FROM areas
                UNION ALL
                SELECT round_id, NULL, avg(score) FROM areas GROUP BY round_id
            )
            SELECT 'all' AS "group", area_id, count(*) AS collaboratives,
                median(score) AS median, quantile_cont(score, 0.25) AS q1,
                quantile_cont(score, 0.75) AS q3, min(score) AS lowest, max(score) AS highest
            FROM scored GROUP BY area_id ORDER BY area_id NULLS FIRST
            """, params)
        counts = self._row(
            f"""
            WITH {chosen}
            SELECT count(*), count(*) FILTER (
                WHERE NOT list_contains($4::INTEGER[], collaborative_id)) FROM chosen
            """, [*params[:3], [int(i) for i in visible_ids]])
        return figures, int(counts[0]), int(counts[1])
