"""Backups of the collab-assess database, and restores from them.

DuckDB lets one process hold the database file, so while the app runs, the app makes the copies: the
Admin page on demand, and a background thread once a day and after each round is closed
(start_automatic_snapshots, called once when the app opens its database). Copies go into a folder
beside the database, <database folder>/backups/, named with the UTC time and why they were taken:

    collab-assess-20260514T093000Z-daily.duckdb

Each copy is a complete collab-assess database: Store() opens it as it is, and it can be restored
from the Admin page or with the collab-assess command.

Keeping: the newest N copies of each kind (daily, round-closed, on-demand) are kept and older ones
deleted, N from $COLLAB_ASSESS_KEEP_BACKUPS (default 14). Copies kept before a restore are never
deleted automatically: they hold what a restore replaced, and only a person should throw that away.
Files in the folder not named like a copy are never touched.

Restoring: a backup is checked on a temporary copy first: it must be a DuckDB file holding a
collab-assess database, every row of it must read back (a damaged or cut-short file fails here),
and it must not come from a newer collab-assess. One from an older collab-assess is brought up to
date on that temporary copy by the usual migrations. Only then does the restore replace the
contents of every table, in one transaction, after keeping a copy of what it replaces. A restore
refuses a database that holds data unless it is told to replace it.

When the app is stopped, backup_database and restore_database do the same from the command line.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import threading
import uuid
import weakref
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb

from collab_assess.errors import DatabaseError, InputError
from collab_assess.store import Store, utc_now
from collab_assess.store.backups import (
    INCOMPLETE_PREFIX,
    catalog_name,
    fingerprint,
    remove_database_file,
    table_columns,
    write_copy,
)
from collab_assess.store.migrations import LATEST_VERSION
from collab_assess.store.rows import one_row

log = logging.getLogger(__name__)

KEEP_ENV_VAR = "COLLAB_ASSESS_KEEP_BACKUPS"
DEFAULT_KEEP = 14
FOLDER_NAME = "backups"

DAILY = "daily"
ROUND_CLOSED = "round-closed"
ON_DEMAND = "on-demand"
BEFORE_RESTORE = "before-restore"
REASONS = {
    DAILY: "Daily",
    ROUND_CLOSED: "After a round was closed",
    ON_DEMAND: "Taken by hand",
    BEFORE_RESTORE: "Kept before a restore",
}
PRUNED_REASONS = (DAILY, ROUND_CLOSED, ON_DEMAND)  # before-restore copies are never pruned
DAILY_EVERY = timedelta(hours=24)
CHECK_EVERY_SECONDS = 3600.0
STALE_INCOMPLETE_AFTER = timedelta(hours=24)
MAX_UPLOAD_MB = 200
"""The largest backup file the Admin page takes from a browser: the whole file is held in the
server's memory while it is checked. A bigger one is restored with `collab-assess restore`."""
COMMAND_LINE_RESTORE = "collab-assess restore"
"""Who the audit log says made a restore from the command line."""

_NAME = re.compile(
    r"^collab-assess-(?P<time>\d{8}T\d{6})Z-(?P<reason>daily|round-closed|on-demand|before-restore)"
    r"(?:-(?P<number>\d+))?\.duckdb$"
)
_TIME_FORMAT = "%Y%m%dT%H%M%S"
UK_TIME = ZoneInfo("Europe/London")


class BackupError(InputError):
    """A backup that cannot be made or restored as asked; nothing was changed."""


# -- where copies go and what they are called ---------------------------------------------------

def backups_folder(db_path: str | Path) -> Path:
    """The folder beside the database that holds its copies: <database folder>/backups."""
    return Path(db_path).expanduser().resolve().parent / FOLDER_NAME


