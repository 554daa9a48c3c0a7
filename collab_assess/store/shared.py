"""The process's one Store per database file, shared by the pages and the workshop endpoint.

DuckDB lets one process hold a database file, and the Store keeps one connection per process with a
cursor per thread: everything in the running app that reads or writes must go through this one."""

from __future__ import annotations

import atexit
import logging
import threading
from pathlib import Path

import duckdb

from collab_assess.errors import CollabAssessError
from collab_assess.store import Store
from collab_assess.store.database import one_line

log = logging.getLogger(__name__)

_stores: dict[Path, Store] = {}
_lock = threading.Lock()


def shared_store(path: str | Path) -> Store:
    resolved = Path(path).resolve()
    with _lock:
        if resolved not in _stores:
            _stores[resolved] = Store(resolved)
        return _stores[resolved]


def close_shared_stores() -> None:
    """On a normal stop: write every committed change into each database file (a checkpoint) and
    close it, so that the file alone holds everything and can be copied as it is."""
    with _lock:
        for path, store in list(_stores.items()):
            try:
                store.checkpoint()
                store.close()
            except (CollabAssessError, duckdb.Error, OSError) as error:
                log.warning("The database %s could not be closed cleanly (%s); its write-ahead "
                            "log is kept, and is read back in when it is next opened.", path,
                            one_line(error))
        _stores.clear()


atexit.register(close_shared_stores)
