"""The side doors the anonymity rules close (collab_assess/anonymity.py), each tried as an attack
that used to recover somebody's answer or score and must now recover nothing:

- the workshop summary read while voting is open, or with fewer than three votes;
- two reveals of one statement, subtracted to give the late voter's vote;
- a lead sweeping their own answers against "higher than X% of peers" to pin every peer's score,
  or editing their profile, or watching a named peer join the group;
- a regional team reading a one-person round statement by statement.
"""

from __future__ import annotations

import io
from datetime import date, timedelta

import pandas as pd
import pytest

from collab_assess.access.identity import Caller
from collab_assess.access.scoped_store import AccessDenied, ScopedStore
from collab_assess.assessment.results import round_results
from collab_assess.benchmark.peers import position_among_peers
from collab_assess.content.anonymity import MIN_GROUP_SIZE, PeerPosition, peer_position
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level
from collab_assess.content.workshop_phases import Move
from collab_assess.report import NothingToReport, build_board_report
from collab_assess.store import Store
from collab_assess.store.grants import Grant, Role
from collab_assess.store.inputs import (
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from collab_assess.store.peer_comparison import PeerGroup, peer_comparison
from collab_assess.workshop.summary import summary_csv, workshop_summary
from collab_assess.workshop.tally import CHOICES, Shown, statement_tally
from tests.helpers.factories import answer

DAY = date(2026, 12, 2)
EARLY = (Level.EMERGING, Level.DEVELOPING)


def vote(level: int) -> AnswerChange:
    return AnswerChange(level=level, recorded_by="participant", source="workshop")


def step(store: Store, workshop: int, move: Move) -> None:
    store.move_workshop(workshop, store.get_workshop(workshop).version, move, "facilitator")


@pytest.fixture
def room(store: Store, open_round: int) -> dict:
    """A workshop on PB-1 with eight seats and two self-assessors who answered PB-1 at 2."""
    for _ in range(2):
        person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
        store.record_answer(open_round, person, "PB-1", answer(2))
    workshop = store.start_workshop(open_round, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="facilitator"))
    seats = [store.join_workshop(workshop, RespondentInput(role="Executive director")).id
             for _ in range(8)]
    return {"workshop": workshop, "seats": seats, "round": open_round}


def shown_counts(store: Store, workshop: int) -> dict[str, int]:
    room = statement_tally(store, store.get_workshop(workshop), "PB-1")
    return dict(zip(room.counts["choice"], room.counts["votes"], strict=True))


def pb1_figures(store: Store, round_id: int) -> tuple:
    row = round_results(store, round_id).statements.set_index("statement_id").loc["PB-1"]
    return row["score"], row["answers"], row["levels_given"], row["low"], row["high"]


# -- the workshop summary before a reveal ----------------------------------------------------------

def test_the_summary_shows_no_vote_while_voting_is_open_or_closed_unrevealed(store, room):
    workshop, seats = room["workshop"], room["seats"]
    before = pb1_figures(store, room["round"])
    step(store, workshop, Move.OPEN)
    for person, level in zip(seats[:5], (1, 4, 4, 3, 4), strict=True):
        store.cast_vote(workshop, person, "PB-1", vote(level))
    for moment in ("voting open", "voting closed"):
        summary = workshop_summary(store, store.get_workshop(workshop)).iloc[0]
        assert all(pd.isna(summary[choice]) for choice in CHOICES), moment
        assert pd.isna(summary["votes"]) and summary["median"] == "", moment
        csv = pd.read_csv(io.BytesIO(summary_csv(workshop_summary(store, store.get_workshop(
            workshop)))), keep_default_na=False)
        assert all(csv.loc[0, choice] == "" for choice in CHOICES), moment
        # Nor can Results be watched for the votes coming in: they count once revealed.
        assert pb1_figures(store, room["round"]) == before, moment
        step(store, workshop, Move.CLOSE) if moment == "voting open" else None
    step(store, workshop, Move.REVEAL)
    assert shown_counts(store, workshop)["4 Thriving"] == 3
    assert pb1_figures(store, room["round"]) != before


def test_a_reveal_of_fewer_than_three_votes_shows_none_anywhere(store, room):
    workshop, seats = room["workshop"], room["seats"]
    before = pb1_figures(store, room["round"])
    step(store, workshop, Move.OPEN)
    for person, level in zip(seats[:MIN_GROUP_SIZE - 1], (1, 4), strict=True):
        store.cast_vote(workshop, person, "PB-1", vote(level))
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)
    room_now = statement_tally(store, store.get_workshop(workshop))
    assert room_now.state.shown is Shown.TOO_FEW and room_now.shown_votes == 0
    assert room_now.roles.empty and room_now.median is None
    summary = workshop_summary(store, store.get_workshop(workshop)).iloc[0]
    assert all(pd.isna(summary[choice]) for choice in CHOICES)
    assert pb1_figures(store, room["round"]) == before


