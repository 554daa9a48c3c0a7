"""Collaboratives with rounds answered at given levels, submitted or not."""

from __future__ import annotations

from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput, StageInput
from tests.helpers.factories import answer


def submitted(store: Store, bank: QuestionBank, name: str, level: int, *, region="London",
              opens_on="2026-05-01", described: int | None = None) -> int:
    found = store.collaboratives()
    found = found[found["name"] == name]
    collaborative = int(found["id"].iloc[0]) if len(found) else store.create_collaborative(
        CollaborativeProfile(name=name, region=region, collaborative_type="Acute"), "t")
    round_id = store.open_round(collaborative, RoundInput(label=f"R {opens_on}", opens_on=opens_on),
                                bank, "t")
    person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    for statement in bank.statements:
        store.record_answer(round_id, person, statement.id, answer(level))
    if described:
        store.record_self_described_stage(round_id, person, StageInput(stage=described,
                                                                       recorded_by="t"))
    store.close_round(round_id, "t")
    return round_id


def make_round(store: Store, bank: QuestionBank, name: str,
               levels_by_person: list[dict[str, object]], opens_on: str = "2026-01-01",
               roles: list[str] | None = None) -> int:
    """A collaborative (created if new) with a round in which each person gives the levels listed
    (statement id -> level or 'dont_know'); statements not listed get level 2."""
    existing = store.collaboratives()
    match = existing[existing["name"] == name]
    collaborative = int(match["id"].iloc[0]) if len(match) else store.create_collaborative(
        CollaborativeProfile(name=name), "t")
    round_id = store.open_round(collaborative, RoundInput(label=f"R {opens_on}", opens_on=opens_on),
                                bank, "t")
    for index, levels in enumerate(levels_by_person):
        role = (roles or ["Executive director"] * len(levels_by_person))[index]
        person = store.add_respondent(round_id, RespondentInput(role=role))
        for statement in bank.statements:
            value = levels.get(statement.id, 2)
            if isinstance(value, str):
                store.record_answer(round_id, person, statement.id, answer(unscored=value))
            else:
                store.record_answer(round_id, person, statement.id, answer(value))
    return round_id


def spring_round(store: Store, bank: QuestionBank, name: str = "Northshire") -> tuple[int, int]:
    """A new collaborative with an open round, as its lead sets them up: (collaborative, round)."""
    collaborative = store.create_collaborative(CollaborativeProfile(name=name), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="Spring", opens_on="2026-03-01"),
                                bank, "lead")
    return collaborative, round_id
