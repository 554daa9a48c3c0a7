"""Answers (append-only) and respondents' own view of the stage."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from collab_assess.store.audit import write_audit
from collab_assess.store.checks import (
    require_open_round,
    require_respondent_in_round,
    require_statement,
)
from collab_assess.store.database import Database, utc_now
from collab_assess.store.disclosure_sql import counted_answers_sql
from collab_assess.store.inputs import AnswerChange, AnswerInput, StageInput
from collab_assess.store.rows import one_row
from collab_assess.store.rules import checked_by_caller, own_rows


def saved_answer(
    cursor: duckdb.DuckDBPyConnection, round_id: int, respondent_id: int, statement_id: str
) -> dict | None:
    row = cursor.execute(
        """
        SELECT a.level, a.unscored, a.target_level, a.note
        FROM answer_heads h JOIN answers a ON a.id = h.answer_id
        WHERE h.round_id = ? AND h.respondent_id = ? AND h.statement_id = ?
        """,
        [round_id, respondent_id, statement_id],
    ).fetchone()
    if row is None:
        return None
    return dict(zip(("level", "unscored", "target_level", "note"), row, strict=True))

def insert_answer(
    cursor: duckdb.DuckDBPyConnection,
    round_id: int,
    respondent_id: int,
    statement_id: str,
    answer: AnswerInput,
    *,
    saved: dict | None,
    action: str | None = None,
    workshop_id: int | None = None,
) -> int:
    """Insert the answer as the current one, and its audit entry: `saved` is the answer it
    replaces (None for a first answer); `action` is "add" or "change" unless given;
    `workshop_id` names the workshop of a vote (it counts only once revealed there)."""
    bank_version = require_open_round(cursor, round_id)
    require_respondent_in_round(cursor, respondent_id, round_id)
    require_statement(cursor, bank_version, statement_id)
    (answer_id,) = one_row(
        cursor,
        """
        INSERT INTO answers (round_id, respondent_id, statement_id, level, unscored,
            target_level, note, recorded_at, recorded_by, source, workshop_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
        """,
        [
            round_id,
            respondent_id,
            statement_id,
            answer.level,
            answer.unscored.value if answer.unscored else None,
            answer.target_level,
            answer.note,
            utc_now(),
            answer.recorded_by,
            answer.source,
            workshop_id,
        ],
    )
    # Writing the head row makes two saves of one answer at once conflict, so the Store
    # retries the loser and the answer that commits last is the current one.
    cursor.execute(
        """
        INSERT INTO answer_heads VALUES (?, ?, ?, ?)
        ON CONFLICT (round_id, respondent_id, statement_id)
        DO UPDATE SET answer_id = excluded.answer_id
        """,
        [round_id, respondent_id, statement_id, answer_id],
    )
    which = {"statement_id": statement_id, "respondent_id": respondent_id}
    write_audit(
        cursor, actor=answer.recorded_by, action=action or ("change" if saved else "add"),
        record_kind="answer", record_id=answer_id, round_id=round_id,
        before=None if saved is None else which | saved,
        after=which | {"level": answer.level,
                       "unscored": answer.unscored.value if answer.unscored else None,
                       "target_level": answer.target_level, "note": answer.note,
                       "source": answer.source})
    return int(answer_id)


class AnswerRecords(Database):
    """Answers and self-described stages."""

    @checked_by_caller
    def record_answer(
        self, round_id: int, respondent_id: int, statement_id: str, answer: AnswerInput
    ) -> int:
        """Save a whole answer as a new row and make it the current one. Returns the answer's id.

        Once this returns, the answer is committed to disk."""

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            saved = saved_answer(cursor, round_id, respondent_id, statement_id)
            return insert_answer(cursor, round_id, respondent_id, statement_id, answer,
                                       saved=saved)

        return self._write(work)

    @checked_by_caller
    def change_answer(
        self, round_id: int, respondent_id: int, statement_id: str, change: AnswerChange
    ) -> int:
        """Save what the respondent changed (choice, target or note) on top of the answer as it is
        stored at this moment, as a new row. Fields the change does not name keep their stored
        values, so a page showing an out-of-date answer cannot put an old value back.

        Returns the new answer's id; once this returns, it is committed to disk."""

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            saved = saved_answer(cursor, round_id, respondent_id, statement_id)
            answer = change.applied_to(saved)
            return insert_answer(cursor, round_id, respondent_id, statement_id, answer,
                                       saved=saved)

        return self._write(work)

    @own_rows()
    def current_answers(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The answer of every respondent to every statement that counts now (the newest, but a
        workshop vote only once revealed: disclosure_sql.py), with the respondent's role,
        organisation and kind ('self' or 'seat')."""
        return self._frame(
            f"""
            WITH {counted_answers_sql("SELECT unnest(?::INTEGER[])")}
            SELECT a.id AS answer_id, a.round_id, a.respondent_id, a.statement_id, a.level,
                a.unscored, a.target_level, a.note, a.recorded_at, a.recorded_by, a.source,
                p.role, p.organisation, p.kind
            FROM counted_answers a JOIN respondents p ON p.id = a.respondent_id
            ORDER BY a.round_id, a.respondent_id, a.statement_id
            """,
            [list(map(int, round_ids))],
        )

    @checked_by_caller
    def own_answers(self, round_id: int, respondent_id: int) -> pd.DataFrame:
        """One person's newest answer to each statement they answered, as they last gave it (a
        workshop vote included before its reveal: it is their own). What the
        Self-assessment page draws for its respondent, read with one primary-key look-up instead
        of the whole round's answers."""
        return self._frame(
            """
            SELECT a.statement_id, a.level, a.unscored, a.target_level, a.note, a.recorded_at,
                a.source
            FROM answer_heads h JOIN answers a ON a.id = h.answer_id
            WHERE h.round_id = ? AND h.respondent_id = ?
            ORDER BY a.statement_id
            """,
            [round_id, respondent_id],
        )

    @checked_by_caller
    def answer_history(
        self, round_id: int, respondent_id: int | None = None, statement_id: str | None = None
    ) -> pd.DataFrame:
        """Every answer ever saved in the round (optionally for one respondent or statement),
        oldest first."""
        return self._frame(
            """
            SELECT * FROM answers
            WHERE round_id = ? AND (? IS NULL OR respondent_id = ?)
                AND (? IS NULL OR statement_id = ?)
            ORDER BY id
            """,
            [round_id, respondent_id, respondent_id, statement_id, statement_id],
        )

    # -- self-described stage --

    @checked_by_caller
    def record_self_described_stage(
        self, round_id: int, respondent_id: int, stage: StageInput
    ) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            require_open_round(cursor, round_id)
            require_respondent_in_round(cursor, respondent_id, round_id)
            earlier = cursor.execute(
                "SELECT stage FROM self_described_stages WHERE round_id = ? AND respondent_id = ? "
                "ORDER BY id DESC LIMIT 1", [round_id, respondent_id]).fetchone()
            (new_id,) = one_row(
                cursor,
                "INSERT INTO self_described_stages (round_id, respondent_id, stage, recorded_at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [round_id, respondent_id, stage.stage, utc_now(), stage.recorded_by],
            )
            which = {"respondent_id": respondent_id}
            write_audit(cursor, actor=stage.recorded_by, action="change" if earlier else "add",
                        record_kind="self-described stage", record_id=new_id, round_id=round_id,
                        before=None if earlier is None else which | {"stage": earlier[0]},
                        after=which | {"stage": stage.stage})
            return int(new_id)

        return self._write(work)

    @own_rows()
    def self_described_stages(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Each respondent's latest answer to "what stage is the collaborative at?"."""
        return self._frame(
            """
            SELECT round_id, respondent_id, stage, recorded_at FROM self_described_stages
            WHERE round_id IN (SELECT unnest(?::INTEGER[]))
            QUALIFY row_number() OVER (PARTITION BY round_id, respondent_id ORDER BY id DESC) = 1
            ORDER BY round_id, respondent_id
            """,
            [list(map(int, round_ids))],
        )
