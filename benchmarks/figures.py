"""How `make bench` prints its figures: one aligned line each, by section, or one JSON object."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

Line = Callable[..., None]
"""Figures.line: line(what, figure, note="") prints one aligned figure."""

T = TypeVar("T")
REPEATS = 5


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def best_of(work: Callable[[], object], repeats: int = REPEATS) -> float:
    return min(timed(work)[1] for _ in range(repeats))


class Figures:
    """Every figure the bench prints, by section: printed as it comes, or kept for --json."""

    def __init__(self, as_json: bool):
        self.as_json = as_json
        self.sections: dict[str, dict[str, str]] = {}
        self._current: dict[str, str] = {}

    def section(self, name: str) -> None:
        self._current = self.sections.setdefault(name, {})
        if not self.as_json:
            print(name)

    def line(self, what: str, figure: str, note: str = "") -> None:
        """One figure, aligned; `note` (a goal, say) goes beside it."""
        self._current[what.strip()] = figure + (f" ({note})" if note else "")
        if not self.as_json:
            print(f"  {what:<58} {figure:>14}" + (f"   {note}" if note else ""))
