"""A facilitated workshop at the service layer: its states, votes as answers, late votes refused,
consensus and actions, a restart, and forty people voting at once."""

from __future__ import annotations

import threading

import pandas as pd
import pytest

from collab_assess.assessment.results import round_results
from collab_assess.content.workshop_phases import JOIN_CODE_LENGTH, Move, Phase, WorkshopStateError
from collab_assess.errors import InputError, NotFoundError
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    AnswerChange,
    ConsensusInput,
    RespondentInput,
    WorkshopInput,
)
from collab_assess.store.workshops import UNKNOWN_CODE, VotingClosedError
from collab_assess.workshop.tally import Shown, statement_tally
from tests.helpers.threads import run_threads

FACILITATOR = "Facilitator"


def vote(level: int | None = None, dont_know: bool = False) -> AnswerChange:
    if dont_know:
        return AnswerChange(unscored="dont_know", recorded_by="participant", source="workshop")
    return AnswerChange(level=level, recorded_by="participant", source="workshop")


@pytest.fixture
def workshop(store: Store, open_round: int) -> int:
    return store.start_workshop(open_round, WorkshopInput(
        title="Board workshop", statement_ids=("SG-2", "PB-1", "PB-2"), started_by=FACILITATOR))


def move(store: Store, workshop_id: int, step: Move, position: int | None = None):
    current = store.get_workshop(workshop_id)
    return store.move_workshop(workshop_id, current.version, step, FACILITATOR, position)


def join(store: Store, workshop_id: int, role: str = "Executive director") -> int:
    return store.join_workshop(workshop_id, RespondentInput(role=role)).id


def test_a_new_workshop_waits_on_its_first_statement_in_bank_order(store, workshop):
    started = store.get_workshop(workshop)
    assert started.statement_ids == ("PB-1", "PB-2", "SG-2")
    assert (started.position, started.phase, started.version) == (0, Phase.WAITING, 1)
    assert len(started.join_code) == JOIN_CODE_LENGTH
    assert not set(started.join_code) & set("01OIL")
    assert store.find_workshop(started.join_code.lower()).id == workshop


def test_the_facilitators_steps_follow_the_rules(store, workshop):
    with pytest.raises(WorkshopStateError, match="no closed votes"):
        move(store, workshop, Move.REVEAL)
    assert move(store, workshop, Move.OPEN).phase is Phase.VOTING
    with pytest.raises(WorkshopStateError, match="Close voting before revealing"):
        move(store, workshop, Move.REVEAL)
    assert move(store, workshop, Move.CLOSE).phase is Phase.CLOSED
    assert move(store, workshop, Move.REVEAL).phase is Phase.REVEALED
    moved = move(store, workshop, Move.GO_TO, 2)
    assert (moved.position, moved.phase, moved.statement_id) == (2, Phase.WAITING, "SG-2")
    with pytest.raises(WorkshopStateError, match="no statement there"):
        move(store, workshop, Move.GO_TO, 3)
    assert move(store, workshop, Move.END).phase is Phase.ENDED
    with pytest.raises(WorkshopStateError, match="has ended"):
        move(store, workshop, Move.OPEN)


def test_a_step_from_a_stale_facilitator_screen_is_refused(store, workshop):
    shown = store.get_workshop(workshop)
    store.move_workshop(workshop, shown.version, Move.OPEN, FACILITATOR)  # tab 1
    with pytest.raises(WorkshopStateError, match="moved on since this screen was drawn"):
        store.move_workshop(workshop, shown.version, Move.OPEN, FACILITATOR)  # tab 2, stale
    assert store.get_workshop(workshop).version == shown.version + 1


def test_votes_are_answers_changeable_until_voting_closes(store, workshop, open_round):
    ann, bob = join(store, workshop), join(store, workshop, "Clinical lead")
    cat = join(store, workshop)
    with pytest.raises(VotingClosedError):
        store.cast_vote(workshop, ann, "PB-1", vote(2))  # not open yet
    move(store, workshop, Move.OPEN)
    store.cast_vote(workshop, ann, "PB-1", vote(2))
    store.cast_vote(workshop, ann, "PB-1", vote(3))  # changed her mind
    store.cast_vote(workshop, bob, "PB-1", vote(dont_know=True))
    store.cast_vote(workshop, cat, "PB-1", vote(3))
    with pytest.raises(VotingClosedError):
        store.cast_vote(workshop, ann, "PB-2", vote(1))  # not the statement on screen
    move(store, workshop, Move.CLOSE)
    with pytest.raises(VotingClosedError, match="not counted"):
        store.cast_vote(workshop, bob, "PB-1", vote(4))  # too late
    assert len(store.answer_history(open_round, ann)) == 2  # both votes kept
    # Closed but not revealed: the votes are saved, and count nowhere yet.
    assert store.current_answers([open_round]).empty
    hidden = statement_tally(store, store.get_workshop(workshop))
    assert (hidden.participants, hidden.voted, hidden.shown_votes) == (3, 3, 0)
    assert hidden.state.shown is Shown.NOT_REVEALED and hidden.counts["votes"].sum() == 0

    move(store, workshop, Move.REVEAL)
    answers = store.current_answers([open_round]).set_index("respondent_id")
    assert answers.loc[ann, "level"] == 3 and answers.loc[ann, "source"] == "workshop"
    assert answers.loc[bob, "unscored"] == "dont_know"
    live = statement_tally(store, store.get_workshop(workshop))
    assert (live.participants, live.voted, live.median) == (3, 3, 3.0)
    assert dict(zip(live.counts["choice"], live.counts["votes"], strict=True))["Don't know"] == 1
    results = round_results(store, open_round)  # the round's results include the workshop
    assert results.statements.set_index("statement_id").loc["PB-1", "score"] == 3


