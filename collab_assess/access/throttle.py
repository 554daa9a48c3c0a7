"""Slowing down guesses: after a few wrong codes from one browser, each further try must wait
longer (2, 4, 8... seconds, at most a minute), so codes cannot be found by trying many.

Two counts are kept: one per browser session, strict; and one per network address, loose, because
a whole boardroom on one hospital network shares an address and must not be slowed by one typo."""

from __future__ import annotations

import threading
import time

FREE_TRIES = 3
FREE_TRIES_PER_ADDRESS = 30
LONGEST_WAIT = 60.0


class Throttle:
    def __init__(self, free_tries: int = FREE_TRIES, clock=time.monotonic):
        self._free_tries = free_tries
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def wait_needed(self, who: str) -> float:
        """Seconds `who` must still wait before the next try (0 when they may try now)."""
        with self._lock:
            failures, last = self._failures.get(who, (0, 0.0))
        if failures < self._free_tries:
            return 0.0
        wait = min(LONGEST_WAIT, 2.0 ** (failures - self._free_tries + 1))
        return max(0.0, last + wait - self._clock())

    def failed(self, who: str) -> None:
        with self._lock:
            failures, _ = self._failures.get(who, (0, 0.0))
            self._failures[who] = (failures + 1, self._clock())

    def succeeded(self, who: str) -> None:
        with self._lock:
            self._failures.pop(who, None)


class CodeAttempts:
    """Wrong codes (workshop codes, resume codes), counted per browser session and per network
    address."""

    def __init__(self, clock=time.monotonic):
        self.by_browser = Throttle(FREE_TRIES, clock)
        self.by_address = Throttle(FREE_TRIES_PER_ADDRESS, clock)

    def wait_needed(self, browser: str, address: str | None) -> float:
        waits = [self.by_browser.wait_needed(browser)]
        if address:
            waits.append(self.by_address.wait_needed(address))
        return max(waits)

    def failed(self, browser: str, address: str | None) -> None:
        self.by_browser.failed(browser)
        if address:
            self.by_address.failed(address)

    def succeeded(self, browser: str) -> None:
        self.by_browser.succeeded(browser)


join_attempts = CodeAttempts()
resume_attempts = CodeAttempts()
