"""What the Results page shows: rankings, flags, the self-described stage, peers and the
baseline."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from collab_assess.assessment.charts import area_chart, baseline_chart, role_heatmap
from collab_assess.assessment.results import (
    disagreements,
    information_gaps,
    round_results,
    self_described_stage,
    tied_beyond,
    weakest_statements,
)
from collab_assess.chart_style import EARLY_COLOUR, LATER_COLOUR, LEVEL_COLOURS
from collab_assess.content.bank import QuestionBank
from collab_assess.content.baseline import load_baseline
from collab_assess.content.scale import Level
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.factories import answer
from tests.helpers.rounds import make_round


def test_results_rank_flag_and_explain(store: Store, small_bank: QuestionBank):
    round_id = make_round(store, small_bank, "Mine", [
        {"PB-1": 1, "SG-1": 4, "DS-1": "dont_know"},
        {"PB-1": 1, "SG-1": 1, "DS-1": 3},
        {"PB-1": 1, "SG-1": 4, "DS-1": 3},
    ], roles=["Executive director", "Non-executive director", "Non-executive director"])
    results = round_results(store, round_id)

    assert weakest_statements(results)["statement_id"].tolist()[0] == "PB-1"
    assert disagreements(results)["statement_id"].tolist() == ["SG-1"]
    assert information_gaps(results)["statement_id"].tolist() == ["DS-1"]
    assert results.headcount.took_part == 3
    assert results.stage is Level.DEVELOPING
    # One executive and two non-executives: too few to show either role alone, so they are shown
    # together, with the same scoring rules as the whole round.
    assert set(results.by_role["role"]) == {"Other roles"}
    sg = results.by_role[(results.by_role["area_id"] == "SG")].set_index("role")["score"]
    assert sg["Other roles"] == pytest.approx((4 + 2 + 2) / 3)


def test_ties_among_the_weakest_put_more_low_answers_first(store: Store, small_bank: QuestionBank):
    # SG-2 and DS-3 both have median 2; DS-3 has more people at level 1.
    round_id = make_round(store, small_bank, "Ties", [
        {**{s.id: 3 for s in small_bank.statements}, "SG-2": 2, "DS-3": 1},
        {**{s.id: 3 for s in small_bank.statements}, "SG-2": 2, "DS-3": 2},
        {**{s.id: 3 for s in small_bank.statements}, "SG-2": 3, "DS-3": 2},
    ])
    ranked = weakest_statements(round_results(store, round_id))
    assert ranked["statement_id"].tolist()[:2] == ["DS-3", "SG-2"]
    assert tied_beyond(ranked, 1) == 1
    assert tied_beyond(ranked, 2) == 0
    assert tied_beyond(ranked.head(3), 5) == 0


@pytest.mark.parametrize(("stages", "expected"), [
    ([3, 3, 1], Level.MATURING), ([2, 3], Level.DEVELOPING), ([4], Level.THRIVING), ([], None)])
def test_self_described_stage_is_the_lower_median(stages, expected):
    assert self_described_stage(pd.Series(stages, dtype="float64")) == expected


def test_baseline_file_names_its_source_and_early_stages():
    baseline = load_baseline()
    assert baseline.share == 0.70
    assert "004_038cedfb7b8e7b4e.txt" in baseline.source
    assert "evolution-of-provider-collaboration-2023" in baseline.source  # the primary report
    assert baseline.primary_report == ("NHS Confederation and NHS Providers, 'The evolution of "
                                       "provider collaboration', 2 March 2023")
    assert baseline.citation.startswith(f"Survey report: {baseline.primary_report}.")
    assert baseline.respondents in baseline.caveats  # what we could not confirm is said
    for field, value in baseline.model_dump().items():
        if isinstance(value, str):
            assert not re.search(r"\bnational\b|\bcloser\b", value, re.IGNORECASE), field
    assert baseline.early_stages == (Level.EMERGING, Level.DEVELOPING)
    assert baseline.early_stage_names == "Emerging or Developing"


# -- charts ---------------------------------------------------------------------------------------

AREAS = pd.DataFrame({"area_id": ["PB", "DS"], "area": ["Partnership building", "Data sharing"],
                      "group": ["core capability", "enabler"], "score": [2.5, 1.5],
                      "area_position": [0, 1]})


def test_area_chart_draws_the_peer_band_only_when_there_are_peers():
    alone = area_chart(AREAS).to_dict()
    assert "peer_median" not in str(alone)
    peers = pd.DataFrame({"area_id": ["PB", "DS"], "peer_median": [2.0, 2.0],
                          "peer_q1": [1.5, 1.5], "peer_q3": [3.0, 2.2]})
    spec = area_chart(AREAS, peers).to_dict()
    assert "peer_median" in str(spec) and "peer_q1" in str(spec)
    assert all(layer["encoding"]["x"].get("scale", {"domain": [1, 4]})["domain"] == [1, 4]
               for layer in spec["layer"] if "x" in layer["encoding"])
    assert "(not yet scored)" not in str(spec)


def test_area_chart_names_unscored_areas_instead_of_printing_null():
    areas = AREAS.assign(score=[2.5, float("nan")])
    spec = str(area_chart(areas).to_dict())
    assert "Data sharing: not yet scored" in spec and "Partnership building: 2.5" in spec
    assert "null" not in spec.replace("None", "")


def test_charts_use_colour_blind_safe_colours():
    spec = str(baseline_chart(0.7, 0.65, "Emerging or Developing").to_dict())
    assert EARLY_COLOUR in spec and LATER_COLOUR in spec
    assert "#009E73" in str(area_chart(AREAS).to_dict())
    heat = str(role_heatmap(pd.DataFrame({"area": ["A"], "area_position": [0], "role": ["R"],
                                          "score": [2.0]})).to_dict())
    assert all(colour in heat for colour in LEVEL_COLOURS)


def test_targets_and_evidence_are_gathered_without_names(store: Store, small_bank: QuestionBank):
    from collab_assess.assessment.results import evidence_notes, target_gaps

    collaborative = store.create_collaborative(CollaborativeProfile(name="T"), "t")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-01-01"),
                                small_bank, "t")
    ann = store.add_respondent(round_id, RespondentInput(role="Clinical lead", display_name="Ann"))
    bob = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    store.record_answer(round_id, ann, "PB-1", answer(1, target_level=3, note="No plan yet"))
    store.record_answer(round_id, bob, "PB-1", answer(2, target_level=4))
    store.record_answer(round_id, ann, "SG-1", answer(3, target_level=3))
    results = round_results(store, round_id)

    gaps = target_gaps(results)
    assert gaps["statement_id"].tolist() == ["PB-1", "SG-1"]
    assert gaps.loc[0, ["target", "targets_set", "score", "gap"]].tolist() == [3.5, 2, 1.5, 2.0]
    notes = evidence_notes(results)
    # Ann is the only clinical lead, so her note does not name her role.
    assert notes[["statement_id", "role", "note"]].values.tolist() == [
        ["PB-1", "another role", "No plan yet"]]
    assert "Ann" not in notes.to_string()
