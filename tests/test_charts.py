"""The Results charts: labelled, readable at any width, colour-blind safe, with a table of
figures."""

from __future__ import annotations

import colorsys
import json

import pandas as pd
import pytest

from collab_assess.assessment.charts import (
    TOO_FEW,
    YOUR_COLLABORATIVE,
    area_chart,
    area_figures,
    baseline_chart,
    baseline_figures,
    level_count_figures,
    level_distribution_chart,
    role_figures,
    role_heatmap,
    wrapped_heading,
)
from collab_assess.chart_style import (
    BAND_FILLS,
    EARLY_COLOUR,
    EMPTY_CELL,
    GREYS_APART,
    INK,
    LATER_COLOUR,
    LEVEL_COLOURS,
    LEVEL_INKS,
    WHITE,
    contrast_ratio,
    grey_level,
    readable,
)
from collab_assess.content.scale import Level

AREAS = pd.DataFrame({"area_id": ["PB", "DS"],
                      "area": ["Peer support and mutual accountability", "Data sharing"],
                      "group": ["core capability", "enabler"], "score": [2.5, float("nan")],
                      "area_position": [0, 1]})
PEERS = pd.DataFrame({"area_id": ["PB", "DS"], "peer_median": [2.0, 2.1],
                      "peer_q1": [1.5, 1.6], "peer_q3": [3.0, 2.2]})
BY_ROLE = pd.DataFrame({
    "area": ["Data sharing", "Data sharing", "Partnership building", "Partnership building"],
    "area_position": [1, 1, 0, 0],
    "role": ["Clinical lead", "Other roles", "Clinical lead", "Other roles"],
    "role_label": ["Clinical lead (4 people)", "Other roles (3 people)"] * 2,
    "score": [1.5, float("nan"), 3.4, 2.0],
})
SPLIT = pd.DataFrame({"statement_id": ["PB-1", "SG-2"],
                      "label": ["PB-1 We have a common purpose.", "SG-2 We decide quickly."]})
SPLIT_ANSWERS = pd.DataFrame({"statement_id": ["PB-1"] * 4 + ["SG-2"] * 2,
                              "level": [1, 1, 4, 4, 2, 3]})


def spec(chart) -> dict:
    return readable(chart).to_dict()


def layers(chart) -> list[dict]:
    return spec(chart)["layer"]


def text_marks(chart) -> list[dict]:
    return [layer for layer in layers(chart) if layer["mark"]["type"] == "text"]


# -- fitting any width ----------------------------------------------------------------------------

@pytest.mark.parametrize("chart", [
    area_chart(AREAS, PEERS),
    baseline_chart(0.7, 0.6, "Emerging or Developing", your_stage=Level.DEVELOPING,
                   your_stage_is_early=True),
    level_distribution_chart(SPLIT, SPLIT_ANSWERS),
    role_heatmap(BY_ROLE),
], ids=["areas", "national", "disagreement", "roles"])
def test_charts_fill_their_container_and_name_rows_inside_the_plot(chart):
    drawn = spec(chart)
    assert drawn["width"] == "container"
    # No row-name column eats the width: the names are text marks cut at the plot's edge.
    for layer in drawn["layer"]:
        axis = layer["encoding"].get("y", {}).get("axis")
        assert axis is None or axis.get("labels") is False
    assert any(mark["mark"].get("limit") == {"expr": "width"} for mark in text_marks(chart))


def test_area_rows_are_written_above_their_bars_with_the_score():
    names = next(layer for layer in text_marks(area_chart(AREAS, PEERS))
                 if layer["encoding"]["text"]["field"] == "row")
    rows = json.dumps(spec(area_chart(AREAS, PEERS))["datasets"])
    assert "Peer support and mutual accountability: 2.5" in rows
    assert "Data sharing: not yet scored" in rows
    assert names["mark"]["yOffset"] < 0  # above the bar's middle


