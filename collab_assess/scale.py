"""The maturity scale every answer is given on, and the stages a score falls into.

The four stages take their names from the stages of NHS England's 2018 ICS maturity matrix. "Don't know" and
"Not applicable" are recorded so that nobody is forced to guess, but they never count towards a score.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import NamedTuple


class Level(IntEnum):
    EMERGING = 1
    DEVELOPING = 2
    MATURING = 3
    THRIVING = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()

    @property
    def key(self) -> str:
        """The level's name as the question bank spells its descriptor keys."""
        return self.name.lower()


class Unscored(StrEnum):
    DONT_KNOW = "dont_know"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {"dont_know": "Don't know", "not_applicable": "Not applicable"}[self.value]


LOWEST_LEVEL = int(Level.EMERGING)
HIGHEST_LEVEL = int(Level.THRIVING)
LEVELS: tuple[Level, ...] = tuple(Level)


class StageBand(NamedTuple):
    stage: Level
    lower: float
    upper: float

    def contains(self, score: float) -> bool:
        if self.stage is Level.THRIVING:
            return self.lower <= score <= self.upper
        return self.lower <= score < self.upper


_BAND_WIDTH = (HIGHEST_LEVEL - LOWEST_LEVEL) / len(LEVELS)

# Four equal bands over 1-4, each 0.75 wide; a score on an edge belongs to the higher stage.
STAGE_BANDS: tuple[StageBand, ...] = tuple(
    StageBand(level, LOWEST_LEVEL + i * _BAND_WIDTH, LOWEST_LEVEL + (i + 1) * _BAND_WIDTH)
    for i, level in enumerate(LEVELS)
)


def stage_of(score: float) -> Level:
    """The stage a score on the 1-4 scale falls into (see STAGE_BANDS for the edges)."""
    if not LOWEST_LEVEL <= score <= HIGHEST_LEVEL:
        raise ValueError(f"a maturity score must lie between 1 and 4, not {score}")
    # A mean of thirds and fifths can land a hair below an edge it is really on (2.4999999999999996).
    score = round(score, 9)
    for band in STAGE_BANDS:
        if band.contains(score):
            return band.stage
    raise AssertionError("the stage bands cover 1-4 without gaps")  # pragma: no cover


def describe_bands() -> str:
    """The stage bands in words, e.g. "Emerging from 1.00 to under 1.75, ..."."""
    return ", ".join(
        f"{band.stage.label} from {band.lower:.2f} to "
        + (f"{band.upper:.2f}" if band.stage is Level.THRIVING else f"under {band.upper:.2f}")
        for band in STAGE_BANDS
    )


def level_label(level: int) -> str:
    return f"{int(level)} {Level(int(level)).label}"
