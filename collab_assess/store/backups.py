"""Consistent copies of the whole database taken by the process that holds it, and restores.

A copy is one transaction: it ATTACHes a new DuckDB file to the process's connection and runs COPY
FROM DATABASE inside a single transaction, so it reads one committed state of every table, however
many other threads are writing, and it carries the sequences on from where they were. The copy is a
complete collab-assess database (schema_version included) that Store() opens as it is.

A restore replaces the contents of every table with a checked backup's in one transaction: all of
it, or nothing. While it runs, this process's writes wait (see _WriteGate), so the copy of what it
replaces, taken first, holds exactly what the restore replaced.

Which files to check, where copies go and what they are called is in collab_assess/backups.py.
"""

from __future__ import annotations

import logging
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from collab_assess.errors import DatabaseError
from collab_assess.store.audit import write_audit
from collab_assess.store.database import Database
from collab_assess.store.rules import admin_only

T = TypeVar("T")

log = logging.getLogger(__name__)

# Restores leave these alone: the schema history belongs to this file, not to the backup.
KEPT_TABLES = frozenset({"schema_version"})
# Copies of question bank versions: a restore puts in the backup's, and keeps any version this app
# holds that the backup does not (the bank this app runs with must stay in the database).
BANK_TABLES = {"bank_versions": "version", "bank_statements": "bank_version"}
# Tables whose rows only the app itself puts there when it starts: a database holding nothing else
# counts as empty.
SETUP_TABLES = frozenset({"schema_version", *BANK_TABLES})
# Files being written start with this; a file named so that is old was left by a crash.
INCOMPLETE_PREFIX = ".incomplete-"
_NEXTVAL = re.compile(r"nextval\('(?:[\w\"]+\.)*\"?(\w+)\"?'\)")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def catalog_name(cursor: duckdb.DuckDBPyConnection) -> str:
    """The name DuckDB gives the connection's own database (from its file name)."""
    return str(cursor.execute("SELECT current_database()").fetchall()[0][0])


@contextmanager
def attached(connection: duckdb.DuckDBPyConnection, path: Path, *,
             read_only: bool) -> Iterator[tuple[duckdb.DuckDBPyConnection, str]]:
    """A cursor with the DuckDB file at path attached under a fresh name, detached afterwards.

    Attached databases are seen by every cursor of the connection, so each gets a name of its
    own."""
    alias = f"backup_{uuid.uuid4().hex}"
    cursor = connection.cursor()
    mode = "READ_ONLY" if read_only else "READ_WRITE"
    try:
        cursor.execute(f"ATTACH {_literal(str(path))} AS {alias} ({mode})")
        try:
            yield cursor, alias
        finally:
            cursor.execute(f"DETACH {alias}")
    finally:
        cursor.close()


def remove_database_file(path: Path) -> None:
    """Delete a DuckDB file and its write-ahead log, if they exist."""
    for each in (path, path.with_name(path.name + ".wal")):
        each.unlink(missing_ok=True)


def _fold_in_log(path: Path) -> None:
    """Make sure everything in a database file's write-ahead log is in the file itself, so the file
    alone is the whole database."""
    if path.with_name(path.name + ".wal").exists():
        connection = duckdb.connect(str(path))
        try:
            connection.execute("CHECKPOINT")
        finally:
            connection.close()
    if path.with_name(path.name + ".wal").exists():
        raise DatabaseError(f"The copy {path} could not be completed: its log was not written in.")


def write_copy(connection: duckdb.DuckDBPyConnection, out_path: Path) -> None:
    """Write one consistent copy of the connection's database into a new DuckDB file at out_path.

    Everything is read in one transaction, so the copy is one committed state of every table, even
    while other cursors of the connection keep writing; sequences carry on where they were. Works on
    a read-only connection too. The copy is written under a temporary name in the same folder and
    renamed to out_path only once it is complete (checkpointed, flushed to disk, no write-ahead
    log), so out_path never names a half-written file. An existing out_path is never replaced."""
    if out_path.exists():
        raise DatabaseError(f"{out_path} already exists; a copy is never written over a file.")
    partial = out_path.with_name(f"{INCOMPLETE_PREFIX}{uuid.uuid4().hex}.duckdb")
    try:
        with attached(connection, partial, read_only=False) as (cursor, alias):
            source = catalog_name(cursor)
            cursor.execute("BEGIN TRANSACTION")
            try:
                cursor.execute(f"COPY FROM DATABASE {_quoted(source)} TO {alias}")
            except BaseException:
                cursor.execute("ROLLBACK")
                raise
            cursor.execute("COMMIT")
            try:
                cursor.execute(f"CHECKPOINT {alias}")
            except duckdb.TransactionException:
                pass  # still in the copy's log: written into the file below, once detached
        _fold_in_log(partial)
        with open(partial, "rb+") as written:
            os.fsync(written.fileno())
        if out_path.exists():
            raise DatabaseError(f"{out_path} already exists; a copy is never written over a file.")
        partial.rename(out_path)
    finally:
        remove_database_file(partial)


RESTORE_COUNTED = ("collaboratives", "rounds", "respondents", "answers")


