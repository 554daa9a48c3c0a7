"""Charts of the Benchmark page. Stage colours are the Okabe-Ito ones the Results page uses, and
every chart writes its numbers as text or tooltips too, so colour is never the only cue. No chart
is taller than a screen: the heatmap draws one page of rows at a time (view.heatmap_page)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from collab_assess.chart_style import (
    EARLY_COLOUR,
    EMPTY_CELL,
    INK,
    LATER_COLOUR,
    LEVEL_COLOURS,
    LEVEL_INKS,
    SCORE_TITLE,
)
from collab_assess.content.scale import (
    AREA_PLACES,
    LEVELS,
    level_label,
    percent_text,
    score_text,
)

Drawn = alt.LayerChart | alt.FacetChart
"""What these functions return (altair's .properties() may give either)."""
STAGE_NAMES = [level_label(level) for level in LEVELS]
STAGE_DOMAIN = [*STAGE_NAMES, "not scored"]
PICK = "pick"
"""The heatmap's click selection: the row_key of the row clicked."""
ROW_STEP = 26
COLUMN_STEP = 40
"""Wide enough for "3.25" in 11px type; 13 columns and the row names fit a 1280px laptop."""


def _columns(cells: pd.DataFrame) -> list[str]:
    return cells.sort_values("area_order")["area"].drop_duplicates().tolist()


def area_heatmap(cells: pd.DataFrame, row_title: str = "Collaborative", *,
                 clickable: bool = False) -> Drawn:
    """Rows down (the reference medians first, then one page of collaboratives, regions or ICSs,
    in the order given: by name or region, never by score), the overall score and each area
    across; each cell the score, coloured by its stage and written in it.

    cells: row_key, row, region, area_order, area, score, stage, detail (view.HeatmapPage's
    reference and cells, concatenated)."""
    data = cells.assign(score_text=[score_text(score, AREA_PLACES) for score in cells["score"]])
    rows = data["row"].drop_duplicates().tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("row:N", sort=rows, title=None, axis=alt.Axis(labelLimit=240, labelFontSize=12)),
        x=alt.X("area:N", sort=_columns(data), title=None,
                axis=alt.Axis(labelAngle=-40, labelLimit=170, orient="top", labelOverlap=False,
                              labelFontSize=12)),
    )
    pick = alt.selection_point(name=PICK, fields=["row_key"], on="click", empty=False)
    cells_layer = base.mark_rect(stroke="white", strokeWidth=1.5).encode(
        color=alt.Color("stage:N", scale=alt.Scale(domain=STAGE_DOMAIN,
                                                   range=[*LEVEL_COLOURS, EMPTY_CELL]),
                        legend=alt.Legend(title="Stage of the score", orient="top",
                                          direction="horizontal")),
        tooltip=[alt.Tooltip("row:N", title=row_title), alt.Tooltip("region:N", title="Region"),
                 alt.Tooltip("area:N", title="Area"),
                 alt.Tooltip("score_text:N", title="Score"),
                 alt.Tooltip("stage:N", title="Stage"),
                 alt.Tooltip("detail:N", title="Details")],
    )
    if clickable:
        cells_layer = cells_layer.add_params(pick)
    text = base.mark_text(fontSize=11).encode(
        text="score_text:N",
        color=alt.Color("stage:N", scale=alt.Scale(domain=STAGE_DOMAIN,
                                                   range=[*LEVEL_INKS, INK]), legend=None),
    )
    # The text's colours are its own scale, not the cells': dark or light, whichever reads.
    return alt.layer(cells_layer, text).resolve_scale(color="independent").properties(
        height=alt.Step(ROW_STEP), width=alt.Step(COLUMN_STEP))


def stage_share_chart(shares: pd.DataFrame, survey_share: float,
                      early_names: list[str]) -> Drawn:
    """The share of the selection at an early stage, by each measure, beside the survey's figure
    (a different measure again: collaborative leaders describing their own collaborative)."""
    early = shares[shares["stage"].isin(early_names)].groupby("measure")["share"].sum()
    counts = shares.groupby("measure")["collaboratives"].sum()
    rows = [{"measure": f"{measure} (n={int(counts.get(measure, 0)):,})",
             "early": float(early.get(measure, 0.0))}
            for measure in shares["measure"].drop_duplicates()]
    rows.append({"measure": "Survey, Nov 2022 (leaders' own view)", "early": survey_share})
    data = pd.DataFrame(rows)
    long = pd.concat([data.assign(kind="Early", share=data["early"]),
                      data.assign(kind="Later", share=1 - data["early"])])
    long["share_text"] = long["share"].map(percent_text)
    long["label"] = [f"{text} {kind.lower()}"
                     for text, kind in zip(long["share_text"], long["kind"], strict=True)]
    order = data["measure"].tolist()
    base = alt.Chart(long).encode(
        y=alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=340)),
        x=alt.X("share:Q", stack="normalize", title="Share of collaboratives",
                axis=alt.Axis(format="%")),
        order=alt.Order("kind:N"),
    )
    bars = base.mark_bar(height=26).encode(
        color=alt.Color("kind:N", scale=alt.Scale(domain=["Early", "Later"],
                                                  range=[EARLY_COLOUR, LATER_COLOUR]),
                        legend=alt.Legend(title=None, orient="bottom")),
        tooltip=[alt.Tooltip("measure:N", title="Measure"), alt.Tooltip("kind:N", title="Stage"),
                 alt.Tooltip("share_text:N", title="Share")],
    )
    text = base.mark_text(align="left", dx=4, color=INK, fontWeight="bold").encode(
        x=alt.X("share:Q", stack="normalize"), text="label:N")
    return alt.layer(bars, text.transform_filter(alt.datum.share > 0.08)).properties(
        height=alt.Step(40))


