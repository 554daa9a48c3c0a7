"""A collaborative's export: the Answers columns another program reads back, one row per current
answer, the Results page's scores, consensus and actions, a Read me and a documented column for
every column, and no cell a spreadsheet could run as a formula, in the workbook or in CSV."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pandas as pd
import pytest

from collab_assess.assessment.results import round_results
from collab_assess.content.bank import QuestionBank
from collab_assess.exchange.export import (
    ANSWER_COLUMNS,
    DEMO_WARNING,
    TABLES,
    collaborative_export,
    export_answers_csv,
    export_csv_zip,
    export_file_name,
    export_xlsx,
)
from collab_assess.exchange.export_sheets import Sheet, csv_bytes, xlsx_bytes
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    AnswerChange,
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
    StageInput,
)
from tests.helpers.factories import answer

EXPECTED_ANSWER_COLUMNS = [
    "round", "respondent", "name", "role", "organisation", "area_id", "area", "statement_id",
    "statement", "level", "level_name", "unscored", "target_level", "note", "recorded_at", "source",
]


def collaborative_of(store: Store, round_id: int) -> int:
    return store.get_round(round_id).collaborative_id


def workbook(export) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(export_xlsx(export)))


def rows(sheet) -> list[dict]:
    """A sheet's rows as dicts keyed by its header row."""
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def cells(sheet, column: str) -> list:
    """The cells (not values) of one column, below the header."""
    header = [cell.value for cell in sheet[1]]
    index = header.index(column)
    return [row[index] for row in sheet.iter_rows(min_row=2)]


def zipped(export) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(export_csv_zip(export))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def csv_table(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), encoding="utf-8-sig", dtype=str, keep_default_na=False)


@pytest.fixture
def answered(store: Store, open_round: int, small_bank: QuestionBank) -> int:
    """The open round with two people: the first answered PB-1 (changed from 1 to 3, with a note
    and a target) and PB-2 (Don't know); the second answered PB-1 at 2."""
    first = store.add_respondent(open_round, RespondentInput(
        role="Executive director", organisation="North Trust", display_name="Ann"))
    second = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    store.record_answer(open_round, first, "PB-1", answer(1))
    store.change_answer(open_round, first, "PB-1", AnswerChange(
        level=3, recorded_by="Ann", note="Minutes of May board", target_level=4))
    store.record_answer(open_round, first, "PB-2", answer(unscored="dont_know"))
    store.record_answer(open_round, second, "PB-1", answer(2))
    return open_round


def test_the_answers_table_has_exactly_the_agreed_columns_in_order(store, answered):
    export = collaborative_export(store, collaborative_of(store, answered))
    assert list(ANSWER_COLUMNS) == EXPECTED_ANSWER_COLUMNS
    assert list(export.answers.columns) == EXPECTED_ANSWER_COLUMNS
    header = [cell.value for cell in workbook(export)["Answers"][1]]
    assert header == EXPECTED_ANSWER_COLUMNS
    assert list(csv_table(export_answers_csv(export)).columns) == EXPECTED_ANSWER_COLUMNS
    assert list(csv_table(zipped(export)["answers.csv"]).columns) == EXPECTED_ANSWER_COLUMNS


def test_one_row_per_current_answer_and_a_changed_answer_shows_its_newest_value(store, answered):
    answers = collaborative_export(store, collaborative_of(store, answered)).answers
    assert len(answers) == 3
    assert answers[["respondent", "statement_id"]].values.tolist() == [
        [1, "PB-1"], [1, "PB-2"], [2, "PB-1"]]
    changed = answers.iloc[0]
    assert changed["level"] == 3 and changed["level_name"] == "Maturing"
    assert changed["target_level"] == 4 and changed["note"] == "Minutes of May board"
    assert changed["name"] == "Ann" and changed["organisation"] == "North Trust"
    assert changed["round"] == "Round 1" and changed["area"] == "Area PB"
    assert changed["statement"] == "We do thing 1 of PB."
    dont_know = answers.iloc[1]
    assert pd.isna(dont_know["level"]) and dont_know["level_name"] == ""
    assert dont_know["unscored"] == "Don't know"
    assert answers.iloc[2]["name"] == "" and answers.iloc[2]["role"] == "Clinical lead"


