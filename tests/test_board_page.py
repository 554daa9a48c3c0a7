"""The board's page (collab_assess/assessment/board_page.py): the three weakest areas with a next
step each, the splits with how many people chose each level, the agreed levels, the open actions
soonest first and the matrix of areas; and, on Results, the first screen's counts agree with the
labels of the full lists folded below it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from collab_assess.assessment.board_page import (
    FIRST_SHOWN,
    board_page,
    counts_in_words,
    shortened,
)
from collab_assess.assessment.results import round_results
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
)
from pages.widgets.board_page import (
    every_action_label,
    every_agreed_label,
    every_split_label,
    every_statement_label,
)
from tests.helpers.apptest import results_page_on, texts
from tests.helpers.banks import guided_bank_data
from tests.helpers.factories import answer, bank_data

AREAS = ("PB", "SG", "DS", "PD")
LEVELS = {"PB": 3, "SG": 1, "DS": 2, "PD": 1}
"""Everyone's level in each area, but for the statements below and the levels agreed: PD is
lowest, then SG (lifted by the level agreed for SG-2), then DS; PB is the strongest, so it is left
out of the three weakest."""
SPLIT = {"DS-2": [1, 1, 4, 4], "PB-3": [1, 4, 4, 4]}
"""DS-2: two at 1 and two at 4, a clear split. PB-3: one person out of step, not a split."""


def four_area_bank() -> QuestionBank:
    """The tests' guided bank (version 2: next steps), with a fourth area."""
    data = guided_bank_data()
    extra = bank_data(version=2, areas=("PD",))
    for statement in extra["statements"]:
        statement["evidence"] = f"Papers showing {statement['id']}."
        statement["next_step"] = {"emerging": f"Start {statement['id']}.",
                                  "developing": "Spread.", "maturing": "Review."}
    data["areas"] += extra["areas"]
    data["statements"] += extra["statements"]
    data["mapping"]["statements"] += [{"old": s["id"], "new": [s["id"]], "change": "reworded"}
                                      for s in extra["statements"]]
    return QuestionBank.model_validate(data)


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> dict:
    path: Path = tmp_path_factory.mktemp("board") / "board.duckdb"
    bank = four_area_bank()
    store = Store(path)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Board page"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-03-01"),
                                    bank, "lead")
        for number in range(4):
            person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
            for statement in bank.statements:
                level = SPLIT.get(statement.id, [LEVELS[statement.area]] * 4)[number]
                store.record_answer(round_id, person, statement.id, answer(level))
        # A workshop agreed two levels: SG-2 first in time, but the bank's order puts PB-1 first.
        store.record_consensus(round_id, "SG-2", ConsensusInput(
            level=2, rationale="Minutes show it.", recorded_by="lead"))
        store.record_consensus(round_id, "PB-1", ConsensusInput(level=3, recorded_by="lead"))
        actions = [
            ActionInput(description="No date yet", owner="Chair", statement_id="SG-1",
                        recorded_by="lead"),
            ActionInput(description="Due later", owner="Director", due_on=date(2026, 9, 1),
                        area_id="DS", recorded_by="lead"),
            ActionInput(description="Done already", due_on=date(2026, 4, 1), area_id="DS",
                        recorded_by="lead"),
            ActionInput(description="Due first", owner="", due_on=date(2026, 5, 1),
                        statement_id="DS-2", recorded_by="lead"),
            ActionInput(description="Dropped", area_id="PB", recorded_by="lead"),
        ]
        ids = [store.add_action(round_id, action) for action in actions]
        store.update_action_status(ids[2], ActionStatusInput(status="done", changed_by="lead"))
        store.update_action_status(ids[4], ActionStatusInput(status="dropped", changed_by="lead"))
        store.update_action_status(ids[1], ActionStatusInput(status="in progress",
                                                             changed_by="lead"))
    finally:
        store.close()
    return {"path": path, "collaborative": collaborative, "round": round_id, "bank": bank}


@pytest.fixture(scope="module")
def board(database):
    store = Store(database["path"])
    try:
        yield board_page(store, round_results(store, database["round"]))
    finally:
        store.close()


def test_the_three_weakest_areas_each_come_with_the_step_from_their_weakest_statement(board):
    weakest = board.weakest_areas
    assert len(weakest) == FIRST_SHOWN
    # PD at 1.00; SG at 1.33 (the 2 agreed for SG-2); DS at 2.17 (DS-2's median is 2.5).
    assert [area.area_id for area in weakest] == ["PD", "SG", "DS"]
    assert [round(area.score, 2) for area in weakest] == [1.0, 1.33, 2.17]
    assert [area.stage for area in weakest] == [Level.EMERGING, Level.EMERGING, Level.DEVELOPING]
    pd_area = weakest[0]
    assert pd_area.statement_id == "PD-1" and pd_area.statement_score == 1.0
    assert pd_area.next_step is not None and pd_area.next_step.step == "Start PD-1."
    assert pd_area.next_step.next_level == Level.DEVELOPING
    assert "PB" not in [area.area_id for area in weakest]


