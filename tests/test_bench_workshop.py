"""The workshop bench's service-layer part, on a tiny scale: it runs, every vote is accounted for,
and the server CPU reader and extrapolation add up. No timings are asserted: `make bench` prints
those as figures to read."""

from __future__ import annotations

import os

import pytest

from benchmarks.workshop import (
    CHANGE_EVERY,
    CpuFigures,
    Follow,
    Sighting,
    Window,
    cpu_seconds,
    time_workshop_votes,
    visible_after,
    workshop_room,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store

VOTERS = 6
BURSTS = 2


def test_a_small_room_votes_and_every_vote_is_timed(store: Store, small_bank: QuestionBank):
    workshop_id, people = workshop_room(store, small_bank, VOTERS, statements=BURSTS)
    timings = time_workshop_votes(store, workshop_id, people, bursts=BURSTS)
    changes = len(people[::CHANGE_EVERY])
    assert timings.votes == BURSTS * (VOTERS + changes)
    # A changed vote never shows in the live count (votes by choice stay hidden until the reveal),
    # so only first votes are timed to it.
    assert len(timings.visible_after) == BURSTS * VOTERS
    assert all(wait >= 0 for wait in timings.visible_after)
    assert timings.query_under_load and timings.query_alone
    assert timings.votes_per_second > 0


def test_the_kth_vote_to_return_is_seen_when_the_count_reaches_k():
    sightings = [Sighting(0.0, 0), Sighting(1.0, 1), Sighting(3.0, 3)]
    # Returned at 0.5, 2.0 and 2.5: the first is seen at 1.0, the other two at 3.0.
    assert visible_after([2.5, 0.5, 2.0], sightings) == pytest.approx([0.5, 1.0, 0.5])
    # A count reached before the call returned is no wait at all.
    assert visible_after([1.5], sightings) == [0.0]


def test_cpu_time_of_this_process_can_be_read():
    assert cpu_seconds(os.getpid()) > 0


def test_a_room_is_extrapolated_from_the_per_phone_and_facilitator_costs():
    figures = CpuFigures(bare=Window(0.01, 0, 0), waiting=Window(0.04, 15, 0),
                         with_facilitator=Window(0.10, 15, 0.7), phones=15,
                         opening=Follow(1.0, 1.5))
    assert figures.per_phone == pytest.approx(0.002)
    assert figures.facilitator == pytest.approx(0.06)
    assert figures.room_of(40) == pytest.approx(0.01 + 40 * 0.002 + 0.06)