def keep_setting() -> int:
    """How many copies of each kind to keep: $COLLAB_ASSESS_KEEP_BACKUPS, else 14."""
    raw = os.environ.get(KEEP_ENV_VAR, "").strip()
    if not raw:
        return DEFAULT_KEEP
    if raw.isdigit() and int(raw) >= 1:
        return int(raw)
    log.warning("%s is set to %r, which is not a whole number of 1 or more; keeping %s copies of "
                "each kind instead.", KEEP_ENV_VAR, raw, DEFAULT_KEEP)
    return DEFAULT_KEEP


@dataclass(frozen=True)
class Snapshot:
    """One copy of the database in the backups folder."""

    path: Path
    taken_at: datetime
    """UTC, without a time zone (as utc_now)."""
    reason: str
    size: int

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        return REASONS[self.reason]

    @property
    def when(self) -> str:
        return uk_time(self.taken_at)


def snapshot_file_name(taken_at: datetime, reason: str, number: int = 1) -> str:
    if reason not in REASONS:
        raise ValueError(f"unknown reason for a copy: {reason}")
    extra = f"-{number}" if number > 1 else ""
    return f"collab-assess-{taken_at.strftime(_TIME_FORMAT)}Z-{reason}{extra}.duckdb"


def parse_snapshot_name(path: Path) -> tuple[datetime, str, int] | None:
    """(UTC time, reason, number) from a copy's file name; None for any other file."""
    match = _NAME.match(path.name)
    if match is None:
        return None
    taken_at = datetime.strptime(match["time"], _TIME_FORMAT)
    return taken_at, match["reason"], int(match["number"] or 1)