def test_splits_say_how_many_people_chose_each_level(board):
    assert [split.statement_id for split in board.splits] == ["DS-2"]  # PB-3 is one out of step
    split = board.splits[0]
    assert split.level_counts == {Level.EMERGING: 2, Level.DEVELOPING: 0, Level.MATURING: 0,
                                  Level.THRIVING: 2}
    assert counts_in_words(split.level_counts) == "2 Emerging, 2 Thriving"
    assert split.area == "Area DS" and split.agreed is None


def test_agreed_levels_come_in_the_banks_order_with_their_reasons(board):
    assert [(a.statement_id, a.level, a.area_id) for a in board.agreed] == [
        ("PB-1", Level.MATURING, "PB"), ("SG-2", Level.DEVELOPING, "SG")]
    assert board.agreed[1].rationale == "Minutes show it." and board.agreed[0].rationale == ""


def test_open_actions_come_soonest_due_first_and_those_with_no_date_last(board):
    assert len(board.actions) == 5  # every action, done and dropped too, as recorded
    assert [a.description for a in board.open_actions] == ["Due first", "Due later",
                                                           "No date yet"]
    first, later, undated = board.open_actions
    assert (first.statement_id, first.area_id, first.area) == ("DS-2", "DS", "Area DS")
    assert later.status == "in progress" and later.is_open
    assert (undated.area_id, undated.owner, undated.due_on) == ("SG", "Chair", None)


def test_the_matrix_has_every_area_with_its_agreed_levels_splits_and_open_actions(board):
    rows = {row.area_id: row for row in board.matrix}
    assert [row.area_id for row in board.matrix] == list(AREAS)  # the bank's order
    assert [a.statement_id for a in rows["PB"].agreed] == ["PB-1"]
    assert rows["DS"].splits == ("DS-2",) and rows["PB"].splits == ()
    assert {area: row.open_actions for area, row in rows.items()} == {
        "PB": 0, "SG": 1, "DS": 2, "PD": 0}  # the dropped PB and done DS actions are not open
    # PB: 3, 3 and PB-3's 4 (one person out of step does not move the median).
    assert rows["PD"].stage == Level.EMERGING and rows["PB"].stage == Level.THRIVING
    assert rows["PB"].target is None and rows["PB"].target_stage is None  # nobody set one


def test_a_round_shown_as_its_summary_only_has_no_board_page(board, database):
    store = Store(database["path"])
    try:
        summary_only = replace(round_results(store, database["round"]), detail_hidden=True)
        with pytest.raises(ValueError):
            board_page(store, summary_only)
    finally:
        store.close()


def test_long_text_is_shortened_at_a_word_with_an_ellipsis():
    assert shortened("short", 20) == "short"
    assert shortened("one two three four five", 12) == "one two…"
    assert shortened("line\nbreaks   and  spaces", 40) == "line breaks and spaces"


# -- on Results ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results(database):
    return results_page_on(database["path"], database["collaborative"])


def test_results_opens_with_the_board_page_and_its_counts_match_the_folded_lists(results, board,
                                                                                  database):
    markdown = texts(results.markdown)
    assert "**Where to act first: the 3 weakest areas**" in markdown
    assert "1. **Area PD** · 1.00, 1 Emerging" in markdown
    assert "**Next step** (PD-1 to 2 Developing): Start PD-1." in markdown
    assert f"**Splits to discuss ({len(board.splits)})**" in markdown
    assert "**DS-2** We do thing 2 of DS. *(2 Emerging, 2 Thriving)*" in markdown
    assert f"**Agreed levels ({len(board.agreed)})**" in markdown
    assert "**SG-2** agreed **2 Developing** · Area SG" in markdown
    assert f"**Open actions ({len(board.open_actions)})**" in markdown
    assert "**Due 01/05/2026** · *no owner yet*: Due first" in markdown
    assert markdown.index("Due first") < markdown.index("Due later") < markdown.index(
        "No date yet")
    labels = [expander.label for expander in results.expander]
    statements = len(database["bank"].statements)
    for label in (every_statement_label(statements), every_split_label(len(board.splits)),
                  every_agreed_label(len(board.agreed)), every_action_label(len(board.actions))):
        assert label in labels, label
    # The first screen comes before everything folded ("In detail").
    first = markdown.index("Where to act first")
    assert first < markdown.index("Minutes show it.")  # the reason is only in the folded list