def test_levels_are_whole_numbers_and_blanks_are_blank_in_every_format(store, answered):
    export = collaborative_export(store, collaborative_of(store, answered))
    table = csv_table(export_answers_csv(export))
    assert table["level"].tolist() == ["3", "", "2"]
    assert table["target_level"].tolist() == ["4", "", ""]
    sheet = workbook(export)["Answers"]
    levels = cells(sheet, "level")
    assert [cell.value for cell in levels] == [3, None, 2]
    assert levels[0].data_type == "n"


def test_respondents_are_numbered_within_each_round_and_rounds_run_oldest_first(
        store, answered, small_bank):
    collaborative = collaborative_of(store, answered)
    earlier = store.open_round(collaborative, RoundInput(label="Round 0", opens_on="2025-01-05"),
                               small_bank, "tester")
    person = store.add_respondent(earlier, RespondentInput(role="Clinical lead"))
    store.record_answer(earlier, person, "SG-1", answer(4))
    store.close_round(earlier, "tester")
    export = collaborative_export(store, collaborative)
    assert export.rounds["round"].tolist() == ["Round 0", "Round 1"]
    assert export.rounds["round_status"].tolist() == ["submitted", "open"]
    assert export.answers[["round", "respondent"]].drop_duplicates().values.tolist() == [
        ["Round 0", 1], ["Round 1", 1], ["Round 1", 2]]


def test_scores_are_the_results_pages_and_say_whether_the_round_is_open_or_provisional(
        store, answered):
    export = collaborative_export(store, collaborative_of(store, answered))
    results = round_results(store, answered)
    areas = export.area_scores
    assert areas["area_id"].tolist() == ["PB", "SG", "DS"]
    assert areas["score"].tolist()[0] == pytest.approx(results.areas["score"].iloc[0])
    assert areas.iloc[0]["score"] == pytest.approx(2.5)  # PB-1 median of 3 and 2; PB-2 unscored
    assert areas.iloc[0]["stage"] == "Developing"  # on the edge: the lower stage
    assert areas["round_status"].unique().tolist() == ["open"]
    assert areas["provisional"].unique().tolist() == [True]  # 1 of 9 statements scored
    statements = export.statement_scores.set_index("statement_id")
    assert len(statements) == 9
    assert statements.loc["PB-1", "score"] == 2.5 and statements.loc["PB-1", "levels_given"] == 2
    assert statements.loc["PB-2", "dont_know"] == 1 and statements.loc["PB-2", "information_gap"]
    assert pd.isna(statements.loc["DS-3", "score"]) and statements.loc["DS-3", "stage"] == ""
    summary = export.rounds.iloc[0]
    assert summary["overall_score"] == pytest.approx(results.overall)
    assert summary["provisional"] and summary["statements_scored"] == 1
    assert summary["people_took_part"] == 2 and summary["statements"] == 9


def test_consensus_and_actions_carry_their_rounds_and_statements(store, answered):
    store.record_consensus(answered, "SG-2", ConsensusInput(level=2, rationale="Agreed in May",
                                                            recorded_by="Chair"))
    store.add_action(answered, ActionInput(description="Write the plan", owner="Bo",
                                           due_on="2026-06-30", statement_id="SG-2",
                                           recorded_by="Chair"))
    store.add_action(answered, ActionInput(description="Review membership", recorded_by="Chair"))
    export = collaborative_export(store, collaborative_of(store, answered))
    consensus = export.consensus.iloc[0]
    assert (consensus["round"], consensus["statement_id"], consensus["area"]) == (
        "Round 1", "SG-2", "Area SG")
    assert consensus["level"] == 2 and consensus["level_name"] == "Developing"
    assert consensus["rationale"] == "Agreed in May"
    statements = export.statement_scores.set_index("statement_id")
    assert statements.loc["SG-2", "score"] == 2 and statements.loc["SG-2", "agreed_level"] == 2
    actions = export.actions
    assert actions["action"].tolist() == ["Write the plan", "Review membership"]
    assert actions.iloc[0]["area_id"] == "SG"  # taken from its statement
    assert actions.iloc[0]["statement"] == "We do thing 2 of SG."
    assert str(actions.iloc[0]["due_on"]) == "2026-06-30" and actions.iloc[1]["due_on"] is None
    assert csv_table(zipped(export)["actions.csv"])["due_on"].tolist() == ["2026-06-30", ""]


