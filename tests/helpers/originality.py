"""Runs of words, to check no sentence is copied from a source document."""

from __future__ import annotations

import re

RUN_LENGTH = 7


def runs(text: str, length: int = RUN_LENGTH) -> set[tuple[str, ...]]:
    tokens = words(text)
    return {tuple(tokens[i : i + length]) for i in range(len(tokens) - length + 1)}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("’", ""))


