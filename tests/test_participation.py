"""Who took part, counted once (collab_assess/participation.py): self-assessors, anonymous workshop
seats and people who joined a workshop with their resume code."""

from __future__ import annotations

import pandas as pd
import pytest

from collab_assess.access.identity import Caller
from collab_assess.access.scoped_store import AccessDenied, ScopedStore
from collab_assess.assessment.participation import (
    THIN_AREA_SHARE,
    Headcount,
    area_completeness,
    headcount,
    participation_of,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.content.workshop_phases import Move
from collab_assess.errors import InputError
from collab_assess.store import Store
from collab_assess.store.inputs import (
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from tests.helpers.factories import answer


def progress(store: Store, round_id: int, bank: QuestionBank):
    return participation_of(store, round_id, {area.id: area.name for area in bank.areas})


def rows(*people: tuple[str, str, int, int, int]) -> pd.DataFrame:
    return pd.DataFrame(people, columns=["role", "kind", "joined", "took_part", "finished"])


def test_the_headcount_adds_self_assessors_and_workshop_voters_and_counts_the_rest_apart():
    people = headcount(rows(("Clinical lead", "self", 6, 5, 3), ("Other", "self", 2, 1, 0),
                            ("Executive director", "seat", 7, 6, 0)))
    assert people == Headcount(joined=8, self_assessed=6, finished=3, seats=7,
                               workshop_voters=6)
    assert people.took_part == 12 and people.not_answered == 2
    assert people.in_words() == (
        "12 people took part: 6 in the self-assessment and 6 who voted in a workshop without a "
        "resume code. 2 more joined but have not answered yet.")
    assert headcount(rows()).took_part == 0


def test_a_workshop_makes_no_area_thin_and_adds_nobody_to_completeness(store, open_round,
                                                                       small_bank):
    for _ in range(5):
        person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
        for statement in small_bank.statements:
            store.record_answer(open_round, person, statement.id, answer(2))
    before = progress(store, open_round, small_bank)
    assert before.thin_areas == [] and before.headcount.finished == 5
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1", "SG-1", "DS-1"), started_by="facilitator"))
    seats = [store.join_workshop(workshop, RespondentInput(role="Executive director")).id
             for _ in range(6)]
    for position in range(3):
        store.move_workshop(workshop, store.get_workshop(workshop).version, Move.GO_TO,
                            "facilitator", position)
        store.move_workshop(workshop, store.get_workshop(workshop).version, Move.OPEN,
                            "facilitator")
        statement = store.get_workshop(workshop).statement_id
        for seat in seats:
            store.cast_vote(workshop, seat, statement, AnswerChange(
                level=3, recorded_by="p", source="workshop"))
        for move in (Move.CLOSE, Move.REVEAL):
            store.move_workshop(workshop, store.get_workshop(workshop).version, move,
                                "facilitator")
    after = progress(store, open_round, small_bank)
    assert after.thin_areas == []  # every self-assessor answered every statement
    assert after.areas.equals(before.areas)
    assert after.headcount.finished == 5 and after.headcount.workshop_voters == 6
    assert after.headcount.took_part == 11
    assert after.roles.sizes == {"Clinical lead": 5}  # seats are not a role group


def test_an_area_below_half_its_possible_answers_is_thin():
    coverage = pd.DataFrame({"area_id": ["A", "B"], "statements": [4, 2], "people": [3, 3],
                             "answered": [6, 2], "position": [0, 4]})
    table = area_completeness(coverage, {"A": "Area A", "B": "Area B"}).set_index("area")
    assert table.loc["Area A", "completeness"] == THIN_AREA_SHARE and not table.loc["Area A",
                                                                                    "thin"]
    assert table.loc["Area B", "thin"]  # 2 of 6


def test_joining_a_workshop_with_a_resume_code_counts_the_person_once(store, open_round,
                                                                      small_bank):
    people = []
    for _ in range(3):
        person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
        store.record_answer(open_round, person, "PB-1", answer(2))
        people.append(person)
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    for person in people:
        assert store.join_workshop_as(workshop, person).id == person
    assert store.join_workshop_as(workshop, people[0]).id == people[0]  # again: no change
    store.move_workshop(workshop, store.get_workshop(workshop).version, Move.OPEN, "f")
    for person in people:
        store.cast_vote(workshop, person, "PB-1", AnswerChange(level=4, recorded_by="p",
                                                              source="workshop"))
    for move in (Move.CLOSE, Move.REVEAL):
        store.move_workshop(workshop, store.get_workshop(workshop).version, move, "f")
    counted = progress(store, open_round, small_bank).headcount
    assert (counted.took_part, counted.self_assessed, counted.seats) == (3, 3, 0)
    answers = store.current_answers([open_round])
    assert answers["level"].tolist() == [4, 4, 4]  # each vote is the person's own latest answer
    assert len(answers) == 3
    assert store.workshop_room(workshop) == (3, 3)


def test_a_resume_code_from_another_round_cannot_take_a_seat(store, open_round, small_bank):
    collaborative = store.create_collaborative(CollaborativeProfile(name="Elsewhere"), "t")
    other = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-05-01"),
                             small_bank, "t")
    stranger = store.add_respondent(other, RespondentInput(role="Clinical lead"))
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    with pytest.raises(InputError, match="belongs to another round"):
        store.join_workshop_as(workshop, stranger)


def test_only_the_owner_of_a_resume_code_can_join_as_that_person(store, open_round):
    person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    visitor = ScopedStore(store, Caller.visitor(), clock=lambda: 0.0)
    found = visitor.find_workshop(store.get_workshop(workshop).join_code)
    with pytest.raises(AccessDenied):
        visitor.join_workshop_as(found.id, person)  # a guessed number, no code
    myself = visitor.find_respondent(store.get_respondent(person).resume_code)
    assert visitor.join_workshop_as(found.id, myself.id).id == person
