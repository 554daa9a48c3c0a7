"""The look every chart shares: the colour-blind-safe palette (Okabe-Ito, with paler tints of its
sky blue so one chart's colours also print as different greys), the ink that reads on each colour,
and dark, larger text for a projector. The Results, workshop, Benchmark and report charts all draw
with these.
"""

from __future__ import annotations

import altair as alt

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
VERMILION = "#D55E00"
GREEN = "#009E73"
GREY = "#BBBBBB"
INK = "#222222"
WHITE = "#FFFFFF"
BLACK = "#000000"
BAND_FILLS = ["#F3F3F3", "#FFFFFF"]
EMPTY_CELL = "#E4E4E4"

PALE_SKY = "#9AD0F0"
PALER_SKY = "#CDE7F7"
"""Tints of SKY (the same hue mixed with white): see GREYS_APART."""

LEVEL_COLOURS = [VERMILION, ORANGE, PALE_SKY, BLUE]  # Emerging -> Thriving, warm to cool
LEVEL_INKS = [BLACK, BLACK, BLACK, WHITE]
"""Text written on each level's colour: whichever of black and white reads at 4.5:1 or better."""
EARLY_COLOUR, LATER_COLOUR = ORANGE, PALER_SKY  # the same warm/cool meaning as the levels
GREYS_APART = 30
"""How far apart (0-255) the colours of one chart stay when printed in grey (see grey_level)."""


def grey_level(colour: str) -> int:
    """The grey (0 black - 255 white) a "#RRGGBB" colour prints as: the luma a printer or a
    black-and-white photocopy uses (ITU-R BT.601)."""
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4))
    return round(0.299 * red + 0.587 * green + 0.114 * blue)
YOUR_SCORE_COLOUR = GREEN  # used for nothing else, so it is never read as a stage

SCORE_TITLE = "Score, 1 to 4"


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio of two "#RRGGBB" colours (1 to 21; text needs 4.5 or more)."""

    def luminance(colour: str) -> float:
        red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                  for c in (red, green, blue)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Dark, larger axis and legend text, legible on a projector; no frame around the plot."""
    return (
        chart.configure_axis(labelColor=INK, titleColor=INK, labelFontSize=12, titleFontSize=13)
        .configure_legend(labelColor=INK, labelFontSize=12, titleColor=INK, titleFontSize=13)
        .configure_view(stroke=None)
    )
