"""The connection to the DuckDB file: one per process, a cursor per thread, short transactions,
retries on write-write conflicts, and the schema migrations."""

from __future__ import annotations

import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.errors import DatabaseError
from collab_assess.store.migrations import LATEST_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE

DB_ENV_VAR = "COLLAB_ASSESS_DB"
DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "collab_assess.duckdb"
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


class Database:
    """Owns the connection. Every write goes through _write; every read through _frame or _one."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._connection = _open_connection(self.path)
        self._local = threading.local()
        self._banks: dict[tuple[int, str], QuestionBank] = {}
        self._migrate()

    def close(self) -> None:
        self._connection.close()

    def checkpoint(self) -> None:
        """Write everything in the write-ahead log into the database file now (after a bulk load,
        so the next process to open the file does not replay it)."""
        self._cursor().execute("CHECKPOINT")

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
                for step in migration.steps:
                    step(cursor)
                cursor.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)",
                    [migration.version, migration.description, utc_now()],
                )

            self._write(apply)

    def schema_version(self) -> int:
        row = self._one("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0])
