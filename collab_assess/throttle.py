"""Slowing down guesses: after a few wrong codes from one browser, each further try must wait
longer (2, 4, 8... seconds, at most a minute), so codes cannot be found by trying many."""

from __future__ import annotations

import threading
import time

FREE_TRIES = 3
LONGEST_WAIT = 60.0


class Throttle:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, who: str) -> float:
        """Seconds `who` must still wait before the next try (0 when they may try now)."""
        with self._lock:
            failures, last = self._failures.get(who, (0, 0.0))
        if failures < FREE_TRIES:
            return 0.0
        wait = min(LONGEST_WAIT, 2.0 ** (failures - FREE_TRIES + 1))
        return max(0.0, last + wait - self._clock())

    def failed(self, who: str) -> None:
        with self._lock:
            failures, _ = self._failures.get(who, (0, 0.0))
            self._failures[who] = (failures + 1, self._clock())

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)


join_attempts = Throttle()
"""Wrong workshop codes, counted per browser for the whole server process."""
