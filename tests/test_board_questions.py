"""The board questions and next steps on Results: worked out from a round's own bank and answers,
each question answered by its statements' scores, answers and evidence (never an average), shown on
a version-2 or version-3 round, absent from a version-1 round; and the version-3 remapping."""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Expander

from collab_assess.assessment.board_questions import HEADING, board_answers
from collab_assess.assessment.results import round_results
from collab_assess.content.bank import BANK_DIRECTORY, QuestionBank, load_bank_file, load_banks
from collab_assess.content.next_steps import next_step, next_steps_for
from collab_assess.content.scale import Level
from collab_assess.store import Store
from collab_assess.store.inputs import (
    AnswerInput,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
)
from tests.helpers.apptest import results_page_on, texts
from tests.helpers.banks import guided_bank_data
from tests.helpers.factories import answer


@pytest.fixture
def guided_bank() -> QuestionBank:
    data = guided_bank_data()
    data["board_questions"][0]["statements"] = ["PB-1", "SG-1", "DS-1"]
    data["board_questions"].append({"number": 2, "question": "Nobody answered this?",
                                    "statements": ["DS-2"], "source": "000_14819e0e06ef0d46.txt, "
                                    "section 'Risk management and oversight for trust boards'"})
    return QuestionBank.model_validate(data)


def round_with(store: Store, bank: QuestionBank, answers: list[dict[str, int]]) -> int:
    collaborative = store.create_collaborative(CollaborativeProfile(name="Board test"), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-12-01"),
                                bank, "lead")
    for levels in answers:
        person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
        for statement_id, level in levels.items():
            store.record_answer(round_id, person, statement_id, answer(level))
    return round_id


# -- working out the answers ----------------------------------------------------------------------


def test_a_board_question_is_answered_by_its_statements_never_by_an_average(store, guided_bank):
    round_id = round_with(store, guided_bank, [{"PB-1": 1, "SG-1": 3, "PB-2": 4},
                                               {"PB-1": 2, "SG-1": 3, "PB-2": 4}])
    first, second = board_answers(round_results(store, round_id))
    assert (first.number, first.question) == (1, "Is it aligned?")
    rows = {row.statement_id: row for row in first.statements}
    assert [row.statement_id for row in first.statements] == ["PB-1", "SG-1", "DS-1"]  # bank order
    assert rows["PB-1"].score == 1.5 and rows["SG-1"].score == 3.0 and rows["DS-1"].score is None
    assert [row.stage for row in first.statements] == [Level.EMERGING, Level.MATURING, None]
    assert (first.scored, first.asked) == (2, 3)
    assert not hasattr(first, "score") and not hasattr(first, "stage")  # no question average
    assert rows["PB-1"].answered == "1 Emerging, 1 Developing"
    assert rows["SG-1"].answered == "2 Maturing"
    assert rows["DS-1"].answered == "no answers yet"
    assert rows["PB-1"].look_for == "Papers showing PB-1."
    assert second.scored == 0


def test_each_statement_carries_its_answers_and_the_evidence_people_gave(store, guided_bank):
    round_id = round_with(store, guided_bank, [{"SG-1": 3}, {"SG-1": 3}, {"SG-1": 2}])
    person = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    store.record_answer(round_id, person, "SG-1", answer(3, note="Minutes of May, item 4"))
    dont_know = store.add_respondent(round_id, RespondentInput(role="Executive director"))
    store.record_answer(round_id, dont_know, "SG-1", AnswerInput(unscored="dont_know",
                                                                 recorded_by="tester"))
    (first, _) = board_answers(round_results(store, round_id))
    row = next(row for row in first.statements if row.statement_id == "SG-1")
    assert row.answered == "1 Developing, 3 Maturing, 1 Don't know"
    (note,) = row.evidence
    assert note.note == "Minutes of May, item 4"
    assert note.role == "Executive director" and note.answer == "Maturing"  # a group of 5


def test_a_bank_without_board_questions_gives_none(store, small_bank):
    round_id = round_with(store, small_bank, [{"PB-1": 2}])
    assert board_answers(round_results(store, round_id)) == []