def area_spread_chart(summary: pd.DataFrame) -> Drawn:
    """One box per area drawn from the selection's summary (view.selection_summary: the middle
    half of collaboratives, the median, lowest to highest), so variation stays visible instead of
    hiding behind an average, and the browser is sent a dozen rows, not every score."""
    data = summary.assign(
        label=[f"{area} (n={n:,})" for area, n in zip(summary["area"], summary["collaboratives"],
                                                      strict=True)],
        median_text=[score_text(m, AREA_PLACES) for m in summary["median"]],
        middle_text=[f"{score_text(a, AREA_PLACES)} to {score_text(b, AREA_PLACES)}"
                     for a, b in zip(summary["q1"], summary["q3"], strict=True)],
        range_text=[f"{score_text(a, AREA_PLACES)} to {score_text(b, AREA_PLACES)}"
                    for a, b in zip(summary["lowest"], summary["highest"], strict=True)])
    order = data.sort_values("area_order")["label"].tolist()
    y = alt.Y("label:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("median_text:N", title="Median"),
               alt.Tooltip("middle_text:N", title="Middle half"),
               alt.Tooltip("range_text:N", title="Lowest to highest"),
               alt.Tooltip("collaboratives:Q", title="Collaboratives")]
    base = alt.Chart(data).encode(y=y, tooltip=tooltip)
    scale = alt.Scale(domain=[1, 4])
    whisker = base.mark_rule(color=INK).encode(
        x=alt.X("lowest:Q", scale=scale, title=SCORE_TITLE), x2="highest:Q")
    box = base.mark_bar(size=16, color=LEVEL_COLOURS[2], stroke=INK).encode(
        x=alt.X("q1:Q", scale=scale), x2="q3:Q")
    median = base.mark_tick(color=INK, thickness=3, size=20).encode(
        x=alt.X("median:Q", scale=scale))
    text = base.mark_text(align="left", dx=6, dy=-12, fontSize=10, color=INK).encode(
        x=alt.X("median:Q", scale=scale), text="median_text:N")
    return alt.layer(whisker, box, median, text).properties(height=alt.Step(34))


def trend_chart(trends: pd.DataFrame) -> alt.FacetChart:
    """Each area's median score across periods (financial years), one small chart per area, so
    eleven lines never have to be told apart by colour; each point says its n."""
    order = trends.sort_values("area_order")["area"].drop_duplicates().tolist()
    trends = trends.assign(median_text=[score_text(m, AREA_PLACES) for m in trends["median"]],
                           n_text=[f"n={n:,}" for n in trends["collaboratives"]])
    line = alt.Chart().mark_line(point=True, color=LEVEL_COLOURS[3]).encode(
        x=alt.X("period:O", title=None),
        y=alt.Y("median:Q", scale=alt.Scale(domain=[1, 4]), title="Median"),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("period:O", title="Year"),
                 alt.Tooltip("median_text:N", title="Median"),
                 alt.Tooltip("collaboratives:Q", title="Collaboratives")],
    )
    counts = alt.Chart().mark_text(dy=-10, fontSize=9, color=INK).encode(
        x=alt.X("period:O"), y=alt.Y("median:Q", scale=alt.Scale(domain=[1, 4])),
        text="n_text:N")
    return alt.FacetChart(data=trends, spec=alt.layer(line, counts).properties(
        width=170, height=110), facet=alt.Facet(
        "area:N", sort=order, title=None, header=alt.Header(labelLimit=180, labelFontSize=12)),
        columns=3)


def compare_chart(compared: pd.DataFrame) -> Drawn:
    """Two collaboratives side by side, area by area: a dot each on the same line, with the
    score written beside it; the two are told apart by shape as well as colour."""
    data = compared.assign(score_text=[score_text(s, AREA_PLACES) for s in compared["score"]])
    order = data.sort_values("area_order")["area"].drop_duplicates().tolist()
    names = data["collaborative"].drop_duplicates().tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("area:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
        x=alt.X("score:Q", scale=alt.Scale(domain=[1, 4]), title=SCORE_TITLE),
        tooltip=[alt.Tooltip("collaborative:N", title="Collaborative"),
                 alt.Tooltip("area:N", title="Area"),
                 alt.Tooltip("score_text:N", title="Score"),
                 alt.Tooltip("stage:N", title="Stage")])
    rule = alt.Chart(data).mark_rule(color=EMPTY_CELL, strokeWidth=6).encode(
        y=alt.Y("area:N", sort=order), x=alt.X("min(score):Q", scale=alt.Scale(domain=[1, 4])),
        x2="max(score):Q")
    dots = base.mark_point(size=140, filled=True, opacity=1).encode(
        color=alt.Color("collaborative:N", scale=alt.Scale(domain=names,
                                                           range=[LEVEL_COLOURS[3],
                                                                  LEVEL_COLOURS[0]]),
                        legend=alt.Legend(title=None, orient="top", labelLimit=400)),
        shape=alt.Shape("collaborative:N", scale=alt.Scale(domain=names,
                                                           range=["circle", "diamond"]),
                        legend=None))
    return alt.layer(rule, dots).properties(height=alt.Step(30))


def slide(chart: alt.TopLevelMixin, title: str, lines: list[str],
          width: int = 900) -> alt.TopLevelMixin:
    """A chart made ready to paste into a slide: a title, and beneath it the filters, n and the
    date it was made, on a white background."""
    if not isinstance(chart, alt.FacetChart):
        chart = chart.properties(width=width)
    return chart.properties(
        title=alt.TitleParams(text=title, subtitle=lines, anchor="start", fontSize=18,
                              subtitleFontSize=12, subtitleColor=INK),
        background="white", padding=16)
