"""Small groups on the Results page: no role with fewer than MIN_GROUP_SIZE people is shown
alone."""

from __future__ import annotations

import math

import pytest

from collab_assess.assessment.results import (
    ANOTHER_ROLE,
    MIN_GROUP_SIZE,
    OTHER_ROLES,
    evidence_notes,
    round_results,
)
from collab_assess.assessment.small_groups import group_roles
from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.factories import answer

LEAD, EXEC, NED, TEAM = ("Clinical lead", "Executive director", "Non-executive director",
                         "Collaborative programme team")


def test_the_smallest_group_shown_is_three():
    assert MIN_GROUP_SIZE == 3


@pytest.mark.parametrize(("people", "shown"), [(1, False), (2, False), (3, True), (4, True)])
def test_a_role_is_shown_alone_only_with_at_least_three_people(people, shown):
    groups = group_roles({LEAD: people, EXEC: 5})
    assert (LEAD in groups.sizes) is shown
    assert groups.group_of[LEAD] == (LEAD if shown else None)
    assert groups.not_shown == (0 if shown else people)
    assert groups.sizes[EXEC] == 5


def test_small_roles_are_put_together_when_that_makes_three():
    groups = group_roles({EXEC: 5, NED: 2, TEAM: 1})
    assert groups.sizes == {EXEC: 5, OTHER_ROLES: 3}
    assert groups.group_of == {EXEC: EXEC, NED: OTHER_ROLES, TEAM: OTHER_ROLES}
    assert groups.not_shown == 0


def test_small_roles_that_still_make_fewer_than_three_are_not_shown_at_all():
    groups = group_roles({EXEC: 5, NED: 1, TEAM: 1})
    assert groups.sizes == {EXEC: 5}
    assert groups.group_of[NED] is None and groups.group_of[TEAM] is None
    assert groups.not_shown == 2


def test_the_role_other_always_joins_other_roles():
    groups = group_roles({EXEC: 4, "Other": 3})
    assert groups.sizes == {EXEC: 4, OTHER_ROLES: 3}


def test_groups_are_listed_largest_first_with_other_roles_last():
    groups = group_roles({LEAD: 3, EXEC: 6, NED: 4, TEAM: 1, "Other": 2})
    assert list(groups.sizes) == [EXEC, NED, LEAD, OTHER_ROLES]


def test_a_group_is_labelled_with_its_head_count():
    groups = group_roles({LEAD: 4, EXEC: 1, NED: 2})
    assert groups.label(LEAD) == "Clinical lead (4 people)"
    assert groups.label(OTHER_ROLES) == "Other roles (3 people)"


@pytest.mark.parametrize(("people", "label"), [(1, ANOTHER_ROLE), (2, ANOTHER_ROLE), (3, LEAD)])
def test_a_note_names_its_role_only_for_a_group_of_three_or_more(people, label):
    assert group_roles({LEAD: people, EXEC: 5}).note_label(LEAD) == label


def test_a_note_from_a_folded_role_names_the_folded_group():
    assert group_roles({EXEC: 5, NED: 2, TEAM: 1}).note_label(NED) == OTHER_ROLES


# -- through the store ----------------------------------------------------------------------------

def round_with(store: Store, bank: QuestionBank, people: list[tuple[str, int, str | None]],
               only: dict[int, list[str]] | None = None) -> int:
    """A round where each (role, level, note) person answers every statement at that level (or
    only the statements listed for them in `only`, by their place in `people`)."""
    collaborative = store.create_collaborative(CollaborativeProfile(name="Roles"), "t")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-01-01"), bank,
                                "t")
    for index, (role, level, note) in enumerate(people):
        person = store.add_respondent(round_id, RespondentInput(role=role))
        for statement in bank.statements:
            if only and index in only and statement.id not in only[index]:
                continue
            store.record_answer(round_id, person, statement.id,
                                answer(level, note=note if statement.id == "PB-1" and note else ""))
    return round_id


def test_role_view_shows_three_or_more_alone_and_folds_the_rest(store: Store,
                                                                 small_bank: QuestionBank):
    round_id = round_with(store, small_bank, [
        (LEAD, 1, None), (LEAD, 1, None), (LEAD, 1, None),
        (NED, 4, None), (NED, 4, None), (EXEC, 3, None),
    ])
    results = round_results(store, round_id)
    by_role = results.by_role
    assert by_role["role_label"].drop_duplicates().tolist() == [
        "Clinical lead (3 people)", "Other roles (3 people)"]
    scores = by_role[by_role["area_id"] == "PB"].set_index("role")["score"]
    assert scores[LEAD] == 1
    assert scores[OTHER_ROLES] == 4  # median of 4, 4 and 3
    assert NED not in set(by_role["role"]) and EXEC not in set(by_role["role"])


def test_roles_too_small_even_together_take_the_smallest_shown_role_with_them(
        store: Store, small_bank: QuestionBank):
    # Results, the report and round progress fold roles one way (participation.role_groups): a
    # remainder of one or two is never left out, since "everyone minus the groups shown" would
    # then be those one or two people.
    round_id = round_with(store, small_bank, [
        (LEAD, 2, None), (LEAD, 2, None), (LEAD, 2, None), (NED, 4, "Only I know this"),
        (EXEC, 1, "Board papers"),
    ])
    results = round_results(store, round_id)
    assert results.roles.sizes == {OTHER_ROLES: 5}
    assert results.roles.not_shown == 0
    assert set(results.by_role["role"]) == {OTHER_ROLES}
    notes = evidence_notes(results)
    assert set(notes["role"]) == {OTHER_ROLES}
    assert NED not in notes.to_string() and EXEC not in notes.to_string()


def test_people_are_counted_by_role_only_once_they_have_answered(store: Store,
                                                                 small_bank: QuestionBank):
    round_id = round_with(store, small_bank, [(LEAD, 2, None)] * 3 + [(EXEC, 3, None)] * 3)
    for _ in range(4):  # joined, never answered
        store.add_respondent(round_id, RespondentInput(role=NED))
    results = round_results(store, round_id)
    assert results.roles.sizes == {LEAD: 3, EXEC: 3}
    assert results.headcount.took_part == 6 and results.headcount.not_answered == 4


def test_a_groups_area_is_left_blank_when_fewer_than_three_of_it_answered_there(
        store: Store, small_bank: QuestionBank):
    # Three clinical leads, but two of them stopped after the first area (PB).
    round_id = round_with(store, small_bank, [
        (LEAD, 2, None), (LEAD, 3, None), (LEAD, 1, None), (EXEC, 4, None), (EXEC, 4, None),
        (EXEC, 4, None),
    ], only={1: ["PB-1", "PB-2", "PB-3"], 2: ["PB-1", "PB-2", "PB-3"]})
    by_role = round_results(store, round_id).by_role.set_index(["role", "area_id"])["score"]
    assert by_role[(LEAD, "PB")] == 2
    assert math.isnan(by_role[(LEAD, "SG")]) and math.isnan(by_role[(LEAD, "DS")])
    assert by_role[(EXEC, "SG")] == 4


def test_notes_name_the_role_of_a_big_enough_group(store: Store, small_bank: QuestionBank):
    round_id = round_with(store, small_bank, [
        (LEAD, 2, "Seen in the programme report"), (LEAD, 2, None), (LEAD, 2, None),
        (NED, 3, "From the board"), (TEAM, 3, None), (TEAM, 3, None),
    ])
    notes = evidence_notes(round_results(store, round_id)).set_index("note")["role"]
    assert notes["Seen in the programme report"] == LEAD
    assert notes["From the board"] == OTHER_ROLES
