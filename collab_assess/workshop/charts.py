"""The workshop's vote chart: how many people chose each level, large enough for a projector."""

from __future__ import annotations

import altair as alt
import pandas as pd

from collab_assess.chart_style import GREY, INK, LEVEL_COLOURS
from collab_assess.workshop.tally import CHOICES

PROJECTOR_TEXT = 24
"""Pixels: the smallest text on a projected slide that the back of a boardroom can read."""


def vote_chart(counts: pd.DataFrame, height: int = 260,
               large: bool = False) -> alt.LayerChart | alt.FacetChart:
    """One bar per choice (the four levels, then Don't know) with its count written beside it, so
    colour is never the only cue. counts: choice, votes (all five rows).

    large: for the presenter's slide. Every text is at least PROJECTOR_TEXT pixels and the bars
    lie flat, so each level's full name reads on one line beside its bar; standing bars would
    need a slide twice as wide for the names not to collide."""
    text = PROJECTOR_TEXT if large else 16
    choice_axis = alt.Axis(labelAngle=0, labelFontSize=text, labelLimit=260, labelOverlap=False,
                           labelColor=INK, ticks=False, labelPadding=8)
    count_axis = alt.Axis(tickMinStep=1, format="d", titleFontSize=text if large else 14,
                          labelFontSize=text if large else 14, labelColor=INK, titleColor=INK)
    if large:
        base = alt.Chart(counts).encode(
            y=alt.Y("choice:N", sort=CHOICES, title=None, axis=choice_axis),
            # room on the right for the largest bar's count
            x=alt.X("votes:Q", title=None, axis=None,
                    scale=alt.Scale(domain=[0, max(1, int(counts["votes"].max())) * 1.15])),
        )
        labels = base.mark_text(align="left", dx=8, fontSize=text + 4, fontWeight="bold",
                                color=INK).encode(text="votes:Q")
    else:
        base = alt.Chart(counts).encode(
            x=alt.X("choice:N", sort=CHOICES, title=None, axis=choice_axis),
            y=alt.Y("votes:Q", title="Votes", axis=count_axis),
        )
        labels = base.mark_text(dy=-(text // 2 + 6), fontSize=text + 4, fontWeight="bold",
                                color=INK).encode(text="votes:Q")
    bars = base.mark_bar().encode(
        color=alt.Color("choice:N", scale=alt.Scale(domain=CHOICES, range=[*LEVEL_COLOURS, GREY]),
                        legend=None),
        tooltip=[alt.Tooltip("choice:N", title="Choice"), alt.Tooltip("votes:Q", title="Votes")],
    )
    return alt.layer(bars, labels).properties(height=height)