def test_a_roles_split_shows_only_with_three_voters_and_the_room_split_is_flagged(store, workshop):
    people = [join(store, workshop, "Non-executive director") for _ in range(3)]
    people.append(join(store, workshop, "Clinical lead"))
    move(store, workshop, Move.OPEN)
    for person, level in zip(people, (1, 1, 4, 4), strict=True):
        store.cast_vote(workshop, person, "PB-1", vote(level))
    move(store, workshop, Move.CLOSE)
    move(store, workshop, Move.REVEAL)
    live = statement_tally(store, store.get_workshop(workshop))
    # The three non-executives' split beside the room's would give away the one clinical lead's
    # vote, so they are counted with the clinical lead as "Other roles".
    assert set(live.roles["role"]) == {"Other roles"}
    assert live.roles_hidden == 0
    assert live.split


def test_wrong_and_ended_codes_get_the_same_plain_message(store, workshop):
    code = store.get_workshop(workshop).join_code
    seat = join(store, workshop)
    assert store.workshop_version(code, store.get_respondent(seat).resume_code) is not None
    for wrong in ("", "ABC", "ZZZZZZ"):
        with pytest.raises(NotFoundError, match="does not match a workshop that is running"):
            store.find_workshop(wrong)
    move(store, workshop, Move.END)
    with pytest.raises(NotFoundError) as ended:
        store.find_workshop(code)
    assert str(ended.value) == UNKNOWN_CODE
    assert store.workshop_version(code, store.get_respondent(seat).resume_code) is None


def test_the_workshop_resumes_exactly_after_a_restart(db_path, store, workshop):
    ann = join(store, workshop)
    move(store, workshop, Move.GO_TO, 1)
    move(store, workshop, Move.OPEN)
    store.cast_vote(workshop, ann, "PB-2", vote(4))
    before = store.get_workshop(workshop)
    store.close()
    reopened = Store(db_path)
    try:
        after = reopened.get_workshop(workshop)
        assert after == before and after.phase is Phase.VOTING
        assert reopened.workshop_room(workshop) == (1, 1)
        reopened.cast_vote(workshop, ann, "PB-2", vote(3))  # voting carries on
    finally:
        reopened.close()


def test_consensus_and_actions_are_recorded_and_actions_updated(store, workshop, open_round):
    store.record_consensus(open_round, "PB-1", ConsensusInput(
        level=2, rationale="Plan agreed, not yet used", recorded_by=FACILITATOR))
    action = store.add_action(open_round, ActionInput(
        description="Draft the purpose statement", owner="Chair", due_on="2027-01-31",
        statement_id="PB-1", recorded_by=FACILITATOR))
    store.update_action_status(action, ActionStatusInput(status="in progress", changed_by="Chair"))
    actions = store.actions(open_round).set_index("id")
    assert actions.loc[action, "status"] == "in progress"
    assert store.action_history(action)["status"].tolist() == ["in progress"]
    assert round_results(store, open_round).statements.set_index("statement_id").loc[
        "PB-1", "score"] == 2


def test_forty_people_voting_at_once_each_final_vote_counted_once(store, workshop, open_round):
    people = [join(store, workshop) for _ in range(40)]
    move(store, workshop, Move.OPEN)
    final: dict[int, int] = {}
    lock = threading.Lock()

    def votes_and_some_change(index: int) -> None:
        person = people[index]
        levels = [index % 4 + 1] + ([(index + 1) % 4 + 1, (index + 2) % 4 + 1] if index % 3 == 0
                                    else [])
        for level in levels:
            store.cast_vote(workshop, person, "PB-1", vote(level))
        with lock:
            final[person] = levels[-1]

    assert run_threads(40, votes_and_some_change) == []
    assert store.workshop_room(workshop) == (40, 40)
    move(store, workshop, Move.CLOSE)
    move(store, workshop, Move.REVEAL)
    current = store.current_answers([open_round])
    current = current[current["statement_id"] == "PB-1"].set_index("respondent_id")
    assert len(current) == 40
    assert current["level"].to_dict() == final
    live = statement_tally(store, store.get_workshop(workshop))
    assert live.shown_votes == 40 and live.participants == 40


