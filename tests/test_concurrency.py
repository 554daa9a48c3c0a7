"""Many people saving at once: every acknowledged write is kept, and the newest is current."""

from __future__ import annotations

import threading

import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from collab_assess.store.inputs import RespondentInput
from tests.helpers.factories import answer
from tests.helpers.threads import run_threads

WORKSHOP_SIZE = 40
SAME_ANSWER_WRITERS = 8
CHANGES_EACH = 15


def test_forty_people_each_saving_a_full_set_of_answers(store: Store, open_round: int,
                                                        small_bank: QuestionBank):
    acknowledged: dict[tuple[int, str], tuple[int, int]] = {}
    lock = threading.Lock()

    def respondent_saves_everything(index: int) -> None:
        respondent = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
        for n, statement in enumerate(small_bank.statements):
            level = (index + n) % 4 + 1
            answer_id = store.record_answer(open_round, respondent, statement.id, answer(level))
            with lock:
                acknowledged[(respondent, statement.id)] = (answer_id, level)

    assert run_threads(WORKSHOP_SIZE, respondent_saves_everything) == []

    expected = WORKSHOP_SIZE * len(small_bank.statements)
    assert len(acknowledged) == expected
    history = store.answer_history(open_round).set_index("id")
    assert len(history) == expected
    current = store.current_answers([open_round])
    assert len(current) == expected
    for (respondent, statement_id), (answer_id, level) in acknowledged.items():
        assert history.loc[answer_id, "level"] == level
        assert history.loc[answer_id, "respondent_id"] == respondent
        assert history.loc[answer_id, "statement_id"] == statement_id


def test_eight_people_changing_the_same_answer_at_once(store: Store, open_round: int,
                                                       respondent: int):
    acknowledged: list[tuple[int, int]] = []
    lock = threading.Lock()

    def keep_changing(index: int) -> None:
        for change in range(CHANGES_EACH):
            level = (index + change) % 4 + 1
            note = f"writer {index} change {change}"
            answer_id = store.record_answer(open_round, respondent, "PB-1",
                                            answer(level, note=note))
            with lock:
                acknowledged.append((answer_id, note))

    assert run_threads(SAME_ANSWER_WRITERS, keep_changing) == []

    assert len(acknowledged) == SAME_ANSWER_WRITERS * CHANGES_EACH
    history = store.answer_history(open_round, respondent, "PB-1").set_index("id")
    for answer_id, note in acknowledged:
        assert history.loc[answer_id, "note"] == note, "an acknowledged write is missing"
    assert len(history) == len(acknowledged), "a write that was not acknowledged was kept"

    current = store.current_answers([open_round])
    assert len(current) == 1
    newest_id = max(answer_id for answer_id, _ in acknowledged)
    assert current.iloc[0]["answer_id"] == newest_id
    assert current.iloc[0]["note"] == dict(acknowledged)[newest_id]


def test_reads_during_writes_never_see_a_half_saved_answer(store: Store, open_round: int,
                                                           respondent: int):
    """Every answer a reader sees is complete: the current view never points at a missing row."""
    stop = threading.Event()
    seen: list[pd.DataFrame] = []

    def read_until_stopped() -> None:
        while not stop.is_set():
            seen.append(store.current_answers([open_round]))

    reader = threading.Thread(target=read_until_stopped)
    reader.start()
    try:
        for level in [1, 2, 3, 4] * 10:
            store.record_answer(open_round, respondent, "SG-1", answer(level))
    finally:
        stop.set()
        reader.join()
    assert seen
    for frame in seen:
        assert len(frame) <= 1
        assert frame["level"].notna().all()


def test_two_people_creating_the_same_collaborative_at_once_get_one(store: Store):
    from collab_assess.errors import InputError
    from collab_assess.store.inputs import CollaborativeProfile

    outcomes: list[str] = []

    def create(index: int) -> None:
        try:
            store.create_collaborative(CollaborativeProfile(name="Same Name"), f"person {index}")
            outcomes.append("created")
        except InputError:
            outcomes.append("told it exists")

    assert run_threads(6, create) == []
    assert sorted(outcomes) == ["created"] + ["told it exists"] * 5
    assert store.collaboratives()["name"].tolist() == ["Same Name"]