def write_restore_entry(cursor: duckdb.DuckDBPyConnection, backup_name: str, restored_by: str,
                        kept_copy: str | Path | None, counts: dict[str, int]) -> None:
    """The restored database's audit log entry for the restore. Its log is now the backup's, so
    the entry says where the log of the database it replaced is kept."""
    if kept_copy is not None:
        earlier = (f"The audit log as it was before this restore is not in this database: it "
                   f"is in the copy of the replaced database kept at {kept_copy}.")
    else:
        earlier = ("No copy of the database before this restore was kept (it held no data), so "
                   "this log starts from the backup's.")
    write_audit(cursor, actor=restored_by, action="restore", record_kind="database",
                record_id=backup_name,
                before={"kept_copy": None if kept_copy is None else str(kept_copy),
                        "earlier_audit_log": earlier},
                after={"backup_file": backup_name,
                       **{table: counts[table] for table in RESTORE_COUNTED if table in counts}})


def table_columns(cursor: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, list[str]]:
    """Each base table of the catalog's main schema and its columns, in order."""
    rows = cursor.execute(
        """
        SELECT c.table_name, c.column_name
        FROM duckdb_columns() c JOIN duckdb_tables() t
            ON t.database_name = c.database_name AND t.schema_name = c.schema_name
            AND t.table_name = c.table_name
        WHERE c.database_name = ? AND c.schema_name = 'main'
        ORDER BY c.table_name, c.column_index
        """,
        [catalog],
    ).fetchall()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return columns


def _sequence_columns(cursor: duckdb.DuckDBPyConnection,
                      catalog: str) -> dict[str, tuple[str, str]]:
    """Each sequence that numbers a column: sequence name -> (table, column)."""
    rows = cursor.execute(
        "SELECT table_name, column_name, column_default FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'main' AND column_default LIKE '%nextval%'",
        [catalog],
    ).fetchall()
    found = {}
    for table, column, default in rows:
        match = _NEXTVAL.search(default)
        if match:
            found[match.group(1)] = (table, column)
    return found


def _sequence_positions(cursor: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, int]:
    """The last number each sequence handed out (start - 1 when it has handed out none)."""
    rows = cursor.execute(
        "SELECT sequence_name, coalesce(last_value, start_value - increment_by) "
        "FROM duckdb_sequences() WHERE database_name = ? AND schema_name = 'main'",
        [catalog],
    ).fetchall()
    return {name: int(position) for name, position in rows}


def fingerprint(cursor: duckdb.DuckDBPyConnection, catalog: str) -> dict[str, tuple[int, int]]:
    """Each table's row count and a hash of all its rows, read in full: two databases with the same
    fingerprint hold the same rows, and a damaged file fails here, on the block it cannot read."""
    result = {}
    for table in table_columns(cursor, catalog):
        count, digest = cursor.execute(
            f"SELECT count(*), coalesce(bit_xor(hash(x)), 0) "
            f"FROM {_quoted(catalog)}.main.{_quoted(table)} x"
        ).fetchall()[0]
        result[table] = (int(count), int(digest))
    return result


@dataclass(frozen=True)
class _Schema:
    tables: dict[str, str]
    """Each table's CREATE statement."""
    indexes: dict[str, list[str]]
    """Each table's CREATE INDEX statements (the indexes of its keys come with the table)."""
    views: dict[str, str]
    """Each view's CREATE statement, in the order they were made."""


def _schema(cursor: duckdb.DuckDBPyConnection, catalog: str) -> _Schema:
    """How the catalog's tables, indexes and views are defined, to make them again as they are."""
    tables = dict(cursor.execute(
        "SELECT table_name, sql FROM duckdb_tables() WHERE database_name = ? "
        "AND schema_name = 'main'", [catalog]).fetchall())
    indexes: dict[str, list[str]] = {}
    for table, definition in cursor.execute(
            "SELECT table_name, sql FROM duckdb_indexes() WHERE database_name = ? "
            "AND schema_name = 'main' AND sql IS NOT NULL ORDER BY index_oid",
            [catalog]).fetchall():
        indexes.setdefault(table, []).append(definition)
    views = dict(cursor.execute(
        "SELECT view_name, sql FROM duckdb_views() WHERE database_name = ? "
        "AND schema_name = 'main' AND NOT internal ORDER BY view_oid", [catalog]).fetchall())
    return _Schema(tables, indexes, views)


