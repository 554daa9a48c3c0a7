"""The report's charts: drawn by the same altair builders the Results page uses
(collab_assess.assessment.charts) and turned into PNG images offline with vl-convert, so a report
needs no browser and no network.

The only changes from the page are for paper: a fixed width instead of the page's width, and the
report's own font (DejaVu Sans, shipped in fonts/), so the charts match the text around them and do
not depend on the fonts a server happens to have.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc
from PIL import Image

from collab_assess.assessment.charts import (
    area_chart,
    area_figures,
    baseline_chart,
    baseline_figures,
    level_distribution_chart,
    role_figures,
    role_heatmap,
)
from collab_assess.chart_style import readable
from collab_assess.content.scale import LEVELS, level_label, percent_text
from collab_assess.report.content import AreaReport, BoardReport, SplitStatement
from collab_assess.report.document import Figure, Table

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT_FAMILY = "DejaVu Sans"
PRINT_WIDTH = 760
"""Pixels across a chart that spans the text width. Wide enough that the page's narrow-screen
rules never apply, narrow enough that its 12-13 px labels print at about 8 points on A4."""
PNG_SCALE = 2
"""Pixels per chart pixel in the images: sharp when printed at A4 width."""

Progress = Callable[[float, str], None]
"""Called with the fraction done (0 to 1) and what is happening, e.g. to feed st.progress."""


def for_print(chart: alt.TopLevelMixin, width: int = PRINT_WIDTH) -> alt.TopLevelMixin:
    """A page chart at a fixed width, in the report's font, with the page's readable() styling.
    configure() replaces the whole config, so it comes before readable() adds to it."""
    return readable(chart.properties(width=width).configure(font=FONT_FAMILY))


# -- the charts -----------------------------------------------------------------------------------

def area_table(report: BoardReport) -> pd.DataFrame:
    """The areas as area_chart reads them."""
    return pd.DataFrame([
        {"area_id": area.area_id, "area": area.name, "group": area.group,
         "score": area.score if area.score is not None else float("nan"),
         "area_position": area.position}
        for area in report.areas
    ])


def peer_table(report: BoardReport) -> pd.DataFrame | None:
    return report.peers.areas if report.peers.shown else None


def area_figure(report: BoardReport, width_share: float = 1.0) -> Figure:
    areas, peers = area_table(report), peer_table(report)
    figures = area_figures(areas, peers).reset_index()
    return Figure(
        chart=for_print(area_chart(areas, peers)),
        description=("Each area's score as a bar on the 1 to 4 scale, over shaded columns for the "
                     "four stages" + (", with the middle half of peers as a grey band and their "
                                      "median as a black tick." if peers is not None else ".")),
        figures=_table(figures),
        width_share=width_share,
    )


def baseline_arguments(report: BoardReport) -> dict:
    """The survey chart's arguments, exactly as Results passes them."""
    return dict(national_early_share=report.baseline.share,
                peer_early_share=report.comparison.peer_early_share,
                early_label=report.baseline.early_stage_names, peer_label=report.peer_label,
                your_stage=report.stage, your_stage_is_early=report.comparison.is_early)


def baseline_figure(report: BoardReport, width_share: float = 1.0) -> Figure:
    arguments = baseline_arguments(report)
    return Figure(
        chart=for_print(baseline_chart(**arguments)),
        description=(f"The share of collaboratives at an early stage: "
                     f"{percent_text(report.baseline.share)} "
                     "in the November 2022 survey (self-reported), beside the peers here, and "
                     "whether your collaborative's worked-out stage is an early one."),
        figures=_table(baseline_figures(**arguments).reset_index()),
        width_share=width_share,
    )


def role_figure(report: BoardReport) -> Figure:
    return Figure(
        chart=for_print(role_heatmap(report.role_scores)),
        description="Each area's score worked out from each role group's answers alone, coloured "
                    "by its stage, with the score written in each cell.",
        figures=_table(role_figures(report.role_scores).reset_index()),
    )


def split_figure(area: AreaReport) -> Figure:
    """How many people chose each level of the area's split statements, as Results draws them."""
    labelled, answers = split_chart_data(area.disagreements)
    return Figure(
        chart=for_print(level_distribution_chart(labelled, answers)),
        description=f"For each split statement in {area.name}, how many people chose each level.",
    )


def split_chart_data(statements: tuple[SplitStatement, ...]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """level_distribution_chart's inputs: each statement labelled as Results labels it ("PB-1 We
    ..."), and one row per level chosen, rebuilt from the counts."""
    labelled = pd.DataFrame([{"statement_id": s.statement_id,
                              "label": f"{s.statement_id} {s.statement}"} for s in statements])
    answers = pd.DataFrame(
        [{"statement_id": s.statement_id, "level": int(level)}
         for s in statements for level in LEVELS for _ in range(s.level_counts[level])],
        columns=["statement_id", "level"])
    return labelled, answers


def level_counts_text(statement: SplitStatement) -> str:
    """"1 Emerging: 3 · 2 Developing: 0 · ..." so the split reads without the chart's colours."""
    return " · ".join(f"{level_label(level)}: {count}"
                      for level, count in statement.level_counts.items())


def _table(frame: pd.DataFrame) -> Table:
    columns = [str(column) for column in frame.columns]
    return Table(header=tuple(columns),
                 rows=tuple(tuple("" if pd.isna(v) else str(v) for v in row)
                            for row in frame.itertuples(index=False)),
                 widths=(2.0,) + (1.0,) * (len(columns) - 1))


# -- turning charts into images -------------------------------------------------------------------

@lru_cache(maxsize=1)
def _register_fonts() -> None:
    vlc.register_font_directory(str(FONTS_DIR))


@lru_cache(maxsize=64)
def _png(spec: str, scale: float) -> bytes:
    """A chart specification as PNG. Kept, so a PDF and an HTML report of the same round draw each
    chart once."""
    _register_fonts()
    return smaller_png(vlc.vegalite_to_png(spec, scale=scale))


def smaller_png(png: bytes) -> bytes:
    """The same picture in at most 256 colours, about a fifth of the bytes: a chart has a handful
    of flat colours plus the soft edges of its text, so nothing visible is lost, and the HTML file
    stays small enough to email. No dithering, so flat colours stay flat."""
    with Image.open(io.BytesIO(png)) as picture:
        fewer = picture.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    fewer.save(out, "PNG")
    return out.getvalue()


def chart_png(chart: alt.TopLevelMixin, scale: float = PNG_SCALE) -> bytes:
    return _png(chart.to_json(indent=None), scale)


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height in pixels, from the PNG header."""
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def render_all(figures: list[Figure], progress: Progress | None = None, *, start: float = 0.0,
               end: float = 1.0) -> list[bytes]:
    """Each figure as PNG, in order, reporting progress between `start` and `end`."""
    images = []
    for done, figure in enumerate(figures):
        if progress:
            progress(start + (end - start) * done / max(len(figures), 1),
                     f"Drawing chart {done + 1} of {len(figures)}")
        images.append(chart_png(figure.chart))
    return images
