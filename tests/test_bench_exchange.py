"""The survey `make bench` imports is one a lead could have downloaded from Microsoft Forms: it
imports cleanly, so the bench measures a real import rather than a refusal."""

from __future__ import annotations

from benchmarks.exchange import forms_style_survey
from collab_assess.content.bank import load_current_bank
from collab_assess.exchange.importing import prepare_import
from collab_assess.store.inputs import CollaborativeProfile, RoundInput


def test_the_bench_survey_imports_without_a_problem(store):
    bank = load_current_bank()
    round_id = store.open_round(store.create_collaborative(CollaborativeProfile(name="B"), "t"),
                                RoundInput(label="R", opens_on="2026-03-01"), bank, "t")
    plan = prepare_import(store, round_id, forms_style_survey(bank, 20), "survey.csv")
    assert plan.can_import and not plan.problems
    assert len(plan.respondents) == 20
    assert plan.answer_count == 20 * len(bank.statements)
