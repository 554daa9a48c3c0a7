"""The one owner of the DuckDB database: schema, migrations, and every query and write.

One connection per process; each thread gets its own cursor from it. Every write runs in a short
transaction and is retried when DuckDB reports a write-write conflict. Answers are append-only: a
change is a new row recording who, when and from where, and the newest row is the current answer.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import duckdb
import pandas as pd

from collab_assess.bank import QuestionBank
from collab_assess.errors import (
    BankError,
    DatabaseError,
    InputError,
    NotFoundError,
    RoundClosedError,
)
from collab_assess.migrations import LATEST_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE
from collab_assess.models import (
    ActionInput,
    AnswerInput,
    CollaborativeProfile,
    ConsensusInput,
    MemberInput,
    RespondentInput,
    RoundInput,
    StageInput,
    name_key,
)

if TYPE_CHECKING:
    from collab_assess.demo import DemoDataset

DB_ENV_VAR = "COLLAB_ASSESS_DB"
DEFAULT_DB_PATH = Path(__file__).resolve().parent.parent / "data" / "collab_assess.duckdb"
MAX_WRITE_ATTEMPTS = 60

T = TypeVar("T")


def default_db_path() -> Path:
    """The database file: $COLLAB_ASSESS_DB when set, else data/collab_assess.duckdb."""
    return Path(os.environ.get(DB_ENV_VAR) or DEFAULT_DB_PATH)


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


_CONFLICT_ERRORS = (duckdb.TransactionException, duckdb.ConstraintException)


def _is_conflict(error: Exception) -> bool:
    """A write that lost a race with another transaction and is safe to run again: the rerun reads
    what the winner committed, so a real duplicate then fails the write's own checks with a clear
    message. DuckDB reports such races as "Conflict on ...", or, for two inserts of one new key, as
    a duplicate key (while inserting) or a constraint violation (while committing)."""
    message = str(error).lower()
    return any(sign in message for sign in ("conflict", "duplicate key", "constraint violation"))


def _open_connection(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))
    except duckdb.IOException as error:
        message = str(error)
        if "lock" in message.lower():
            raise DatabaseError(
                f"The database file {path} is in use by another program (is the app or another "
                "collab-assess command already running?). Stop that program and try again. "
                "Nothing was changed."
            ) from error
        if "not a valid" in message.lower() or "corrupt" in message.lower():
            raise DatabaseError(
                f"The file {path} is not a readable collab-assess database: it may be damaged, or "
                "it is another kind of file. It has been left exactly as it was. Move it aside (keep "
                f"it: it may hold answers) or set {DB_ENV_VAR} to another file, then start again."
            ) from error
        raise DatabaseError(f"The database file {path} cannot be opened: {message}") from error
    except (duckdb.Error, OSError) as error:
        raise DatabaseError(f"The database file {path} cannot be opened: {error}") from error


@dataclass(frozen=True)
class Collaborative:
    id: int
    name: str
    region: str | None
    icss: tuple[str, ...]
    collaborative_type: str | None
    governance_model: str | None
    decision_mechanisms: tuple[str, ...]
    is_demo: bool

    def profile(self) -> CollaborativeProfile:
        return CollaborativeProfile(
            name=self.name,
            region=self.region,
            icss=self.icss,
            collaborative_type=self.collaborative_type,
            governance_model=self.governance_model,
            decision_mechanisms=self.decision_mechanisms,
        )


@dataclass(frozen=True)
class Round:
    id: int
    collaborative_id: int
    label: str
    opens_on: date
    closes_on: date | None
    status: str
    bank_version: int

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Respondent:
    id: int
    round_id: int
    role: str
    organisation: str
    display_name: str

    @property
    def label(self) -> str:
        who = self.display_name or f"Respondent {self.id}"
        where = f", {self.organisation}" if self.organisation else ""
        return f"{who} ({self.role}{where})"


class Store:
    """Every read and write of collab-assess data goes through one of these methods."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._connection = _open_connection(self.path)
        self._local = threading.local()
        self._banks: dict[tuple[int, str], QuestionBank] = {}
        self._migrate()

    @classmethod
    def open_default(cls) -> "Store":
        return cls(default_db_path())

    def close(self) -> None:
        self._connection.close()

    # -- connection, transactions, retries -------------------------------------------------------

    def _cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self._connection.cursor()
            self._local.cursor = cursor
        return cursor

    @contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cursor = self._cursor()
        cursor.execute("BEGIN TRANSACTION")
        try:
            yield cursor
        except BaseException:
            try:
                cursor.execute("ROLLBACK")
            except duckdb.Error:
                pass  # DuckDB has already rolled back a transaction that failed to commit
            raise
        cursor.execute("COMMIT")

    def _write(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """Run work in a transaction; on a write-write conflict, back off and run it again."""
        for attempt in range(1, MAX_WRITE_ATTEMPTS + 1):
            try:
                with self._transaction() as cursor:
                    return work(cursor)
            except _CONFLICT_ERRORS as error:
                if not _is_conflict(error):
                    raise
                time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
        raise DatabaseError(
            "The database is too busy to save this just now; nothing was saved. Please try again."
        )

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self._cursor().execute(sql, list(params)).df()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._cursor().execute(sql, list(params)).fetchone()

    # -- schema ----------------------------------------------------------------------------------

    def _migrate(self) -> None:
        cursor = self._cursor()
        cursor.execute(SCHEMA_VERSION_TABLE)
        current = self.schema_version()
        if current > LATEST_VERSION:
            raise DatabaseError(
                f"The database {self.path} was made by a newer collab-assess (schema version "
                f"{current}; this copy knows up to {LATEST_VERSION}). Update collab-assess."
            )
        for migration in MIGRATIONS:
            if migration.version <= current:
                continue

            def apply(cursor: duckdb.DuckDBPyConnection, migration=migration) -> None:
                for statement in migration.statements:
                    cursor.execute(statement)
                cursor.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, migration.description, utc_now()],
                )

            self._write(apply)

    def schema_version(self) -> int:
        row = self._one("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0])

    # -- question bank snapshots -----------------------------------------------------------------

    def register_bank(self, bank: QuestionBank) -> None:
        """Keep a copy of this bank version so rounds opened with it never change when the files do.

        A stored version may be replaced only while no round uses it; after that, changes to its file
        must be released as a new version."""
        content = bank.to_json()
        digest = hashlib.sha256(content.encode()).hexdigest()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            row = cursor.execute(
                "SELECT sha256 FROM bank_versions WHERE version = ?", [bank.version]
            ).fetchone()
            if row and row[0] == digest:
                return
            if row:
                used = cursor.execute(
                    "SELECT count(*) FROM rounds WHERE bank_version = ?", [bank.version]
                ).fetchone()[0]
                if used:
                    raise BankError(
                        f"question_bank/bank-v{bank.version}.toml",
                        [
                            f"the bank's header: version {bank.version} differs from the copy "
                            f"{used} assessment round(s) already use; never edit a released "
                            f"version: save the change as bank-v{bank.version + 1}.toml"
                        ],
                    )
                cursor.execute("DELETE FROM bank_statements WHERE bank_version = ?", [bank.version])
                cursor.execute("DELETE FROM bank_versions WHERE version = ?", [bank.version])
            cursor.execute(
                "INSERT INTO bank_versions VALUES (?, ?, ?, ?, ?)",
                [bank.version, bank.title, content, digest, utc_now()],
            )
            cursor.executemany(
                "INSERT INTO bank_statements VALUES (?, ?, ?, ?)",
                [[bank.version, s.id, s.area, i] for i, s in enumerate(bank.statements)],
            )

        self._write(work)

    def bank(self, version: int) -> QuestionBank:
        row = self._one("SELECT sha256, content FROM bank_versions WHERE version = ?", [version])
        if row is None:
            raise NotFoundError(f"Question bank version {version} is not in the database.")
        key = (version, row[0])
        if key not in self._banks:
            self._banks[key] = QuestionBank.from_json(row[1])
        return self._banks[key]

    def bank_for_round(self, round_id: int) -> QuestionBank:
        return self.bank(self.get_round(round_id).bank_version)

    # -- collaboratives --------------------------------------------------------------------------

    def create_collaborative(
        self, profile: CollaborativeProfile, created_by: str, *, is_demo: bool = False
    ) -> int:
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._refuse_duplicate_name(cursor, profile.name)
            (new_id,) = cursor.execute(
                """
                INSERT INTO collaboratives (name, name_key, region, icss, collaborative_type,
                    governance_model, decision_mechanisms, is_demo, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    profile.name,
                    name_key(profile.name),
                    profile.region,
                    list(profile.icss),
                    profile.collaborative_type,
                    profile.governance_model,
                    list(profile.decision_mechanisms),
                    is_demo,
                    now,
                    created_by,
                ],
            ).fetchone()
            self._record_profile(cursor, new_id, profile, now, created_by)
            return int(new_id)

        return self._write(work)

    @staticmethod
    def _refuse_duplicate_name(
        cursor: duckdb.DuckDBPyConnection, name: str, except_id: int | None = None
    ) -> None:
        row = cursor.execute(
            "SELECT id FROM collaboratives WHERE name_key = ? AND id IS DISTINCT FROM ?",
            [name_key(name), except_id],
        ).fetchone()
        if row:
            raise InputError(
                f"A collaborative called '{name}' already exists. Choose it from the list, or give "
                "this one a different name."
            )

    @staticmethod
    def _record_profile(
        cursor: duckdb.DuckDBPyConnection,
        collaborative_id: int,
        profile: CollaborativeProfile,
        when: datetime,
        who: str,
    ) -> None:
        cursor.execute(
            "INSERT INTO collaborative_profile_history VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                collaborative_id,
                profile.name,
                profile.region,
                list(profile.icss),
                profile.collaborative_type,
                profile.governance_model,
                list(profile.decision_mechanisms),
                when,
                who,
            ],
        )

    def update_collaborative(
        self, collaborative_id: int, profile: CollaborativeProfile, changed_by: str
    ) -> None:
        """Save a new version of the profile; earlier versions stay in the profile history."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            self._require_collaborative(cursor, collaborative_id)
            self._refuse_duplicate_name(cursor, profile.name, except_id=collaborative_id)
            cursor.execute(
                """
                UPDATE collaboratives SET name = ?, name_key = ?, region = ?, icss = ?,
                    collaborative_type = ?, governance_model = ?, decision_mechanisms = ?
                WHERE id = ?
                """,
                [
                    profile.name,
                    name_key(profile.name),
                    profile.region,
                    list(profile.icss),
                    profile.collaborative_type,
                    profile.governance_model,
                    list(profile.decision_mechanisms),
                    collaborative_id,
                ],
            )
            self._record_profile(cursor, collaborative_id, profile, now, changed_by)

        self._write(work)

    @staticmethod
    def _require_collaborative(cursor: duckdb.DuckDBPyConnection, collaborative_id: int) -> None:
        if not cursor.execute(
            "SELECT 1 FROM collaboratives WHERE id = ?", [collaborative_id]
        ).fetchone():
            raise NotFoundError(f"There is no collaborative number {collaborative_id}.")

    def get_collaborative(self, collaborative_id: int) -> Collaborative:
        row = self._one(
            """
            SELECT id, name, region, icss, collaborative_type, governance_model,
                decision_mechanisms, is_demo
            FROM collaboratives WHERE id = ?
            """,
            [collaborative_id],
        )
        if row is None:
            raise NotFoundError(f"There is no collaborative number {collaborative_id}.")
        return Collaborative(
            id=row[0],
            name=row[1],
            region=row[2],
            icss=tuple(row[3] or ()),
            collaborative_type=row[4],
            governance_model=row[5],
            decision_mechanisms=tuple(row[6] or ()),
            is_demo=bool(row[7]),
        )

    def collaboratives(self, *, include_demo: bool = True) -> pd.DataFrame:
        """One row per collaborative with its profile and how many rounds it has, named A-Z."""
        return self._frame(
            """
            SELECT c.id, c.name, c.region, c.icss, c.collaborative_type, c.governance_model,
                c.decision_mechanisms, c.is_demo, c.created_at,
                (SELECT count(*) FROM rounds r WHERE r.collaborative_id = c.id) AS rounds
            FROM collaboratives c
            WHERE ? OR NOT c.is_demo
            ORDER BY c.is_demo, lower(c.name)
            """,
            [include_demo],
        )

    def profile_history(self, collaborative_id: int) -> pd.DataFrame:
        return self._frame(
            "SELECT * FROM collaborative_profile_history WHERE collaborative_id = ? "
            "ORDER BY changed_at DESC",
            [collaborative_id],
        )

    # -- members ---------------------------------------------------------------------------------

    def add_member(self, collaborative_id: int, member: MemberInput, added_by: str) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._require_collaborative(cursor, collaborative_id)
            duplicate = cursor.execute(
                "SELECT 1 FROM members WHERE collaborative_id = ? AND lower(organisation) = lower(?) "
                "AND removed_at IS NULL",
                [collaborative_id, member.organisation],
            ).fetchone()
            if duplicate:
                raise InputError(f"{member.organisation} is already a member.")
            (new_id,) = cursor.execute(
                "INSERT INTO members (collaborative_id, organisation, organisation_type, added_at, "
                "added_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [collaborative_id, member.organisation, member.organisation_type, utc_now(), added_by],
            ).fetchone()
            return int(new_id)

        return self._write(work)

    def remove_member(self, member_id: int, removed_by: str) -> None:
        """Mark a member as having left; the record of its membership is kept."""

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            cursor.execute(
                "UPDATE members SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL",
                [utc_now(), removed_by, member_id],
            )

        self._write(work)

    def members(self, collaborative_id: int) -> pd.DataFrame:
        return self._frame(
            "SELECT id, organisation, organisation_type, added_at FROM members "
            "WHERE collaborative_id = ? AND removed_at IS NULL ORDER BY lower(organisation)",
            [collaborative_id],
        )

    # -- rounds ----------------------------------------------------------------------------------

    def open_round(
        self, collaborative_id: int, details: RoundInput, bank: QuestionBank, opened_by: str
    ) -> int:
        """Open an assessment round that asks the statements of this bank version, for good."""
        self.register_bank(bank)

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._require_collaborative(cursor, collaborative_id)
            clash = cursor.execute(
                "SELECT 1 FROM rounds WHERE collaborative_id = ? AND lower(label) = lower(?)",
                [collaborative_id, details.label],
            ).fetchone()
            if clash:
                raise InputError(f"This collaborative already has a round called '{details.label}'.")
            (new_id,) = cursor.execute(
                """
                INSERT INTO rounds (collaborative_id, label, opens_on, closes_on, status,
                    bank_version, created_at, created_by)
                VALUES (?, ?, ?, ?, 'open', ?, ?, ?) RETURNING id
                """,
                [
                    collaborative_id,
                    details.label,
                    details.opens_on,
                    details.closes_on,
                    bank.version,
                    utc_now(),
                    opened_by,
                ],
            ).fetchone()
            return int(new_id)

        return self._write(work)

    def _set_round_status(self, round_id: int, status: str, who: str) -> None:
        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            self._require_round(cursor, round_id)
            closed_at = utc_now() if status == "closed" else None
            cursor.execute(
                "UPDATE rounds SET status = ?, closed_at = ?, closed_by = ? WHERE id = ?",
                [status, closed_at, who if status == "closed" else None, round_id],
            )

        self._write(work)

    def close_round(self, round_id: int, closed_by: str) -> None:
        """Close a round: its answers are kept and can no longer be changed."""
        self._set_round_status(round_id, "closed", closed_by)

    def reopen_round(self, round_id: int, reopened_by: str) -> None:
        self._set_round_status(round_id, "open", reopened_by)

    @staticmethod
    def _require_round(cursor: duckdb.DuckDBPyConnection, round_id: int) -> tuple[str, int]:
        row = cursor.execute(
            "SELECT status, bank_version FROM rounds WHERE id = ?", [round_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"There is no assessment round number {round_id}.")
        return row[0], int(row[1])

    @classmethod
    def _require_open_round(cls, cursor: duckdb.DuckDBPyConnection, round_id: int) -> int:
        status, bank_version = cls._require_round(cursor, round_id)
        if status != "open":
            raise RoundClosedError(
                "This assessment round is closed, so answers can no longer be added or changed. "
                "Nothing was saved. Ask your collaborative lead to reopen it, or open a new round."
            )
        return bank_version

    def get_round(self, round_id: int) -> Round:
        row = self._one(
            "SELECT id, collaborative_id, label, opens_on, closes_on, status, bank_version "
            "FROM rounds WHERE id = ?",
            [round_id],
        )
        if row is None:
            raise NotFoundError(f"There is no assessment round number {round_id}.")
        return Round(*row)

    def rounds(self, collaborative_id: int) -> pd.DataFrame:
        """The collaborative's rounds, newest first, with how many people have taken part."""
        return self._frame(
            """
            SELECT r.id, r.label, r.opens_on, r.closes_on, r.status, r.bank_version, r.created_at,
                (SELECT count(*) FROM respondents p WHERE p.round_id = r.id) AS respondents
            FROM rounds r WHERE r.collaborative_id = ?
            ORDER BY r.opens_on DESC, r.id DESC
            """,
            [collaborative_id],
        )

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

    def rounds_with_scored_answers(self) -> list[int]:
        rows = self._cursor().execute(
            "SELECT DISTINCT round_id FROM current_answers WHERE level IS NOT NULL ORDER BY 1"
        ).fetchall()
        return [int(row[0]) for row in rows]

    def data_version(self) -> tuple[int, ...]:
        """Changes whenever anything that a score depends on is saved: a cheap cache key."""
        row = self._one(
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

    def round_statements(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The statements each round asks (from its bank snapshot): round_id, statement_id, area_id."""
        return self._frame(
            """
            SELECT r.id AS round_id, s.statement_id, s.area_id, s.position
            FROM rounds r JOIN bank_statements s ON s.bank_version = r.bank_version
            WHERE r.id IN (SELECT unnest(?::INTEGER[]))
            ORDER BY r.id, s.position
            """,
            [list(map(int, round_ids))],
        )

    # -- respondents -----------------------------------------------------------------------------

    def add_respondent(self, round_id: int, respondent: RespondentInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._require_open_round(cursor, round_id)
            (new_id,) = cursor.execute(
                "INSERT INTO respondents (round_id, role, organisation, display_name, created_at) "
                "VALUES (?, ?, ?, ?, ?) RETURNING id",
                [
                    round_id,
                    respondent.role,
                    respondent.organisation,
                    respondent.display_name,
                    utc_now(),
                ],
            ).fetchone()
            return int(new_id)

        return self._write(work)

    def get_respondent(self, respondent_id: int) -> Respondent:
        row = self._one(
            "SELECT id, round_id, role, organisation, display_name FROM respondents WHERE id = ?",
            [respondent_id],
        )
        if row is None:
            raise NotFoundError(f"There is no respondent number {respondent_id}.")
        return Respondent(*row)

    def respondents(self, round_ids: Sequence[int]) -> pd.DataFrame:
        return self._frame(
            "SELECT id AS respondent_id, round_id, role, organisation, display_name, created_at "
            "FROM respondents WHERE round_id IN (SELECT unnest(?::INTEGER[])) ORDER BY id",
            [list(map(int, round_ids))],
        )

    # -- answers ---------------------------------------------------------------------------------

    def record_answer(
        self, round_id: int, respondent_id: int, statement_id: str, answer: AnswerInput
    ) -> int:
        """Save an answer as a new row and make it the current one. Returns the answer's id.

        Once this returns, the answer is committed to disk."""
        now = utc_now()

        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            bank_version = self._require_open_round(cursor, round_id)
            self._require_respondent_in_round(cursor, respondent_id, round_id)
            if not cursor.execute(
                "SELECT 1 FROM bank_statements WHERE bank_version = ? AND statement_id = ?",
                [bank_version, statement_id],
            ).fetchone():
                raise NotFoundError(
                    f"'{statement_id}' is not a statement in this round's question bank "
                    f"(version {bank_version}). Nothing was saved."
                )
            (answer_id,) = cursor.execute(
                """
                INSERT INTO answers (round_id, respondent_id, statement_id, level, unscored,
                    target_level, note, recorded_at, recorded_by, source)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                """,
                [
                    round_id,
                    respondent_id,
                    statement_id,
                    answer.level,
                    answer.unscored.value if answer.unscored else None,
                    answer.target_level,
                    answer.note,
                    now,
                    answer.recorded_by,
                    answer.source,
                ],
            ).fetchone()
            cursor.execute(
                """
                INSERT INTO answer_heads VALUES (?, ?, ?, ?)
                ON CONFLICT (round_id, respondent_id, statement_id)
                DO UPDATE SET answer_id = excluded.answer_id
                """,
                [round_id, respondent_id, statement_id, answer_id],
            )
            return int(answer_id)

        return self._write(work)

    @staticmethod
    def _require_respondent_in_round(
        cursor: duckdb.DuckDBPyConnection, respondent_id: int, round_id: int
    ) -> None:
        if not cursor.execute(
            "SELECT 1 FROM respondents WHERE id = ? AND round_id = ?", [respondent_id, round_id]
        ).fetchone():
            raise NotFoundError(f"Respondent {respondent_id} is not taking part in this round.")

    def current_answers(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """The current answer of every respondent to every statement they answered, with the
        respondent's role and organisation."""
        return self._frame(
            """
            SELECT a.id AS answer_id, a.round_id, a.respondent_id, a.statement_id, a.level,
                a.unscored, a.target_level, a.note, a.recorded_at, a.recorded_by, a.source,
                p.role, p.organisation
            FROM current_answers a JOIN respondents p ON p.id = a.respondent_id
            WHERE a.round_id IN (SELECT unnest(?::INTEGER[]))
            ORDER BY a.round_id, a.respondent_id, a.statement_id
            """,
            [list(map(int, round_ids))],
        )

    def answer_history(
        self, round_id: int, respondent_id: int | None = None, statement_id: str | None = None
    ) -> pd.DataFrame:
        """Every answer ever saved in the round (optionally for one respondent or statement),
        oldest first."""
        return self._frame(
            """
            SELECT * FROM answers
            WHERE round_id = ? AND (? IS NULL OR respondent_id = ?) AND (? IS NULL OR statement_id = ?)
            ORDER BY id
            """,
            [round_id, respondent_id, respondent_id, statement_id, statement_id],
        )

    # -- self-described stage --------------------------------------------------------------------

    def record_self_described_stage(
        self, round_id: int, respondent_id: int, stage: StageInput
    ) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._require_open_round(cursor, round_id)
            self._require_respondent_in_round(cursor, respondent_id, round_id)
            (new_id,) = cursor.execute(
                "INSERT INTO self_described_stages (round_id, respondent_id, stage, recorded_at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?) RETURNING id",
                [round_id, respondent_id, stage.stage, utc_now(), stage.recorded_by],
            ).fetchone()
            return int(new_id)

        return self._write(work)

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

    # -- consensus and actions (recorded in workshops) -------------------------------------------

    def record_consensus(self, round_id: int, statement_id: str, consensus: ConsensusInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            bank_version = self._require_open_round(cursor, round_id)
            if not cursor.execute(
                "SELECT 1 FROM bank_statements WHERE bank_version = ? AND statement_id = ?",
                [bank_version, statement_id],
            ).fetchone():
                raise NotFoundError(f"'{statement_id}' is not a statement in this round.")
            (new_id,) = cursor.execute(
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
            ).fetchone()
            return int(new_id)

        return self._write(work)

    def current_consensus(self, round_ids: Sequence[int]) -> pd.DataFrame:
        return self._frame(
            """
            SELECT round_id, statement_id, level, rationale, recorded_at, recorded_by
            FROM consensus_records WHERE round_id IN (SELECT unnest(?::INTEGER[]))
            QUALIFY row_number() OVER (PARTITION BY round_id, statement_id ORDER BY id DESC) = 1
            """,
            [list(map(int, round_ids))],
        )

    def add_action(self, round_id: int, action: ActionInput) -> int:
        def work(cursor: duckdb.DuckDBPyConnection) -> int:
            self._require_round(cursor, round_id)
            (new_id,) = cursor.execute(
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
            ).fetchone()
            return int(new_id)

        return self._write(work)

    def actions(self, round_id: int) -> pd.DataFrame:
        return self._frame("SELECT * FROM actions WHERE round_id = ? ORDER BY id", [round_id])

    # -- demo data -------------------------------------------------------------------------------

    def has_demo_data(self) -> bool:
        return bool(self._one("SELECT count(*) FROM collaboratives WHERE is_demo")[0])

    def is_empty(self) -> bool:
        return not self._one("SELECT count(*) FROM collaboratives")[0]

    def table_counts(self) -> dict[str, int]:
        row = self._one(
            """
            SELECT (SELECT count(*) FROM collaboratives), (SELECT count(*) FROM members),
                (SELECT count(*) FROM rounds), (SELECT count(*) FROM respondents),
                (SELECT count(*) FROM answers), (SELECT count(*) FROM self_described_stages),
                (SELECT count(*) FROM consensus_records), (SELECT count(*) FROM actions)
            """
        )
        names = ["collaboratives", "members", "rounds", "respondents", "answers",
                 "self_described_stages", "consensus_records", "actions"]
        return dict(zip(names, map(int, row)))

    def import_demo(self, dataset: "DemoDataset", bank: QuestionBank) -> dict[str, int]:
        """Load synthetic demo peers in one transaction: all of it is saved, or none of it."""
        self.register_bank(bank)
        now = utc_now()

        def reserve(cursor: duckdb.DuckDBPyConnection, sequence: str, keys: pd.Series) -> dict:
            ids = cursor.execute(
                "SELECT nextval(?) FROM range(?)", [sequence, len(keys)]
            ).fetchall()
            return dict(zip(keys, (int(row[0]) for row in ids)))

        def insert(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
            cursor.register("incoming_rows", frame)
            cursor.execute(_BULK_INSERTS[table])
            cursor.unregister("incoming_rows")

        def work(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
            names = dataset.collaboratives["name"]
            taken = cursor.execute(
                "SELECT name FROM collaboratives WHERE name_key IN (SELECT unnest(?::VARCHAR[]))",
                [[name_key(n) for n in names]],
            ).fetchall()
            if taken:
                raise InputError(
                    f"Demo data is already loaded ({taken[0][0]} exists). Remove it first with "
                    "`collab-assess remove-demo`."
                )
            collaborative_ids = reserve(cursor, "collaborative_ids", dataset.collaboratives["key"])
            round_ids = reserve(cursor, "round_ids", dataset.rounds["key"])
            respondent_ids = reserve(cursor, "respondent_ids", dataset.respondents["key"])

            collaboratives = dataset.collaboratives.assign(
                id=dataset.collaboratives["key"].map(collaborative_ids),
                name_key=names.map(name_key),
                is_demo=True,
                created_at=now,
                created_by="demo generator",
            ).drop(columns="key")
            insert(cursor, "collaboratives", collaboratives)
            insert(
                cursor,
                "collaborative_profile_history",
                collaboratives.rename(columns={"id": "collaborative_id"})
                .assign(changed_at=now, changed_by="demo generator")
                .drop(columns=["name_key", "is_demo", "created_at", "created_by"]),
            )
            insert(
                cursor,
                "members",
                dataset.members.assign(
                    collaborative_id=dataset.members["collaborative_key"].map(collaborative_ids),
                    added_at=now,
                    added_by="demo generator",
                ).drop(columns="collaborative_key"),
            )
            insert(
                cursor,
                "rounds",
                dataset.rounds.assign(
                    id=dataset.rounds["key"].map(round_ids),
                    collaborative_id=dataset.rounds["collaborative_key"].map(collaborative_ids),
                    bank_version=bank.version,
                    created_at=now,
                    created_by="demo generator",
                ).drop(columns=["key", "collaborative_key"]),
            )
            insert(
                cursor,
                "respondents",
                dataset.respondents.assign(
                    id=dataset.respondents["key"].map(respondent_ids),
                    round_id=dataset.respondents["round_key"].map(round_ids),
                    created_at=now,
                ).drop(columns=["key", "round_key"]),
            )
            keyed = {
                "round_id": lambda f: f["round_key"].map(round_ids),
                "respondent_id": lambda f: f["respondent_key"].map(respondent_ids),
            }
            insert(
                cursor,
                "answers",
                dataset.answers.assign(
                    **keyed, recorded_at=now, recorded_by="demo generator", source="demo"
                ).drop(columns=["round_key", "respondent_key"]),
            )
            cursor.execute(
                """
                INSERT INTO answer_heads
                SELECT round_id, respondent_id, statement_id, max(id) FROM answers
                WHERE round_id IN (SELECT unnest(?::INTEGER[]))
                GROUP BY ALL
                """,
                [list(round_ids.values())],
            )
            insert(
                cursor,
                "self_described_stages",
                dataset.stages.assign(
                    **keyed, recorded_at=now, recorded_by="demo generator"
                ).drop(columns=["round_key", "respondent_key"]),
            )
            return {
                "collaboratives": len(collaboratives),
                "rounds": len(round_ids),
                "respondents": len(respondent_ids),
                "answers": len(dataset.answers),
            }

        return self._write(work)

    def remove_demo(self) -> dict[str, int]:
        """Delete every synthetic collaborative and everything recorded for it; real data is
        untouched. Returns how many rows went from each table."""

        def work(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
            removed: dict[str, int] = {}
            for table, statement in _DEMO_DELETES:
                removed[table] = int(cursor.execute(statement).fetchone()[0])
            return removed

        return self._write(work)


# The demo loader's bulk inserts: rows come from a registered DataFrame, never from SQL text.
_BULK_INSERTS = {
    table: f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows"
    for table in (
        "collaboratives",
        "collaborative_profile_history",
        "members",
        "rounds",
        "respondents",
        "answers",
        "self_described_stages",
    )
}

_DEMO_ROUNDS = (
    "SELECT r.id FROM rounds r JOIN collaboratives c ON c.id = r.collaborative_id WHERE c.is_demo"
)
_DEMO_COLLABORATIVES = "SELECT id FROM collaboratives WHERE is_demo"

# Children first, so nothing is ever left pointing at a deleted row.
_DEMO_DELETES: tuple[tuple[str, str], ...] = tuple(
    (table, f"DELETE FROM {table} WHERE {column} IN ({parents})")
    for table, column, parents in (
        ("answer_heads", "round_id", _DEMO_ROUNDS),
        ("answers", "round_id", _DEMO_ROUNDS),
        ("self_described_stages", "round_id", _DEMO_ROUNDS),
        ("consensus_records", "round_id", _DEMO_ROUNDS),
        ("actions", "round_id", _DEMO_ROUNDS),
        ("respondents", "round_id", _DEMO_ROUNDS),
        ("rounds", "id", _DEMO_ROUNDS),
        ("members", "collaborative_id", _DEMO_COLLABORATIVES),
        ("collaborative_profile_history", "collaborative_id", _DEMO_COLLABORATIVES),
        ("collaboratives", "id", _DEMO_COLLABORATIVES),
    )
)
