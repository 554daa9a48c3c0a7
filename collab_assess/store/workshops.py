"""Facilitated workshops: their state, participants and votes (votes are answers of the round)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from collab_assess.errors import InputError, NotFoundError
from collab_assess.models import AnswerChange, RespondentInput, WorkshopInput
from collab_assess.resume_code import new_resume_code
from collab_assess.store.answers import AnswerRecords
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import require_open_round, require_statement
from collab_assess.store.database import utc_now
from collab_assess.store.records import Respondent
from collab_assess.workshop import (
    Move,
    Phase,
    Workshop,
    WorkshopStateError,
    ends_voting,
    new_join_code,
    next_state,
    normalise_join_code,
)

UNKNOWN_CODE = ("That code does not match a workshop that is running. Check it with the "
                "facilitator (it has six letters and numbers).")


class VotingClosedError(InputError):
    """A vote that arrived when voting on its statement was not open."""


def _workshop_state(workshop: Workshop, phase: Phase, position: int) -> dict:
    """A workshop's state as the audit log records it."""
    return {"phase": phase.value, "position": position,
            "statement_id": workshop.statement_ids[position]}


class WorkshopSessions(AnswerRecords):
    """Workshops, their participants and votes."""

    _WORKSHOP = """
        SELECT w.id, w.round_id, r.collaborative_id, w.join_code, w.title, w.position, w.phase,
            w.version,
            (SELECT list(s.statement_id ORDER BY s.position) FROM workshop_statements s
             WHERE s.workshop_id = w.id) AS statement_ids
        FROM workshops w JOIN rounds r ON r.id = w.round_id
    """

    @staticmethod
    def _workshop_from(row: tuple) -> Workshop:
        return Workshop(*row[:6], Phase(row[6]), row[7], tuple(row[8] or ()))

    def start_workshop(self, round_id: int, details: WorkshopInput) -> int:
        """Open a workshop on an open round over the chosen statements, in the bank's order."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            bank_version = require_open_round(cursor, round_id)
            for statement_id in details.statement_ids:
                require_statement(cursor, bank_version, statement_id)
            ordered = [row[0] for row in cursor.execute(
                "SELECT statement_id FROM bank_statements WHERE bank_version = ? "
                "AND statement_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY position",
                [bank_version, list(details.statement_ids)],
            ).fetchall()]
            code = self._unused_join_code(cursor)
            (workshop_id,) = cursor.execute(
                """
                INSERT INTO workshops (round_id, join_code, title, position, phase, version,
                    created_at, created_by, changed_at, changed_by)
                VALUES (?, ?, ?, 0, 'waiting', 1, ?, ?, ?, ?) RETURNING id
                """,
                [round_id, code, details.title, now, details.started_by, now, details.started_by],
            ).fetchone()
            cursor.executemany(
                "INSERT INTO workshop_statements VALUES (?, ?, ?)",
                [[workshop_id, position, sid] for position, sid in enumerate(ordered)],
            )
            cursor.execute("INSERT INTO workshop_events VALUES (?, 1, 0, 'waiting', ?, ?)",
                           [workshop_id, now, details.started_by])
            # The join code is left out: it lets anyone into the room while it runs.
            write_audit(cursor, actor=details.started_by, action="start", record_kind="workshop",
                        record_id=workshop_id, round_id=round_id,
                        after={"title": details.title, "statement_ids": ordered,
                               "phase": Phase.WAITING.value, "position": 0})
            return int(workshop_id)

        return self._write(work)

    @staticmethod
    def _unused_join_code(cursor: duckdb.DuckDBPyConnection) -> str:
        while True:
            code = new_join_code()
            if not cursor.execute("SELECT 1 FROM workshops WHERE join_code = ?", [code]).fetchone():
                return code

    def get_workshop(self, workshop_id: int) -> Workshop:
        row = self._one(self._WORKSHOP + " WHERE w.id = ?", [workshop_id])
        if row is None:
            raise NotFoundError(f"There is no workshop number {workshop_id}.")
        return self._workshop_from(row)

    def find_workshop(self, typed_code: str) -> Workshop:
        """The running workshop with this join code. A wrong or ended code gets the same message,
        which says nothing about any other workshop."""
        code = normalise_join_code(typed_code)
        row = self._one(self._WORKSHOP + " WHERE w.join_code = ? AND w.phase <> 'ended'",
                        [code]) if code else None
        if row is None:
            raise NotFoundError(UNKNOWN_CODE)
        return self._workshop_from(row)

    def workshops(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The workshops of these rounds, newest first, with how many people joined each."""
        return self._frame(
            """
            SELECT w.id, w.round_id, w.title, w.join_code, w.phase, w.created_at,
                (SELECT count(*) FROM workshop_participants p WHERE p.workshop_id = w.id)
                    AS participants,
                (SELECT count(*) FROM workshop_statements s WHERE s.workshop_id = w.id)
                    AS statements
            FROM workshops w WHERE w.round_id IN (SELECT unnest(?::INTEGER[]))
            ORDER BY w.id DESC
            """,
            [list(map(int, round_ids))],
        )

    def workshop_version(self, join_code: str) -> int | None:
        """How many changes a running workshop has had: what waiting phones poll, so one indexed
        look-up. None for a wrong or ended code."""
        row = self._one("SELECT version FROM workshops WHERE join_code = ? AND phase <> 'ended'",
                        [join_code])
        return int(row[0]) if row else None

    def move_workshop(self, workshop_id: int, expected_version: int, move: Move, moved_by: str,
                      position: int | None = None) -> Workshop:
        """The facilitator's step, in one transaction that first checks the workshop is still in
        the state the facilitator's screen showed (expected_version): a second facilitator tab
        acting on an old screen is refused rather than applied twice."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            row = cursor.execute(self._WORKSHOP + " WHERE w.id = ?", [workshop_id]).fetchone()
            if row is None:
                raise NotFoundError(f"There is no workshop number {workshop_id}.")
            current = self._workshop_from(row)
            if current.version != expected_version:
                raise WorkshopStateError(
                    "The workshop moved on since this screen was drawn (another facilitator "
                    "screen, perhaps). Nothing was changed; the screen now shows where it is.")
            phase, new_position = next_state(current, move, position)
            version = current.version + 1
            cursor.execute(
                "UPDATE workshops SET phase = ?, position = ?, version = ?, changed_at = ?, "
                "changed_by = ? WHERE id = ?",
                [phase.value, new_position, version, now, moved_by, workshop_id],
            )
            cursor.execute("INSERT INTO workshop_events VALUES (?, ?, ?, ?, ?, ?)",
                           [workshop_id, version, new_position, phase.value, now, moved_by])
            if ends_voting(current.phase, phase):
                cursor.execute("UPDATE workshop_participants SET ballot_gate = ballot_gate + 1 "
                               "WHERE workshop_id = ?", [workshop_id])
            write_audit(cursor, actor=moved_by, action=move.value.replace("_", " "),
                        record_kind="workshop", record_id=workshop_id, round_id=current.round_id,
                        before=_workshop_state(current, current.phase, current.position),
                        after=_workshop_state(current, phase, new_position))

        self._write(work)
        return self.get_workshop(workshop_id)

    def join_workshop(self, workshop_id: int, who: RespondentInput) -> Respondent:
        """A participant joins: they become a respondent of the workshop's round, with no name."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            row = cursor.execute("SELECT round_id, phase FROM workshops WHERE id = ?",
                                 [workshop_id]).fetchone()
            if row is None or row[1] == Phase.ENDED.value:
                raise NotFoundError(UNKNOWN_CODE)
            round_id = int(row[0])
            require_open_round(cursor, round_id)
            (respondent_id,) = cursor.execute(
                "INSERT INTO respondents (round_id, role, organisation, display_name, resume_code, "
                "created_at) VALUES (?, ?, '', '', ?, ?) RETURNING id",
                [round_id, who.role, new_resume_code(), now],
            ).fetchone()
            cursor.execute("INSERT INTO workshop_participants VALUES (?, ?, ?, 0)",
                           [respondent_id, workshop_id, now])
            # Recorded as their votes are; their resume code (their seat) is never logged.
            (number,) = cursor.execute(
                "SELECT count(*) FROM respondents WHERE round_id = ? AND id <= ?",
                [round_id, respondent_id]).fetchone()
            write_audit(cursor, actor=f"workshop participant {number}", action="join",
                        record_kind="respondent", record_id=respondent_id, round_id=round_id,
                        after={"role": who.role, "workshop_id": workshop_id})
            return int(respondent_id)

        return self.get_respondent(self._write(work))

    def participant_workshop(self, respondent_id: int) -> Workshop:
        row = self._one(
            self._WORKSHOP + " WHERE w.id = (SELECT workshop_id FROM workshop_participants "
            "WHERE respondent_id = ?)", [respondent_id])
        if row is None:
            raise NotFoundError("This code does not belong to a workshop participant.")
        return self._workshop_from(row)

    def cast_vote(self, workshop_id: int, respondent_id: int, statement_id: str,
                  vote: AnswerChange) -> int:
        """Save a participant's vote as their answer (source "workshop"), only while voting is open
        on that statement; otherwise VotingClosedError, and nothing is saved. A vote racing the
        close conflicts with it (both write the voter's row), so it is never silently counted."""

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            row = cursor.execute(self._WORKSHOP + " WHERE w.id = ?", [workshop_id]).fetchone()
            if row is None:
                raise NotFoundError(UNKNOWN_CODE)
            workshop = self._workshop_from(row)
            if workshop.phase != Phase.VOTING or workshop.statement_id != statement_id:
                raise VotingClosedError(
                    "Voting on this statement has closed, so this vote was not counted. Your "
                    "earlier vote, if you gave one, stands.")
            updated = cursor.execute(
                "UPDATE workshop_participants SET ballot_gate = ballot_gate + 1 "
                "WHERE respondent_id = ? AND workshop_id = ? RETURNING respondent_id",
                [respondent_id, workshop_id],
            ).fetchall()
            if not updated:
                raise NotFoundError("You are not taking part in this workshop.")
            saved = self._saved_answer(cursor, workshop.round_id, respondent_id, statement_id)
            answer = vote.applied_to(saved)
            return self._insert_answer(cursor, workshop.round_id, respondent_id, statement_id,
                                       answer, saved=saved, action="vote")

        return self._write(work)

    def workshop_tally_rows(self, workshop_id: int) -> pd.DataFrame:
        """One small query for the live view: per role, how many joined, and the votes on the
        statement on screen by choice (role, level, unscored, joined, votes)."""
        return self._frame(
            """
            WITH here AS (
                SELECT w.round_id, s.statement_id
                FROM workshops w JOIN workshop_statements s
                    ON s.workshop_id = w.id AND s.position = w.position
                WHERE w.id = ?
            ), people AS (
                SELECT p.respondent_id, r.role
                FROM workshop_participants p JOIN respondents r ON r.id = p.respondent_id
                WHERE p.workshop_id = ?
            )
            SELECT role, NULL::SMALLINT AS level, NULL::VARCHAR AS unscored, count(*) AS joined,
                0 AS votes
            FROM people GROUP BY role
            UNION ALL
            SELECT people.role, a.level, a.unscored, 0, count(*)
            FROM people
            JOIN here ON true
            JOIN answer_heads h ON h.respondent_id = people.respondent_id
                AND h.round_id = here.round_id AND h.statement_id = here.statement_id
            JOIN answers a ON a.id = h.answer_id
            GROUP BY people.role, a.level, a.unscored
            """,
            [workshop_id, workshop_id],
        )

    def workshop_votes(self, workshop_id: int) -> pd.DataFrame:
        """Every workshop statement's votes by choice (statement_id, level, unscored, votes)."""
        return self._frame(
            """
            SELECT a.statement_id, a.level, a.unscored, count(*) AS votes
            FROM workshop_participants p
            JOIN workshops w ON w.id = p.workshop_id
            JOIN workshop_statements s ON s.workshop_id = w.id
            JOIN answer_heads h ON h.respondent_id = p.respondent_id AND h.round_id = w.round_id
                AND h.statement_id = s.statement_id
            JOIN answers a ON a.id = h.answer_id
            WHERE p.workshop_id = ?
            GROUP BY ALL
            """,
            [workshop_id],
        )

    def participant_vote(self, workshop_id: int, respondent_id: int) -> pd.DataFrame:
        """The participant's own current answers to the workshop's statements."""
        return self._frame(
            """
            SELECT a.statement_id, a.level, a.unscored
            FROM workshops w JOIN workshop_statements s ON s.workshop_id = w.id
            JOIN answer_heads h ON h.round_id = w.round_id AND h.statement_id = s.statement_id
                AND h.respondent_id = ?
            JOIN answers a ON a.id = h.answer_id
            WHERE w.id = ?
            """,
            [respondent_id, workshop_id],
        )
