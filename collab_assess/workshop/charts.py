"""The workshop's vote chart: how many people chose each level, large enough for a projector."""

from __future__ import annotations

import altair as alt
import pandas as pd

from collab_assess.chart_style import GREY, INK, LEVEL_COLOURS
from collab_assess.workshop.tally import CHOICES


def vote_chart(counts: pd.DataFrame, height: int = 260) -> alt.LayerChart | alt.FacetChart:
    """One bar per choice (the four levels, then Don't know) with its count written on it, so
    colour is never the only cue. counts: choice, votes (all five rows)."""
    base = alt.Chart(counts).encode(
        x=alt.X("choice:N", sort=CHOICES, title=None,
                axis=alt.Axis(labelAngle=0, labelFontSize=16, labelLimit=200)),
        y=alt.Y("votes:Q", title="Votes", axis=alt.Axis(tickMinStep=1, format="d",
                                                         titleFontSize=14, labelFontSize=14)),
    )
    bars = base.mark_bar().encode(
        color=alt.Color("choice:N", scale=alt.Scale(domain=CHOICES, range=[*LEVEL_COLOURS, GREY]),
                        legend=None),
        tooltip=[alt.Tooltip("choice:N", title="Choice"), alt.Tooltip("votes:Q", title="Votes")],
    )
    labels = base.mark_text(dy=-12, fontSize=20, fontWeight="bold", color=INK).encode(
        text="votes:Q")
    return alt.layer(bars, labels).properties(height=height)
