"""Altair chart builders shared by the pages (and, later, the reports), and the tables of figures
behind each chart (the text alternative a screen reader reaches).

Colours come from the Okabe-Ito palette, which stays distinguishable with the common forms of colour
blindness; every chart also writes its numbers as text, so colour is never the only cue. Two are
paler tints of its sky blue, so that the colours of one chart also print as different greys (board
papers are often printed in black and white, where orange and sky blue turn the same grey).

Every chart fills the width it is given, from a phone (about 350 pixels) to a wide screen. Row names
are written inside the plot, above each row's marks, rather than as axis labels: an axis label
column wide enough for "Peer support and mutual accountability" leaves a phone no room for the bars.
"""

from __future__ import annotations

import textwrap

import altair as alt
import pandas as pd

from collab_assess.chart_style import (
    BAND_FILLS,
    BLACK,
    EARLY_COLOUR,
    EMPTY_CELL,
    GREY,
    INK,
    LATER_COLOUR,
    LEVEL_COLOURS,
    LEVEL_INKS,
    SCORE_TITLE,
    WHITE,
    YOUR_SCORE_COLOUR,
)
from collab_assess.content.scale import (
    AREA_PLACES,
    LEVELS,
    PEER_PLACES,
    STAGE_BANDS,
    Level,
    level_label,
    percent_text,
    score_text,
    stage_name,
    stage_of,
)

NARROW = "width < 480"
"""A Vega expression, true when the plot is phone-sized: text shrinks a little there."""
ROW_LABEL_SIZE = {"expr": f"{NARROW} ? 12 : 13"}
FITS_THE_WIDTH = {"expr": "width"}
"""For a text mark's limit: cut a label with an ellipsis at the plot's edge rather than overflow."""

ROW_STEP = 46
"""Pixels per row: a line for the row's name, then its marks."""
LABEL_OFFSET = -12
MARK_OFFSET = 8
"""Where a row's name and its marks sit, in pixels from the middle of the row."""

_SCORE_SCALE = alt.Scale(domain=[1, 4], nice=False)
_SCORE_AXIS = alt.Axis(
    values=sorted({band.lower for band in STAGE_BANDS} | {band.upper for band in STAGE_BANDS}),
    format=".2f",
    grid=False,
    title=SCORE_TITLE,
)


def _rows(field: str, order: list[str], title: str | None = None) -> alt.Y:
    """One band per row, in the given order. Each row is named by a text mark, so the axis shows
    at most a title, never the names."""
    axis = (alt.Axis(title=title, labels=False, ticks=False, domain=False, titlePadding=4)
            if title else None)
    return alt.Y(f"{field}:N", sort=order, axis=axis, title=title,
                 scale=alt.Scale(paddingInner=0, paddingOuter=0.1))


def _row_names(data: pd.DataFrame, y: alt.Y, text_field: str, bold: bool = False) -> alt.Chart:
    """Each row's name, written above its marks from the left edge of the plot."""
    return alt.Chart(data).mark_text(
        align="left", baseline="middle", yOffset=LABEL_OFFSET, color=INK,
        fontSize=ROW_LABEL_SIZE, limit=FITS_THE_WIDTH, fontWeight="bold" if bold else "normal",
    ).encode(y=y, x=alt.value(0), text=f"{text_field}:N")


def _stage_columns() -> list[alt.Chart]:
    """Shaded background columns, one per stage, named along the top in type small enough that the
    four names never run into each other on a phone."""
    bands = pd.DataFrame(
        [{"stage": band.stage.label, "lower": band.lower, "upper": band.upper,
          "middle": (band.lower + band.upper) / 2, "fill": BAND_FILLS[i % 2]}
         for i, band in enumerate(STAGE_BANDS)]
    )
    shade = alt.Chart(bands).mark_rect().encode(
        x=alt.X("lower:Q", scale=_SCORE_SCALE, axis=_SCORE_AXIS), x2="upper:Q",
        color=alt.Color("fill:N", scale=None),
    )
    names = alt.Chart(bands).mark_text(
        baseline="bottom", dy=-4, color=INK, fontWeight="bold",
        fontSize={"expr": f"{NARROW} ? 11 : 13"},
        limit={"expr": "width / 4 - 2"},
    ).encode(x=alt.X("middle:Q", scale=_SCORE_SCALE), y=alt.value(0), text="stage:N")
    return [shade, names]


# -- areas ----------------------------------------------------------------------------------------

