"""The guided walk: where a respondent resumes, progress, and turning a choice into an answer."""

from __future__ import annotations

import pytest

from collab_assess.assessment.walk import (
    ANSWER_OPTIONS,
    answer_from,
    option_captions,
    option_label,
    progress,
    resume_step,
    unanswered,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.errors import InputError


def test_a_new_respondent_starts_at_the_first_area(small_bank: QuestionBank):
    assert resume_step(small_bank, set()) == 0


def test_resume_at_the_first_area_with_a_gap(small_bank: QuestionBank):
    answered = {"PB-1", "PB-2", "PB-3", "SG-1", "SG-2", "SG-3", "DS-1"}
    assert resume_step(small_bank, answered) == 2
    assert resume_step(small_bank, answered - {"PB-2"}) == 0


def test_everything_answered_resumes_at_review(small_bank: QuestionBank):
    everything = {s.id for s in small_bank.statements}
    assert resume_step(small_bank, everything) == len(small_bank.areas)
    assert unanswered(small_bank, everything) == []


def test_progress_counts_per_area(small_bank: QuestionBank):
    walk = progress(small_bank, {"PB-1", "PB-2", "PB-3", "SG-2", "not-a-statement"})
    assert (walk.answered, walk.total) == (4, 9)
    assert walk.area_complete("PB") and not walk.area_complete("SG")
    assert walk.share == pytest.approx(4 / 9)
    assert not walk.complete


def test_choices_are_the_four_levels_then_dont_know_and_not_applicable(small_bank: QuestionBank):
    assert [option_label(o) for o in ANSWER_OPTIONS] == [
        "1 Emerging", "2 Developing", "3 Maturing", "4 Thriving", "Don't know", "Not applicable"]
    captions = option_captions(small_bank.statements[0])
    assert captions[:4] == ["Not yet.", "Started.", "Mostly.", "Embedded."]
    assert all("not scored" in caption for caption in captions[4:])


def test_a_choice_becomes_a_checked_answer():
    level = answer_from(3, 4, "board paper", "Participant 1", "self-assessment")
    assert (level.level, level.unscored, level.target_level) == (3, None, 4)
    dont_know = answer_from("dont_know", None, "", "Participant 1", "self-assessment")
    assert dont_know.level is None and dont_know.unscored == "dont_know"
    with pytest.raises(InputError, match="Target level"):
        answer_from(3, 9, "", "Participant 1", "self-assessment")