def list_snapshots(folder: str | Path) -> list[Snapshot]:
    """The copies in the folder, newest first (an absent folder has none)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        parsed = parse_snapshot_name(path)
        if parsed is None or not path.is_file():
            continue
        try:
            size = path.stat().st_size
        except FileNotFoundError:  # pruned by another thread just now
            continue
        found.append((parsed[0], parsed[2], Snapshot(path, parsed[0], parsed[1], size)))
    found.sort(key=lambda each: (each[0], each[1]), reverse=True)
    return [snapshot for _, _, snapshot in found]


def find_snapshot(folder: str | Path, name: str) -> Snapshot:
    """The copy with this file name in the folder (only a name from the list, never a path)."""
    for snapshot in list_snapshots(folder):
        if snapshot.name == name:
            return snapshot
    raise BackupError(f"There is no copy called {name} in {folder} (it may have been deleted).")


_folder_locks: dict[Path, threading.RLock] = {}
_folder_locks_guard = threading.Lock()


def _folder_lock(folder: Path) -> threading.RLock:
    """One copy or restore at a time per folder, so names never clash and load never doubles."""
    with _folder_locks_guard:
        return _folder_locks.setdefault(folder.resolve(), threading.RLock())


def _free_path(folder: Path, taken_at: datetime, reason: str) -> Path:
    number = 1
    while (folder / snapshot_file_name(taken_at, reason, number)).exists():
        number += 1
    return folder / snapshot_file_name(taken_at, reason, number)


def _snapshot_at(path: Path) -> Snapshot:
    parsed = parse_snapshot_name(path)
    assert parsed is not None, f"{path.name} was named by _free_path, so it is a copy's name"
    taken_at, reason, _ = parsed
    return Snapshot(path, taken_at, reason, path.stat().st_size)


def take_snapshot(store: Store, folder: str | Path, reason: str, *,
                  now: datetime | None = None) -> Snapshot:
    """Copy the whole database, as one consistent moment, into a new file in the folder. The app
    carries on reading and writing while it runs."""
    folder = Path(folder)
    if reason not in REASONS:
        raise ValueError(f"unknown reason for a copy: {reason}")
    with _folder_lock(folder):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = _free_path(folder, now or utc_now(), reason)
            store.copy_to(path)
        except (duckdb.Error, OSError) as error:
            raise DatabaseError(f"The copy could not be written to {folder}: {error}. The database "
                                "itself was not changed.") from error
        return _snapshot_at(path)


def prune(folder: str | Path, keep: int, *, now: datetime | None = None) -> list[Path]:
    """Delete all but the newest `keep` copies of each kind (daily, round-closed, on-demand), and
    files left half-written by a crash more than a day ago. Copies kept before a restore, and files
    not named like a copy, are never deleted. Returns what was deleted."""
    folder = Path(folder)
    if keep < 1:
        raise ValueError("keep at least one copy of each kind")
    removed = []
    with _folder_lock(folder):
        snapshots = list_snapshots(folder)
        for reason in PRUNED_REASONS:
            for snapshot in [each for each in snapshots if each.reason == reason][keep:]:
                remove_database_file(snapshot.path)
                removed.append(snapshot.path)
        if folder.is_dir():
            stale_before = ((now or utc_now()).replace(tzinfo=UTC) - STALE_INCOMPLETE_AFTER)
            for path in folder.glob(f"{INCOMPLETE_PREFIX}*"):
                try:
                    changed = datetime.fromtimestamp(path.stat().st_mtime, UTC)
                except FileNotFoundError:
                    continue
                if changed < stale_before:
                    path.unlink(missing_ok=True)
                    removed.append(path)
    return removed


def back_up_now(store: Store, folder: str | Path | None = None,
                keep: int | None = None) -> Snapshot:
    """A copy taken by hand (the Admin page's "Back up now"), then older copies pruned."""
    folder = Path(folder) if folder else backups_folder(store.path)
    snapshot = take_snapshot(store, folder, ON_DEMAND)
    try:
        prune(folder, keep or keep_setting())
    except OSError as error:
        log.warning("Could not delete old copies of the database in %s: %s.", folder, error)
    return snapshot


# -- the automatic schedule ---------------------------------------------------------------------

def daily_due(snapshots: Sequence[Snapshot], now: datetime) -> bool:
    """A daily copy is due when there is none, or the newest is 24 hours old or more."""
    dailies = [each.taken_at for each in snapshots if each.reason == DAILY]
    return not dailies or now - max(dailies) >= DAILY_EVERY


class AutomaticSnapshots:
    """Takes the daily copy and a copy after each round closes, on one background thread.

    The thread checks every `check_every` seconds (hourly) whether the newest daily copy is 24 hours
    old, and wakes at once when a round closes. A copy that fails is logged as a warning and never
    undoes anything: the round stays closed. `clock` gives the time in UTC (tests pass their
    own)."""

    def __init__(self, store: Store, folder: Path, keep: int, *,
                 clock: Callable[[], datetime] = utc_now,
                 check_every: float = CHECK_EVERY_SECONDS):
        self.store = store
        self.folder = Path(folder)
        self.keep = keep
        self.clock = clock
        self.check_every = check_every
        self._closed_rounds: list[int] = []
        self._condition = threading.Condition()
        self._busy = False
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def round_closed(self, round_id: int) -> None:
        """Ask for a copy now that a round has closed (taken on the background thread)."""
        with self._condition:
            self._closed_rounds.append(round_id)
        self._wake.set()

    def run_pending(self) -> list[Snapshot]:
        """Take whatever copy is due now: one for rounds closed since the last, and the daily one
        if the newest is 24 hours old; then prune. Returns the copies taken."""
        with self._condition:
            rounds, self._closed_rounds = self._closed_rounds, []
            self._busy = True
        taken = []
        try:
            if rounds:
                try:
                    taken.append(take_snapshot(self.store, self.folder, ROUND_CLOSED,
                                               now=self.clock()))
                except Exception as error:  # noqa: BLE001 - a failed copy must not stop the app
                    log.warning(
                        "Could not take the automatic copy of the database after assessment round "
                        "%s closed: %s. The round is closed as normal. Take a copy from the Admin "
                        "page.", ", ".join(map(str, rounds)), error)
            try:
                if daily_due(list_snapshots(self.folder), self.clock()):
                    taken.append(take_snapshot(self.store, self.folder, DAILY, now=self.clock()))
            except Exception as error:  # noqa: BLE001
                log.warning("Could not take the daily copy of the database: %s. It will be tried "
                            "again within the hour.", error)
            if taken:
                try:
                    prune(self.folder, self.keep)
                except OSError as error:
                    log.warning("Could not delete old copies of the database in %s: %s.",
                                self.folder, error)
        finally:
            with self._condition:
                self._busy = False
                self._condition.notify_all()
        return taken

    def wait_until_idle(self, timeout: float) -> bool:
        """Wait until no copy is under way or waiting (for tests and for a tidy stop)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: not self._busy and not self._closed_rounds, timeout)

    def start(self) -> None:
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="collab-assess-backups", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = None) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stopping.is_set():
            self._wake.clear()
            try:
                self.run_pending()
            except Exception as error:  # noqa: BLE001 - the thread must keep going
                log.warning("The automatic copies of the database ran into a problem: %s", error)
            self._wake.wait(self.check_every)


_schedules: weakref.WeakKeyDictionary[Store, AutomaticSnapshots] = weakref.WeakKeyDictionary()
_schedules_lock = threading.Lock()


def start_automatic_snapshots(store: Store, folder: str | Path | None = None,
                              keep: int | None = None, *,
                              clock: Callable[[], datetime] = utc_now,
                              check_every: float = CHECK_EVERY_SECONDS) -> AutomaticSnapshots:
    """Start the daily and round-closed copies for this store (the app calls it once when it opens
    its database). A second call for the same store returns the schedule already running."""
    with _schedules_lock:
        existing = _schedules.get(store)
        if existing is not None and existing.running:
            return existing
        schedule = AutomaticSnapshots(
            store, Path(folder) if folder else backups_folder(store.path),
            keep or keep_setting(), clock=clock, check_every=check_every)
        store.when_round_closes(schedule.round_closed)
        schedule.start()
        _schedules[store] = schedule
        return schedule


def automatic_snapshots(store: Store) -> AutomaticSnapshots | None:
    """The store's running schedule of automatic copies, if any."""
    schedule = _schedules.get(store)
    return schedule if schedule is not None and schedule.running else None


def schedule_in_words(folder: Path, keep: int, running: bool) -> list[str]:
    """What happens automatically, in plain English, one paragraph per item."""
    kept = (f"The newest {keep} copies of each kind are kept (daily, after a round was closed, and "
            "taken by hand); older ones are deleted automatically. Copies kept before a restore "
            "are never deleted automatically: delete them from the folder yourself when you no "
            "longer need them.")
    where = f"Copies are saved in {folder} on the computer that runs the app."
    if running:
        when = ("The app copies the whole database once a day, and again each time an assessment "
                "round is closed. People can carry on using the app while a copy is made.")
    else:
        when = ("Automatic copies are not running in this app, so the only copies are those "
                "taken here with Back up now (or with the collab-assess command while the app is "
                "stopped).")
    return [when, where, kept]


# -- checking a backup before it is restored ----------------------------------------------------

@dataclass(frozen=True)
class CheckedBackup:
    path: Path
    """A temporary copy, brought up to this app's schema version; deleted after use."""
    schema_version: int
    """The schema version the backup was made at."""


def _inspect(path: Path, shown: str) -> int:
    """The backup's schema version, once it is known to be a whole collab-assess database this
    app can read; otherwise a BackupError saying plainly what is wrong."""
    try:
        connection = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as error:
        if "not a valid duckdb database" in str(error).lower():
            raise BackupError(f"{shown} is not a collab-assess backup: it is not a database file. "
                              "Nothing was changed.") from error
        raise BackupError(_damaged(shown)) from error
    try:
        catalog = catalog_name(connection)
        tables = table_columns(connection, catalog)
        version = 0
        if "schema_version" in tables:
            version = int(one_row(
                connection, "SELECT coalesce(max(version), 0) FROM schema_version")[0])
        if version < 1 or "collaboratives" not in tables:
            raise BackupError(f"{shown} is a database, but not a collab-assess one. Nothing was "
                              "changed.")
        if version > LATEST_VERSION:
            raise BackupError(
                f"{shown} was made by a newer version of collab-assess (its database is at schema "
                f"version {version}; this app knows up to version {LATEST_VERSION}). Update "
                "collab-assess, then restore it again. Nothing was changed.")
        fingerprint(connection, catalog)  # reads every row: a damaged file fails here
        return version
    except duckdb.Error as error:
        raise BackupError(_damaged(shown)) from error
    finally:
        connection.close()


def _damaged(shown: str) -> str:
    return (f"{shown} cannot be read in full: it is damaged or cut short (for example by a copy or "
            "download that did not finish). Nothing was changed. Try another copy.")


@contextmanager
def checked_backup(path: str | Path, workdir: Path, shown: str | None = None
                   ) -> Iterator[CheckedBackup]:
    """A checked, up-to-date temporary copy of the backup at path (the file itself is never
    changed), deleted afterwards. `shown` is the name to use in messages (default: the path)."""
    path = Path(path).expanduser()
    shown = shown or str(path)
    if not path.is_file():
        raise BackupError(f"There is no backup file at {path}.")
    workdir.mkdir(parents=True, exist_ok=True)
    copy = workdir / f"{INCOMPLETE_PREFIX}check-{uuid.uuid4().hex}.duckdb"
    try:
        try:
            shutil.copyfile(path, copy)
        except OSError as error:
            raise BackupError(f"{shown} could not be copied for checking: {error}. Nothing was "
                              "changed.") from error
        version = _inspect(copy, shown)
        if version < LATEST_VERSION:
            try:
                Store(copy).close()  # the usual migrations, on the temporary copy only
            except (DatabaseError, duckdb.Error) as error:
                raise BackupError(f"{shown} was made by an older collab-assess (schema version "
                                  f"{version}) and could not be brought up to date: {error}. "
                                  "Nothing was changed.") from error
        yield CheckedBackup(copy, version)
    finally:
        remove_database_file(copy)


# -- restoring into a running app ---------------------------------------------------------------

def _counts_in_words(counts: dict[str, int]) -> str:
    shown = [("collaboratives", "collaborative"), ("rounds", "round"),
             ("respondents", "respondent"), ("answers", "answer")]
    return ", ".join(f"{counts.get(table, 0):,} {single if counts.get(table, 0) == 1 else table}"
                     for table, single in shown)


def _restore_checked(store: Store, checked: CheckedBackup, shown: str, *, replace: bool,
                     folder: Path, how_to_replace: str, restored_by: str) -> str:
    with _folder_lock(folder):
        holds_data = store.holds_data()
        if holds_data and not replace:
            raise BackupError(
                f"The database already holds data ({_counts_in_words(store.table_counts())}). "
                f"A restore replaces all of it, so it must be told to: {how_to_replace} Nothing "
                "was changed.")
        kept = _free_path(folder, utc_now(), BEFORE_RESTORE) if holds_data else None
        try:
            counts = store.replace_everything(checked.path, keep_copy_at=kept,
                                              restored_by=restored_by, shown=shown)
        except BaseException as error:
            if kept is not None:
                remove_database_file(kept)  # nothing was replaced, so nothing needs keeping
            if isinstance(error, (duckdb.Error, OSError)):
                raise DatabaseError(f"The restore of {shown} failed, and nothing was changed: "
                                    f"{error}") from error
            raise
    lines = [f"Restored {shown}: {_counts_in_words(counts)}."]
    if checked.schema_version < LATEST_VERSION:
        lines.append(f"It was made by an older collab-assess (schema version "
                     f"{checked.schema_version}) and was brought up to date as it was restored.")
    if kept is not None:
        lines.append(f"A copy of everything it replaced is kept in {kept}.")
    else:
        lines.append("The database held no data before, so there was nothing to keep a copy of.")
    return " ".join(lines)


def restore_into(store: Store, backup_path: str | Path, *, replace: bool,
                 folder: str | Path | None = None, shown: str | None = None,
                 restored_by: str = "app user") -> str:
    """Restore the backup at backup_path into the store's database while the app runs, and say
    what happened. Everything in the database is replaced in one transaction, after a copy of it
    is kept in the backups folder; a database holding data is refused unless replace is True.
    The audit log records the restore under restored_by."""
    folder = Path(folder) if folder else backups_folder(store.path)
    with checked_backup(backup_path, folder, shown) as checked:
        return _restore_checked(
            store, checked, shown or str(backup_path), replace=replace, folder=folder,
            how_to_replace="confirm that everything in the app should be replaced, and restore "
                           "again.", restored_by=restored_by)


def restore_upload(store: Store, data: bytes, file_name: str, *, replace: bool,
                   folder: str | Path | None = None, restored_by: str = "app user") -> str:
    """Restore a backup file uploaded through the browser (see restore_into). A file over
    MAX_UPLOAD_MB is refused here too, whatever the browser was told."""
    if len(data) > MAX_UPLOAD_MB * 1024 * 1024:
        raise BackupError(
            f"{file_name} is {format_size(len(data))}; a backup uploaded here may be up to "
            f"{MAX_UPLOAD_MB} MB. Nothing was changed. Restore a bigger one with "
            "`collab-assess restore` while the app is stopped.")
    folder = Path(folder) if folder else backups_folder(store.path)
    folder.mkdir(parents=True, exist_ok=True)
    upload = folder / f"{INCOMPLETE_PREFIX}upload-{uuid.uuid4().hex}.duckdb"
    try:
        upload.write_bytes(data)
        return restore_into(store, upload, replace=replace, folder=folder,
                            shown=file_name, restored_by=restored_by)
    finally:
        upload.unlink(missing_ok=True)


# -- file-level commands, for when the app is stopped -------------------------------------------

def _app_running(db_path: Path, doing: str) -> BackupError:
    folder = backups_folder(db_path)
    return BackupError(
        f"The app is running and holds the database. {doing} from the Admin page (it keeps copies "
        f"in {folder}), or stop the app and run this again.")


def _is_locked(error: BaseException) -> bool:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, duckdb.IOException) and "lock" in str(cause).lower():
            return True
        cause = cause.__cause__
    return False


