"""The report's blocks drawn on A4 with fpdf2.

Text always goes through write(), cell() and table cells with Markdown off, so what a user typed is
printed exactly as typed. Page numbers are written once every page exists (fpdf2's "{nb}" alias
would also replace "{nb}" inside a user's own text). Headings stay with what follows them, and
blocks marked KeepTogether move to a new page rather than split.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, VAlign
from fpdf.fonts import TTFFont

from collab_assess.report import chart_images
from collab_assess.report.chart_images import Progress
from collab_assess.report.content import BoardReport
from collab_assess.report.document import (
    Block,
    Bullets,
    Callout,
    Divider,
    Figure,
    Heading,
    KeepTogether,
    Metrics,
    OnePage,
    Paragraph,
    Table,
    Title,
    figures_in,
)
from collab_assess.report.outline import report_blocks

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"

INK = (34, 34, 34)
MUTED = (80, 80, 80)
"""Small print: 8.1:1 on white, still clear when photocopied."""
HEADING_BLUE = (0, 84, 166)
"""A darker NHS blue: reads as near-black in greyscale."""
RULE = (170, 170, 170)
TABLE_HEAD_FILL = (232, 232, 232)
CALLOUT_BAR = (60, 60, 60)

MARGIN = 18.0
TOP_MARGIN = 16.0
BOTTOM_MARGIN = 20.0
FOOTER_FROM_BOTTOM = 12.0

STYLES = {"body": (9.5, 4.9), "small": (8.0, 4.0), "lead": (11.0, 5.6)}
"""Style -> (font size in points, line height in mm)."""
HEADINGS = {1: (18.0, 8.0, 2.0), 2: (13.0, 6.4, 5.0), 3: (10.5, 5.4, 3.0)}
"""Heading level -> (font size, line height, space above in mm)."""
BULLET_INDENT = 5.0
TABLE_ROOM = 28.0
"""Room a heading needs below it when a long table follows: the table's heading and two rows."""
SMALLER_FIGURES = (0.9, 0.8, 0.7)
"""How far a chart may shrink to stay on a page that is less than half used rather than move to
the next page and leave this one mostly blank."""



@dataclass(frozen=True)
class Room:
    """Empty space, only ever measured: the room a heading needs below it."""

    height: float


REPLACEMENT = "\ufffd"
"""Printed for a character DejaVu Sans has no glyph for (emoji, Chinese...): the reader sees that
something was typed there, where fpdf2 alone would leave nothing."""


