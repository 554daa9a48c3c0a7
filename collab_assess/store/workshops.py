"""Facilitated workshops: their state, participants and votes (votes are answers of the round)."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from collab_assess.content.codes import new_resume_code, normalise_resume_code
from collab_assess.content.workshop_phases import (
    Move,
    Phase,
    Workshop,
    WorkshopStateError,
    ends_voting,
    new_join_code,
    next_state,
    normalise_join_code,
)
from collab_assess.errors import InputError, NotFoundError
from collab_assess.store.answers import insert_answer, saved_answer
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import require_open_round, require_statement
from collab_assess.store.database import Database, utc_now
from collab_assess.store.disclosure_sql import record_reveal
from collab_assess.store.inputs import AnswerChange, RespondentInput, WorkshopInput
from collab_assess.store.records import Respondent, respondent_by_id
from collab_assess.store.rows import one_row
from collab_assess.store.rules import (
    Access,
    checked_by_caller,
    for_round,
    for_rounds,
    for_workshop,
    open_to_all,
)

SEATS_KNOWN = 20_000
"""Seats remembered by the workshop address (Store.workshop_version); then it starts afresh."""
SEAT_ELSEWHERE = ("That resume code belongs to another round, so it cannot be used in this "
                  "workshop. Join without it: your votes will still count, anonymously.")
UNKNOWN_CODE = ("That code does not match a workshop that is running. Check it with the "
                "facilitator (it has six letters and numbers).")


class VotingClosedError(InputError):
    """A vote that arrived when voting on its statement was not open."""


def _workshop_state(workshop: Workshop, phase: Phase, position: int) -> dict:
    """A workshop's state as the audit log records it."""
    return {"phase": phase.value, "position": position,
            "statement_id": workshop.statement_ids[position]}