def backup_database(db_path: str | Path, out_path: str | Path) -> str:
    """Copy the database at db_path into a new file at out_path (or, when out_path is a folder, a
    new file named like the app's copies inside it), for use while the app is stopped. Never
    replaces a file and never leaves a half-written one. Returns a message saying where it went."""
    db_path = Path(db_path).expanduser()
    out = Path(out_path).expanduser()
    if not db_path.is_file():
        raise BackupError(f"There is no database at {db_path}, so there is nothing to back up.")
    if out.is_dir():
        out = _free_path(out, utc_now(), ON_DEMAND)
    elif out.exists():
        raise BackupError(f"{out} already exists. Give a new file name: a backup never replaces a "
                          "file. Nothing was changed.")
    elif not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist. Nothing was changed.")
    try:
        connection = duckdb.connect(str(db_path), read_only=True)
    except duckdb.Error as error:
        if _is_locked(error):
            raise _app_running(db_path, "Take a backup") from error
        raise BackupError(f"The database {db_path} cannot be read: {error}") from error
    try:
        catalog = catalog_name(connection)
        if "schema_version" not in table_columns(connection, catalog):
            raise BackupError(f"{db_path} is not a collab-assess database. Nothing was copied.")
        (version,) = one_row(connection, "SELECT max(version) FROM schema_version")
        write_copy(connection, out)
    except duckdb.Error as error:
        raise BackupError(f"The backup could not be written to {out}: {error}") from error
    finally:
        connection.close()
    return (f"Backed up {db_path} to {out} ({format_size(out.stat().st_size)}, schema version "
            f"{version}).")