class ReportPDF(FPDF):
    """An A4 report page: DejaVu Sans (so any language a user types prints), and the drawing of
    each kind of block."""

    def __init__(self, footer_text: str, *, measuring: bool = False):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.str_alias_nb_pages = ""  # no alias: page numbers are written at the end; see finish()
        self.add_font(FONT, "", FONTS_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS_DIR / "DejaVuSans-Bold.ttf")
        self.set_margins(MARGIN, TOP_MARGIN, MARGIN)
        self.set_auto_page_break(True, margin=BOTTOM_MARGIN)
        self.set_lang("en-GB")
        self.footer_text = footer_text
        self.images: dict[int, bytes] = {}
        self.measuring = measuring
        """A scratch document that only measures: images take their room but are not drawn."""
        self.figure_scale = 1.0
        """How much smaller than planned the charts being drawn are (see SMALLER_FIGURES)."""
        self._scratch: ReportPDF | None = None

    def printable(self, text: str) -> str:
        """Typed text as the PDF can print it, otherwise unchanged: a tab as spaces, other
        control characters dropped, a character the font lacks as REPLACEMENT."""
        font = self.fonts[FONT.lower()]
        assert isinstance(font, TTFFont), "DejaVu Sans is added from its file in __init__"
        glyphs = font.cmap
        kept = []
        for character in text.replace("\r\n", "\n").replace("\t", "    "):
            if character == "\n" or ord(character) in glyphs:
                kept.append(character)
            elif unicodedata.category(character)[0] != "C":
                kept.append(REPLACEMENT)
        return "".join(kept)

    # -- flow -----------------------------------------------------------------------------------

    def draw_all(self, blocks: list[Block]) -> None:
        index = 0
        while index < len(blocks):
            block = blocks[index]
            if isinstance(block, Heading):
                # A heading, any headings straight after it, and the first thing they introduce.
                end = index
                while end < len(blocks) - 1 and isinstance(blocks[end], Heading):
                    end += 1
                group = blocks[index:end + 1]
                if block.new_page and not self.at_top() and not self.mostly_empty():
                    self.add_page()
                self.keep_heading_with(group)
                for each in group:
                    self.draw(each)
                self.figure_scale = 1.0
                index = end + 1
                continue
            if isinstance(block, OnePage):
                self.one_page(block)
                index += 1
                continue
            if isinstance(block, KeepTogether):
                self.keep_together(list(block.blocks))
            self.draw(block)
            self.figure_scale = 1.0
            index += 1

    def at_top(self) -> bool:
        return self.y <= self.t_margin + 0.5

    def mostly_empty(self) -> bool:
        """Less than half of this page's room for text is used so far."""
        return self.y - self.t_margin < (self.page_break_trigger - self.t_margin) / 2

    def fits(self, blocks: Sequence[Block | Room], figure_scale: float = 1.0) -> bool:
        """Whether the blocks would fit on what is left of this page: drawn first on a scratch
        copy of the page. (fpdf2's offset_rendering does the same by copying the whole document,
        fonts and all, which made a report take seconds.)"""
        trial = self.scratch()
        trial.add_page()
        first_page = trial.page
        trial.set_y(self.y)
        trial.figure_scale = figure_scale
        try:
            for block in blocks:
                trial.draw(block)
        finally:
            trial.figure_scale = 1.0
        return trial.page == first_page and trial.y <= trial.page_break_trigger

    def scratch(self) -> ReportPDF:
        if self._scratch is None:
            self._scratch = ReportPDF(self.footer_text, measuring=True)
            self._scratch.images = self.images
        return self._scratch

    def keep_together(self, blocks: list[Block]) -> None:
        if self.at_top() or self.fits(blocks):
            return
        if self.mostly_empty() and figures_in(list(blocks)):
            # A chart that would leave this page mostly blank is drawn a little smaller here.
            for scale in SMALLER_FIGURES:
                if self.fits(blocks, figure_scale=scale):
                    self.figure_scale = scale
                    return
        self.add_page()

    def one_page(self, block: OnePage) -> None:
        """A page of its own, in the fullest version that fits on it."""
        if not self.at_top():
            self.add_page()
        chosen = next((version for version in block.versions if self.fits(version)),
                      block.versions[-1])
        for each in chosen:
            self.draw(each)

    def keep_heading_with(self, group: list[Block]) -> None:
        last = group[-1]
        if isinstance(last, Table) or (isinstance(last, Bullets) and len(last.items) > 4):
            # A long block may run on to the next page; the heading needs only its first rows.
            if not self.at_top() and not self.fits([*group[:-1], Room(TABLE_ROOM)]):
                self.add_page()
            return
        self.keep_together(group)

    def draw(self, block: Block | Room) -> None:
        if isinstance(block, Room):
            self.set_y(self.y + block.height)
            return
        drawers: dict[type, Callable[[Any], None]] = {
            Title: self.title_block, Heading: self.heading, Paragraph: self.paragraph,
            Bullets: self.bullets, Table: self.table_block, Figure: self.figure,
            Metrics: self.metrics, Callout: self.callout, Divider: self.divider,
            KeepTogether: self.together}
        drawers[type(block)](block)

    # -- blocks ---------------------------------------------------------------------------------

    def title_block(self, title: Title) -> None:
        self.set_text_color(*MUTED)
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 5, self.printable(title.kicker), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(14)
        self.set_text_color(*HEADING_BLUE)
        self.set_font(FONT, "B", 24)
        self.multi_cell(0, 11, self.printable(title.name), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(2)
        self.set_text_color(*INK)
        self.set_font(FONT, "", 15)
        self.multi_cell(0, 8, self.printable(title.subtitle), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        self.ln(3)
        self.rule(thick=True)
        self.ln(6)

    def heading(self, heading: Heading) -> None:
        size, line, above = HEADINGS[heading.level]
        if not self.at_top():
            self.ln(above)
        if heading.level < 3 and not self.measuring:
            self.start_section(heading.text, level=heading.level - 1, strict=False)
        self.set_font(FONT, "B", size)
        self.set_text_color(*(HEADING_BLUE if heading.level < 3 else INK))
        self.multi_cell(0, line, self.printable(heading.text), align="L", new_x="LMARGIN",
                        new_y="NEXT")
        if heading.level == 1:
            self.ln(0.5)
            self.rule()
            self.ln(3)
        else:
            self.ln(1)
        self.set_text_color(*INK)

    def paragraph(self, paragraph: Paragraph, gap: float = 1.8) -> None:
        size, line = STYLES[paragraph.style]
        self.set_text_color(*(MUTED if paragraph.style == "small" else INK))
        self.set_x(self.l_margin)
        for run in paragraph.runs:
            self.set_font(FONT, "B" if run.bold else "", size)
            self.write(line, self.printable(run.text))
        self.ln(line)
        self.ln(gap)
        self.set_text_color(*INK)

    def bullets(self, bullets: Bullets) -> None:
        size, line = STYLES[bullets.style]
        margin = self.l_margin
        for item in bullets.items:
            if self.will_page_break(line):
                self.add_page()
            self.set_font(FONT, "", size)
            self.set_text_color(*(MUTED if bullets.style == "small" else INK))
            self.set_x(margin + 1)
            self.cell(BULLET_INDENT - 1, line, "•")
            self.set_left_margin(margin + BULLET_INDENT)
            try:
                self.paragraph(Paragraph(item.runs, bullets.style), gap=1.0)
            finally:
                self.set_left_margin(margin)
        self.ln(0.8)

    def table_block(self, table: Table) -> None:
        size, line = STYLES["small"]
        self.set_font(FONT, "", size + 0.5)
        self.set_text_color(*INK)
        self.set_draw_color(*RULE)
        self.set_fill_color(255, 255, 255)
        align = tuple("RIGHT" if i in table.numeric else "LEFT" for i in range(len(table.header)))
        with self.table(
            col_widths=table.widths, text_align=align,
            line_height=line + (0.1 if table.compact else 0.4),
            width=self.epw, borders_layout=TableBordersLayout.HORIZONTAL_LINES,
            headings_style=FontFace(emphasis="BOLD", fill_color=TABLE_HEAD_FILL),
            padding=(0.8, 1.0) if table.compact else (1.2, 1.5), v_align=VAlign.T,
            repeat_headings=1, markdown=False,
        ) as drawn:
            drawn.row(tuple(map(self.printable, table.header)))
            for row in table.rows:
                drawn.row(tuple(map(self.printable, row)))
        self.ln(2.5)

    def figure(self, figure: Figure) -> None:
        png = self.images[id(figure)]
        pixels_wide, pixels_high = chart_images.png_size(png)
        width = self.epw * figure.width_share * self.figure_scale
        height = width * pixels_high / pixels_wide
        if self.will_page_break(height) and not self.at_top():
            self.add_page()
        if self.measuring:
            self.set_y(self.y + height + 1.5)
            return
        self.image(io.BytesIO(png), x=self.l_margin + (self.epw - width) / 2, y=self.y, w=width,
                   h=height, alt_text=figure.description)
        self.set_y(self.y + height + 1.5)

    def metrics(self, metrics: Metrics) -> None:
        gap = 4.0
        count = len(metrics.items)
        width = (self.epw - gap * (count - 1)) / count
        top, height = self.y, 21.0
        self.set_draw_color(*RULE)
        for i, metric in enumerate(metrics.items):
            left = self.l_margin + i * (width + gap)
            self.rect(left, top, width, height)
            self.set_xy(left + 3, top + 2.5)
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.cell(width - 6, 4, self.printable(metric.label))
            self.set_xy(left + 3, top + 6.8)
            self.set_font(FONT, "B", 15)
            self.set_text_color(*INK)
            self.cell(width - 6, 8, self.printable(metric.value))
            self.set_xy(left + 3, top + 14.8)
            self.set_font(FONT, "", 8)
            self.set_text_color(*MUTED)
            self.cell(width - 6, 4, self.printable(metric.note))
        self.set_text_color(*INK)
        self.set_xy(self.l_margin, top + height + 3.5)

    def callout(self, callout: Callout) -> None:
        """Boxed, with a dark bar down the left: it stands out without relying on colour."""
        margin, top = self.l_margin, self.y
        self.ln(2)
        self.set_left_margin(margin + 6)
        self.set_right_margin(self.r_margin + 3)
        try:
            for each in callout.paragraphs:
                self.paragraph(each, gap=0.8)
        finally:
            self.set_left_margin(margin)
            self.set_right_margin(MARGIN)
        bottom = self.y + 1
        self.set_draw_color(*RULE)
        self.rect(margin, top, self.epw, bottom - top)
        self.set_fill_color(*CALLOUT_BAR)
        self.rect(margin, top, 2, bottom - top, style="F")
        self.set_fill_color(255, 255, 255)
        self.set_xy(margin, bottom + 3)

    def divider(self, _: Divider) -> None:
        self.ln(1)
        self.rule()
        self.ln(3)

    def together(self, group: KeepTogether) -> None:
        for block in group.blocks:
            self.draw(block)

    def rule(self, thick: bool = False) -> None:
        self.set_draw_color(*(HEADING_BLUE if thick else RULE))
        self.set_line_width(0.6 if thick else 0.3)
        self.line(self.l_margin, self.y, self.l_margin + self.epw, self.y)
        self.set_line_width(0.2)

    # -- page numbers ---------------------------------------------------------------------------

    def finish(self) -> None:
        """Write the footer on every page now the page count is known."""
        total = self.pages_count
        self.set_auto_page_break(False)
        for number in range(1, total + 1):
            self.page = number
            # fpdf2 writes a font or colour into a page only when it changes, and it does not know
            # which font this page's text ended in: change both twice, so each is written here.
            self.set_font(FONT, "B", 7.5)
            self.set_font(FONT, "", 7.5)
            self.set_text_color(*INK)
            self.set_text_color(*MUTED)
            self.set_xy(self.l_margin, self.h - FOOTER_FROM_BOTTOM)
            footer = fitted(self, self.printable(self.footer_text), self.epw * 0.7)
            self.cell(self.epw * 0.72, 4, footer)
            self.set_xy(self.l_margin, self.h - FOOTER_FROM_BOTTOM)
            self.cell(self.epw, 4, f"Page {number} of {total}", align="R")


def fitted(pdf: FPDF, text: str, width: float) -> str:
    """The text cut with an ellipsis to fit the width (a long name must not run into the page
    number)."""
    text = " ".join(text.split())
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def draw_pdf(report: BoardReport, progress: Progress | None = None) -> bytes:
    blocks = report_blocks(report)
    figures = figures_in(blocks)
    images = chart_images.render_all(figures, progress, start=0.0, end=0.8)
    if progress:
        progress(0.8, "Laying out the pages")
    collaborative, assessment_round = report.collaborative, report.assessment_round
    pdf = ReportPDF(footer_text=f"{collaborative.name} · {assessment_round.label} · board report")
    pdf.images = {id(figure): image for figure, image in zip(figures, images, strict=True)}
    pdf.set_title(f"Board report: {collaborative.name}, {assessment_round.label}")
    pdf.set_author("collab-assess")
    pdf.set_creator("collab-assess")
    pdf.add_page()
    pdf.draw_all(blocks)
    pdf.finish()
    data = bytes(pdf.output())
    if progress:
        progress(1.0, "The PDF is ready")
    return data
