"""The load bench on a tiny scale: every save it attempts is saved (and is in the database), and
nothing fails. No timings are asserted: `make bench` prints those as figures to read."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import load as bench_load
from benchmarks.load import ConflictCountingStore, answer_at_once, workshop_alongside
from benchmarks.load_server import PageRuns, ServerFigures, walk_steps
from benchmarks.people import PEOPLE_PER_ROUND, new_people, percentile, spread_ms
from collab_assess.content.bank import QuestionBank

PEOPLE = 3
SAVES_EACH = 7


@pytest.fixture
def load_store(db_path: Path):
    opened = ConflictCountingStore(db_path)
    yield opened
    opened.close()


def saved_by_source(store, source: str) -> int:
    rounds = store.all_rounds()["round_id"].tolist()
    return sum(int((store.answer_history(r)["source"] == source).sum()) for r in rounds)


@pytest.mark.parametrize("pause", [None, (0.0, 0.01)], ids=["flat out", "paced"])
def test_everyone_answering_at_once_saves_every_answer(load_store, small_bank: QuestionBank,
                                                       pause):
    people = new_people(load_store, small_bank, PEOPLE, "Tiny load")
    saves = answer_at_once(load_store, small_bank, people, seconds=60, pause=pause,
                           saves_each=SAVES_EACH)
    assert not saves.errors
    assert saves.attempted == PEOPLE * SAVES_EACH
    assert saves.saved == saves.attempted and not saves.refused
    assert saved_by_source(load_store, "self-assessment") == saves.saved
    assert saves.wall > 0 and saves.per_second > 0


def test_people_are_spread_a_dozen_to_a_round(load_store, small_bank: QuestionBank):
    people = new_people(load_store, small_bank, 25, "Spread")
    rounds = [person.round_id for person in people]
    assert len(set(rounds)) == 3
    assert max(rounds.count(r) for r in set(rounds)) == PEOPLE_PER_ROUND


def test_a_small_workshop_alongside_counts_every_vote(load_store, small_bank: QuestionBank,
                                                      monkeypatch):
    # A fast room, so the test takes seconds: the phones poll and think in tenths of a second.
    monkeypatch.setattr(bench_load, "POLL_EVERY", 0.05)
    monkeypatch.setattr(bench_load, "TALLY_EVERY", 0.1)
    monkeypatch.setattr(bench_load, "THINK_BEFORE_VOTING", (0.01, 0.1))
    monkeypatch.setattr(bench_load, "THINK_BEFORE_CHANGING", (0.01, 0.05))
    monkeypatch.setattr(bench_load, "VOTING_WINDOW", 0.6)
    monkeypatch.setattr(bench_load, "WORKSHOP_STATEMENTS", 2)
    voters = 4
    people = new_people(load_store, small_bank, 2, "Beside")
    load = workshop_alongside(load_store, small_bank, people, seconds=2.0,
                              pause=(0.0, 0.05), voters=voters)
    assert not load.errors and not load.votes.errors and not load.answers.errors
    assert load.statements >= 1
    assert load.votes.saved >= voters  # everyone voted on the first statement at least
    assert load.votes.saved + load.votes.refused == load.votes.attempted
    assert saved_by_source(load_store, "workshop") == load.votes.saved
    assert load.answers.saved == load.answers.attempted
    assert saved_by_source(load_store, "self-assessment") == load.answers.saved
    assert load.polls and load.tallies and load.steps and load.phone_reruns


def test_percentiles_and_spreads_read_plainly():
    assert percentile([], 0.95) == 0
    assert percentile([3, 1, 2, 4], 0.5) == 3
    assert percentile(list(range(1, 101)), 0.95) == 96
    assert spread_ms([0.001, 0.002, 0.010]) == "2.0 / 10.0 / 10 ms"
    assert spread_ms([]) == "none"


def test_the_walk_moves_on_between_areas(small_bank: QuestionBank):
    steps = walk_steps(small_bank)
    answers = [what for kind, what in steps if kind == "answer"]
    assert answers == [s.id for a in small_bank.areas for s in small_bank.statements_in(a.id)]
    assert [what for kind, what in steps if kind == "next"] == [a.name for a in
                                                                small_bank.areas[1:]]


def test_server_figures_extrapolate_from_cpu_per_answer_and_memory_per_session():
    figures = ServerFigures(sessions=5, one_session_mb=200, all_sessions_mb=204,
                            after_answering_mb=208, at_once_seconds=10, at_once_cpu_seconds=3,
                            polls_alone_cores=0.1,
                            at_once=PageRuns(answers=[0.2] * 40, next_area=[0.3] * 5))
    assert figures.per_session_mb == pytest.approx(2.0)  # the higher reading, over 4 sessions
    assert figures.cpu_per_answer == pytest.approx((3 - 0.1 * 10) / 40)
    assert figures.answers_per_core_second == pytest.approx(20)
    assert figures.answers_per_second == pytest.approx(4)
