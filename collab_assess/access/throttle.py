"""Slowing down guesses at codes (workshop codes, resume codes) without locking out a room.

Two counts are kept, and each code is checked one attempt at a time:
- **per browser session, strict**: after a few wrong codes (the setting code_free_tries) each
  further try must wait longer (2, 4, 8... seconds, at most a minute). These are the browser's own
  typos, so a wait here is shown as a refusal.
- **per network, pacing, never refusing a right code for others' typos**: a whole boardroom on one
  hospital network shares an address, so the network's count is loose (code_free_tries_per_network
  wrong codes in a quarter of an hour). Past it the network is not locked out: every code is still
  checked, but in turn, one every code_network_pace_seconds, so a right code from a colleague gets
  in a few seconds later while someone guessing gets one guess a turn from that whole network,
  however many browsers they open. A network is its IPv4 address, or its /64 for IPv6 (one home or
  office line). Browsers whose address the server cannot see (a proxy it does not trust: see the
  README) share one count, so reconnecting does not buy a guesser fresh tries. Wrong codes are
  forgotten as the quarter hour passes.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import deque
from collections.abc import Callable

from collab_assess.access.settings import Limits, current_limits

FREE_TRIES = Limits().code_free_tries
FREE_TRIES_PER_ADDRESS = Limits().code_free_tries_per_network
LONGEST_WAIT = 60.0
"""The most a browser is made to wait after its own wrong codes."""
NETWORK_MEMORY_SECONDS = 15 * 60.0
"""How long a network's wrong codes count against it."""
LONGEST_TURN_WAIT = 20.0
"""The longest a code waits for its network's turn; a longer queue (many browsers guessing from one
network at once) is told to try again shortly, and the code is not checked."""
MOST_NETWORKS = 100_000
"""Networks remembered at once: the ones with the oldest wrong codes are forgotten first."""
NO_ADDRESS = "(no address seen)"


def network_of(address: str | None) -> str:
    """The network a browser's address belongs to, for counting: the IPv4 address itself, the /64
    of an IPv6 address, and one shared name for every browser whose address is not seen."""
    if not address:
        return NO_ADDRESS
    try:
        ip = ipaddress.ip_address(address.strip().strip("[]"))
    except ValueError:
        return address.strip()[:64] or NO_ADDRESS
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{ip}/64", strict=False))
    return str(ip)


class Throttle:
    """One browser's wrong codes: a few free, then a wait that doubles with each."""

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


class NetworkPace:
    """Each network's recent wrong codes, and past its allowance, the turns its codes are checked
    in (see the module's docstring)."""

    def __init__(self, free_tries: int = FREE_TRIES_PER_ADDRESS,
                 pace_seconds: float = Limits().code_network_pace_seconds, clock=time.monotonic):
        self._free_tries = free_tries
        self._pace = pace_seconds
        self._clock = clock
        self._wrong: dict[str, deque[float]] = {}
        self._next_turn: dict[str, float] = {}
        self._lock = threading.Lock()

    def _recent(self, network: str, now: float) -> deque[float]:
        times = self._wrong.get(network)
        if times is None:
            return deque()
        while times and times[0] <= now - NETWORK_MEMORY_SECONDS:
            times.popleft()
        if not times:
            del self._wrong[network]
            self._next_turn.pop(network, None)
        return times

    def turn(self, network: str) -> float:
        """Seconds a code from this network must wait for its turn, the turn then taken (0 within
        the allowance). More than LONGEST_TURN_WAIT: no turn is taken, and the code must not be
        checked."""
        with self._lock:
            now = self._clock()
            if len(self._recent(network, now)) < self._free_tries:
                return 0.0
            turn = max(now, self._next_turn.get(network, now))
            if turn - now > LONGEST_TURN_WAIT:
                return turn - now
            self._next_turn[network] = turn + self._pace
            return turn - now

    def failed(self, network: str) -> None:
        with self._lock:
            now = self._clock()
            self._recent(network, now)
            self._wrong.setdefault(network, deque()).append(now)
            if len(self._wrong) > MOST_NETWORKS:
                oldest = min(self._wrong, key=lambda each: self._wrong[each][-1])
                self._wrong.pop(oldest, None)
                self._next_turn.pop(oldest, None)

    def is_paced(self, network: str) -> bool:
        with self._lock:
            return len(self._recent(network, self._clock())) >= self._free_tries


class CodeAttempts:
    """Wrong codes of one kind (workshop codes, or resume codes), counted per browser session and
    per network. Before each check: `before_checking`; after it: `failed` or `succeeded`."""

    def __init__(self, clock=time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 limits: Limits | None = None):
        limits = limits or current_limits()
        self._sleep = sleep
        self.by_browser = Throttle(limits.code_free_tries, clock)
        self.by_address = NetworkPace(limits.code_free_tries_per_network,
                                      limits.code_network_pace_seconds, clock)

    def wait_needed(self, browser: str, address: str | None = None) -> float:
        """Seconds this browser must still wait because of its own wrong codes. Other people's
        wrong codes on the same network never make it wait here (see before_checking)."""
        return self.by_browser.wait_needed(browser)

    def before_checking(self, browser: str, address: str | None) -> float:
        """Call just before a code is checked: 0 when it may be checked now, having waited for its
        network's turn if the network is being paced; otherwise the seconds to wait, and the code
        must not be checked."""
        own = self.by_browser.wait_needed(browser)
        if own > 0:
            return own
        wait = self.by_address.turn(network_of(address))
        if wait > LONGEST_TURN_WAIT:
            return wait
        if wait > 0:
            self._sleep(wait)
        return 0.0

    def failed(self, browser: str, address: str | None) -> None:
        self.by_browser.failed(browser)
        self.by_address.failed(network_of(address))

    def succeeded(self, browser: str) -> None:
        self.by_browser.succeeded(browser)

    def forget(self) -> None:
        """Start both counts afresh (between tests: browsers in tests have no address, so all of
        them share one network count)."""
        self.by_browser = Throttle(self.by_browser._free_tries, self.by_browser._clock)
        pace = self.by_address
        self.by_address = NetworkPace(pace._free_tries, pace._pace, pace._clock)


join_attempts = CodeAttempts()
resume_attempts = CodeAttempts()
