"""Consensus levels and actions agreed in workshops."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from collab_assess.errors import NotFoundError
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import (
    require_open_round,
    require_round,
    require_statement,
)
from collab_assess.store.database import Database, utc_now
from collab_assess.store.inputs import ActionInput, ActionStatusInput, ConsensusInput
from collab_assess.store.rows import one_row
from collab_assess.store.rules import Access, for_record, for_round, for_rounds


class WorkshopRecords(Database):
    """Consensus records and actions."""

    @for_round(Access.FACILITATE, staff_input=True)
    def record_consensus(self, round_id: int, statement_id: str, consensus: ConsensusInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            bank_version = require_open_round(cursor, round_id)
            require_statement(cursor, bank_version, statement_id)
            earlier = cursor.execute(
                "SELECT level, rationale FROM consensus_records WHERE round_id = ? "
                "AND statement_id = ? ORDER BY id DESC LIMIT 1", [round_id, statement_id],
            ).fetchone()
            (new_id,) = one_row(
                cursor,
                "INSERT INTO consensus_records (round_id, statement_id, level, rationale, "
                "recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    round_id,
                    statement_id,
                    consensus.level,
                    consensus.rationale,
                    utc_now(),
                    consensus.recorded_by,
                ],
            )
            which = {"statement_id": statement_id}
            write_audit(
                cursor, actor=consensus.recorded_by, action="change" if earlier else "add",
                record_kind="consensus", record_id=new_id, round_id=round_id,
                before=None if earlier is None else which | dict(zip(("level", "rationale"),
                                                                      earlier, strict=True)),
                after=which | {"level": consensus.level, "rationale": consensus.rationale})
            return int(new_id)

        return self._write(work)

    @for_rounds(Access.READ)
    def current_consensus(self, round_ids: Sequence[int]) -> pd.DataFrame:
        return self._frame(
            """
            SELECT round_id, statement_id, level, rationale, recorded_at, recorded_by
            FROM consensus_records WHERE round_id IN (SELECT unnest(?::INTEGER[]))
            QUALIFY row_number() OVER (PARTITION BY round_id, statement_id ORDER BY id DESC) = 1
            """,
            [list(map(int, round_ids))],
        )

    @for_round(Access.FACILITATE, staff_input=True)
    def add_action(self, round_id: int, action: ActionInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            require_round(cursor, round_id)
            (new_id,) = one_row(
                cursor,
                "INSERT INTO actions (round_id, statement_id, area_id, description, owner, due_on, "
                "status, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?, 'open', ?, ?) "
                "RETURNING id",
                [
                    round_id,
                    action.statement_id,
                    action.area_id,
                    action.description,
                    action.owner,
                    action.due_on,
                    utc_now(),
                    action.recorded_by,
                ],
            )
            write_audit(cursor, actor=action.recorded_by, action="add", record_kind="action",
                        record_id=new_id, round_id=round_id,
                        after={"description": action.description, "owner": action.owner,
                               "due_on": action.due_on, "statement_id": action.statement_id,
                               "area_id": action.area_id, "status": "open"})
            return int(new_id)

        return self._write(work)

    @for_round(Access.READ)
    def actions(self, round_id: int) -> pd.DataFrame:
        return self._frame("SELECT * FROM actions WHERE round_id = ? ORDER BY id", [round_id])

    @for_record("action", Access.FACILITATE, staff_input=True)
    def update_action_status(self, action_id: int, change: ActionStatusInput) -> None:
        """Change an action's status; every earlier status stays in action_updates."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            stored = cursor.execute("SELECT round_id, status FROM actions WHERE id = ?",
                                    [action_id]).fetchone()
            if stored is None:
                raise NotFoundError(f"There is no action number {action_id}.")
            cursor.execute("UPDATE actions SET status = ? WHERE id = ?", [change.status, action_id])
            cursor.execute("INSERT INTO action_updates VALUES (?, ?, ?, ?)",
                           [action_id, change.status, now, change.changed_by])
            round_id, was = stored
            write_audit(cursor, actor=change.changed_by, action="change", record_kind="action",
                        record_id=action_id, round_id=round_id, before={"status": was},
                        after={"status": change.status})

        self._write(work)

    @for_record("action", Access.READ)
    def action_history(self, action_id: int) -> pd.DataFrame:
        return self._frame("SELECT * FROM action_updates WHERE action_id = ? ORDER BY changed_at",
                           [action_id])