def restore_database(db_path: str | Path, backup_path: str | Path, *, replace: bool,
                     restored_by: str = COMMAND_LINE_RESTORE) -> str:
    """Restore the backup at backup_path into the database at db_path, for use while the app is
    stopped. A database holding data is refused unless replace is True; then a copy of what it
    held is kept in the backups folder beside it. Returns a message saying what happened."""
    db_path = Path(db_path).expanduser()
    folder = backups_folder(db_path)
    wal = db_path.with_name(db_path.name + ".wal")
    with checked_backup(backup_path, folder) as checked:
        if not db_path.exists() and not wal.exists():
            db_path.parent.mkdir(parents=True, exist_ok=True)
            partial = db_path.with_name(f"{INCOMPLETE_PREFIX}{uuid.uuid4().hex}.duckdb")
            try:
                shutil.copyfile(checked.path, partial)
                partial.rename(db_path)
            finally:
                partial.unlink(missing_ok=True)
            _record_file_restore(db_path, str(backup_path), restored_by, None)
            return f"Restored {backup_path} into a new database at {db_path}."
        try:
            store = Store(db_path)
        except (DatabaseError, duckdb.Error) as error:
            if _is_locked(error):
                raise _app_running(db_path, "Restore") from error
            if isinstance(error, DatabaseError) and not isinstance(error.__cause__, duckdb.Error):
                raise  # readable, but not usable by this app (made by a newer collab-assess)
            if not replace:
                raise BackupError(
                    f"{error} To put the backup in its place, run the restore again with "
                    "--replace: the unreadable file is then moved into the backups folder, not "
                    "deleted.") from error
            return _replace_unreadable(db_path, checked, folder, backup_path, restored_by)
        try:
            message = _restore_checked(
                store, checked, str(backup_path), replace=replace, folder=folder,
                how_to_replace=f"run the restore again with --replace (a copy of what it holds "
                               f"now is then kept in {folder} first).", restored_by=restored_by)
            store.checkpoint()
            return message
        finally:
            store.close()