# -- two reveals subtracted ------------------------------------------------------------------------

def test_reopening_voting_for_one_late_voter_gives_nothing_to_subtract(store, room):
    workshop, seats = room["workshop"], room["seats"]
    step(store, workshop, Move.OPEN)
    for person, level in zip(seats[:5], (1, 2, 2, 3, 3), strict=True):
        store.cast_vote(workshop, person, "PB-1", vote(level))
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)
    first_reveal = shown_counts(store, workshop)
    first_results = pb1_figures(store, room["round"])
    first_summary = workshop_summary(store, store.get_workshop(workshop))

    step(store, workshop, Move.OPEN)  # "Open voting again"
    store.cast_vote(workshop, seats[5], "PB-1", vote(4))  # the late voter
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)
    second = statement_tally(store, store.get_workshop(workshop))
    assert second.state.shown is Shown.EARLIER_SHOWN and second.state.held_back == 1
    # Every output gives the first reveal's figures: the difference is nothing at all.
    assert shown_counts(store, workshop) == first_reveal
    assert pb1_figures(store, room["round"]) == first_results
    later_summary = workshop_summary(store, store.get_workshop(workshop))
    pd.testing.assert_frame_equal(later_summary.drop(columns="shown"),
                                  first_summary.drop(columns="shown"))

    # Three more new votes (the late voter's and two others') may be shown, all together.
    step(store, workshop, Move.OPEN)
    for person in seats[6:8]:
        store.cast_vote(workshop, person, "PB-1", vote(4))
    step(store, workshop, Move.CLOSE)
    step(store, workshop, Move.REVEAL)
    third = shown_counts(store, workshop)
    assert third["4 Thriving"] == 3 and sum(third.values()) == 8


# -- peers: the percentile sweep, a profile edit, a peer joining ----------------------------------

PEER_LEVELS = [  # levels by area (PB, SG, DS): overall scores 1.67, 2.33, 2.67, 3.33 and 3.67
    {"PB": 1, "SG": 2, "DS": 2}, {"PB": 2, "SG": 2, "DS": 3}, {"PB": 2, "SG": 3, "DS": 3},
    {"PB": 3, "SG": 3, "DS": 4}, {"PB": 3, "SG": 4, "DS": 4},
]


def submitted(store: Store, bank: QuestionBank, name: str, levels: dict, *,
              region: str = "North West", submit: bool = True) -> int:
    collaborative = store.create_collaborative(CollaborativeProfile(name=name, region=region), "t")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-05-01"),
                                bank, "t")
    person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    for statement in bank.statements:
        store.record_answer(round_id, person, statement.id, answer(levels[statement.area]))
    if submit:
        store.close_round(round_id, "t")
    return round_id


@pytest.fixture
def five_peers(store: Store, small_bank: QuestionBank) -> dict:
    mine = submitted(store, small_bank, "Mine", {"PB": 2, "SG": 2, "DS": 2}, submit=False)
    for n, levels in enumerate(PEER_LEVELS):
        submitted(store, small_bank, f"Peer {n}", levels)
    truth = [sum(levels.values()) / 3 for levels in PEER_LEVELS]
    return {"mine": mine, "truth": truth}


def compare(store: Store, round_id: int, day: date = DAY, group: PeerGroup = PeerGroup.ALL):
    assessment_round = store.get_round(round_id)
    return peer_comparison(store, store.get_collaborative(assessment_round.collaborative_id),
                           assessment_round, EARLY, group, today=day)


def test_sweeping_ones_own_score_recovers_no_peers_score(store, five_peers):
    peers = compare(store, five_peers["mine"])
    assert peers.shown and peers.peers == 5
    # The lead moves their own answers from the lowest overall score to the highest, reading the
    # page each time. All they ever see is where they sit against the shown (rounded) quartiles.
    seen, boundaries = None, []
    for hundredths in range(100, 401):
        own = pd.DataFrame({"statement_id": ["X"], "area_id": ["PB"], "score": [hundredths / 100]})
        position = position_among_peers(own, peers)
        if position != seen and seen is not None:
            boundaries.append(hundredths / 100)
        seen = position
    assert len(boundaries) == 3  # below / lower middle / upper middle / above: nothing finer
    for truth in five_peers["truth"]:
        assert all(abs(truth - boundary) > 0.01 for boundary in boundaries), (truth, boundaries)
    # The lowest and highest peers are nowhere near any boundary: nothing is learnt of them.
    assert min(abs(five_peers["truth"][0] - b) for b in boundaries) > 0.5
    assert min(abs(five_peers["truth"][-1] - b) for b in boundaries) > 0.25


def test_peer_position_is_a_band_never_a_rank():
    assert peer_position(2.0, 2.1, 2.5, 2.9) is PeerPosition.BELOW
    assert peer_position(2.5, 2.1, 2.5, 2.9) is PeerPosition.LOWER_MIDDLE
    assert peer_position(2.6, 2.1, 2.5, 2.9) is PeerPosition.UPPER_MIDDLE
    assert peer_position(3.0, 2.1, 2.5, 2.9) is PeerPosition.ABOVE


