"""The 2022 survey's words (data/baseline.toml): never "national" or "closer", the primary report
cited with what we could not confirm about who answered, no stage names of this tool on the
survey's own row, and a broken file refused naming the file, the field and the fault."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from collab_assess.assessment.charts import SURVEY_ROW, baseline_chart_data, baseline_figures
from collab_assess.content.baseline import BASELINE_FILE, load_baseline
from collab_assess.content.scale import LEVELS, Level
from collab_assess.errors import DataFileError


def with_field(tmp_path: Path, field: str, value: str) -> Path:
    """A copy of the shipped file with one field's value replaced."""
    raw = tomllib.loads(BASELINE_FILE.read_text(encoding="utf-8"))["early_stage"]
    raw[field] = value
    lines = ["[early_stage]"]
    for key, item in raw.items():
        lines.append(f"{key} = {item!r}".replace("'", '"') if not isinstance(item, str)
                     else f"{key} = {_quoted(item)}")
    path = tmp_path / "baseline.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def test_the_shipped_file_cites_the_primary_report_and_says_what_is_unknown():
    baseline = load_baseline()
    assert "'The evolution of provider collaboration', 2 March 2023" in baseline.primary_report
    assert "NHS Confederation and NHS Providers" in baseline.primary_report
    assert baseline.citation.startswith("Survey report: ")
    assert "could not confirm how many" in baseline.respondents
    assert baseline.respondents in baseline.caveats
    assert "leaders" in baseline.survey  # the survey asked collaborative leaders


@pytest.mark.parametrize("field, words", [
    ("summary", "In a national survey run in November 2022, 70% of responding collaboratives "
                "described themselves as at an early stage."),
    ("closer_comparison", "The closer comparison of the two."),
    ("looser_comparison", "A looser comparison."),
])
def test_an_overclaim_is_refused_naming_the_file_and_the_field(tmp_path, field, words):
    path = with_field(tmp_path, field, words)
    with pytest.raises(DataFileError) as caught:
        load_baseline(path)
    assert str(path) in str(caught.value)
    assert any(f"{field} overclaims" in fault for fault in caught.value.faults), \
        caught.value.faults


def test_an_unknown_field_is_named(tmp_path):
    path = with_field(tmp_path, "colour", "red")
    with pytest.raises(DataFileError) as caught:
        load_baseline(path)
    assert caught.value.faults == ["[early_stage], field 'colour': not a field the file knows "
                                   "(a typo?)"]


def test_the_survey_row_carries_its_own_words_and_never_this_tools_stage_names():
    arguments = dict(national_early_share=0.7, peer_early_share=0.6,
                     early_label="Emerging or Developing", your_stage=Level.DEVELOPING,
                     your_stage_is_early=True)
    table = baseline_figures(**arguments)
    survey = " ".join(str(value) for value in table.loc[SURVEY_ROW].tolist())
    drawn = baseline_chart_data(**arguments)
    survey_words = " ".join(str(value) for value in
                            drawn[drawn["group"] == SURVEY_ROW].to_numpy().ravel())
    for level in LEVELS:
        assert level.label not in survey and level.label not in survey_words
        assert level.label not in SURVEY_ROW
    assert "Emerging or Developing" in " ".join(table["What counts as early"])  # peers' row only
