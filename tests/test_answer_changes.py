"""Saving what changed, and only that: a stale page never puts back a value the user did not touch.
Resume codes lead to their owner wherever the owner's answers are. Participation is counted, never
named."""

from __future__ import annotations

import pytest

from collab_assess.errors import InputError, NotFoundError, RoundClosedError
from collab_assess.store import Store
from collab_assess.store.inputs import (
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
)
from tests.helpers.factories import answer


def change(**fields) -> AnswerChange:
    return AnswerChange(recorded_by="ann", **fields)


def current(store: Store, round_id: int, respondent: int, statement_id: str) -> dict:
    answers = store.current_answers([round_id])
    row = answers[(answers["respondent_id"] == respondent)
                  & (answers["statement_id"] == statement_id)]
    assert len(row) == 1
    return row.iloc[0].to_dict()


def test_a_note_from_a_stale_page_keeps_the_level_changed_elsewhere(
    store: Store, open_round: int, respondent: int
):
    """Two tabs on one respondent: tab A changes the level, then tab B (still showing the old level)
    adds a note. The level from tab A must stay."""
    store.change_answer(open_round, respondent, "PB-1", change(level=2))
    store.change_answer(open_round, respondent, "PB-1", change(level=3))  # tab A
    store.change_answer(open_round, respondent, "PB-1", change(note="Board paper, May"))  # tab B
    saved = current(store, open_round, respondent, "PB-1")
    assert saved["level"] == 3
    assert saved["note"] == "Board paper, May"
    history = store.answer_history(open_round, respondent, "PB-1")
    assert history["level"].tolist() == [2, 3, 3]  # every version kept


def test_each_field_changes_alone(store: Store, open_round: int, respondent: int):
    store.change_answer(open_round, respondent, "PB-1", change(level=1, target_level=3, note="x"))
    store.change_answer(open_round, respondent, "PB-1", change(target_level=4))
    assert current(store, open_round, respondent, "PB-1")["level"] == 1
    store.change_answer(open_round, respondent, "PB-1", change(unscored="dont_know"))
    saved = current(store, open_round, respondent, "PB-1")
    assert (saved["unscored"], saved["target_level"], saved["note"]) == ("dont_know", 4, "x")
    assert saved["level"] is None or saved["level"] != saved["level"]  # NULL (None or NaN)
    store.change_answer(open_round, respondent, "PB-1", change(target_level=None))
    saved = current(store, open_round, respondent, "PB-1")
    assert saved["unscored"] == "dont_know" and saved["note"] == "x"
    assert saved["target_level"] is None or saved["target_level"] != saved["target_level"]


def test_a_note_before_any_level_is_refused_plainly(store: Store, open_round: int, respondent: int):
    with pytest.raises(InputError, match="Choose a level for this statement"):
        store.change_answer(open_round, respondent, "PB-1", change(note="early"))
    assert store.answer_history(open_round, respondent).empty


def test_a_change_to_a_closed_round_is_refused(store: Store, open_round: int, respondent: int):
    store.change_answer(open_round, respondent, "PB-1", change(level=2))
    store.close_round(open_round, "lead")
    with pytest.raises(RoundClosedError):
        store.change_answer(open_round, respondent, "PB-1", change(note="late"))
    assert current(store, open_round, respondent, "PB-1")["note"] == ""


def test_a_code_finds_its_owner_in_another_round_or_collaborative(
    store: Store, open_round: int, respondent: int, small_bank
):
    collaborative = store.get_round(open_round).collaborative_id
    second_round = store.open_round(collaborative,
                                    RoundInput(label="Round 2", opens_on="2026-06-01"),
                                    small_bank, "lead")
    elsewhere = store.create_collaborative(CollaborativeProfile(name="Elsewhere"), "lead")
    elsewhere_round = store.open_round(elsewhere, RoundInput(label="R", opens_on="2026-06-01"),
                                       small_bank, "lead")
    in_second = store.add_respondent(second_round, RespondentInput(role="Clinical lead"))
    in_elsewhere = store.add_respondent(elsewhere_round, RespondentInput(role="Clinical lead"))
    for person, round_id in ((respondent, open_round), (in_second, second_round),
                             (in_elsewhere, elsewhere_round)):
        code = store.get_respondent(person).resume_code
        found = store.find_respondent(code)
        assert (found.id, found.round_id) == (person, round_id)
    with pytest.raises(NotFoundError):
        store.find_respondent("ZZZZ-ZZZZ")


def test_participation_counts_joined_started_and_finished_by_role(
    store: Store, open_round: int, small_bank
):
    def join(role: str) -> int:
        return store.add_respondent(open_round, RespondentInput(role=role))

    finished, started, joined_only = join("Clinical lead"), join("Clinical lead"), join(
        "Non-executive director")
    for statement in small_bank.statements:
        store.record_answer(open_round, finished, statement.id, answer(2))
    store.record_answer(open_round, started, small_bank.statements[0].id,
                        answer(unscored="dont_know"))
    table = store.participation([open_round]).set_index("role")
    assert table.loc["Clinical lead", ["joined", "took_part", "finished"]].tolist() == [2, 2, 1]
    assert table.loc["Non-executive director", ["joined", "took_part", "finished"]].tolist() == [
        1, 0, 0]
    assert set(table["kind"]) == {"self"}
    assert joined_only  # joined, never answered: counted, not named
    assert "id" not in table.columns and "display_name" not in table.columns

    coverage = store.area_coverage([open_round]).set_index("area_id")
    first_area = small_bank.statements[0].area
    assert coverage.loc[first_area, "answered"] == 3 + 1  # all of finished's, one of started's
    assert coverage.loc[first_area, "people"] == 2  # who took part; the third never answered
    assert coverage["statements"].sum() == len(small_bank.statements)


def test_a_respondent_with_the_longest_name_and_organisation_can_still_answer(
    store: Store, open_round: int
):
    from collab_assess.store.inputs import NAME_MAX

    person = store.add_respondent(open_round, RespondentInput(
        role="Non-executive director", organisation="O" * NAME_MAX, display_name="N" * NAME_MAX))
    label = store.get_respondent(person).label
    assert len(label) > NAME_MAX
    store.change_answer(open_round, person, "PB-1", AnswerChange(level=2, recorded_by=label))
    assert current(store, open_round, person, "PB-1")["recorded_by"] == label