def test_votes_racing_the_close_are_either_counted_or_refused_never_lost(store, workshop,
                                                                         open_round):
    people = [join(store, workshop) for _ in range(20)]
    move(store, workshop, Move.OPEN)
    acknowledged, refused = set(), set()
    lock = threading.Lock()

    def voter_or_closer(index: int) -> None:
        if index == len(people):
            move(store, workshop, Move.CLOSE)
            return
        try:
            store.cast_vote(workshop, people[index], "PB-1", vote(2))
        except VotingClosedError:
            with lock:
                refused.add(people[index])
        else:
            with lock:
                acknowledged.add(people[index])

    assert run_threads(len(people) + 1, voter_or_closer) == []
    saved = store.answer_history(open_round, statement_id="PB-1")
    assert set(saved["respondent_id"]) == acknowledged
    assert acknowledged | refused == set(people)
    assert store.get_workshop(workshop).phase is Phase.CLOSED
    move(store, workshop, Move.REVEAL)
    counted = store.current_answers([open_round])
    counted = set(counted.loc[counted["statement_id"] == "PB-1", "respondent_id"])
    assert counted == (acknowledged if len(acknowledged) >= 3 else set())


@pytest.mark.parametrize(("levels", "split"), [
    ([1, 4], True), ([1, 1, 3, 3], True), ([2, 2, 2, 4], False), ([1, 2, 2, 2, 3], False),
    ([1, 1, 2, 4], False), ([], False),
])
def test_the_room_split_follows_the_results_rule(levels, split):
    from collab_assess.assessment.scoring import statement_scores
    from collab_assess.workshop.tally import room_is_split

    assert room_is_split(levels) is split
    if levels:  # the same verdict as the round's results give
        answers = pd.DataFrame({"round_id": 1, "respondent_id": range(len(levels)),
                                "statement_id": "PB-1", "level": levels, "unscored": None})
        statements = pd.DataFrame({"round_id": [1], "statement_id": ["PB-1"], "area_id": ["PB"]})
        assert bool(statement_scores(answers, statements)["disagreement"].iloc[0]) is split


def test_workshops_are_listed_newest_first_with_their_votes(store, workshop, open_round):
    later = store.start_workshop(open_round, WorkshopInput(
        title="Board workshop", statement_ids=("PB-1",), started_by=FACILITATOR))
    seat = join(store, workshop)
    move(store, workshop, Move.OPEN)
    store.cast_vote(workshop, seat, "PB-1", vote(2))
    listed = store.workshops([open_round])
    assert listed["id"].tolist() == [later, workshop]
    assert listed["votes"].tolist() == [0, 1]
    assert listed["participants"].tolist() == [0, 1]
    assert listed["created_at"].is_monotonic_decreasing


def test_a_workshop_with_no_votes_can_be_removed_and_the_audit_log_keeps_it(
        store, workshop, open_round):
    join(store, workshop)  # joined, never voted
    store.remove_workshop(workshop, FACILITATOR)
    assert store.workshops([open_round]).empty
    with pytest.raises(NotFoundError):
        store.get_workshop(workshop)
    assert store.respondents([open_round]).empty, "the unused seat went with it"
    removal = store.audit_entries(collaborative_ids=None)
    removal = removal[removal["action"] == "remove"]
    assert removal["record_kind"].tolist() == ["workshop"]
    assert "Board workshop" in removal["before_value"].iloc[0]


def test_a_workshop_with_votes_cannot_be_removed(store, workshop, open_round):
    seat = join(store, workshop)
    move(store, workshop, Move.OPEN)
    store.cast_vote(workshop, seat, "PB-1", vote(3))
    with pytest.raises(InputError, match="cannot be removed"):
        store.remove_workshop(workshop, FACILITATOR)
    assert store.get_workshop(workshop).id == workshop
    assert store.participant_vote(workshop, seat)["level"].tolist() == [3]


def test_a_changed_vote_is_still_one_vote_in_the_list(store, workshop, open_round):
    seat = join(store, workshop)
    move(store, workshop, Move.OPEN)
    store.cast_vote(workshop, seat, "PB-1", vote(2))
    store.cast_vote(workshop, seat, "PB-1", vote(4))
    assert store.workshops([open_round])["votes"].tolist() == [1]
