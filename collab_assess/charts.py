"""Altair chart builders shared by the pages (and, later, the reports).

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of colour
blindness; every chart also carries its numbers in tooltips or text, so colour is never the only cue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from collab_assess.scale import LEVELS, STAGE_BANDS, Level, level_label

BLUE = "#0072B2"
ORANGE = "#E69F00"
SKY = "#56B4E9"
VERMILION = "#D55E00"
GREEN = "#009E73"
GREY = "#BBBBBB"
INK = "#222222"
BAND_FILLS = ["#F3F3F3", "#FFFFFF"]

LEVEL_COLOURS = [VERMILION, ORANGE, SKY, BLUE]  # Emerging -> Thriving, warm to cool
EARLY_COLOUR, LATER_COLOUR = ORANGE, SKY  # the same warm/cool meaning as the levels
YOUR_SCORE_COLOUR = GREEN  # used for nothing else, so it is never read as a stage

_SCORE_SCALE = alt.Scale(domain=[1, 4], nice=False)
_SCORE_AXIS = alt.Axis(
    values=sorted({band.lower for band in STAGE_BANDS} | {band.upper for band in STAGE_BANDS}),
    format=".2f",
    grid=False,
    title="Score from 1 to 4; the shaded columns are the four stages",
)


def readable(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """Dark, larger axis text, legible on a projector."""
    return chart.configure_axis(labelColor=INK, titleColor=INK, labelFontSize=13,
                                titleFontSize=13).configure_legend(labelColor=INK, labelFontSize=13,
                                                                   titleColor=INK)


def _stage_columns() -> list[alt.Chart]:
    """Shaded background columns, one per stage, named along the top."""
    bands = pd.DataFrame(
        [{"stage": band.stage.label, "lower": band.lower, "upper": band.upper,
          "middle": (band.lower + band.upper) / 2, "fill": BAND_FILLS[i % 2]}
         for i, band in enumerate(STAGE_BANDS)]
    )
    shade = alt.Chart(bands).mark_rect().encode(
        x=alt.X("lower:Q", scale=_SCORE_SCALE, axis=_SCORE_AXIS), x2="upper:Q",
        color=alt.Color("fill:N", scale=None),
    )
    names = alt.Chart(bands).mark_text(baseline="bottom", dy=-6, color=INK, fontSize=13,
                                       fontWeight="bold").encode(
        x=alt.X("middle:Q", scale=_SCORE_SCALE), y=alt.value(0), text="stage:N")
    return [shade, names]


def area_chart(areas: pd.DataFrame, peers: pd.DataFrame | None = None) -> alt.LayerChart:
    """One bar per area (its score), in the bank's order, over shaded stage columns; where peers are
    given, their interquartile range is a grey band and their median a black tick on each row.
    Each area's score is written beside its name, so no mark can cover it.

    areas: area_id, area, group, score, area_position. peers: area_id, peer_median, peer_q1, peer_q3.
    """
    data = areas[["area_id", "area", "group", "score", "area_position"]].copy()
    if peers is not None and not peers.empty:
        data = data.merge(peers, on="area_id", how="left")
    data["row"] = [
        f"{name}  {score:.1f}" if pd.notna(score) else f"{name}  (not yet scored)"
        for name, score in zip(data["area"], data["score"])
    ]
    order = data.sort_values("area_position")["row"].tolist()
    y = alt.Y("row:N", sort=order, title=None, axis=alt.Axis(labelLimit=320, ticks=False,
                                                            domain=False))
    scored = data.dropna(subset=["score"])
    bars = (
        alt.Chart(scored)
        .mark_bar(height=14, color=YOUR_SCORE_COLOUR)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=_SCORE_SCALE),
            x2=alt.datum(1),
            tooltip=[
                alt.Tooltip("area:N", title="Area"),
                alt.Tooltip("group:N", title="Type"),
                alt.Tooltip("score:Q", title="Your score", format=".2f"),
            ],
        )
    )
    layers: list[alt.Chart] = _stage_columns()
    if "peer_median" in data:
        with_peers = data.dropna(subset=["peer_median"])
        layers.append(
            alt.Chart(with_peers)
            .mark_bar(height=26, color=GREY, opacity=0.7)
            .encode(
                y=y,
                x=alt.X("peer_q1:Q", scale=_SCORE_SCALE),
                x2="peer_q3:Q",
                tooltip=[
                    alt.Tooltip("area:N", title="Area"),
                    alt.Tooltip("peer_q1:Q", title="Peers, lower quartile", format=".2f"),
                    alt.Tooltip("peer_q3:Q", title="Peers, upper quartile", format=".2f"),
                ],
            )
        )
        layers.append(bars)
        layers.append(
            alt.Chart(with_peers)
            .mark_tick(color=INK, thickness=3, size=30)
            .encode(
                y=y,
                x=alt.X("peer_median:Q", scale=_SCORE_SCALE),
                tooltip=[
                    alt.Tooltip("area:N", title="Area"),
                    alt.Tooltip("peer_median:Q", title="Peer median", format=".2f"),
                ],
            )
        )
    else:
        layers.append(bars)
    # An empty placeholder row keeps unscored areas on the axis.
    layers.append(alt.Chart(data).mark_point(opacity=0).encode(y=y, x=alt.datum(1)))
    return alt.layer(*layers).properties(height=alt.Step(34))


def level_distribution_chart(statements: pd.DataFrame, answers: pd.DataFrame) -> alt.Chart:
    """For each statement, how many respondents chose each level: disagreement made visible.

    statements: statement_id, label (what to show on the axis). answers: statement_id, level."""
    counts = (
        answers.dropna(subset=["level"])
        .assign(level=lambda f: f["level"].astype(int))
        .groupby(["statement_id", "level"])
        .size()
        .rename("respondents")
        .reset_index()
        .merge(statements[["statement_id", "label"]], on="statement_id")
    )
    counts["level_name"] = counts["level"].map(level_label)
    names = [level_label(level) for level in LEVELS]
    return (
        alt.Chart(counts)
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=statements["label"].tolist(), title=None,
                    axis=alt.Axis(labelLimit=360)),
            x=alt.X("respondents:Q", stack="zero", title="People choosing each level",
                    axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "level_name:N",
                scale=alt.Scale(domain=names, range=LEVEL_COLOURS),
                legend=alt.Legend(title="Level chosen", orient="bottom"),
            ),
            order=alt.Order("level:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Statement"),
                alt.Tooltip("level_name:N", title="Level"),
                alt.Tooltip("respondents:Q", title="Respondents"),
            ],
        )
        .properties(height=alt.Step(30))
    )


def role_heatmap(by_role: pd.DataFrame) -> alt.LayerChart:
    """Areas down, respondent roles across, each cell the area score from that role's answers.

    by_role: area, area_position, role, score."""
    data = by_role.dropna(subset=["score"])
    order = data.sort_values("area_position")["area"].drop_duplicates().tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("area:N", sort=order, title=None, axis=alt.Axis(labelLimit=260)),
        x=alt.X("role:N", title=None, axis=alt.Axis(labelAngle=-20, labelLimit=240)),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            "score:Q",
            scale=alt.Scale(scheme="viridis", domain=[1, 4]),
            legend=alt.Legend(title="Score", orient="bottom"),
        ),
        tooltip=[
            alt.Tooltip("area:N", title="Area"),
            alt.Tooltip("role:N", title="Role"),
            alt.Tooltip("score:Q", title="Score", format=".2f"),
        ],
    )
    text = base.mark_text(fontWeight="bold").encode(
        text=alt.Text("score:Q", format=".1f"),
        color=alt.condition(alt.datum.score > 2.6, alt.value("black"), alt.value("white")),
    )
    return alt.layer(cells, text).properties(height=alt.Step(32))


def baseline_chart(national_early_share: float, peer_early_share: float | None,
                   early_label: str, peer_label: str = "Peers here") -> alt.Chart:
    """Share of collaboratives at an early stage: the national survey beside the peers here."""
    rows = [{"group": "National survey (Nov 2022)", "share": national_early_share}]
    if peer_early_share is not None:
        rows.append({"group": peer_label, "share": peer_early_share})
    data = pd.DataFrame(rows)
    data["stage"] = f"Early ({early_label})"
    later = data.assign(share=1 - data["share"], stage="Later stages")
    data = pd.concat([data, later], ignore_index=True)
    return (
        alt.Chart(data)
        .mark_bar(height=26)
        .encode(
            y=alt.Y("group:N", title=None, sort=[r["group"] for r in rows],
                    axis=alt.Axis(labelLimit=220)),
            x=alt.X("share:Q", stack="normalize", title="Share of collaboratives",
                    axis=alt.Axis(format="%")),
            color=alt.Color(
                "stage:N",
                scale=alt.Scale(range=[EARLY_COLOUR, LATER_COLOUR]),
                legend=alt.Legend(title=None, orient="bottom", labelLimit=400),
            ),
            order=alt.Order("stage:N"),
            tooltip=[alt.Tooltip("group:N", title=" "), alt.Tooltip("stage:N", title="Stage"),
                     alt.Tooltip("share:Q", title="Share", format=".0%")],
        )
        .properties(height=alt.Step(40))
    )


def stage_name(stage: Level | None) -> str:
    return "Not yet scored" if stage is None else level_label(stage)