def test_stage_names_shrink_on_a_phone_and_never_run_past_their_column():
    stage_names = next(layer for layer in text_marks(area_chart(AREAS))
                       if layer["encoding"]["text"]["field"] == "stage")
    assert "width < 480" in stage_names["mark"]["fontSize"]["expr"]
    assert stage_names["mark"]["limit"] == {"expr": "width / 4 - 2"}


# -- labels ---------------------------------------------------------------------------------------

def test_role_view_titles_both_axes_and_the_legend_and_counts_people_per_column():
    chart = role_heatmap(BY_ROLE)
    cells = layers(chart)[0]["encoding"]
    assert cells["x"]["title"] == "Respondent role"
    assert cells["y"]["title"] == "Area"
    assert cells["color"]["legend"]["title"] == "Area score's stage"
    datasets = json.dumps(spec(chart)["datasets"])
    assert json.dumps("Clinical lead\n(4 people)")[1:-1] in datasets
    assert json.dumps("Other roles\n(3 people)")[1:-1] in datasets
    assert cells["x"]["axis"]["labelOverlap"] is False  # every column keeps its heading


def test_role_view_marks_cells_with_too_few_answers_in_words():
    datasets = json.dumps(spec(role_heatmap(BY_ROLE))["datasets"])
    assert TOO_FEW in datasets and EMPTY_CELL in json.dumps(spec(role_heatmap(BY_ROLE)))


def test_role_headings_wrap_to_fit_a_phone():
    assert wrapped_heading("Collaborative programme team (4 people)") == (
        "Collaborative\nprogramme team\n(4 people)")
    assert wrapped_heading("Non-executive director (5 people)", 10) == (
        "Non-\nexecutive\ndirector\n(5 people)")
    assert wrapped_heading("Other roles") == "Other roles"


def test_the_national_chart_marks_your_collaborative_in_words_and_outline():
    chart = baseline_chart(0.7, 0.6, "Emerging or Developing", your_stage=Level.DEVELOPING,
                           your_stage_is_early=True)
    drawn = json.dumps(spec(chart))
    assert YOUR_COLLABORATIVE in drawn
    assert "Developing: an early stage" in drawn
    bars = layers(chart)[0]
    assert bars["encoding"]["stroke"]["condition"]["test"] == "datum.yours"
    assert bars["encoding"]["color"]["legend"]["title"] == "Stage"
    later = baseline_chart(0.7, None, "Emerging or Developing", your_stage=Level.MATURING,
                           your_stage_is_early=False)
    assert "Maturing: beyond the early stages" in json.dumps(spec(later))


def test_the_national_chart_writes_each_share_on_its_bar():
    drawn = json.dumps(spec(baseline_chart(0.7, 0.65, "Emerging or Developing")))
    assert "70% said early" in drawn and "30% later" in drawn
    assert "65% Emerging or Developing" in drawn  # this tool's stages name the peers' row only
    assert "70% Emerging" not in drawn
    assert YOUR_COLLABORATIVE not in drawn  # nothing to mark before there is a stage


def test_the_disagreement_chart_writes_each_count_and_titles_its_legend():
    chart = level_distribution_chart(SPLIT, SPLIT_ANSWERS)
    assert layers(chart)[0]["encoding"]["color"]["legend"]["title"] == "Level chosen"
    assert layers(chart)[0]["encoding"]["x"]["title"] == "People choosing each level"
    assert layers(chart)[1]["encoding"]["text"]["field"] == "respondents"


# -- colour and contrast --------------------------------------------------------------------------

OKABE_ITO = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000"}


def is_okabe_ito_or_a_tint_of_it(colour: str) -> bool:
    """An Okabe-Ito colour, or one of them mixed with white (the same hue, paler)."""
    if colour in OKABE_ITO:
        return True
    hue, lightness, _ = colorsys.rgb_to_hls(*(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))
    return any(abs(hue - colorsys.rgb_to_hls(*(int(base[i:i + 2], 16) / 255 for i in (1, 3, 5)))[0])
               < 0.01 and lightness > 0.6 for base in OKABE_ITO - {"#000000"})