FORMULAS = {
    "name": "=HYPERLINK(\"http://x\",\"y\")",
    "organisation": "+SUM(A1:A9)",
    "note": "-2+3",
    "action": "@SUM(1,1)",
    "owner": "=1+1",
    "rationale": "=cmd|' /C calc'!A0",
}


@pytest.fixture
def formulas(store: Store, open_round: int) -> Store:
    person = store.add_respondent(open_round, RespondentInput(
        role="Executive director", organisation=FORMULAS["organisation"],
        display_name=FORMULAS["name"]))
    store.record_answer(open_round, person, "PB-1", answer(2, note=FORMULAS["note"]))
    store.record_answer(open_round, person, "PB-2", answer(1, note="#N/A"))
    store.record_consensus(open_round, "PB-1", ConsensusInput(
        level=3, rationale=FORMULAS["rationale"], recorded_by="Chair"))
    store.add_action(open_round, ActionInput(description=FORMULAS["action"],
                                             owner=FORMULAS["owner"], recorded_by="Chair"))
    return store


@pytest.mark.parametrize(("sheet", "column"), [
    ("Answers", "name"), ("Answers", "organisation"), ("Answers", "note"),
    ("Respondents", "name"), ("Consensus", "rationale"), ("Actions", "action"),
    ("Actions", "owner")])
def test_formula_like_text_is_stored_as_text_in_the_workbook(formulas, open_round, sheet, column):
    export = collaborative_export(formulas, collaborative_of(formulas, open_round))
    typed = FORMULAS["name" if sheet == "Respondents" else column]
    found = cells(workbook(export)[sheet], column)
    assert found, f"{sheet} has a row"
    cell = found[0]
    assert cell.data_type == "s"
    assert cell.value == "'" + typed


@pytest.mark.parametrize(("file", "column"), [
    ("answers.csv", "name"), ("answers.csv", "organisation"), ("answers.csv", "note"),
    ("respondents.csv", "name"), ("consensus.csv", "rationale"), ("actions.csv", "action"),
    ("actions.csv", "owner")])
def test_formula_like_text_is_neutralised_in_csv(formulas, open_round, file, column):
    export = collaborative_export(formulas, collaborative_of(formulas, open_round))
    typed = FORMULAS["name" if file == "respondents.csv" else column]
    assert csv_table(zipped(export)[file])[column].iloc[0] == "'" + typed
    if file == "answers.csv":
        assert csv_table(export_answers_csv(export))[column].iloc[0] == "'" + typed


def test_text_excel_would_read_as_an_error_code_stays_text(formulas, open_round):
    export = collaborative_export(formulas, collaborative_of(formulas, open_round))
    notes = cells(workbook(export)["Answers"], "note")
    assert notes[1].value == "#N/A" and notes[1].data_type == "s"


def test_only_text_is_escaped_and_numbers_stay_numbers():
    table = pd.DataFrame({"text": ["-1", "=A1", "\tx", "\rx", "@x", "plain", "+"],
                          "number": [-1, 2, -3, 4, 5, 6, -7],
                          "fraction": [-0.5, None, 1.5, 0, 0, 0, 0]})
    expected = ["'-1", "'=A1", "'\tx", "'\rx", "'@x", "plain", "'+"]
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_bytes([Sheet("T", table)])))["T"]
    # (An Excel file is XML, whose readers turn a carriage return into a line feed.)
    assert [cell.value.replace("\n", "\r") for cell in cells(sheet, "text")] == expected
    assert {cell.data_type for cell in cells(sheet, "text")} == {"s"}
    assert [cell.value for cell in cells(sheet, "number")] == [-1, 2, -3, 4, 5, 6, -7]
    assert {cell.data_type for cell in cells(sheet, "number")} == {"n"}
    assert cells(sheet, "fraction")[0].value == -0.5 and cells(sheet, "fraction")[1].value is None
    read = pd.read_csv(io.BytesIO(csv_bytes(table)), encoding="utf-8-sig", dtype=str,
                       keep_default_na=False)
    assert read["text"].tolist() == expected
    assert read["number"].tolist() == ["-1", "2", "-3", "4", "5", "6", "-7"]


