"""Peers and their aggregates, from the scores kept for submitted rounds: who counts, the anonymity
threshold, peer groups, mixed bank versions, and figures that an open round cannot move."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from collab_assess.assessment.results import round_results
from collab_assess.benchmark.peers import compare_with_baseline, position_among_peers
from collab_assess.content.anonymity import MIN_PEERS, MIN_PEERS_ENV_VAR, PeerPosition, min_peers
from collab_assess.content.bank import QuestionBank
from collab_assess.content.baseline import load_baseline
from collab_assess.content.scale import Level
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from collab_assess.store.peer_comparison import PeerGroup, peer_comparison
from tests.helpers.factories import answer, bank_data

EARLY = (Level.EMERGING, Level.DEVELOPING)


def collaborative_with_round(store: Store, bank: QuestionBank, name: str, level: int | dict, *,
                             opens_on: str = "2026-05-01", submit: bool = True,
                             region: str | None = None) -> int:
    """A collaborative (created if new) with a round in which one person gives `level` to every
    statement (or the levels in a dict by area id); the round is submitted unless asked not to."""
    found = store.collaboratives()
    found = found[found["name"] == name]
    collaborative = int(found["id"].iloc[0]) if len(found) else store.create_collaborative(
        CollaborativeProfile(name=name, region=region), "t")
    round_id = store.open_round(collaborative, RoundInput(label=f"R {opens_on}", opens_on=opens_on),
                                bank, "t")
    person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    for statement in bank.statements:
        given = level[statement.area] if isinstance(level, dict) else level
        store.record_answer(round_id, person, statement.id, answer(given))
    if submit:
        store.close_round(round_id, "t")
    return round_id


TODAY = date(2026, 12, 2)


def compare(store: Store, round_id: int, group: PeerGroup = PeerGroup.ALL, *,
            today: date = TODAY):
    assessment_round = store.get_round(round_id)
    return peer_comparison(store, store.get_collaborative(assessment_round.collaborative_id),
                           assessment_round, EARLY, group, today=today)


def test_peers_are_other_collaboratives_on_their_latest_submitted_round(store, small_bank):
    mine = collaborative_with_round(store, small_bank, "Mine", 2, submit=False)
    collaborative_with_round(store, small_bank, "Peer", 1, opens_on="2025-05-01")
    collaborative_with_round(store, small_bank, "Peer", 4, opens_on="2026-05-01")
    collaborative_with_round(store, small_bank, "Peer", 2, opens_on="2026-09-01", submit=False)
    for n in range(MIN_PEERS - 1):
        collaborative_with_round(store, small_bank, f"Other {n}", 3)
    collaborative_with_round(store, small_bank, "Not submitted", 1, submit=False)
    peers = compare(store, mine)
    assert peers.shown and peers.peers == MIN_PEERS
    pb = peers.areas.set_index("area_id").loc["PB"]
    # the latest submitted rounds score 4 (Peer's 2026 round) and 3 (the other four)
    assert pb["peer_median"] == 3.0 and pb["peer_q3"] == 3.0 and pb["peers"] == MIN_PEERS
    assert peers.as_of == TODAY
    mine_statements = round_results(store, mine).statements
    assert position_among_peers(mine_statements, peers) is PeerPosition.BELOW  # 2 < 3


def test_peer_figures_are_hidden_below_the_threshold_whatever_the_filter(store, small_bank,
                                                                         monkeypatch):
    mine = collaborative_with_round(store, small_bank, "Mine", 2, region="North West")
    for n in range(MIN_PEERS):
        collaborative_with_round(store, small_bank, f"Peer {n}", n % 4 + 1,
                                 region="North West" if n < 2 else "London")
    assert compare(store, mine).shown
    same_region = compare(store, mine, PeerGroup.SAME_REGION)
    assert not same_region.shown and same_region.peers == 2
    assert "at least 5 collaboratives" in same_region.why_hidden
    assert same_region.areas.empty and same_region.early_share is None
    assert same_region.overall_median is None
    no_type = compare(store, mine, PeerGroup.SAME_TYPE)
    assert not no_type.shown and "profile did not record" in no_type.why_hidden
    monkeypatch.setenv(MIN_PEERS_ENV_VAR, "1")
    assert min_peers() == 3  # the setting can never bring it below three
    monkeypatch.setenv(MIN_PEERS_ENV_VAR, "2")
    assert not compare(store, mine, PeerGroup.SAME_REGION).shown


def test_quartiles_and_early_share_on_hand_worked_peers_rounded_as_shown(store, small_bank):
    mine = collaborative_with_round(store, small_bank, "Mine", 3)
    for n, level in enumerate([1, 1, 2, 3, 4, 2]):
        collaborative_with_round(store, small_bank, f"Peer {n}", level)
    peers = compare(store, mine)
    area = peers.areas.set_index("area_id").loc["SG"]
    # peers' levels sorted: 1 1 2 2 3 4 -> median 2, quartiles 1.25 and 2.75 (linear), shown to
    # one decimal place, rounded half up
    assert (area["peer_q1"], area["peer_median"], area["peer_q3"]) == (1.3, 2.0, 2.8)
    assert (peers.overall_q1, peers.overall_median, peers.overall_q3) == (1.3, 2.0, 2.8)
    assert peers.early_share == pytest.approx(0.67)  # 4 of 6, to a whole percentage
    mine_statements = round_results(store, mine).statements
    assert position_among_peers(mine_statements, peers) is PeerPosition.ABOVE  # 3 > 2.8
    comparison = compare_with_baseline(3.0, Level.MATURING, peers, load_baseline())
    assert comparison.peer_early_share == pytest.approx(0.67)
    assert not comparison.is_early and comparison.national_early_share == 0.70
    with pytest.raises(ValueError):
        compare_with_baseline(0.5, Level.EMERGING, peers, load_baseline())


def test_rounds_on_other_bank_versions_are_compared_on_the_statements_they_share(store, small_bank):
    from collab_assess.content.bank import QuestionBank

    newer = bank_data(version=2)
    newer["statements"] = [s for s in newer["statements"] if s["id"] != "PB-3"]
    newer["statements"].append({**newer["statements"][0], "id": "PB-9"})
    v2 = QuestionBank.model_validate(newer)
    mine = collaborative_with_round(store, small_bank, "Mine", 2)
    for n in range(MIN_PEERS):
        peer = store.create_collaborative(CollaborativeProfile(name=f"Peer {n}"), "t")
        round_id = store.open_round(peer, RoundInput(label="R", opens_on="2026-05-01"), v2, "t")
        person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
        for statement in v2.statements:
            store.record_answer(round_id, person, statement.id,
                                answer(1 if statement.id == "PB-9" else 4))
        store.close_round(round_id, "t")
    peers = compare(store, mine)
    assert peers.shown
    assert (peers.statements_compared, peers.statements_in_round) == (8, 9)
    assert "8 of your 9 statements" in peers.versions_note
    # PB-9 (level 1) is not shared, so it does not pull the peers' PB score down
    assert peers.areas.set_index("area_id").loc["PB", "peer_median"] == 4.0


def test_saving_an_answer_in_an_open_round_changes_no_peer_figure(store, small_bank):
    mine = collaborative_with_round(store, small_bank, "Mine", 2)
    open_round = collaborative_with_round(store, small_bank, "Open", 1, submit=False)
    for n in range(MIN_PEERS):
        collaborative_with_round(store, small_bank, f"Peer {n}", 3)
    before_version, before = store.kept_version(), compare(store, mine)
    person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    store.record_answer(open_round, person, "PB-1", answer(4))
    assert store.kept_version() == before_version
    after = compare(store, mine, today=TODAY + timedelta(days=1))  # a new day's snapshot
    assert after.as_of != before.as_of
    assert after.areas.equals(before.areas) and after.peers == before.peers