class BackupRecords(Database):
    """Snapshots and restores of the database (a restore closes Database's write gate)."""

    # -- copies -----------------------------------------------------------------------------------

    @admin_only
    def copy_to(self, out_path: str | Path) -> None:
        """Write one consistent copy of the whole database into a new file at out_path (which must
        not exist yet; see write_copy). Other threads carry on reading and writing while it runs."""
        write_copy(self._connection, Path(out_path))

    @admin_only
    def holds_data(self) -> bool:
        """True when any table holds rows other than those the app puts there itself on start (the
        schema history and copies of question banks)."""
        cursor = self._cursor()
        catalog = catalog_name(cursor)
        for table in table_columns(cursor, catalog):
            if table in SETUP_TABLES:
                continue
            if cursor.execute(f"SELECT 1 FROM {_quoted(table)} LIMIT 1").fetchall():
                return True
        return False

    @admin_only
    def record_restore(self, backup_name: str, restored_by: str,
                       kept_copy: str | Path | None) -> None:
        """The audit entry of a restore made by putting the backup's file in place (when the
        app is stopped and there was no usable database to restore into)."""

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            counts = {table: int(cursor.execute(f"SELECT count(*) FROM {_quoted(table)}")
                                 .fetchall()[0][0]) for table in RESTORE_COUNTED}
            write_restore_entry(cursor, backup_name, restored_by, kept_copy, counts)

        self._write(work)

    @admin_only
    def fingerprint(self) -> dict[str, tuple[int, int]]:
        """Each table's row count and a hash of its rows (see the module function)."""
        cursor = self._cursor()
        return fingerprint(cursor, catalog_name(cursor))

    # -- restore ----------------------------------------------------------------------------------

    @admin_only
    def replace_everything(self, backup_path: str | Path, keep_copy_at: str | Path | None, *,
                           restored_by: str = "app user",
                           shown: str | None = None) -> dict[str, int]:
        """Replace the contents of every table with those of the backup at backup_path, in one
        transaction, and return the number of rows now in each table.

        backup_path must be a checked collab-assess database at this schema version (see
        collab_assess.operations.backups.checked_backup). This process's writes wait while it runs;
        when keep_copy_at is given, a copy of the database as it is now is written there first, so
        it holds exactly what is replaced. The schema history is left as it is, and question bank
        versions this database holds but the backup does not are kept. Sequences carry on past the
        highest number in use in either database. The audit log is the backup's, with one
        entry added for this restore (by restored_by, naming the backup as `shown`, by default its
        file name); the replaced log is in the copy at keep_copy_at.

        Each table is dropped and made again from its own definition, then filled, and its indexes
        and the views made again: DuckDB commits that many times faster than deleting every row
        (a delete of 1.5 million answers took 40 s to commit; this takes a few seconds)."""
        backup_path = Path(backup_path)
        with self._gate.pause():
            if keep_copy_at is not None:
                self.copy_to(keep_copy_at)
            with attached(self._connection, backup_path, read_only=True) as (reader, alias):
                live = catalog_name(reader)
                tables = table_columns(reader, live)
                incoming = table_columns(reader, alias)
                different = sorted(
                    table for table, columns in tables.items()
                    if table not in KEPT_TABLES and set(incoming.get(table, ())) != set(columns)
                ) + sorted(set(incoming) - set(tables))
                if different:
                    raise DatabaseError(
                        "The backup's tables do not match this app's ("
                        + ", ".join(different) + "); nothing was changed.")
                schema = _schema(reader, live)
                sequences = _sequence_columns(reader, live)
                backup_positions = _sequence_positions(reader, alias)

                def work(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
                    for view in schema.views:
                        cursor.execute(f"DROP VIEW {_quoted(view)}")
                    counts = {}
                    for table, columns in tables.items():
                        if table in KEPT_TABLES:
                            continue
                        names = ", ".join(map(_quoted, columns))
                        source = f"{alias}.main.{_quoted(table)}"
                        if table in BANK_TABLES:
                            key = _quoted(BANK_TABLES[table])
                            cursor.execute(f"DELETE FROM {_quoted(table)} WHERE {key} IN "
                                           f"(SELECT {key} FROM {source})")
                        else:
                            cursor.execute(f"DROP TABLE {_quoted(table)}")
                            cursor.execute(schema.tables[table])
                        cursor.execute(f"INSERT INTO {_quoted(table)} ({names}) "
                                       f"SELECT {names} FROM {source}")
                        if table not in BANK_TABLES:
                            for index in schema.indexes.get(table, ()):
                                cursor.execute(index)
                        counts[table] = int(cursor.execute(
                            f"SELECT count(*) FROM {_quoted(table)}").fetchall()[0][0])
                    for definition in schema.views.values():
                        cursor.execute(definition)
                    live_positions = _sequence_positions(cursor, live)
                    for sequence, (table, column) in sequences.items():
                        (highest,) = cursor.execute(
                            f"SELECT coalesce(max({_quoted(column)}), 0) FROM {_quoted(table)}"
                        ).fetchall()[0]
                        wanted = max(int(highest), backup_positions.get(sequence, 0))
                        behind = wanted - live_positions.get(sequence, 0)
                        if behind > 0:
                            # DuckDB cannot set a sequence; drawing numbers moves it on (it is not
                            # undone by a rollback, which only leaves a gap in the numbers).
                            cursor.execute(f"SELECT max(nextval({_literal(sequence)})) "
                                           f"FROM range({behind})")
                    # Only now: the audit log's numbers carry on past the backup's.
                    write_restore_entry(cursor, shown or backup_path.name, restored_by,
                                        keep_copy_at, counts)
                    if "audit_log" in counts:
                        counts["audit_log"] += 1
                    return counts

                counts = self._write(work)
            self._settle()  # still paused: the file alone holds the restored data
            return counts