def test_the_next_level_is_the_one_above_the_stage_the_score_is_in(guided_bank):
    start = next_step(guided_bank, "PB-1", 1.0)
    assert (start.stage, start.next_level) == (Level.EMERGING, Level.DEVELOPING)
    assert (start.looks_like, start.step) == ("Started.", "Start.")
    # 2.5 (a room split evenly between 2 and 3) is on the edge between Developing and Maturing: it
    # reads as the lower stage, Developing, as everywhere (the bank's best-fit rule).
    edge = next_step(guided_bank, "PB-1", 2.5)
    assert (edge.stage, edge.next_level, edge.looks_like, edge.step) == (
        Level.DEVELOPING, Level.MATURING, "Mostly.", "Spread.")
    assert next_step(guided_bank, "PB-1", 2.4).next_level is Level.MATURING
    assert next_step(guided_bank, "PB-1", 3.0).next_level is Level.THRIVING
    assert next_step(guided_bank, "PB-1", 4.0) is None  # already at the top
    assert next_step(guided_bank, "PB-1", float("nan")) is None
    assert next_step(guided_bank, "PB-9", 1.0) is None


def test_a_bank_without_next_steps_gives_none(small_bank):
    assert next_step(small_bank, "PB-1", 1.0) is None
    table = pd.DataFrame({"statement_id": ["PB-1", "SG-1"], "score": [1.0, 2.0]})
    assert next_steps_for(small_bank, table) == {}


def test_next_steps_for_a_table_leave_out_the_top_and_the_unscored(guided_bank):
    table = pd.DataFrame({"statement_id": ["PB-1", "PB-2", "PB-3"], "score": [1.0, 4.0, None]})
    assert list(next_steps_for(guided_bank, table)) == ["PB-1"]


# -- on the Results page --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rounds_on_each_version(tmp_path_factory) -> dict:
    """Two collaboratives, each with three people: one on version 2 with DI-2 weakest (every level
    1), PB-2 next (2) and every other statement 3; one on version 1 with the same pattern."""
    path = tmp_path_factory.mktemp("board") / "board.duckdb"
    v1 = load_bank_file(BANK_DIRECTORY / "bank-v1.toml")
    v2 = load_banks()[2]
    store = Store(path)
    try:
        ids = {}
        for version, bank in ((1, v1), (2, v2)):
            levels = {s.id: {"DI-2": 1, "PB-2": 2}.get(s.id, 3) for s in bank.statements}
            ids[version] = store.create_collaborative(
                CollaborativeProfile(name=f"On version {version}"), "lead")
            round_id = store.open_round(ids[version], RoundInput(label="R1", opens_on="2026-03-01"),
                                        bank, "lead")
            for _ in range(3):
                person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
                for statement_id, level in levels.items():
                    store.record_answer(round_id, person, statement_id, answer(level))
    finally:
        store.close()
    return {"path": path, "ids": ids, "v2": v2}


def results_for(database: dict, version: int) -> AppTest:
    return results_page_on(database["path"], database["ids"][version])


def top_level_labels(test: AppTest) -> list[str]:
    """The labels of the expanders directly on the page (not those inside another)."""
    return [element.label for element in test.main.children.values()
            if isinstance(element, Expander)]


@pytest.fixture(scope="module")
def on_v2(rounds_on_each_version) -> AppTest:
    return results_for(rounds_on_each_version, 2)


@pytest.fixture(scope="module")
def on_v1(rounds_on_each_version) -> AppTest:
    return results_for(rounds_on_each_version, 1)


def test_results_on_a_version_2_round_shows_all_five_board_questions_with_their_answers(
    on_v2, rounds_on_each_version
):
    v2 = rounds_on_each_version["v2"]
    assert f"{HEADING} ({len(v2.board_questions)})" in top_level_labels(on_v2)
    markdown = texts(on_v2.markdown)
    for question in v2.board_questions:
        assert f"**{question.number}. {question.question}**" in markdown
    # Question 1: each statement with its score, its answers and what to look for; no average.
    assert "Answered by all 3 statements:" in markdown
    assert f"**2.0, Developing** · {v2.statements_by_id['PB-2'].statement} *(PB-2, " in markdown
    assert f"**3.0, Maturing** · {v2.statements_by_id['PB-1'].statement} *(PB-1, " in markdown
    assert "Answers: 3 Developing" in markdown and "Answers: 3 Maturing" in markdown
    assert f"What to look for: {v2.statements_by_id['PB-1'].evidence}" in markdown
    assert "Your answer:" not in markdown and "score 2.67" not in markdown
    # The questions come together, folded under one label, right after the survey.
    labels = top_level_labels(on_v2)
    survey = next(i for i, label in enumerate(labels) if label.startswith("Beside the 2022 survey"))
    assert labels[survey + 1] == f"{HEADING} ({len(v2.board_questions)})"


