"""The connection to the DuckDB file: one per process, a cursor per thread, short transactions,
retries on write-write conflicts, and the schema migrations."""

from __future__ import annotations

import logging
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
from collab_assess.store.rows import one_row
from collab_assess.store.rules import admin_only, open_to_all

DB_ENV_VAR = "COLLAB_ASSESS_DB"
DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "collab_assess.duckdb"
MAX_WRITE_ATTEMPTS = 60
PAUSE_TIMEOUT_SECONDS = 60

T = TypeVar("T")

log = logging.getLogger(__name__)


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


_DISK_FULL = ("no space left", "disk full", "file too large", "quota exceeded",
              "not enough space")
_READ_ONLY = ("read-only file system", "permission denied", "read only file system",
              "access is denied", "operation not permitted")


def disk_problem(error: BaseException) -> str | None:
    """"full" or "read-only" for an error of the disk, else None."""
    message = str(error).lower()
    if isinstance(error, OSError) and error.strerror:
        message += " " + error.strerror.lower()
    if any(sign in message for sign in _DISK_FULL):
        return "full"
    if any(sign in message for sign in _READ_ONLY):
        return "read-only"
    return None


def storage_error(error: BaseException, path: Path) -> DatabaseError | None:
    """A one-line message for an error of the disk under the database (full, read-only, or the
    file held by another program), or None for any other error. Writes run in transactions, so
    when one fails this way nothing of it was saved."""
    problem = disk_problem(error)
    if problem == "full":
        return DatabaseError(
            f"The disk holding {path.parent} is full, so nothing was saved. Free some space "
            "(move old copies out of its backups folder, for example), then try again.")
    if problem == "read-only":
        return DatabaseError(
            f"The database {path} cannot be written: its folder or file is read-only for the "
            "account running collab-assess. Nothing was saved. Make the folder and the file "
            "writable by that account, then try again.")
    if "lock" in str(error).lower() and isinstance(error, (duckdb.IOException, OSError)):
        return DatabaseError(
            f"The database file {path} is in use by another program (is the app or another "
            "collab-assess command already running?). Stop that program and try again. Nothing "
            "was changed.")
    return None


def one_line(error: BaseException) -> str:
    """An error's message on one line (DuckDB's can run over several)."""
    return " ".join(str(error).split()) or type(error).__name__


def _open_connection(path: Path) -> duckdb.DuckDBPyConnection:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return duckdb.connect(str(path))
    except duckdb.IOException as error:
        message = str(error)
        plain = storage_error(error, path)
        if plain is not None:
            raise plain from error
        if "lock" in message.lower():
            raise DatabaseError(
                f"The database file {path} is in use by another program (is the app or another "
                "collab-assess command already running?). Stop that program and try again. "
                "Nothing was changed."
            ) from error
        if "not a valid" in message.lower() or "corrupt" in message.lower():
            raise DatabaseError(
                f"The file {path} is not a readable collab-assess database: it may be damaged, or "
                "it is another kind of file. It has been left exactly as it was. Move it aside "
                f"(keep it: it may hold answers) or set {DB_ENV_VAR} to another file, then start "
                "again."
            ) from error
        raise DatabaseError(f"The database file {path} cannot be opened: "
                            f"{one_line(error)}") from error
    except (duckdb.Error, OSError) as error:
        plain = storage_error(error, path)
        if plain is not None:
            raise plain from error
        raise DatabaseError(f"The database file {path} cannot be opened: "
                            f"{one_line(error)}") from error


