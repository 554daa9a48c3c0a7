"""The workshop address phones poll (issue 17, item 3): only a phone holding a seat of a running
workshop is told its version; every other request (a wrong, unknown or ended code, a live code
with no seat, a wrong seat or another workshop's) gets one and the same answer, so guessing codes
there learns nothing. Its cost for a room of 40 phones is printed by `make bench` (Limits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from collab_assess.content.bank import load_current_bank
from collab_assess.content.codes import ALPHABET
from collab_assess.content.workshop_phases import Move
from collab_assess.store import Store
from collab_assess.store.inputs import (
    RespondentInput,
    WorkshopInput,
)
from collab_assess.workshop.live import ROUTES, SEAT_HEADER
from tests.helpers.rounds import spring_round


@pytest.fixture
def room(app_db: Path) -> dict:
    """Two running workshops with a seat each, one ended workshop, and a self-assessment code."""
    bank = load_current_bank()
    store = Store(app_db)
    try:
        collaborative, round_id = spring_round(store, bank)
        first = bank.statements[0].id

        def workshop(title: str) -> tuple[int, str, str]:
            made = store.start_workshop(round_id, WorkshopInput(
                title=title, statement_ids=(first,), started_by="lead"))
            seat = store.join_workshop(made, RespondentInput(role="Clinical lead"))
            return made, store.get_workshop(made).join_code, seat.resume_code

        live, other, ended = workshop("Board"), workshop("Other"), workshop("Ended")
        store.move_workshop(ended[0], store.get_workshop(ended[0]).version, Move.END, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        return {"live": live, "other": other, "ended": ended,
                "self": store.get_respondent(person).resume_code, "path": app_db}
    finally:
        store.close()


@pytest.fixture
def client() -> TestClient:
    return TestClient(Starlette(routes=ROUTES))


def ask(client: TestClient, code: str, seat: str | None) -> tuple[int, bytes, str | None]:
    answer = client.get(f"/api/workshop/{code}", headers={SEAT_HEADER: seat} if seat else {})
    return answer.status_code, answer.content, answer.headers.get("cache-control")


def test_a_phone_holding_a_seat_is_told_the_workshops_version_as_it_moves(room, client):
    workshop, code, seat = room["live"]
    status, body, _ = ask(client, code, seat)
    assert status == 200
    version = int(body.decode().split(":")[1].rstrip("}"))
    store = Store(room["path"])
    try:
        store.move_workshop(workshop, version, Move.OPEN, "lead")
    finally:
        store.close()
    assert ask(client, code.lower(), seat)[:2] == (200, f'{{"version":{version + 1}}}'.encode())


def test_every_other_request_gets_the_same_answer(room, client):
    _, code, seat = room["live"]
    _, other_code, other_seat = room["other"]
    _, ended_code, ended_seat = room["ended"]
    answers = {
        "unknown code": ask(client, "ZZZZZZ", seat),
        "not a code": ask(client, "<script>", seat),
        "a live code without a seat": ask(client, code, None),
        "a live code and a wrong seat": ask(client, code, "ABCD-EFGH"),
        "a live code and another workshop's seat": ask(client, code, other_seat),
        "a live code and a self-assessment code": ask(client, code, room["self"]),
        "an ended workshop with its own seat": ask(client, ended_code, ended_seat),
        "another live code without a seat": ask(client, other_code, None),
        "a seat too long to be one": ask(client, code, "A" * 5000),
    }
    assert len(set(answers.values())) == 1, answers
    assert next(iter(answers.values())) == (404, b'{"version":null}', "no-store")


def test_guessing_codes_there_finds_nothing(room, client):
    _, code, seat = room["live"]
    guesses = [code[:-1] + letter for letter in ALPHABET if letter != code[-1]]
    guesses += [code]  # the right code itself, asked without a seat, as a guesser must
    answers = {ask(client, guess, None) for guess in guesses}
    assert answers == {(404, b'{"version":null}', "no-store")}
