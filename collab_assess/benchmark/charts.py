"""Charts of the Benchmark page. Stage colours are the Okabe-Ito ones the Results page uses, and
every chart writes its numbers as text or tooltips too, so colour is never the only cue."""

from __future__ import annotations

import altair as alt
import pandas as pd

from collab_assess.chart_style import (
    EARLY_COLOUR,
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
    stage_of,
)

STAGE_NAMES = [level_label(level) for level in LEVELS]


def _stage_name(score: float) -> str:
    return level_label(stage_of(score)) if pd.notna(score) else "not scored"


def area_heatmap(area_scores: pd.DataFrame, order_by: str = "collaborative") -> alt.LayerChart:
    """Collaboratives down, the eleven areas across; each cell the area's score, coloured by its
    stage and written in it. Ordered by name (or region, then name): never ranked.

    area_scores: collaborative, region, area, area_position, score."""
    data = area_scores.assign(stage=area_scores["score"].map(_stage_name),
                              score_text=[score_text(score, AREA_PLACES)
                                          for score in area_scores["score"]])
    rows = (data.sort_values(["region", "collaborative"] if order_by == "region"
                             else ["collaborative"])["collaborative"].drop_duplicates().tolist())
    columns = data.sort_values("area_position")["area"].drop_duplicates().tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("collaborative:N", sort=rows, title=None,
                axis=alt.Axis(labelLimit=260)),
        x=alt.X("area:N", sort=columns, title="Area",
                axis=alt.Axis(labelAngle=-40, labelLimit=220, orient="top", labelOverlap=False,
                              labelFontSize=12)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("stage:N", scale=alt.Scale(domain=STAGE_NAMES, range=LEVEL_COLOURS),
                        legend=alt.Legend(title="Area score's stage", orient="bottom")),
        tooltip=[alt.Tooltip("collaborative:N", title="Collaborative"),
                 alt.Tooltip("region:N", title="Region"), alt.Tooltip("area:N", title="Area"),
                 alt.Tooltip("score_text:N", title="Score"),
                 alt.Tooltip("stage:N", title="Stage")],
    )
    text = base.mark_text(fontSize=11).encode(
        text="score_text:N",
        color=alt.Color("stage:N", scale=alt.Scale(domain=STAGE_NAMES, range=LEVEL_INKS),
                        legend=None),
    )
    # The text's colours are its own scale, not the cells': dark or light, whichever reads.
    return alt.layer(cells, text).resolve_scale(color="independent").properties(
        height=alt.Step(24))


def stage_share_chart(shares: pd.DataFrame, survey_share: float,
                      early_names: list[str]) -> alt.LayerChart | alt.FacetChart:
    """The share of the selection at an early stage, by each measure, beside the survey's figure
    (a different measure again: collaborative leaders describing their own collaborative)."""
    early = shares[shares["stage"].isin(early_names)].groupby("measure")["share"].sum()
    rows = [{"measure": measure, "early": float(early.get(measure, 0.0))}
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
        y=alt.Y("measure:N", sort=order, title=None, axis=alt.Axis(labelLimit=300)),
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


def area_distribution_chart(area_scores: pd.DataFrame) -> alt.Chart:
    """One box per area (the middle half of collaboratives, its median, and the spread), so
    variation stays visible instead of hiding behind an average."""
    order = area_scores.sort_values("area_position")["area"].drop_duplicates().tolist()
    return alt.Chart(area_scores).mark_boxplot(extent="min-max", color=LEVEL_COLOURS[3],
                                               median={"color": INK}).encode(
        y=alt.Y("area:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("score:Q", scale=alt.Scale(domain=[1, 4]), title=SCORE_TITLE),
    ).properties(height=alt.Step(30))


def trend_chart(trends: pd.DataFrame) -> alt.FacetChart:
    """Each area's median score across periods (financial years), one small chart per area, so
    eleven lines never have to be told apart by colour."""
    order = trends.sort_values("area_position")["area"].drop_duplicates().tolist()
    trends = trends.assign(median_text=[score_text(m, AREA_PLACES) for m in trends["median"]])
    line = alt.Chart().mark_line(point=True, color=LEVEL_COLOURS[3]).encode(
        x=alt.X("period:O", title=None),
        y=alt.Y("median:Q", scale=alt.Scale(domain=[1, 4]), title="Median"),
        tooltip=[alt.Tooltip("area:N", title="Area"), alt.Tooltip("period:O", title="Year"),
                 alt.Tooltip("median_text:N", title="Median"),
                 alt.Tooltip("collaboratives:Q", title="Collaboratives")],
    ).properties(width=160, height=110)
    return alt.FacetChart(data=trends, spec=line, facet=alt.Facet(
        "area:N", sort=order, title=None, header=alt.Header(labelLimit=170, labelFontSize=12)),
        columns=3)
