"""The maturity scale every answer is given on, and the stages a score falls into.

The four stages take their names from the stages of NHS England's 2018 ICS maturity matrix. "Don't
know" and "Not applicable" are recorded so that nobody is forced to guess, but they never count
towards a score.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from enum import IntEnum, StrEnum
from functools import lru_cache
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
        """Whether a score lies in this band. A score exactly on the line between two bands
        belongs to the lower one (see ON_THE_LINE), so only the lowest band includes its
        lower edge."""
        if self.stage is Level.EMERGING:
            return self.lower <= score <= self.upper
        return self.lower < score <= self.upper


_BAND_WIDTH = (HIGHEST_LEVEL - LOWEST_LEVEL) / len(LEVELS)

# Four equal bands over 1-4, each 0.75 wide, with edges at 1.75, 2.5 and 3.25.
STAGE_BANDS: tuple[StageBand, ...] = tuple(
    StageBand(level, LOWEST_LEVEL + i * _BAND_WIDTH, LOWEST_LEVEL + (i + 1) * _BAND_WIDTH)
    for i, level in enumerate(LEVELS)
)
BAND_OF: dict[Level, StageBand] = {band.stage: band for band in STAGE_BANDS}

ON_THE_LINE = ("A score exactly on the line between two stages (1.75, 2.50 or 3.25) counts as the "
               "lower stage, as the question bank's best-fit rule does for one statement: if only "
               "part of a level is true, choose the level below. So a room split evenly between "
               "Developing and Maturing (a middle value of 2.5) reads as Developing.")
"""The edge rule in words, for Results, the report and the exports."""

_PRECISION = 9
"""A mean of thirds and fifths can land a hair off an edge it is really on (2.5000000000000004):
scores are compared with the edges at this many decimal places."""


# Both are pure, and the Benchmark asks them about the same few thousand scores on every summary:
# remembered, they cost a dictionary look-up after the first time.
@lru_cache(maxsize=1 << 16)
def stage_of(score: float) -> Level:
    """The stage a score on the 1-4 scale falls into (STAGE_BANDS; on an edge, the lower stage)."""
    if not LOWEST_LEVEL <= round(score, _PRECISION) <= HIGHEST_LEVEL:
        raise ValueError(f"a maturity score must lie between 1 and 4, not {score}")
    score = round(score, _PRECISION)
    for band in STAGE_BANDS:
        if band.contains(score):
            return band.stage
    raise AssertionError("the stage bands cover 1-4 without gaps")  # pragma: no cover


@lru_cache(maxsize=1 << 16)
def shown_score(score: float, places: int = 2) -> float:
    """A score as every output shows it: rounded half up to `places` decimals (3.125 -> 3.13,
    never Python's half-to-even 3.12), then kept inside its own stage, so the figure shown can
    never be read as another stage than the one printed beside it. With one decimal, 3.25 (on
    the edge, so Maturing) shows as 3.2, not 3.3; 2.5000001 (just Maturing) as 2.6, not 2.5."""
    step = Decimal(1).scaleb(-places)
    exact = Decimal(repr(round(float(score), _PRECISION)))
    shown = exact.quantize(step, rounding=ROUND_HALF_UP)
    if LOWEST_LEVEL <= exact <= HIGHEST_LEVEL:
        band = BAND_OF[stage_of(float(exact))]
        if stage_of(float(shown)) > band.stage:
            shown = Decimal(repr(band.upper)).quantize(step, rounding=ROUND_FLOOR)
        elif stage_of(float(shown)) < band.stage:
            shown = Decimal(repr(band.lower)).quantize(step, rounding=ROUND_FLOOR) + step
    return float(shown)


def score_text(score: float | None, places: int = 2, missing: str = "not scored") -> str:
    """shown_score as text ("2.25"), or `missing` for no score."""
    if score is None or score != score:  # None or NaN
        return missing
    return f"{shown_score(score, places):.{places}f}"


STATEMENT_PLACES = 1
"""A statement's score is a median of whole levels (or an agreed level), so one decimal is exact."""
AREA_PLACES = 2
"""Area, overall and board-question scores are means: two decimals, the same in every output."""
PEER_PLACES = 1
"""Peer figures are rounded further, so that comparing two days' figures says little about any one
peer."""


def percent_text(share: float) -> str:
    """A share as a whole percentage, rounded half up (0.125 -> "13%") as charts round it."""
    return f"{Decimal(repr(float(share) * 100)).quantize(Decimal(1), rounding=ROUND_HALF_UP)}%"


def describe_bands() -> str:
    """The stage bands in words, e.g. "Emerging from 1.00 to 1.75, Developing above 1.75 up to
    2.50, ..."."""
    return ", ".join(
        f"{band.stage.label} from {band.lower:.2f} to {band.upper:.2f}"
        if band.stage is Level.EMERGING
        else f"{band.stage.label} above {band.lower:.2f} up to {band.upper:.2f}"
        for band in STAGE_BANDS
    )


def level_label(level: int) -> str:
    return f"{int(level)} {Level(int(level)).label}"


def stage_name(stage: Level | None) -> str:
    """A stage as every output names it ("2 Developing"), or "Not yet scored"."""
    return "Not yet scored" if stage is None else level_label(stage)
