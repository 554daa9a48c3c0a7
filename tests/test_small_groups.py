"""Small groups inside a collaborative: what one or two people in a role answered, voted or did
can never be read off Results, the board report, a workshop's reveal, a round's progress or an
export."""

from __future__ import annotations

import itertools
from dataclasses import fields, is_dataclass
from pathlib import Path

import pytest

from collab_assess.assessment.participation import participation_of
from collab_assess.assessment.results import evidence_notes, round_results
from collab_assess.assessment.small_groups import (
    MIN_GROUP_SIZE,
    OTHER_ROLES,
    group_roles,
    group_roles_for_counts,
)
from collab_assess.content.bank import QuestionBank, load_current_bank
from collab_assess.content.workshop_phases import Move
from collab_assess.exchange.export import collaborative_export
from collab_assess.report import build_board_report
from collab_assess.report.outline import report_blocks
from collab_assess.store import Store
from collab_assess.store.inputs import (
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from collab_assess.workshop.tally import statement_tally
from tests.helpers.apptest import app, assert_no_exception, texts
from tests.helpers.factories import answer

NED, LEAD, EXEC = "Non-executive director", "Clinical lead", "Executive director"
LONE_NOTE = "Only the chair has seen the draft"
"""The note of the one or two people in the small role."""


def test_the_threshold_is_three_and_results_use_the_same_one():
    from collab_assess.assessment import results

    assert MIN_GROUP_SIZE == 3
    assert results.MIN_GROUP_SIZE is MIN_GROUP_SIZE


# -- the rule for figures that add up --------------------------------------------------------------

def test_counts_fold_the_smallest_role_shown_when_one_or_two_people_would_be_left_out():
    groups = group_roles_for_counts({NED: 3, LEAD: 1})
    assert groups.sizes == {OTHER_ROLES: 4}
    groups = group_roles_for_counts({NED: 4, EXEC: 3, LEAD: 2})
    assert groups.sizes == {NED: 4, OTHER_ROLES: 5}
    assert groups.not_shown == 0


def test_counts_show_no_role_when_even_everyone_together_is_too_few():
    groups = group_roles_for_counts({LEAD: 1, EXEC: 1})
    assert groups.sizes == {} and groups.not_shown == 2


@pytest.mark.parametrize("counts", list(itertools.product(range(5), repeat=3)))
def test_no_count_grouping_shows_a_small_group_or_leaves_a_small_remainder(counts):
    people = {role: n for role, n in zip((NED, LEAD, "Other"), counts, strict=True) if n}
    groups = group_roles_for_counts(people)
    assert all(size >= MIN_GROUP_SIZE for size in groups.sizes.values())
    # Whatever is not shown would be the room's total minus the groups shown: none, or everyone.
    assert groups.not_shown == 0 or not groups.sizes
    # ...and the scores' grouping (not additive) never shows a small group either.
    assert all(size >= MIN_GROUP_SIZE for size in group_roles(people).sizes.values())


# -- a round with three non-executives and one or two clinical leads -------------------------------

def small_role_round(store: Store, bank: QuestionBank, lone: int) -> int:
    """Three non-executives answer every statement at 2 (Developing); `lone` clinical leads answer
    4 (Thriving), with a note on the first statement."""
    collaborative = store.create_collaborative(CollaborativeProfile(name="Small roles"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="Spring", opens_on="2026-03-01"),
                                bank, "lead")
    for role, level, people in ((NED, 2, 3), (LEAD, 4, lone)):
        for _ in range(people):
            person = store.add_respondent(round_id, RespondentInput(role=role))
            for statement in bank.statements:
                note = LONE_NOTE if role == LEAD and statement == bank.statements[0] else ""
                store.record_answer(round_id, person, statement.id, answer(level, note=note))
    return round_id


@pytest.mark.parametrize("lone", [1, 2])
def test_results_never_show_the_small_roles_scores_or_name(store: Store, small_bank: QuestionBank,
                                                           lone: int):
    results = round_results(store, small_role_round(store, small_bank, lone))
    # The three non-executives alone would leave the clinical leads as "everyone minus them": the
    # non-executives are folded in with them, and no group names the clinical leads.
    assert set(results.by_role["role"]) == {OTHER_ROLES}
    assert results.roles.sizes == {OTHER_ROLES: 3 + lone}
    assert results.roles.not_shown == 0
    assert (results.by_role["score"] == 2).all()  # the group's middle: the leads' 4s alone nowhere
    notes = evidence_notes(results)
    assert len(notes) == lone
    assert (notes["role"] == OTHER_ROLES).all()
    assert LEAD not in notes.to_string()


def block_texts(block) -> list[str]:
    """Every string in a report block, however deep (tables, runs, metrics...)."""
    if isinstance(block, str):
        return [block]
    if isinstance(block, (tuple, list)):
        return [text for item in block for text in block_texts(item)]
    if is_dataclass(block):
        return [text for field in fields(block) for text in block_texts(getattr(block, field.name))]
    return []


@pytest.mark.parametrize("lone", [1, 2])
def test_the_board_report_never_names_or_scores_the_small_role(store: Store,
                                                               small_bank: QuestionBank, lone: int):
    report = build_board_report(store, small_role_round(store, small_bank, lone))
    assert report.role_groups == {OTHER_ROLES: 3 + lone}
    assert LEAD not in set(report.role_scores["role"])
    words = " ".join(block_texts(report_blocks(report)))
    assert LEAD not in words and NED not in words


@pytest.mark.parametrize("lone", [1, 2])
def test_the_export_has_no_figure_by_role(store: Store, small_bank: QuestionBank, lone: int):
    round_id = small_role_round(store, small_bank, lone)
    export = collaborative_export(store, store.get_round(round_id).collaborative_id)
    # Answers and respondents are each person's own rows, for the lead; no table sums by role.
    for table in (export.rounds, export.area_scores, export.statement_scores, export.consensus,
                  export.actions):
        assert "role" not in table.columns


def progress_of(store: Store, round_id: int, bank: QuestionBank):
    return participation_of(store, round_id, {area.id: area.name for area in bank.areas})


@pytest.mark.parametrize("lone", [1, 2])
def test_round_progress_has_no_row_for_one_or_two_people(store: Store, small_bank: QuestionBank,
                                                         lone: int):
    round_id = small_role_round(store, small_bank, lone)
    progress = progress_of(store, round_id, small_bank)
    # The three non-executives shown alone would leave the clinical leads as everyone minus them.
    assert progress.by_role["role"].tolist() == [OTHER_ROLES]
    assert progress.by_role.set_index("role").loc[OTHER_ROLES, "took_part"] == 3 + lone
    assert progress.headcount.finished == 3 + lone


@pytest.mark.parametrize("lone", [1, 2])
def test_round_progress_of_a_round_of_one_or_two_shows_only_the_total(store: Store,
                                                                      small_bank: QuestionBank,
                                                                      lone: int):
    collaborative = store.create_collaborative(CollaborativeProfile(name="Tiny"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-03-01"),
                                small_bank, "lead")
    for _ in range(lone):
        person = store.add_respondent(round_id, RespondentInput(role=LEAD))
        store.record_answer(round_id, person, "PB-1", answer(2))
    progress = progress_of(store, round_id, small_bank)
    assert progress.by_role.empty
    assert progress.roles.not_shown == lone
    assert progress.headcount.took_part == lone


def vote_and_reveal(store: Store, workshop: int, votes: list[tuple[int, int]]) -> None:
    """Open voting on the statement on screen, cast each (person, level), close and reveal."""
    current = store.get_workshop(workshop)
    store.move_workshop(workshop, current.version, Move.OPEN, "facilitator")
    statement = current.statement_id
    for person, level in votes:
        store.cast_vote(workshop, person, statement, AnswerChange(
            level=level, recorded_by="participant", source="workshop"))
    for move in (Move.CLOSE, Move.REVEAL):
        store.move_workshop(workshop, store.get_workshop(workshop).version, move, "facilitator")


@pytest.mark.parametrize("lone", [1, 2])
def test_a_workshop_reveal_never_gives_away_one_or_two_voters(store: Store, open_round: int,
                                                              lone: int):
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    voters = [(NED, 2)] * 3 + [(LEAD, 4)] * lone
    people = [(store.join_workshop(workshop, RespondentInput(role=role)).id, level)
              for role, level in voters]
    vote_and_reveal(store, workshop, people)
    room = statement_tally(store, store.get_workshop(workshop))
    by_group = room.roles.groupby("role")["votes"].sum()
    assert LEAD not in by_group.index and NED not in by_group.index
    assert (by_group >= MIN_GROUP_SIZE).all()
    # Nothing is left over: the room's counts minus the groups shown are zero everywhere, so no
    # subtraction gives away the clinical leads' votes.
    shown = room.roles.groupby("choice")["votes"].sum()
    assert (room.counts.set_index("choice")["votes"] - shown.reindex(
        room.counts["choice"], fill_value=0)).eq(0).all()
    assert room.roles_hidden == 0


def test_the_workshop_splits_by_role_when_every_group_is_big_enough(store: Store,
                                                                    open_round: int):
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    people = [store.join_workshop(workshop, RespondentInput(role=role)).id
              for role in [NED] * 3 + [LEAD] * 3]
    vote_and_reveal(store, workshop, list(zip(people, (2, 2, 2, 4, 4, 4), strict=True)))
    room = statement_tally(store, store.get_workshop(workshop))
    assert room.roles.groupby("role")["votes"].sum().to_dict() == {NED: 3, LEAD: 3}


# -- the Results page ------------------------------------------------------------------------------

@pytest.mark.parametrize("lone", [1, 2])
def test_the_results_page_never_shows_the_small_roles_answers(app_db: Path, lone: int):
    store = Store(app_db)
    try:
        round_id = small_role_round(store, load_current_bank(), lone)
        collaborative = store.get_round(round_id).collaborative_id
    finally:
        store.close()
    test = app("results", collaborative_id=collaborative)
    assert_no_exception(test)
    shown = " ".join([texts(test.markdown), texts(test.caption),
                      *(str(table.value) for table in test.table)])
    assert f"{LEAD} (" not in shown and f"({LEAD}" not in shown  # the bank says "Clinical leaders"
    assert f"{NED} (" not in shown
    assert f"(Other roles, 4 Thriving): {LONE_NOTE}" in shown  # a group of 4 or 5 people
    assert "not yet two role groups big enough" in shown
