"""The process's one Store per database file, shared by the pages and the workshop endpoint.

DuckDB lets one process hold a database file, and the Store keeps one connection per process with a
cursor per thread: everything in the running app that reads or writes must go through this one."""

from __future__ import annotations

import threading
from pathlib import Path

from collab_assess.store import Store

_stores: dict[Path, Store] = {}
_lock = threading.Lock()


def shared_store(path: str | Path) -> Store:
    resolved = Path(path).resolve()
    with _lock:
        if resolved not in _stores:
            _stores[resolved] = Store(resolved)
        return _stores[resolved]
