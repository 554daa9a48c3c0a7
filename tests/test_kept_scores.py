"""Scores kept when a round is submitted equal the scoring rules worked out afresh (scoring.py), and
follow the round through reopen and resubmit."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from collab_assess.assessment.results import round_results, self_described_stage
from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from collab_assess.store.inputs import (
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
    StageInput,
)
from tests.helpers.factories import answer

CHOICES = st.one_of(st.integers(1, 4), st.sampled_from(["dont_know", "not_applicable"]), st.none())


def kept(store: Store, round_id: int) -> tuple[pd.DataFrame, pd.DataFrame, dict | None]:
    statements, areas, whole = store.kept_scores(round_id)
    return statements, areas, (whole.iloc[0].to_dict() if len(whole) else None)


def assert_kept_equal_fresh(store: Store, round_id: int) -> None:
    fresh = round_results(store, round_id)
    statements, areas, whole = kept(store, round_id)
    expected = fresh.statements.set_index("statement_id")["score"]
    got = statements.set_index("statement_id")["score"].reindex(expected.index)
    pd.testing.assert_series_equal(got, expected, check_names=False, check_dtype=False)
    expected_areas = fresh.areas.set_index("area_id")["score"]
    got_areas = areas.set_index("area_id")["score"].reindex(expected_areas.index)
    pd.testing.assert_series_equal(got_areas, expected_areas, check_names=False, check_dtype=False)
    # The SQL that summarises a round anyone but its lead sees when few took part gives the same.
    summary = store.round_area_scores([round_id]).set_index("area_id")["score"]
    pd.testing.assert_series_equal(summary.reindex(expected_areas.index), expected_areas,
                                   check_names=False, check_dtype=False)
    if fresh.overall is None:
        assert whole["overall"] is None or pd.isna(whole["overall"])
    else:
        assert whole["overall"] == pytest.approx(fresh.overall)
        assert int(whole["stage"]) == int(fresh.stage)
    stages = store.self_described_stages([round_id])["stage"]
    described = self_described_stage(stages)
    assert (None if pd.isna(whole["self_described"]) else int(whole["self_described"])) == (
        None if described is None else int(described))
    assert whole["respondents"] == fresh.headcount.took_part


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    grid=st.lists(st.lists(CHOICES, min_size=9, max_size=9), min_size=1, max_size=5),
    agreed=st.dictionaries(st.sampled_from(["PB-1", "SG-2", "DS-3"]), st.integers(1, 4),
                           max_size=2),
    views=st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=5, max_size=5),
)
def test_kept_scores_equal_a_fresh_computation_through_submit_reopen_resubmit(
    tmp_path_factory, small_bank: QuestionBank, grid, agreed, views
):
    store = Store(tmp_path_factory.mktemp("kept") / "kept.duckdb")
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Kept"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-05-01"),
                                    small_bank, "lead")
        for row, view in zip(grid, views, strict=False):
            person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
            for statement, choice in zip(small_bank.statements, row, strict=True):
                if choice is None:
                    continue
                store.record_answer(round_id, person, statement.id,
                                    answer(choice) if isinstance(choice, int)
                                    else answer(unscored=choice))
            if view is not None:
                store.record_self_described_stage(round_id, person, StageInput(stage=view,
                                                                               recorded_by="x"))
        for statement_id, level in agreed.items():
            store.record_consensus(round_id, statement_id, ConsensusInput(level=level,
                                                                          recorded_by="chair"))
        assert kept(store, round_id)[2] is None  # open rounds keep nothing

        store.close_round(round_id, "lead")
        assert_kept_equal_fresh(store, round_id)

        store.reopen_round(round_id, "lead")
        assert kept(store, round_id)[2] is None
        person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
        store.record_answer(round_id, person, "PB-2", answer(4))
        store.close_round(round_id, "lead")
        assert_kept_equal_fresh(store, round_id)
        assert kept(store, round_id)[2]["period_start"] == 2026  # April 2026 starts 2026/27
    finally:
        store.close()


def test_a_round_opened_before_april_belongs_to_the_financial_year_before(store, small_bank):
    collaborative = store.create_collaborative(CollaborativeProfile(name="Early"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-03-31"),
                                small_bank, "lead")
    store.close_round(round_id, "lead")
    assert kept(store, round_id)[2]["period_start"] == 2025