def test_control_characters_from_pasted_text_do_not_break_the_workbook(store, open_round,
                                                                       respondent):
    store.record_answer(open_round, respondent, "PB-1",
                        answer(2, note="Line one\x0bline two\x01 end"))
    export = collaborative_export(store, collaborative_of(store, open_round))
    note = cells(workbook(export)["Answers"], "note")[0].value
    assert note == "Line one\nline two end"  # Word's line break kept as one; the rest not saved
    # A note saved before control characters were left out is exported without them, in the
    # workbook and in CSV alike (issue 17: no export carries NUL or control characters).
    store._write(lambda cursor: cursor.execute(
        "UPDATE answers SET note = 'Line one' || chr(11) || 'line two' || chr(0) || chr(1) || "
        "' end'"))
    export = collaborative_export(store, collaborative_of(store, open_round))
    cleaned = "Line one\nline two\ufffd\ufffd end"
    assert cells(workbook(export)["Answers"], "note")[0].value == cleaned
    assert csv_table(export_answers_csv(export))["note"].iloc[0] == cleaned


def test_every_column_of_every_sheet_is_explained(store, answered):
    store.add_action(answered, ActionInput(description="Do it", recorded_by="Chair"))
    export = collaborative_export(store, collaborative_of(store, answered))
    book = workbook(export)
    assert book.sheetnames[:2] == ["Read me", "Columns"]
    explained = {(row["sheet"], row["column"]): row["meaning"] for row in rows(book["Columns"])}
    shown = set()
    for name in book.sheetnames[1:]:
        for cell in book[name][1]:
            shown.add((name, cell.value))
            assert explained.get((name, cell.value)), f"{name}: {cell.value} is not explained"
    assert set(explained) == shown, "the Columns sheet explains no column that is not there"
    files = {table.file for table in TABLES}
    listed = csv_table(zipped(export)["columns.csv"])
    for file, content in zipped(export).items():
        if file in files:
            documented = set(listed.loc[listed["file"] == file, "column"])
            assert set(csv_table(content).columns) == documented, file


def test_the_workbook_and_zip_hold_every_table(store, answered):
    export = collaborative_export(store, collaborative_of(store, answered))
    book = workbook(export)
    assert book.sheetnames == ["Read me", *(table.sheet for table in TABLES)]
    assert len(rows(book["Answers"])) == 3
    files = zipped(export)
    assert sorted(files) == sorted(["read_me.txt", *(table.file for table in TABLES)])
    assert all(content.startswith(b"\xef\xbb\xbf") for content in files.values()), "UTF-8 BOM"
    for table, frame in export.tables().items():
        read = csv_table(files[table.file])
        assert list(read.columns) == list(frame.columns) and len(read) == len(frame)
    assert "Test collaborative" in files["read_me.txt"].decode("utf-8-sig")


def test_a_collaborative_with_no_rounds_exports_headings_and_says_why(store):
    collaborative = store.create_collaborative(CollaborativeProfile(name="Brand new"), "tester")
    export = collaborative_export(store, collaborative)
    assert all(frame.empty for table, frame in export.tables().items() if table.sheet != "Columns")
    book = workbook(export)
    for table in TABLES:
        assert [cell.value for cell in book[table.sheet][1]] == list(table.columns)
    read_me = " ".join(row[0] for row in book["Read me"].iter_rows(values_only=True))
    assert "no assessment rounds yet" in read_me
    files = zipped(export)
    assert list(csv_table(files["answers.csv"]).columns) == EXPECTED_ANSWER_COLUMNS
    assert "no assessment rounds yet" in files["read_me.txt"].decode("utf-8-sig")


