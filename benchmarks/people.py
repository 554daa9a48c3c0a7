"""What the load figures share: the people who answer, a workshop room of phones, and how timings
are summed up (load.py and load_server.py both use them)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from collab_assess.content.bank import QuestionBank
from collab_assess.content.reference import RESPONDENT_ROLES
from collab_assess.store import Store
from collab_assess.store.inputs import (
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)

PEOPLE_PER_ROUND = 12
"""People answering in one round of one collaborative (the demo rounds have 5 to 15)."""
PAUSE_BETWEEN_SAVES = (2.0, 6.0)
"""Seconds between one person's saves when paced like people. Harsh on purpose: reading a
statement and its four level descriptions takes most people longer."""
VOTERS = 40
WORKSHOP_STATEMENTS = 12
POLL_EVERY = 1.0
"""A waiting phone asks for the workshop's version about once a second (workshop_participant.py)."""
def percentile(values: Sequence[float], share: float) -> float:
    """The value `share` of the way up the sorted values (nearest rank), 0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def spread_ms(seconds: Sequence[float]) -> str:
    """Median / 95th percentile / slowest, in milliseconds."""
    if not seconds:
        return "none"
    return (f"{statistics.median(seconds) * 1000:.1f} / {percentile(seconds, 0.95) * 1000:.1f} / "
            f"{max(seconds) * 1000:.0f} ms")


@dataclass(frozen=True)
class Person:
    round_id: int
    respondent_id: int


def new_people(store: Store, bank: QuestionBank, count: int, name: str) -> list[Person]:
    """`count` new respondents, a dozen to a round, each round in a collaborative of its own."""
    people: list[Person] = []
    roles = list(RESPONDENT_ROLES)
    for first in range(0, count, PEOPLE_PER_ROUND):
        collaborative = store.create_collaborative(
            CollaborativeProfile(name=f"{name} {first // PEOPLE_PER_ROUND + 1}"), "bench")
        round_id = store.open_round(collaborative, RoundInput(label="Load", opens_on="2026-01-01"),
                                    bank, "bench")
        for n in range(first, min(count, first + PEOPLE_PER_ROUND)):
            respondent = store.add_respondent(round_id, RespondentInput(role=roles[n % len(roles)]))
            people.append(Person(round_id, respondent))
    return people


def workshop_room(store: Store, bank: QuestionBank, voters: int,
                  name: str) -> tuple[int, str, list[int]]:
    """A collaborative with an open round, a workshop on its first statements, and the voters
    joined. Returns (workshop, join code, voters)."""
    collaborative = store.create_collaborative(CollaborativeProfile(name=name), "bench")
    round_id = store.open_round(collaborative, RoundInput(label="Workshop", opens_on="2026-01-01"),
                                bank, "bench")
    statement_ids = tuple(s.id for s in bank.statements[:WORKSHOP_STATEMENTS])
    workshop_id = store.start_workshop(round_id, WorkshopInput(
        title="Load workshop", statement_ids=statement_ids, started_by="bench"))
    roles = list(RESPONDENT_ROLES)
    people = [store.join_workshop(workshop_id, RespondentInput(role=roles[n % len(roles)])).id
              for n in range(voters)]
    return workshop_id, store.get_workshop(workshop_id).join_code, people