def test_a_named_peer_joining_changes_nothing_until_the_next_days_snapshot(store, small_bank,
                                                                           five_peers):
    before = compare(store, five_peers["mine"])
    submitted(store, small_bank, "Newcomer", {"PB": 4, "SG": 4, "DS": 4})
    same_day = compare(store, five_peers["mine"])
    assert same_day.peers == before.peers == 5
    assert same_day.areas.equals(before.areas)
    assert (same_day.overall_q1, same_day.overall_median, same_day.overall_q3) == (
        before.overall_q1, before.overall_median, before.overall_q3)
    next_day = compare(store, five_peers["mine"], DAY + timedelta(days=1))
    assert next_day.peers == 6 and next_day.as_of == DAY + timedelta(days=1)
    # Even then, the figures are to one decimal place.
    for value in next_day.areas[["peer_median", "peer_q1", "peer_q3"]].to_numpy().ravel():
        assert round(value, 1) == value


def test_editing_ones_profile_to_narrow_the_group_shows_nothing_new_that_day(store, small_bank,
                                                                            five_peers):
    mine = store.get_round(five_peers["mine"]).collaborative_id
    before = compare(store, five_peers["mine"], group=PeerGroup.SAME_REGION)
    assert before.shown and before.peers == 5  # everyone is in the North West
    store.update_collaborative(mine, CollaborativeProfile(name="Mine", region="London"), "lead")
    same_day = compare(store, five_peers["mine"], group=PeerGroup.SAME_REGION)
    assert same_day.peers == 5 and same_day.areas.equals(before.areas)
    next_day = compare(store, five_peers["mine"], DAY + timedelta(days=1),
                       group=PeerGroup.SAME_REGION)
    assert not next_day.shown and next_day.peers == 0  # nobody else in London


# -- a one-person round, read by a regional team ---------------------------------------------------

@pytest.fixture
def one_person(store: Store, small_bank: QuestionBank) -> dict:
    collaborative = store.create_collaborative(CollaborativeProfile(
        name="Solo", region="North West"), "t")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-05-01"),
                                small_bank, "t")
    person = store.add_respondent(round_id, RespondentInput(role="Clinical lead",
                                                            display_name="Ann"))
    for n, statement in enumerate(small_bank.statements):
        store.record_answer(round_id, person, statement.id, answer(n % 4 + 1, note="Mine"))
    return {"collaborative": collaborative, "round": round_id, "person": person}


def caller(store: Store, email: str, grant: Grant) -> ScopedStore:
    store.grant_role(email, grant.role, "admin", collaborative_id=grant.collaborative_id,
                     region=grant.region)
    return ScopedStore(store, Caller.signed_in_as(email, store.grants_for(email)),
                       clock=lambda: 0.0)


def test_a_regional_team_sees_only_area_scores_of_a_one_person_round(store, one_person):
    regional = caller(store, "r@x.org", Grant(Role.REGIONAL, region="North West"))
    round_id = one_person["round"]
    for read, args in ((regional.current_answers, ([round_id],)),
                       (regional.respondents, ([round_id],)),
                       (regional.self_described_stages, ([round_id],)),
                       (regional.answer_history, (round_id,)),
                       (regional.kept_scores, (round_id,))):
        with pytest.raises(AccessDenied, match="Fewer than 3 people took part"):
            read(*args)
    seen = round_results(regional, round_id)
    assert seen.detail_hidden and seen.statements.empty and seen.answers.empty
    assert seen.headcount.took_part == 1
    full = round_results(store, round_id)
    pd.testing.assert_series_equal(seen.areas.set_index("area_id")["score"],
                                   full.areas.set_index("area_id")["score"], check_dtype=False)
    assert seen.overall == pytest.approx(full.overall)
    with pytest.raises(NothingToReport, match="Fewer than 3 people"):
        build_board_report(regional, round_id)
    store.close_round(round_id, "t")
    with pytest.raises(AccessDenied):
        regional.kept_scores(round_id)  # kept statement scores are the one person's answers


def test_the_collaboratives_own_lead_still_sees_every_statement(store, one_person):
    lead = caller(store, "lead@x.org", Grant(Role.LEAD, one_person["collaborative"]))
    results = round_results(lead, one_person["round"])
    assert not results.detail_hidden and len(results.statements) == 9
    assert len(lead.current_answers([one_person["round"]])) == 9


def test_with_three_people_the_regional_team_sees_statements_again(store, small_bank, one_person):
    round_id = one_person["round"]
    for _ in range(2):
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        store.record_answer(round_id, person, "PB-1", answer(2))
    regional = caller(store, "r@x.org", Grant(Role.REGIONAL, region="North West"))
    assert not round_results(regional, round_id).detail_hidden
