"""Assessment rounds and the people taking part in them."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import duckdb
import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.content.codes import new_resume_code, normalise_resume_code
from collab_assess.errors import InputError, NotFoundError
from collab_assess.store.audit import write_audit
from collab_assess.store.banks import BankSnapshots
from collab_assess.store.checks import (
    require_collaborative,
    require_open_round,
    require_round,
)
from collab_assess.store.database import utc_now
from collab_assess.store.disclosure_sql import counted_answers_sql
from collab_assess.store.inputs import RespondentInput, RoundInput
from collab_assess.store.kept_scores_sql import area_scores_sql, forget_scores_sql, keep_scores_sql
from collab_assess.store.records import RESPONDENT_SQL, Respondent, Round, respondent_by_id
from collab_assess.store.rows import one_row
from collab_assess.store.rules import (
    Access,
    checked_by_caller,
    for_collaborative,
    for_round,
    for_rounds,
    open_to_all,
    own_rows,
)


def new_invite_token() -> str:
    """An invitation link's key: too long and too random to guess."""
    return secrets.token_urlsafe(18)


class RoundRecords(BankSnapshots):
    """Rounds and respondents."""

    @for_collaborative(Access.MANAGE)
    def open_round(
        self, collaborative_id: int, details: RoundInput, bank: QuestionBank, opened_by: str
    ) -> int:
        """Open an assessment round that asks the statements of this bank version, for good."""
        self.register_bank(bank)

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            require_collaborative(cursor, collaborative_id)
            clash = cursor.execute(
                "SELECT 1 FROM rounds WHERE collaborative_id = ? AND lower(label) = lower(?)",
                [collaborative_id, details.label],
            ).fetchone()
            if clash:
                raise InputError(
                    f"This collaborative already has a round called '{details.label}'.")
            (new_id,) = one_row(
                cursor,
                """
                INSERT INTO rounds (collaborative_id, label, opens_on, closes_on, status,
                    bank_version, created_at, created_by, invite_token)
                VALUES (?, ?, ?, ?, 'open', ?, ?, ?, ?) RETURNING id
                """,
                [
                    collaborative_id,
                    details.label,
                    details.opens_on,
                    details.closes_on,
                    bank.version,
                    utc_now(),
                    opened_by,
                    new_invite_token(),
                ],
            )
            # The invitation token is left out: it lets anyone join the round.
            write_audit(cursor, actor=opened_by, action="open", record_kind="round",
                        record_id=new_id, collaborative_id=collaborative_id, round_id=new_id,
                        after={"label": details.label, "opens_on": details.opens_on,
                               "closes_on": details.closes_on, "status": "open",
                               "bank_version": bank.version})
            return int(new_id)

        return self._write(work)

    def _set_round_status(self, round_id: int, status: str, who: str) -> None:
        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            was, _ = require_round(cursor, round_id)
            closed_at = utc_now() if status == "closed" else None
            cursor.execute(
                "UPDATE rounds SET status = ?, closed_at = ?, closed_by = ? WHERE id = ?",
                [status, closed_at, who if status == "closed" else None, round_id],
            )
            # A submitted round's scores are kept for benchmarks; reopening takes them back out.
            for statement in forget_scores_sql("SELECT ?::INTEGER"):
                cursor.execute(statement, [round_id])
            if status == "closed":
                for statement in keep_scores_sql("SELECT ?::INTEGER"):
                    cursor.execute(statement, [round_id])
            write_audit(cursor, actor=who, action="close" if status == "closed" else "reopen",
                        record_kind="round", record_id=round_id, round_id=round_id,
                        before={"status": was}, after={"status": status})

        self._write(work)

    @for_round(Access.MANAGE)
    def close_round(self, round_id: int, closed_by: str) -> None:
        """Close (submit) a round: its answers are kept and can no longer be changed, and its
        scores are worked out once and kept, so it now counts in peer figures and benchmarks."""
        self._set_round_status(round_id, "closed", closed_by)
        self._after_round_closed(round_id)  # backups: a copy after each close (store/backups.py)

    @for_round(Access.MANAGE)
    def reopen_round(self, round_id: int, reopened_by: str) -> None:
        """Reopen a round for changes; it leaves peer figures until it is submitted again."""
        self._set_round_status(round_id, "open", reopened_by)

    @for_round(Access.ANSWER)
    def get_round(self, round_id: int) -> Round:
        row = self._one(
            "SELECT id, collaborative_id, label, opens_on, closes_on, status, bank_version "
            "FROM rounds WHERE id = ?",
            [round_id],
        )
        if row is None:
            raise NotFoundError(f"There is no assessment round number {round_id}.")
        return Round(*row)

    @for_collaborative(Access.READ)
    def find_round(self, collaborative_id: int, label: str) -> Round:
        """The collaborative's round with this label (case and repeated spaces ignored)."""
        wanted = " ".join(label.split()).casefold()
        labels = self.rounds(collaborative_id)
        matches = labels[[" ".join(each.split()).casefold() == wanted for each in labels["label"]]]
        if matches.empty:
            listed = ", ".join(f"'{each}'" for each in labels["label"]) or "none yet"
            raise NotFoundError(f"This collaborative has no round called '{label}'. Its rounds: "
                                f"{listed}.")
        return self.get_round(int(matches["id"].iloc[0]))

    @checked_by_caller
    def rounds(self, collaborative_id: int) -> pd.DataFrame:
        """The collaborative's rounds, newest first, with how many people have taken part (at
        least one answer that counts, as participation.Headcount.took_part)."""
        return self._frame(
            f"""
            WITH {counted_answers_sql(
                "SELECT id FROM rounds WHERE collaborative_id = $1")},
            took_part AS (
                SELECT round_id, count(DISTINCT respondent_id) AS people FROM counted_answers
                GROUP BY round_id
            )
            SELECT r.id, r.label, r.opens_on, r.closes_on, r.status, r.bank_version, r.created_at,
                coalesce(took_part.people, 0) AS respondents
            FROM rounds r LEFT JOIN took_part ON took_part.round_id = r.id
            WHERE r.collaborative_id = $1
            ORDER BY r.opens_on DESC, r.id DESC
            """,
            [collaborative_id],
        )

    @checked_by_caller
    def all_rounds(self) -> pd.DataFrame:
        """Every round with its collaborative's profile: the starting point for benchmarking."""
        return self._frame(
            """
            SELECT r.id AS round_id, r.collaborative_id, r.label, r.opens_on, r.status,
                r.bank_version, c.name AS collaborative, c.region, c.collaborative_type,
                c.governance_model, c.is_demo
            FROM rounds r JOIN collaboratives c ON c.id = r.collaborative_id
            ORDER BY r.collaborative_id, r.opens_on, r.id
            """
        )

    @open_to_all
    def data_version(self) -> tuple[int, ...]:
        """Changes whenever anything that a score depends on is saved: a cheap cache key."""
        row = self._row(
            """
            SELECT (SELECT coalesce(max(id), 0) FROM answers),
                (SELECT count(*) FROM answers),
                (SELECT coalesce(max(id), 0) FROM rounds),
                (SELECT count(*) FROM rounds),
                (SELECT coalesce(max(id), 0) FROM consensus_records),
                (SELECT coalesce(max(id), 0) FROM self_described_stages),
                (SELECT count(*) FROM collaboratives)
            """
        )
        return tuple(int(value) for value in row)

    @for_rounds(Access.ANSWER)
    def round_statements(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The statements each round asks (from its bank snapshot): round_id, statement_id,
        area_id."""
        return self._frame(
            """
            SELECT r.id AS round_id, s.statement_id, s.area_id, s.position
            FROM rounds r JOIN bank_statements s ON s.bank_version = r.bank_version
            WHERE r.id IN (SELECT unnest(?::INTEGER[]))
            ORDER BY r.id, s.position
            """,
            [list(map(int, round_ids))],
        )

    # -- respondents --

    @checked_by_caller
    def add_respondent(self, round_id: int, respondent: RespondentInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            require_open_round(cursor, round_id)
            (new_id,) = one_row(
                cursor,
                "INSERT INTO respondents (round_id, role, organisation, display_name, resume_code, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
                [
                    round_id,
                    respondent.role,
                    respondent.organisation,
                    respondent.display_name,
                    new_resume_code(),
                    utc_now(),
                ],
            )
            # The person adds themselves, so they are recorded as their answers will be (under
            # their label). Their resume code is never logged: it opens their answers.
            (number,) = one_row(
                cursor,
                "SELECT count(*) FROM respondents WHERE round_id = ? AND id <= ?",
                [round_id, new_id])
            added = Respondent(int(new_id), round_id, respondent.role, respondent.organisation,
                               respondent.display_name, "", int(number))
            write_audit(cursor, actor=added.label, action="add", record_kind="respondent",
                        record_id=new_id, round_id=round_id,
                        after={"role": respondent.role, "organisation": respondent.organisation,
                               "display_name": respondent.display_name})
            return int(new_id)

        return self._write(work)

    @checked_by_caller
    def get_respondent(self, respondent_id: int) -> Respondent:
        return respondent_by_id(self, respondent_id)

    @checked_by_caller
    def find_respondent(self, typed_code: str) -> Respondent:
        """The respondent with this resume code (typed in any case, with or without the dash),
        whichever round or collaborative their answers are in: codes are unique across the
        database, so a code always leads back to its owner's own answers."""
        code = normalise_resume_code(typed_code)
        row = self._one(RESPONDENT_SQL + " WHERE resume_code = ?", [code]) if code else None
        if row is None:
            raise NotFoundError(
                "That resume code is not recognised. Check it (it looks like ABCD-EFGH), or "
                "start as a new participant."
            )
        return Respondent(*row)

    @for_rounds(Access.READ)
    def participation(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Per round, role and kind ('self': joined the self-assessment or came in an import;
        'seat': an anonymous workshop seat): how many joined, how many took part (at least one
        answer that counts: disclosure_sql.py), and how many answered every statement. Counts
        only, never who. participation.py turns these into every headcount the app shows."""
        return self._frame(
            f"""
            WITH {counted_answers_sql("SELECT unnest($1::INTEGER[])")},
            asked AS (
                SELECT r.id AS round_id, count(*) AS statements
                FROM rounds r JOIN bank_statements s ON s.bank_version = r.bank_version
                WHERE r.id IN (SELECT * FROM wanted_rounds) GROUP BY r.id
            ), answered AS (
                SELECT respondent_id, count(DISTINCT statement_id) AS statements
                FROM counted_answers GROUP BY respondent_id
            )
            SELECT p.round_id, p.role, p.kind, count(*) AS joined,
                count(*) FILTER (WHERE coalesce(answered.statements, 0) > 0) AS took_part,
                count(*) FILTER (WHERE answered.statements >= asked.statements) AS finished
            FROM respondents p
            JOIN asked ON asked.round_id = p.round_id
            LEFT JOIN answered ON answered.respondent_id = p.id
            WHERE p.round_id IN (SELECT * FROM wanted_rounds)
            GROUP BY ALL ORDER BY ALL
            """,
            [list(map(int, round_ids))],
        )

    @for_rounds(Access.READ)
    def area_coverage(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Per round and area of its bank: its statements, the self-assessors who took part
        (anonymous workshop seats are left out: they were asked only the workshop's statements),
        and how many answers those people have given there (Don't know and Not applicable count as
        answers). Columns: round_id, area_id, statements, people, answered, position."""
        return self._frame(
            f"""
            WITH {counted_answers_sql("SELECT unnest($1::INTEGER[])")},
            own_answers AS (
                SELECT a.round_id, a.respondent_id, a.statement_id FROM counted_answers a
                JOIN respondents p ON p.id = a.respondent_id AND p.kind = 'self'
            ), people AS (
                SELECT round_id, count(DISTINCT respondent_id) AS people FROM own_answers
                GROUP BY round_id
            )
            SELECT r.id AS round_id, s.area_id, count(DISTINCT s.statement_id) AS statements,
                coalesce(any_value(people.people), 0) AS people,
                count(own_answers.respondent_id) AS answered, min(s.position) AS position
            FROM rounds r
            JOIN bank_statements s ON s.bank_version = r.bank_version
            LEFT JOIN people ON people.round_id = r.id
            LEFT JOIN own_answers ON own_answers.round_id = r.id
                AND own_answers.statement_id = s.statement_id
            WHERE r.id IN (SELECT * FROM wanted_rounds)
            GROUP BY r.id, s.area_id
            ORDER BY r.id, position
            """,
            [list(map(int, round_ids))],
        )

    @for_rounds(Access.READ)
    def round_area_scores(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Every area's score in these rounds, worked out now by the kept scores' own SQL (no
        statement-level figure leaves the database): round_id, area_id, score, statements_scored,
        statements."""
        return self._frame(area_scores_sql("SELECT unnest(?::INTEGER[])"),
                           [list(map(int, round_ids))])

    @own_rows()
    def respondents(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Who is taking part in each round (never their resume codes)."""
        return self._frame(
            """
            SELECT id AS respondent_id, round_id, role, organisation, display_name, created_at,
                kind, row_number() OVER (PARTITION BY round_id ORDER BY id) AS number
            FROM respondents WHERE round_id IN (SELECT unnest(?::INTEGER[])) ORDER BY id
            """,
            [list(map(int, round_ids))],
        )
