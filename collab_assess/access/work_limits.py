"""Heavy work, one piece at a time per person and a few at once on the server.

An import, a board report and a restore each hold a file, a report or a whole database in the
server's memory while they run, for seconds. Each person may have one under way at a time, and the
server works on at most `work_at_once` (a setting: access/settings.py) together; anyone else is
told plainly to wait, and nothing of theirs is started. How much memory and time each takes is
bounded by the limits on what it reads (an import: exchange/reading.py, which also stops when its
time runs out; a backup to restore: its upload size) and measured by `make bench` (Limits).

    with heavy_work.one_at_a_time(person, "an import"):
        plan = prepare_import(...)
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from collab_assess.access.settings import current_limits
from collab_assess.errors import CollabAssessError


class Busy(CollabAssessError):
    """The person already has heavy work under way, or the server is at its limit; nothing was
    started."""


@dataclass(frozen=True)
class _Job:
    what: str
    started: float


class WorkLimits:
    """Who has heavy work under way in this process."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._jobs: dict[str, _Job] = {}
        self._lock = threading.Lock()

    def under_way(self) -> int:
        with self._lock:
            return len(self._jobs)

    @contextmanager
    def one_at_a_time(self, who: str, what: str, at_once: int | None = None) -> Iterator[None]:
        """Run the block as `who`'s one piece of heavy work (`what`: "an import", "a board
        report", "a restore"), or raise Busy without running it."""
        at_once = at_once if at_once is not None else current_limits().work_at_once
        with self._lock:
            mine = self._jobs.get(who)
            if mine is not None:
                ago = max(1, math.ceil(self._clock() - mine.started))
                raise Busy(f"You already have {mine.what} under way (started {ago} second"
                           f"{'s' if ago != 1 else ''} ago), and each person runs one import, "
                           f"board report or restore at a time. Wait for it to finish, then "
                           f"try again. Nothing else was started.")
            if len(self._jobs) >= at_once:
                raise Busy(f"The server is already working on {len(self._jobs)} imports, board "
                           f"reports or restores, the most it takes on at once ({at_once}), so "
                           f"{what} was not started. Please try again in a minute. (An "
                           "administrator can change this limit with the setting "
                           "COLLAB_ASSESS_WORK_AT_ONCE.)")
            self._jobs[who] = _Job(what, self._clock())
        try:
            yield
        finally:
            with self._lock:
                self._jobs.pop(who, None)


heavy_work = WorkLimits()
"""The server's one record of heavy work under way."""