def _record_file_restore(db_path: Path, shown: str, restored_by: str, kept: Path | None) -> None:
    """The audit entry of a restore that put the backup's file in place."""
    store = Store(db_path)
    try:
        store.record_restore(shown, restored_by, kept)
        store.checkpoint()
    finally:
        store.close()


def _replace_unreadable(db_path: Path, checked: CheckedBackup, folder: Path,
                        backup_path: str | Path, restored_by: str) -> str:
    """Move a database file that cannot be opened into the backups folder, and put the backup in
    its place."""
    with _folder_lock(folder):
        folder.mkdir(parents=True, exist_ok=True)
        kept = _free_path(folder, utc_now(), BEFORE_RESTORE)
        partial = db_path.with_name(f"{INCOMPLETE_PREFIX}{uuid.uuid4().hex}.duckdb")
        try:
            shutil.copyfile(checked.path, partial)
            shutil.move(db_path, kept)
            wal = db_path.with_name(db_path.name + ".wal")
            if wal.exists():
                shutil.move(wal, kept.with_name(kept.name + ".wal"))
            partial.rename(db_path)
        finally:
            partial.unlink(missing_ok=True)
    _record_file_restore(db_path, str(backup_path), restored_by, kept)
    return (f"Restored {backup_path} into {db_path}. The database that was there could not be "
            f"read; it has been moved to {kept}, not deleted.")


# -- words ---------------------------------------------------------------------------------------

def format_size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{max(size, 1) / 1024:,.0f} KB"
    if size < 1024 ** 3:
        return f"{size / 1024 ** 2:,.1f} MB"
    return f"{size / 1024 ** 3:,.2f} GB"


def uk_time(moment: datetime) -> str:
    """A UTC time as people in England read it: "14 May 2026, 10:30 (UK time)"."""
    local = moment.replace(tzinfo=UTC).astimezone(UK_TIME)
    return f"{local.day} {local:%B %Y, %H:%M} (UK time)"