def test_results_on_a_version_2_round_shows_the_next_step_for_the_weakest_statements(
    on_v2, rounds_on_each_version
):
    v2 = rounds_on_each_version["v2"]
    markdown = texts(on_v2.markdown)
    weakest = v2.statements_by_id["DI-2"]
    assert (f"**1.0** · {weakest.statement} *(DI-2, Interoperable digital capabilities)*\n\n"
            f"**Next level, 2 Developing:** {weakest.levels.developing}  \n"
            f"**To get there:** {weakest.next_step.emerging}") in markdown
    second = v2.statements_by_id["PB-2"]
    assert (f"**Next level, 3 Maturing:** {second.levels.maturing}  \n"
            f"**To get there:** {second.next_step.developing}") in markdown
    assert "each with what its next level looks like" in texts(on_v2.caption)


def test_results_on_a_version_1_round_has_no_board_questions_or_next_steps(on_v1):
    labels = top_level_labels(on_v1)
    assert not any(label.startswith(HEADING) for label in labels)
    assert HEADING not in texts(on_v1.markdown) + texts(on_v1.header)
    markdown = texts(on_v1.markdown)
    assert "To get there" not in markdown and "Next level," not in markdown
    assert "**Next step**" not in markdown  # nor on the first screen: its weakest statement
    assert "Its weakest statement: " in markdown
    assert any(label.startswith("Every statement, weakest first (") for label in labels)
    assert "**1.0** · " in markdown


def test_the_page_stays_free_of_raw_html(on_v2):
    assert not any(element.proto.allow_html for element in on_v2.markdown)


def test_the_number_of_statements_behind_an_answer_reads_as_words():
    from collab_assess.assessment.board_questions import statements_counted

    assert statements_counted(2, 2) == "both statements"
    assert statements_counted(3, 3) == "all 3 statements"
    assert statements_counted(1, 1) == "its one statement"
    assert statements_counted(2, 3) == "2 of its 3 statements"


# -- version 3: the questions remapped -------------------------------------------------------------


def test_version_3_maps_question_1_to_the_trusts_own_strategy_and_question_5_to_escalation():
    v3 = load_banks()[3]
    questions = {q.number: q for q in v3.board_questions}
    assert [q.number for q in v3.board_questions] == [1, 2, 3, 4, 5]
    # Q1: only the trust's own board and strategy, never fit with ICS plans (v2's PB-4).
    assert questions[1].statements == ["PB-10", "PB-8"]
    for statement_id in questions[1].statements:
        assert v3.statements_by_id[statement_id].statement.startswith("Our board")
    # Q5: escalation (disputes), support (oversight segments 4 and 5) and exit; not mutual aid.
    assert questions[5].statements == ["SG-3", "PS-7", "LG-5"]
    assert "PB-6" not in questions[5].statements
    assert "segment 4 or 5" in v3.statements_by_id["PS-7"].statement
    assert "leave" in v3.statements_by_id["LG-5"].statement
    assert "escalate" in questions[5].question and "leave" in questions[5].question
    for question in v3.board_questions:
        assert set(question.statements) <= set(v3.statements_by_id)


def test_results_on_a_version_3_round_show_the_policy_stamp_and_where_things_come_from(app_db):
    v3 = load_banks()[3]
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="On version 3"),
                                                   "lead")
        round_id = store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-12-01"),
                                    v3, "lead")
        for _ in range(3):
            person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
            for statement in v3.statements:
                store.record_answer(round_id, person, statement.id, answer(2))
    finally:
        store.close()
    page = results_page_on(app_db, collaborative)
    assert not page.exception
    assert any("Policy as at 31 January 2026" in str(caption.value) for caption in page.caption)
    shown = texts(page.markdown)
    # Sources by public title, publisher and date, never a seed file name or a register key.
    assert "NHS Providers, 'Working together at scale" in shown
    assert "The Health Care Services (Provider Selection Regime) Regulations 2023" in shown
    assert ".txt" not in shown and "provider-selection-regime-2023" not in shown
    assert "Policy as at 31 January 2026" in shown