def test_data_colours_are_okabe_ito_or_its_tints():
    assert all(map(is_okabe_ito_or_a_tint_of_it, [*LEVEL_COLOURS, EARLY_COLOUR, LATER_COLOUR]))
    assert not is_okabe_ito_or_a_tint_of_it("#FF0000")


@pytest.mark.parametrize("colours", [LEVEL_COLOURS, [EARLY_COLOUR, LATER_COLOUR]],
                         ids=["levels", "early-or-later"])
def test_the_colours_of_one_chart_print_as_different_greys(colours):
    greys = sorted(grey_level(colour) for colour in colours)
    assert all(darker + GREYS_APART <= lighter
               for darker, lighter in zip(greys, greys[1:], strict=False))
    assert grey_level("#E69F00") - grey_level("#56B4E9") < GREYS_APART  # why the tints are needed


@pytest.mark.parametrize(("colour", "ink"), [*zip(LEVEL_COLOURS, LEVEL_INKS, strict=True),
                                             (EARLY_COLOUR, "#000000"), (LATER_COLOUR, "#000000"),
                                             (EMPTY_CELL, INK),
                                             *[(fill, INK) for fill in BAND_FILLS]])
def test_text_on_every_fill_has_a_contrast_of_at_least_4_5(colour, ink):
    assert contrast_ratio(ink, colour) >= 4.5


def test_chart_text_is_dark_ink():
    assert contrast_ratio(INK, WHITE) >= 4.5
    config = spec(area_chart(AREAS))["config"]
    assert config["axis"]["labelColor"] == INK and config["legend"]["labelColor"] == INK


def test_contrast_ratio_matches_the_wcag_examples():
    assert contrast_ratio("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast_ratio("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)


# -- figures behind each chart --------------------------------------------------------------------

def test_area_figures_list_every_area_with_peers():
    table = area_figures(AREAS, PEERS)
    assert table.index.tolist() == ["Peer support and mutual accountability", "Data sharing"]
    # 2.5 is on the edge: the lower stage. Peer figures are shown to one decimal place.
    assert table.loc["Peer support and mutual accountability"].tolist() == [
        "2.50", "2 Developing", "2.0", "1.5 to 3.0"]
    assert table.loc["Data sharing", "Your score"] == "not yet scored"
    assert "Peers' median" not in area_figures(AREAS).columns


def test_baseline_figures_include_your_collaborative():
    table = baseline_figures(0.7, 0.6, "Emerging or Developing", your_stage=Level.DEVELOPING,
                             your_stage_is_early=True)
    assert table.iloc[:, 0].to_dict() == {"Survey, Nov 2022 (self-reported)": "70%",
                                          "Peers here": "60%",
                                          "Your collaborative (Developing)": "Yes"}
    # No stage name of this tool's is put on the survey's row, nor in a column heading.
    survey = table.loc["Survey, Nov 2022 (self-reported)"]
    assert not any("Emerging" in str(value) or "Developing" in str(value) for value in survey)
    assert not any("Emerging" in column for column in table.columns)
    assert "Emerging or Developing" in table.loc["Peers here", "What counts as early"]


def test_level_count_figures_count_each_level_per_statement():
    table = level_count_figures(SPLIT, SPLIT_ANSWERS)
    assert table.loc["PB-1 We have a common purpose."].tolist() == [2, 0, 0, 2]
    assert table.loc["SG-2 We decide quickly."].tolist() == [0, 1, 1, 0]
    assert table.columns.tolist() == ["1 Emerging", "2 Developing", "3 Maturing", "4 Thriving"]


def test_role_figures_put_areas_down_and_groups_across():
    table = role_figures(BY_ROLE)
    assert table.index.tolist() == ["Partnership building", "Data sharing"]
    assert table.columns.tolist() == ["Clinical lead (4 people)", "Other roles (3 people)"]
    assert table.loc["Data sharing"].tolist() == ["1.50", TOO_FEW]  # an area score: 2 places