def test_a_round_people_joined_but_nobody_answered_exports(store, open_round, respondent):
    export = collaborative_export(store, collaborative_of(store, open_round))
    assert export.answers.empty and len(export.respondents) == 1
    assert export.respondents.iloc[0]["answered"] == 0
    assert export.rounds.iloc[0]["overall_stage"] == "" and export.rounds.iloc[0]["provisional"]
    assert len(rows(workbook(export)["Area scores"])) == 3


def test_unicode_is_kept_in_the_workbook_and_csv(store, open_round):
    person = store.add_respondent(open_round, RespondentInput(
        role="Clinical lead", organisation="Ysbyty Gwynedd — Bwrdd Iechyd",
        display_name="Siân Ó"))
    store.record_answer(open_round, person, "PB-1", answer(2, note="Café naïve ✓ 病院 🙂"))
    export = collaborative_export(store, collaborative_of(store, open_round))
    row = rows(workbook(export)["Answers"])[0]
    assert (row["name"], row["organisation"], row["note"]) == (
        "Siân Ó", "Ysbyty Gwynedd — Bwrdd Iechyd", "Café naïve ✓ 病院 🙂")
    read = csv_table(zipped(export)["answers.csv"]).iloc[0]
    assert (read["name"], read["note"]) == ("Siân Ó", "Café naïve ✓ 病院 🙂")


def test_demo_data_is_called_made_up_on_the_read_me(store, small_bank):
    demo = store.create_collaborative(CollaborativeProfile(name="Synthetic: Testshire"), "demo",
                                      is_demo=True)
    export = collaborative_export(store, demo)
    assert DEMO_WARNING in export.read_me()
    read_me = [row[0] for row in workbook(export)["Read me"].iter_rows(min_row=2, values_only=True)]
    assert DEMO_WARNING in read_me
    assert DEMO_WARNING in zipped(export)["read_me.txt"].decode("utf-8-sig")


def test_real_data_carries_no_demo_warning_and_no_resume_code(store, answered):
    export = collaborative_export(store, collaborative_of(store, answered))
    assert DEMO_WARNING not in export.read_me()
    codes = store.respondents([answered])["respondent_id"].map(
        lambda person: store.get_respondent(int(person)).resume_code)
    everything = b"".join(zipped(export).values()).decode("utf-8-sig", errors="replace")
    for code in codes:
        assert code not in everything


def test_the_described_stage_is_each_persons_and_the_collaboratives(store, answered):
    people = store.respondents([answered])["respondent_id"].tolist()
    for person, stage in zip(people, (1, 2), strict=True):
        store.record_self_described_stage(answered, person, StageInput(stage=stage,
                                                                       recorded_by="x"))
    export = collaborative_export(store, collaborative_of(store, answered))
    assert export.respondents["described_stage"].tolist() == ["Emerging", "Developing"]
    assert export.rounds.iloc[0]["described_stage"] == "Emerging"  # the lower middle
    assert export.rounds.iloc[0]["described_by"] == 2


@pytest.mark.parametrize(("name", "expected"), [
    ("North East Collaborative", "collab-assess-north-east-collaborative-"),
    ("Côte / Café: ../../etc", "collab-assess-cote-cafe-etc-"),
    ("=HYPERLINK()", "collab-assess-hyperlink-"),
    ("病院", "collab-assess-collaborative-"),
])
def test_the_file_name_is_safe_anywhere(store, name, expected):
    collaborative = store.create_collaborative(CollaborativeProfile(name=name), "tester")
    export = collaborative_export(store, collaborative)
    file_name = export_file_name(export, "xlsx")
    assert file_name.startswith(expected) and file_name.endswith(".xlsx")
    assert file_name.endswith(f"{export.made_at:%Y-%m-%d}.xlsx")
    assert export_file_name(export, ".zip").endswith(".zip")
    assert export_file_name(name, "zip").startswith(expected)
    long = export_file_name("x" * 200, "csv")
    assert len(long) < 100