def area_chart_data(areas: pd.DataFrame, peers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The area chart's rows: area, score and its row name ("Data sharing: 2.0"), with the peers'
    median and quartiles where given."""
    data = areas[["area_id", "area", "group", "score", "area_position"]].copy()
    if peers is not None and not peers.empty:
        data = data.merge(peers, on="area_id", how="left")
    data["score_text"] = [score_text(score, AREA_PLACES) for score in data["score"]]
    data["row"] = [
        f"{name}: {text}" if pd.notna(score) else f"{name}: not yet scored"
        for name, score, text in zip(data["area"], data["score"], data["score_text"], strict=True)
    ]
    for column in ("peer_median", "peer_q1", "peer_q3"):
        if column in data:
            data[f"{column}_text"] = [score_text(value, PEER_PLACES, "") for value in data[column]]
    return data.sort_values("area_position", ignore_index=True)


def area_chart(areas: pd.DataFrame,
               peers: pd.DataFrame | None = None) -> alt.LayerChart | alt.FacetChart:
    """One bar per area (its score), in the bank's order, over shaded stage columns; where peers are
    given, their interquartile range is a grey band and their median a black tick on each row.
    Each area's name and score are written above its bar, so no mark can cover them.

    areas: area_id, area, group, score, area_position. peers: area_id, peer_median, peer_q1,
    peer_q3.
    """
    data = area_chart_data(areas, peers)
    y = _rows("area", data["area"].tolist())
    scored = data.dropna(subset=["score"])
    area_tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("group:N", title="Type")]
    layers: list[alt.Chart] = _stage_columns()
    if "peer_median" in data:
        with_peers = data.dropna(subset=["peer_median"])
        layers.append(
            alt.Chart(with_peers)
            .mark_bar(height=24, yOffset=MARK_OFFSET, color=GREY, opacity=0.7)
            .encode(
                y=y,
                x=alt.X("peer_q1:Q", scale=_SCORE_SCALE),
                x2="peer_q3:Q",
                tooltip=[*area_tooltip,
                         alt.Tooltip("peer_q1_text:N", title="Peers, lower quartile"),
                         alt.Tooltip("peer_q3_text:N", title="Peers, upper quartile")],
            )
        )
    layers.append(
        alt.Chart(scored)
        .mark_bar(height=14, yOffset=MARK_OFFSET, color=YOUR_SCORE_COLOUR)
        .encode(
            y=y,
            x=alt.X("score:Q", scale=_SCORE_SCALE),
            x2=alt.datum(1),
            tooltip=[*area_tooltip, alt.Tooltip("score_text:N", title="Your score")],
        )
    )
    # A dot at the end of each bar, so a score of exactly 1 (a bar of no length) still shows.
    layers.append(
        alt.Chart(scored)
        .mark_point(filled=True, size=90, opacity=1, yOffset=MARK_OFFSET,
                    color=YOUR_SCORE_COLOUR, stroke="white", strokeWidth=1)
        .encode(y=y, x=alt.X("score:Q", scale=_SCORE_SCALE),
                tooltip=[*area_tooltip, alt.Tooltip("score_text:N", title="Your score")])
    )
    if "peer_median" in data:
        layers.append(
            alt.Chart(with_peers)
            .mark_tick(color=INK, thickness=3, size=26, yOffset=MARK_OFFSET)
            .encode(
                y=y,
                x=alt.X("peer_median:Q", scale=_SCORE_SCALE),
                tooltip=[*area_tooltip, alt.Tooltip("peer_median_text:N", title="Peer median")],
            )
        )
    layers.append(_row_names(data, y, "row"))
    return alt.layer(*layers).properties(width="container", height=alt.Step(ROW_STEP))


def area_figures(areas: pd.DataFrame, peers: pd.DataFrame | None = None) -> pd.DataFrame:
    """The area chart as a table: one row per area, in the bank's order."""
    data = area_chart_data(areas, peers)
    table = pd.DataFrame({
        "Area": data["area"],
        "Your score": [score_text(s, AREA_PLACES, "not yet scored") for s in data["score"]],
        "Stage": [stage_name(stage_of(s)) if pd.notna(s) else "" for s in data["score"]],
    })
    if "peer_median" in data:
        table["Peers' median"] = data["peer_median_text"].tolist()
        table["Middle half of peers"] = [
            f"{low} to {high}" if low else ""
            for low, high in zip(data["peer_q1_text"], data["peer_q3_text"], strict=True)
        ]
    return table.set_index("Area")


# -- where people disagree ------------------------------------------------------------------------

def level_counts(statements: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """How many people chose each level of each statement: statement_id, label, level, level_name,
    respondents, and where each count starts and ends along the stacked bar (start, end)."""
    counts = (
        answers.dropna(subset=["level"])
        .assign(level=lambda f: f["level"].astype(int))
        .groupby(["statement_id", "level"])
        .size()
        .rename("respondents")
        .reset_index()
        .merge(statements[["statement_id", "label"]], on="statement_id")
        .sort_values(["statement_id", "level"], ignore_index=True)
    )
    counts["level_name"] = counts["level"].map(level_label)
    counts["end"] = counts.groupby("statement_id")["respondents"].cumsum()
    counts["start"] = counts["end"] - counts["respondents"]
    counts["middle"] = (counts["start"] + counts["end"]) / 2
    counts["ink"] = counts["level"].map(lambda level: LEVEL_INKS[level - 1])
    return counts


def level_distribution_chart(statements: pd.DataFrame,
                             answers: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """For each statement, how many respondents chose each level, as one stacked bar with the count
    written in each part: disagreement made visible.

    statements: statement_id, label (the row's name). answers: statement_id, level."""
    counts = level_counts(statements, answers)
    y = _rows("label", statements["label"].tolist())
    names = [level_label(level) for level in LEVELS]
    tooltip = [alt.Tooltip("label:N", title="Statement"),
               alt.Tooltip("level_name:N", title="Level"),
               alt.Tooltip("respondents:Q", title="People")]
    bars = alt.Chart(counts).mark_bar(height=22, yOffset=MARK_OFFSET, stroke=WHITE,
                                      strokeWidth=1).encode(
        y=y,
        x=alt.X("start:Q", title="People choosing each level",
                axis=alt.Axis(tickMinStep=1, format="d", grid=False)),
        x2="end:Q",
        color=alt.Color(
            "level_name:N",
            scale=alt.Scale(domain=names, range=LEVEL_COLOURS),
            legend=alt.Legend(title="Level chosen", orient="top", direction="horizontal",
                              columns={"expr": f"{NARROW} ? 2 : 4"}, labelLimit=200),
        ),
        tooltip=tooltip,
    )
    numbers = alt.Chart(counts).mark_text(yOffset=MARK_OFFSET, fontWeight="bold",
                                          fontSize=12).encode(
        y=y, x="middle:Q", text="respondents:Q",
        color=alt.Color("ink:N", scale=None), tooltip=tooltip,
    )
    return alt.layer(bars, numbers, _row_names(statements, y, "label")).properties(
        width="container", height=alt.Step(ROW_STEP + 4))


def level_count_figures(statements: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """The level distribution chart as a table: one row per statement (in the order given), a
    column per level with how many people chose it."""
    counts = level_counts(statements, answers)
    table = counts.pivot(index="statement_id", columns="level_name", values="respondents")
    table = table.reindex(index=statements["statement_id"],
                          columns=[level_label(level) for level in LEVELS]).fillna(0).astype(int)
    table.index = statements["label"].tolist()
    table.index.name = "Statement"
    table.columns.name = None
    return table


# -- roles ----------------------------------------------------------------------------------------

ROLE_LINE = 14
"""Characters per line of a role's column heading..."""
CROWDED_ROLE_LINE = 10
"""...and when there are more than CROWDED_COLUMNS columns, so six still fit a phone's width."""
CROWDED_COLUMNS = 4
TOO_FEW = "too few"
"""Written in a cell that is left empty because too few of the group answered in that area."""
TOO_FEW_STAGE = "Too few answers"
HEADING_LINE = 14
"""Pixels from one line of a column heading to the next."""


def wrapped_heading(label: str, width: int = ROLE_LINE) -> str:
    """A column heading broken into short lines (joined by newlines), the head-count on a line of
    its own: "Collaborative programme team (4 people)" ->
    "Collaborative\\nprogramme team\\n(4 people)"."""
    name, bracket, count = label.partition(" (")
    lines = (textwrap.wrap(name, width=width, break_long_words=False, break_on_hyphens=True)
             or [name])
    if bracket:
        lines.append(f"({count}")
    return "\n".join(lines)


def role_cells(by_role: pd.DataFrame) -> pd.DataFrame:
    """The role view's cells: area, area_position, column (the role heading), score, the stage the
    score falls in, the text written in the cell and the colour of that text."""
    data = by_role.copy()
    label = data["role_label"] if "role_label" in data else data["role"]
    crowded = label.nunique() > CROWDED_COLUMNS
    data["column"] = label.map(lambda text: wrapped_heading(
        text, CROWDED_ROLE_LINE if crowded else ROLE_LINE))
    data["role_label"] = label
    scored = data["score"].notna()
    data["stage"] = [stage_name(stage_of(s)) if ok else TOO_FEW_STAGE
                     for s, ok in zip(data["score"], scored, strict=True)]
    data["cell_text"] = [score_text(s, AREA_PLACES) if ok else TOO_FEW
                         for s, ok in zip(data["score"], scored, strict=True)]
    data["ink"] = [LEVEL_INKS[int(stage_of(s)) - 1] if ok else INK
                   for s, ok in zip(data["score"], scored, strict=True)]
    return data


def role_heatmap(by_role: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Areas down (each named above its row), role groups across (named along the top with their
    head-count), each cell the area score from that group's answers, coloured by its stage.

    by_role: area, area_position, role, score; role_label (the role with its head-count) if
    known."""
    data = role_cells(by_role)
    areas = data.sort_values("area_position")["area"].drop_duplicates().tolist()
    columns = data.drop_duplicates("column")["column"].tolist()
    y = _rows("area", areas, title="Area")
    # Vega hangs the extra lines of a heading below its first line, so the padding above the plot
    # grows with the number of lines, or the last line would sit on the first row's name.
    lines = max(heading.count("\n") + 1 for heading in columns)
    x = alt.X(
        "column:N", sort=columns, title="Respondent role",
        scale=alt.Scale(paddingInner=0.06),
        axis=alt.Axis(orient="top", labelAngle=0, labelExpr="split(datum.label, '\\n')",
                      labelFontSize={"expr": f"width / {len(columns)} < 62 ? 9 : "
                                             f"width / {len(columns)} < 80 ? 10 : 12"},
                      labelLineHeight=HEADING_LINE, labelLimit=0, labelOverlap=False,
                      ticks=False, domain=False,
                      labelPadding=4 + (lines - 1) * HEADING_LINE, titlePadding=6),
    )
    names = [level_label(level) for level in LEVELS]
    if data["score"].isna().any():
        names.append(TOO_FEW_STAGE)
    tooltip = [alt.Tooltip("area:N", title="Area"), alt.Tooltip("role_label:N", title="Role"),
               alt.Tooltip("cell_text:N", title="Score"), alt.Tooltip("stage:N", title="Stage")]
    cells = alt.Chart(data).mark_rect(height=26, yOffset=MARK_OFFSET).encode(
        y=y, x=x,
        color=alt.Color(
            "stage:N",
            scale=alt.Scale(domain=names, range=[*LEVEL_COLOURS, EMPTY_CELL][:len(names)]),
            legend=alt.Legend(title="Area score's stage", orient="bottom", direction="horizontal",
                              columns={"expr": f"{NARROW} ? 2 : 5"}, labelLimit=200),
        ),
        tooltip=tooltip,
    )
    text = alt.Chart(data).mark_text(yOffset=MARK_OFFSET, fontWeight="bold", fontSize=12).encode(
        y=y, x=x, text="cell_text:N", color=alt.Color("ink:N", scale=None), tooltip=tooltip,
    )
    row_names = alt.Chart(data.drop_duplicates("area")).mark_text(
        align="left", baseline="middle", yOffset=LABEL_OFFSET, color=INK,
        fontSize=ROW_LABEL_SIZE, limit=FITS_THE_WIDTH,
    ).encode(y=y, x=alt.value(0), text="area:N")
    return alt.layer(cells, text, row_names).properties(width="container",
                                                        height=alt.Step(ROW_STEP))


def role_figures(by_role: pd.DataFrame) -> pd.DataFrame:
    """The role view as a table: a row per area (bank order), a column per role group with its
    head-count; "too few" where too few of the group answered in that area."""
    data = role_cells(by_role)
    table = data.pivot(index="area", columns="role_label", values="cell_text")
    areas = data.sort_values("area_position")["area"].drop_duplicates().tolist()
    table = table.reindex(index=areas, columns=data["role_label"].drop_duplicates().tolist())
    table.index.name = "Area"
    table.columns.name = None
    return table.fillna("")


# -- beside the 2022 survey -----------------------------------------------------------------------

YOUR_COLLABORATIVE = "Your collaborative"
SURVEY_ROW = "Survey, Nov 2022 (self-reported)"
EARLY_PART = "Early stage"


def baseline_chart_data(national_early_share: float, peer_early_share: float | None,
                        early_label: str, peer_label: str = "Peers here",
                        your_stage: Level | None = None,
                        your_stage_is_early: bool | None = None) -> pd.DataFrame:
    """The rows of the survey chart: the survey, the peers (if known) and this collaborative,
    each split into an early part and a later part with the words written on each. The survey's
    row carries its own words ("said early"), never this tool's stage names: those are written on
    the peers' row only (early_label), since only their figure is worked out on this tool's
    stages."""
    early = EARLY_PART
    later = "Later stages"
    rows = [(SURVEY_ROW, national_early_share, "said early"),]
    if peer_early_share is not None:
        rows.append((peer_label, peer_early_share, early_label))
    records = []
    for group, share, words in rows:
        records.append({"group": group, "stage": early, "start": 0.0, "end": share,
                        "share": share, "share_text": percent_text(share),
                        "text": f"{percent_text(share)} {words}", "ink": BLACK,
                        "yours": False})
        records.append({"group": group, "stage": later, "start": share, "end": 1.0,
                        "share": 1 - share, "share_text": percent_text(1 - share),
                        "text": f"{percent_text(1 - share)} later", "ink": BLACK,
                        "yours": False})
    if your_stage is not None:
        is_early = bool(your_stage_is_early)
        records.append({
            "group": YOUR_COLLABORATIVE,
            "stage": early if is_early else later, "start": 0.0, "end": 1.0, "share": 1.0,
            "share_text": "",
            "text": f"{your_stage.label}: " + ("an early stage" if is_early
                                               else "beyond the early stages"),
            "ink": BLACK, "yours": True,
        })
    return pd.DataFrame(records)


def baseline_chart(national_early_share: float, peer_early_share: float | None,
                   early_label: str, peer_label: str = "Peers here",
                   your_stage: Level | None = None,
                   your_stage_is_early: bool | None = None) -> alt.LayerChart | alt.FacetChart:
    """Share of collaboratives at an early stage: the 2022 survey beside the peers here, and a
    marked row for this collaborative's own stage (early or not), each part labelled in words."""
    data = baseline_chart_data(national_early_share, peer_early_share, early_label, peer_label,
                               your_stage, your_stage_is_early)
    early, later = EARLY_PART, "Later stages"
    y = _rows("group", data["group"].drop_duplicates().tolist())
    x = alt.X("start:Q", axis=None, scale=alt.Scale(domain=[0, 1], nice=False))
    tooltip = [alt.Tooltip("group:N", title=" "), alt.Tooltip("stage:N", title="Stage"),
               alt.Tooltip("share_text:N", title="Share")]
    bars = alt.Chart(data).mark_bar(height=24, yOffset=MARK_OFFSET + 1).encode(
        y=y, x=x, x2="end:Q",
        color=alt.Color("stage:N", scale=alt.Scale(domain=[early, later],
                                                   range=[EARLY_COLOUR, LATER_COLOUR]),
                        legend=alt.Legend(title="Stage", orient="bottom", direction="horizontal",
                                          columns={"expr": f"{NARROW} ? 1 : 2"}, labelLimit=400)),
        stroke=alt.condition("datum.yours", alt.value(INK), alt.value(WHITE)),
        strokeWidth=alt.condition("datum.yours", alt.value(3), alt.value(1)),
        tooltip=tooltip,
    )
    words = alt.Chart(data).mark_text(align="left", dx=6, yOffset=MARK_OFFSET + 1, fontSize=12,
                                      fontWeight="bold", limit={"expr": "width"}).encode(
        y=y, x=x, text="text:N", color=alt.Color("ink:N", scale=None), tooltip=tooltip,
    )
    groups = data.drop_duplicates("group")
    names = _row_names(groups[~groups["yours"]], y, "group")
    your_name = _row_names(groups[groups["yours"]], y, "group", bold=True)
    return alt.layer(bars, words, names, your_name).properties(width="container",
                                                               height=alt.Step(ROW_STEP + 4))


def baseline_figures(national_early_share: float, peer_early_share: float | None,
                     early_label: str, peer_label: str = "Peers here",
                     your_stage: Level | None = None,
                     your_stage_is_early: bool | None = None) -> pd.DataFrame:
    """The survey chart as a table: a row per group, the share at an early stage, and what
    "early" means for that row. The survey's row says what its respondents said, with no stage
    names of this tool's; only the rows worked out here name them."""
    counted = "What counts as early"
    rows = [{"Group": SURVEY_ROW, "At an early stage": percent_text(national_early_share),
             counted: "Leaders' own description of their collaborative"}]
    if peer_early_share is not None:
        rows.append({"Group": peer_label, "At an early stage": percent_text(peer_early_share),
                     counted: f"Scored {early_label} on this tool"})
    if your_stage is not None:
        rows.append({"Group": f"{YOUR_COLLABORATIVE} ({your_stage.label})",
                     "At an early stage": "Yes" if your_stage_is_early else "No",
                     counted: f"Scored {early_label} on this tool"})
    return pd.DataFrame(rows).set_index("Group")