class WorkshopSessions(Database):
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
        workshop_id, round_id, collaborative_id, join_code, title, position = row[:6]
        return Workshop(workshop_id, round_id, collaborative_id, join_code, title, position,
                        Phase(row[6]), row[7], tuple(row[8] or ()))

    @for_round(Access.FACILITATE, staff_input=True)
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
            (workshop_id,) = one_row(
                cursor,
                """
                INSERT INTO workshops (round_id, join_code, title, position, phase, version,
                    created_at, created_by, changed_at, changed_by)
                VALUES (?, ?, ?, 0, 'waiting', 1, ?, ?, ?, ?) RETURNING id
                """,
                [round_id, code, details.title, now, details.started_by, now, details.started_by],
            )
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

    @checked_by_caller
    def get_workshop(self, workshop_id: int) -> Workshop:
        row = self._one(self._WORKSHOP + " WHERE w.id = ?", [workshop_id])
        if row is None:
            raise NotFoundError(f"There is no workshop number {workshop_id}.")
        return self._workshop_from(row)

    @checked_by_caller
    def find_workshop(self, typed_code: str) -> Workshop:
        """The running workshop with this join code. A wrong or ended code gets the same message,
        which says nothing about any other workshop."""
        code = normalise_join_code(typed_code)
        row = self._one(self._WORKSHOP + " WHERE w.join_code = ? AND w.phase <> 'ended'",
                        [code]) if code else None
        if row is None:
            raise NotFoundError(UNKNOWN_CODE)
        return self._workshop_from(row)

    @for_rounds(Access.READ)
    def workshops(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The workshops of these rounds, newest first: when each started, its phase, how many
        joined, how many statements it covers and how many votes were cast in it (a person's
        changed vote on a statement is still one vote)."""
        return self._frame(
            """
            SELECT w.id, w.round_id, w.title, w.join_code, w.phase, w.created_at,
                (SELECT count(*) FROM workshop_seats p WHERE p.workshop_id = w.id)
                    AS participants,
                (SELECT count(*) FROM workshop_statements s WHERE s.workshop_id = w.id)
                    AS statements,
                (SELECT count(DISTINCT (a.respondent_id, a.statement_id)) FROM answers a
                 WHERE a.workshop_id = w.id) AS votes
            FROM workshops w WHERE w.round_id IN (SELECT unnest(?::INTEGER[]))
            ORDER BY w.created_at DESC, w.id DESC
            """,
            [list(map(int, round_ids))],
        )

    @for_workshop(Access.FACILITATE)
    def remove_workshop(self, workshop_id: int, removed_by: str) -> None:
        """Remove a workshop in which nobody voted (one started by mistake, or to try the
        screens): its statements, seats and history go, and the audit log keeps what it was. A
        workshop with votes is refused: its votes are answers of the round, never thrown away."""

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            row = cursor.execute(self._WORKSHOP + " WHERE w.id = ?", [workshop_id]).fetchone()
            if row is None:
                raise NotFoundError(f"There is no workshop number {workshop_id}.")
            workshop = self._workshop_from(row)
            votes = one_row(cursor, "SELECT count(*) FROM answers WHERE workshop_id = ?",
                            [workshop_id])[0]
            if votes:
                raise InputError(
                    f"Votes were cast in '{workshop.title}' ({votes}), and they are answers of "
                    "the round, so the workshop cannot be removed. End it instead.")
            seats = [int(r) for (r,) in cursor.execute(
                "SELECT s.respondent_id FROM workshop_seats s JOIN respondents p "
                "ON p.id = s.respondent_id WHERE s.workshop_id = ? AND p.kind = 'seat'",
                [workshop_id]).fetchall()]
            (joined,) = one_row(cursor, "SELECT count(*) FROM workshop_seats WHERE workshop_id = ?",
                                [workshop_id])
            for table in ("workshop_disclosures", "workshop_events", "workshop_seats",
                          "workshop_statements"):
                cursor.execute(f"DELETE FROM {table} WHERE workshop_id = ?", [workshop_id])
            cursor.execute("DELETE FROM respondents WHERE id IN (SELECT unnest(?::INTEGER[]))",
                           [seats])
            cursor.execute("DELETE FROM workshops WHERE id = ?", [workshop_id])
            write_audit(cursor, actor=removed_by, action="remove", record_kind="workshop",
                        record_id=workshop_id, round_id=workshop.round_id,
                        before={"title": workshop.title, "statement_ids": workshop.statement_ids,
                                "phase": workshop.phase.value, "joined": int(joined)})

        self._write(work)

    @open_to_all
    def workshop_version(self, join_code: str, seat_code: str) -> int | None:
        """How many changes a running workshop has had, for a phone holding one of its seats
        (seat_code: the seat's resume code): what waiting phones poll. A seat's first poll
        makes three indexed look-ups, each whatever the one before found; its later polls one, as
        the seat is remembered. None for anything else (a wrong, ended or unknown code, or a seat
        of another workshop), so the answer tells a guesser nothing."""
        known = self._seats_known.get((join_code, seat_code))
        if known is not None:  # a seat checked before: one look-up, as the phone's every poll
            row = self._one("SELECT version FROM workshops WHERE id = ? AND join_code = ? "
                            "AND phase <> 'ended'", [known, join_code])
            return int(row[0]) if row else None
        workshop = self._one("SELECT id, version FROM workshops WHERE join_code = ? "
                             "AND phase <> 'ended'", [join_code])
        seat = self._one("SELECT id FROM respondents WHERE resume_code = ?",
                         [normalise_resume_code(seat_code) or ""])
        held = self._one("SELECT 1 FROM workshop_seats WHERE workshop_id = ? AND respondent_id = ?",
                         [workshop[0] if workshop else -1, seat[0] if seat else -1])
        if not (workshop and held):
            return None
        if len(self._seats_known) >= SEATS_KNOWN:
            self._seats_known.clear()
        self._seats_known[(join_code, seat_code)] = int(workshop[0])
        return int(workshop[1])

    _known_seats: dict[tuple[str, str], int] | None = None

    @property
    def _seats_known(self) -> dict[tuple[str, str], int]:
        """(join code, seat code) -> workshop, for seats already checked: a seat never moves to
        another workshop, so a phone's later polls need only the workshop's own row."""
        known = self._known_seats
        if known is None:
            known = self._known_seats = {}
        return known

    @for_workshop(Access.FACILITATE)
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
                cursor.execute("UPDATE workshop_seats SET ballot_gate = ballot_gate + 1 "
                               "WHERE workshop_id = ?", [workshop_id])
            if phase == Phase.REVEALED:
                record_reveal(cursor, workshop_id, current.statement_ids[new_position], version,
                              now)
            write_audit(cursor, actor=moved_by, action=move.value.replace("_", " "),
                        record_kind="workshop", record_id=workshop_id, round_id=current.round_id,
                        before=_workshop_state(current, current.phase, current.position),
                        after=_workshop_state(current, phase, new_position))

        self._write(work)
        return self.get_workshop(workshop_id)

    @checked_by_caller
    def join_workshop(self, workshop_id: int, who: RespondentInput) -> Respondent:
        """A participant joins without a resume code: an anonymous seat, a respondent of the
        workshop's round with no name. Their votes count towards scores once revealed, and they
        count as a person who took part once they vote, but never towards completeness (they
        were only asked the workshop's statements)."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            round_id = self._joinable_round(cursor, workshop_id)
            (respondent_id,) = one_row(
                cursor,
                "INSERT INTO respondents (round_id, role, organisation, display_name, resume_code, "
                "created_at, kind) VALUES (?, ?, '', '', ?, ?, 'seat') RETURNING id",
                [round_id, who.role, new_resume_code(), now],
            )
            cursor.execute("INSERT INTO workshop_seats VALUES (?, ?, ?, 0)",
                           [workshop_id, respondent_id, now])
            # Recorded as their votes are; their resume code (their seat) is never logged.
            (number,) = one_row(
                cursor,
                "SELECT count(*) FROM respondents WHERE round_id = ? AND id <= ?",
                [round_id, respondent_id])
            write_audit(cursor, actor=f"workshop participant {number}", action="join",
                        record_kind="respondent", record_id=respondent_id, round_id=round_id,
                        after={"role": who.role, "workshop_id": workshop_id})
            return int(respondent_id)

        return respondent_by_id(self, self._write(work))

    @checked_by_caller
    def join_workshop_as(self, workshop_id: int, respondent_id: int) -> Respondent:
        """Someone who self-assessed joins with their resume code: the seat is that same person,
        so their votes become their own latest answers and they are counted once. Joining again
        (a refresh, a second workshop) changes nothing."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            round_id = self._joinable_round(cursor, workshop_id)
            row = cursor.execute("SELECT round_id, kind FROM respondents WHERE id = ?",
                                 [respondent_id]).fetchone()
            if row is None or int(row[0]) != round_id or row[1] != "self":
                raise InputError(SEAT_ELSEWHERE)
            joined = cursor.execute("SELECT 1 FROM workshop_seats WHERE workshop_id = ? AND "
                                    "respondent_id = ?", [workshop_id, respondent_id]).fetchone()
            if joined:
                return
            cursor.execute("INSERT INTO workshop_seats VALUES (?, ?, ?, 0)",
                           [workshop_id, respondent_id, now])
            (number,) = one_row(
                cursor,
                "SELECT count(*) FROM respondents WHERE round_id = ? AND id <= ?",
                [round_id, respondent_id])
            write_audit(cursor, actor=f"participant {number}", action="join",
                        record_kind="respondent", record_id=respondent_id, round_id=round_id,
                        after={"workshop_id": workshop_id, "with_resume_code": True})

        self._write(work)
        return respondent_by_id(self, respondent_id)

    @staticmethod
    def _joinable_round(cursor: duckdb.DuckDBPyConnection, workshop_id: int) -> int:
        row = cursor.execute("SELECT round_id, phase FROM workshops WHERE id = ?",
                             [workshop_id]).fetchone()
        if row is None or row[1] == Phase.ENDED.value:
            raise NotFoundError(UNKNOWN_CODE)
        require_open_round(cursor, int(row[0]))
        return int(row[0])

    @checked_by_caller
    def participant_workshop(self, respondent_id: int) -> Workshop:
        """The workshop this person joined most recently (a person who joined with their resume
        code may have joined more than one)."""
        row = self._one(
            self._WORKSHOP + " WHERE w.id = (SELECT workshop_id FROM workshop_seats "
            "WHERE respondent_id = ? ORDER BY joined_at DESC, workshop_id DESC LIMIT 1)",
            [respondent_id])
        if row is None:
            raise NotFoundError("This code does not belong to a workshop participant.")
        return self._workshop_from(row)

    @checked_by_caller
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
                "UPDATE workshop_seats SET ballot_gate = ballot_gate + 1 "
                "WHERE respondent_id = ? AND workshop_id = ? RETURNING respondent_id",
                [respondent_id, workshop_id],
            ).fetchall()
            if not updated:
                raise NotFoundError("You are not taking part in this workshop.")
            saved = saved_answer(cursor, workshop.round_id, respondent_id, statement_id)
            answer = vote.applied_to(saved)
            return insert_answer(cursor, workshop.round_id, respondent_id, statement_id,
                                       answer, saved=saved, action="vote",
                                       workshop_id=workshop_id)

        return self._write(work)

    @checked_by_caller
    def workshop_room(self, workshop_id: int) -> tuple[int, int]:
        """How many have joined the workshop, and how many of them have voted on the statement on
        screen (counts only: what the facilitator's screen shows while voting is open)."""
        row = self._row(
            """
            WITH here AS (
                SELECT w.id, s.statement_id FROM workshops w JOIN workshop_statements s
                    ON s.workshop_id = w.id AND s.position = w.position
                WHERE w.id = ?
            )
            SELECT (SELECT count(*) FROM workshop_seats WHERE workshop_id = ?),
                (SELECT count(DISTINCT a.respondent_id) FROM answers a JOIN here
                    ON a.workshop_id = here.id AND a.statement_id = here.statement_id)
            """, [workshop_id, workshop_id])
        return int(row[0]), int(row[1])

    @for_workshop(Access.READ)
    def shown_workshop_votes(self, workshop_id: int) -> pd.DataFrame:
        """The votes each statement's reveals have shown: every seat's latest vote in this
        workshop up to the statement's last reveal that could show them (disclosure_sql.py). Votes
        after it, and on statements never revealed, are not here. Columns: statement_id, role,
        level, unscored, votes."""
        return self._frame(
            """
            WITH shown_until AS (
                SELECT statement_id, max(answer_watermark) AS upto FROM workshop_disclosures
                WHERE workshop_id = ? AND disclosed GROUP BY statement_id
            ), latest AS (
                SELECT a.statement_id, a.respondent_id, a.level, a.unscored
                FROM answers a JOIN shown_until u ON u.statement_id = a.statement_id
                WHERE a.workshop_id = ? AND a.id <= u.upto
                QUALIFY row_number() OVER (PARTITION BY a.statement_id, a.respondent_id
                                           ORDER BY a.id DESC) = 1
            )
            SELECT latest.statement_id, r.role, latest.level, latest.unscored, count(*) AS votes
            FROM latest JOIN respondents r ON r.id = latest.respondent_id
            GROUP BY ALL ORDER BY ALL
            """,
            [workshop_id, workshop_id],
        )

    @for_workshop(Access.READ)
    def workshop_reveals(self, workshop_id: int) -> pd.DataFrame:
        """Each reveal of each statement, oldest first: how many had voted, how many votes were
        new since the last reveal shown, and whether this reveal could show them. Columns:
        statement_id, reveal_version, voters, new_voters, disclosed, revealed_at."""
        return self._frame(
            "SELECT statement_id, reveal_version, voters, new_voters, disclosed, revealed_at "
            "FROM workshop_disclosures WHERE workshop_id = ? ORDER BY reveal_version",
            [workshop_id])

    @checked_by_caller
    def participant_vote(self, workshop_id: int, respondent_id: int) -> pd.DataFrame:
        """The participant's own latest vote in this workshop on each statement they voted on
        (for someone who joined with their resume code, not their self-assessment answers)."""
        return self._frame(
            """
            SELECT statement_id, level, unscored FROM answers
            WHERE workshop_id = ? AND respondent_id = ?
            QUALIFY row_number() OVER (PARTITION BY statement_id ORDER BY id DESC) = 1
            """,
            [workshop_id, respondent_id],
        )