class WriteGate:
    """Lets this process's writes run side by side, or pauses them all for one restore.

    A write that starts while a pause is waiting or under way waits for it to end; the pause waits
    for the writes already under way to finish. A thread inside a write or holding the pause passes
    straight through, so nested writes and the restore's own write never wait for themselves."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._writing = 0
        self._pausing = 0
        self._owner: int | None = None
        self._local = threading.local()

    @contextmanager
    def write(self) -> Iterator[None]:
        depth = getattr(self._local, "depth", 0)
        if depth or self._owner == threading.get_ident():
            self._local.depth = depth + 1
            try:
                yield
            finally:
                self._local.depth = depth
            return
        with self._condition:
            self._condition.wait_for(lambda: self._owner is None and not self._pausing)
            self._writing += 1
        self._local.depth = 1
        try:
            yield
        finally:
            self._local.depth = 0
            with self._condition:
                self._writing -= 1
                self._condition.notify_all()

    @contextmanager
    def pause(self, timeout: float = PAUSE_TIMEOUT_SECONDS) -> Iterator[None]:
        me = threading.get_ident()
        if self._owner == me:
            yield
            return
        with self._condition:
            self._pausing += 1
            try:
                ready = self._condition.wait_for(
                    lambda: self._owner is None and self._writing == 0, timeout)
            finally:
                self._pausing -= 1
                self._condition.notify_all()
            if not ready:
                raise DatabaseError("The app is too busy saving to restore just now; nothing was "
                                    "changed. Please try again in a minute.")
            self._owner = me
        try:
            yield
        finally:
            with self._condition:
                self._owner = None
                self._condition.notify_all()


class Database:
    """Owns the connection, the write gate and the retry. Every write goes through _write; every
    read through _frame, _one or _row. The Store's record groups (one module each) build on this
    and on nothing of each other's, so the order they are put together in changes nothing
    (tests/test_store_shape.py)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._connection = _open_connection(self.path)
        self._local = threading.local()
        self._banks: dict[tuple[int, str], QuestionBank] = {}
        self._gate = WriteGate()
        self._round_closed_listeners: list[Callable[[int], None]] = []
        self._migrate()

    @admin_only
    def close(self) -> None:
        self._connection.close()

    @admin_only
    def checkpoint(self) -> None:
        """Write everything in the write-ahead log into the database file now (after a bulk load,
        so the next process to open the file does not replay it)."""
        try:
            self._cursor().execute("CHECKPOINT")
        except (duckdb.IOException, OSError) as error:
            plain = storage_error(error, self.path)
            if plain is None:
                raise
            raise plain from error

    def _settle(self) -> None:
        """Write the write-ahead log into the database file, so that the file alone holds every
        committed change (after a large import or a restore; on a normal stop, store/shared.py).
        If DuckDB cannot just now (another transaction under way), the log is written at its next
        checkpoint instead: nothing committed is lost either way, as the log is kept."""
        try:
            self._cursor().execute("CHECKPOINT")
        except (duckdb.Error, OSError) as error:
            log.info("The database's log was not written into its file just now (%s); it will be "
                     "at the next checkpoint.", one_line(error))

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
        """Run work in a transaction; on a write-write conflict, back off and run it again. While
        a restore is replacing the database (WriteGate.pause), it waits first."""
        with self._gate.write():
            for attempt in range(1, MAX_WRITE_ATTEMPTS + 1):
                try:
                    with self._transaction() as cursor:
                        return work(cursor)
                except _CONFLICT_ERRORS as error:
                    if not _is_conflict(error):
                        raise
                    time.sleep(random.uniform(0, min(0.05, 0.001 * 2**attempt)))
                except (duckdb.IOException, duckdb.FatalException, OSError) as error:
                    plain = storage_error(error, self.path)
                    if plain is None:
                        raise
                    raise plain from error
        raise DatabaseError(
            "The database is too busy to save this just now; nothing was saved. Please try again."
        )

    # -- after a round closes ----------------------------------------------------------------------

    @admin_only
    def when_round_closes(self, listener: Callable[[int], None]) -> None:
        """Call listener(round_id) after each round this Store closes (once the close is
        saved): how the automatic backups take a copy after each close."""
        if listener not in self._round_closed_listeners:
            self._round_closed_listeners.append(listener)

    def _after_round_closed(self, round_id: int) -> None:
        """Called by close_round once the close is saved. A listener that fails is logged and the
        close stands."""
        for listener in list(self._round_closed_listeners):
            try:
                listener(round_id)
            except Exception as error:  # noqa: BLE001 - the close is saved whatever happens here
                log.warning("After assessment round %s closed, a follow-up task failed: %s. The "
                            "round is closed as normal.", round_id, error)

    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self._cursor().execute(sql, list(params)).df()

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple | None:
        return self._cursor().execute(sql, list(params)).fetchone()

    def _row(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...]:
        """The row of a query that always returns one (an aggregate such as count(*))."""
        return one_row(self._cursor(), sql, params)

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

    @open_to_all
    def schema_version(self) -> int:
        row = self._row("SELECT coalesce(max(version), 0) FROM schema_version")
        return int(row[0])
