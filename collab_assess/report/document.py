"""The report as a list of blocks (headings, paragraphs, tables, charts), said once and drawn twice:
pdf_layout draws the blocks with fpdf2, html_layout writes them as HTML.

Every piece of text is a plain string. No block holds markup of any kind, so nothing a user typed
can become formatting, a link or a picture: the PDF prints the string as it is, and the HTML escapes
it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import altair as alt


@dataclass(frozen=True)
class Run:
    """A stretch of text in one weight."""

    text: str
    bold: bool = False


Style = Literal["body", "small", "lead"]


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Run, ...]
    style: Style = "body"


def paragraph(*parts: str | Run, style: Style = "body") -> Paragraph:
    """A paragraph from strings (plain) and Runs (for bold)."""
    return Paragraph(tuple(part if isinstance(part, Run) else Run(part) for part in parts), style)


def bold(text: str) -> Run:
    return Run(text, bold=True)


@dataclass(frozen=True)
class Heading:
    text: str
    level: Literal[1, 2, 3]
    new_page: bool = False
    """Start a new page in print (the HTML when printed). The PDF does so only once the page so
    far is at least half used, so a short section never leaves a mostly blank page behind it."""


@dataclass(frozen=True)
class Bullets:
    items: tuple[Paragraph, ...]
    style: Style = "body"


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]
    """Relative column widths."""
    numeric: tuple[int, ...] = ()
    """Columns whose figures line up on the right."""
    compact: bool = False
    """Tighter rows in print, for a table that must share its page (the board's page)."""


@dataclass(frozen=True)
class Figure:
    """A chart, drawn by one of the app's own altair builders (see chart_images)."""

    chart: alt.TopLevelMixin
    description: str
    """What the chart shows, in words: the image's alternative text."""
    figures: Table | None = None
    """The numbers behind the chart (the HTML offers them under the chart)."""
    width_share: float = 1.0
    """The share of the text width the chart takes in print."""


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    note: str


@dataclass(frozen=True)
class Metrics:
    items: tuple[Metric, ...]


@dataclass(frozen=True)
class Callout:
    """Something the reader must not miss (provisional results, demo data): boxed in print, so it
    stands out in black and white too."""

    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Title:
    """The cover's title lines: a kicker, the collaborative's name, and the round."""

    kicker: str
    name: str
    subtitle: str


@dataclass(frozen=True)
class Divider:
    """A thin line between items of a list that are each several lines long."""


@dataclass(frozen=True)
class KeepTogether:
    """Blocks that read as one, so print never splits them across a page."""

    blocks: tuple[Block, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class OnePage:
    """A page of its own that must never run on to the next (the board's page): the same content
    said more and more briefly, fullest first. The PDF starts a new page and draws the first
    version that fits on it (or, if none does, the last); the HTML, which has no pages, shows the
    first. No version holds a chart."""

    versions: tuple[tuple[Block, ...], ...]


Block = (Title | Heading | Paragraph | Bullets | Table | Figure | Metrics | Callout | Divider
         | KeepTogether | OnePage)


def figures_in(blocks: list[Block]) -> list[Figure]:
    """Every figure, in the order it appears (inside KeepTogether too)."""
    found: list[Figure] = []
    for block in blocks:
        if isinstance(block, Figure):
            found.append(block)
        elif isinstance(block, KeepTogether):
            found.extend(figures_in(list(block.blocks)))
    return found
