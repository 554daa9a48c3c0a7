"""Importing responses from CSV and Excel: reading files as people really have them, matching
columns to statements, the validation report, and the all-or-nothing write."""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from collab_assess.content.bank import QuestionBank, load_banks
from collab_assess.content.codes import normalise_resume_code
from collab_assess.content.scale import Unscored
from collab_assess.errors import InputError, RoundClosedError
from collab_assess.exchange.cells import BadValue, Choice, match_role, parse_choice, unescaped
from collab_assess.exchange.importing import plan_import, prepare_import, rounds_in_file
from collab_assess.exchange.mapping import ANSWER_COLUMNS, Field, holds_levels, statement_id_in
from collab_assess.exchange.reading import MAX_IMPORT_BYTES, ImportFileError, read_table
from collab_assess.store import Store
from collab_assess.store.import_plan import Repeats
from collab_assess.store.imports import ImportRecords
from collab_assess.store.inputs import (
    NAME_MAX,
    NOTE_MAX,
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
)
from tests.fixtures.build import PEOPLE, csv_bytes, forms_table, xlsx_bytes
from tests.helpers.factories import answer
from tests.helpers.imports import LONG, long_answers_rows

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


@pytest.fixture
def bank() -> QuestionBank:
    return load_banks()[2]


@pytest.fixture
def collaborative(store: Store, bank: QuestionBank) -> int:
    store.register_bank(bank)
    return store.create_collaborative(CollaborativeProfile(name="Northshire Collaborative"), "lead")


@pytest.fixture
def round_id(store: Store, bank: QuestionBank, collaborative: int) -> int:
    return store.open_round(collaborative, RoundInput(label="Spring 2026", opens_on="2026-03-01"),
                            bank, "lead")


def problems(plan) -> list[str]:
    return [finding.message for finding in plan.problems]


def warnings(plan) -> list[str]:
    return [finding.message for finding in plan.warnings]


def choices(plan) -> list[list[tuple]]:
    """Each person's answers, without the rows they are on."""
    return [[(a.statement_id, a.level, a.unscored, a.target_level, a.note) for a in p.answers]
            for p in plan.respondents]


def counts(store: Store) -> dict[str, int]:
    return {table: store._one(f"SELECT count(*) FROM {table}")[0]
            for table in ("respondents", "answers", "answer_heads", "imports",
                          "imported_respondents", "self_described_stages")}


# -- cells ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "meant"), [
    ("3", Choice(3, None)), (" 3 ", Choice(3, None)), ("3.0", Choice(3, None)),
    ("Maturing", Choice(3, None)), ("maturing", Choice(3, None)), ("MATURING ", Choice(3, None)),
    ("3 - Maturing", Choice(3, None)), ("3 – Maturing", Choice(3, None)),
    ("3. Maturing", Choice(3, None)), ("Level 3", Choice(3, None)),
    ("Maturing (3)", Choice(3, None)), ("Maturing.", Choice(3, None)),
    (" maturing ", Choice(3, None)), ("3 - Maturing.", Choice(3, None)),
    ("1 Emerging", Choice(1, None)), ("4", Choice(4, None)),
    ("Don't know", Choice(None, Unscored.DONT_KNOW)),
    ("Don\u2019t know", Choice(None, Unscored.DONT_KNOW)),
    ("dont know", Choice(None, Unscored.DONT_KNOW)), ("Not sure", Choice(None, Unscored.DONT_KNOW)),
    ("Not applicable", Choice(None, Unscored.NOT_APPLICABLE)),
    ("N/A", Choice(None, Unscored.NOT_APPLICABLE)), ("n/a", Choice(None, Unscored.NOT_APPLICABLE)),
    ("n.a.", Choice(None, Unscored.NOT_APPLICABLE)),
    ("", None), ("   ", None),
])
def test_levels_are_read_however_they_are_typed(typed, meant):
    assert parse_choice(typed) == meant


@pytest.mark.parametrize(("typed", "said"), [
    ("5", "'5' is not on the scale"), ("0", "'0' is not on the scale"),
    ("2.5", "'2.5' is not on the scale"), ("Excellent", "'Excellent' is not on the scale"),
    ("3 - Developing", "contradicts itself: Developing is level 2, not 3"),
    ("Thriving (2)", "contradicts itself: Thriving is level 4, not 2"),
    ("Maturing: in place for every member", "'Maturing: in place for every member' is not "
                                            "exactly one level"),
])
def test_a_level_off_the_scale_is_refused_saying_why(typed, said):
    with pytest.raises(BadValue, match=said.replace("(", r"\(").replace(")", r"\)")):
        parse_choice(typed)


@pytest.mark.parametrize("typed", [
    "Maturing-ish", "Developing / Maturing", "Maturing?", "Maturing or Thriving",
    "Emerging/Developing", "Maturing to Thriving", "Thriving (not sure)",
    "Emerging - maybe Developing", "3?", "3 - Maturing?", "Maturing: in place for every member",
])
def test_a_cell_that_is_not_exactly_one_level_is_refused_never_guessed(typed):
    with pytest.raises(BadValue) as raised:
        parse_choice(typed)
    assert str(raised.value) == (f"'{typed}' is not exactly one level: write one of 1 Emerging, "
                                 "2 Developing, 3 Maturing, 4 Thriving, Don't know or Not "
                                 "applicable.")


@pytest.mark.parametrize(("typed", "role", "how"), [
    ("Executive director", "Executive director", "same"),
    ("executive  DIRECTOR", "Executive director", "same"),
    ("Non executive director", "Non-executive director", "same"),
    ("NED", "Non-executive director", "read"),
    ("Chair", "Non-executive director", "read"),
    ("Clinical chair", "Clinical lead", "read"),
    ("Director of Finance", "Executive director", "read"),
    ("Programme manager", "Collaborative programme team", "read"),
    ("Lead governor", "Other", "other"),
    ("", "Prefer not to say", "blank"),
])
def test_roles_typed_another_way_are_read_as_the_apps_roles(typed, role, how):
    assert match_role(typed) == (role, how)


def test_one_apostrophe_made_to_guard_a_formula_is_taken_off():
    assert unescaped("'=SUM(A1)") == "=SUM(A1)"
    assert unescaped("'-5 days") == "-5 days"
    assert unescaped("''=x") == "''=x"  # only one, and only when a formula-like start follows
    assert unescaped("'quoted'") == "'quoted'"


@pytest.mark.parametrize(("heading", "found"), [
    ("PB-1 Every member organisation", "PB-1"), ("[PB-1] Every member", "PB-1"),
    ("Every member organisation (PB-1)", "PB-1"), ("PB1 Every member", "PB-1"),
    ("PB \u2013 1: words", "PB-1"), ("Every member organisation's board", None),
    ("How we work at 3 sites", None), ("COVID-19 recovery", None),
])
def test_a_statement_id_is_found_in_a_heading(heading, found):
    assert statement_id_in(heading) == found


# -- reading --------------------------------------------------------------------------------------

def test_a_forms_export_is_read_matched_and_checked(store, round_id, bank):
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    assert plan.can_import, plan.report_text()
    assert plan.layout == "responses"
    assert len(plan.respondents) == len(PEOPLE)
    assert plan.statement_count == len(bank.statements)
    targets = {match.heading: match.target for match in plan.matches}
    assert targets["What is your role in the collaborative?"] == Field.ROLE
    assert targets["Which organisation do you work for?"] == Field.ORGANISATION
    assert targets["Name"] == Field.NAME and targets["Email"] == Field.EMAIL
    assert targets["ID"] == Field.RESPONSE_ID
    assert targets["Overall, what stage is the collaborative at?"] == Field.STAGE
    fuzzy = next(m for m in plan.matches if m.target == "PC-4")
    assert fuzzy.how.startswith("similar wording") and 0.85 <= fuzzy.confidence < 1
    assert any("Matched to PC-4" in text and "alike" in text for text in warnings(plan))
    assert any("Left out" in f.message and f.heading == "Any other comments?"
               for f in plan.warnings)
    priya = plan.respondents[1]
    assert (priya.display_name, priya.role, priya.organisation, priya.rows) == (
        "Priya Shah", "Non-executive director", "Northshire Acute NHS Trust", (3,))
    assert plan.respondents[0].display_name == ""  # anonymous: the email is never the name
    assert plan.respondents[0].stage == 2
    roles = [person.role for person in plan.respondents]
    assert roles[2] == "Non-executive director" and roles[5] == "Executive director"
    assert roles[6] == "Prefer not to say" and roles[8] == "Other"
    assert any("'Lead governor' (row 10) is not one of the app's roles, so it will be saved as "
               "'Other'" in text for text in warnings(plan))


def test_an_excel_export_reads_the_same_answers_as_its_csv(store, round_id):
    from_csv = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    from_excel = prepare_import(store, round_id, fixture("forms_export.xlsx"),
                                "forms_export.xlsx")
    assert from_excel.can_import, from_excel.report_text()
    assert from_excel.sheet == "Form1"
    assert [p.answers for p in from_excel.respondents] == [p.answers for p in
                                                             from_csv.respondents]
    assert any("read 'Form1', the first sheet with data" in note for note in from_excel.notes)


def test_utf8_with_a_byte_order_mark_is_read(store, round_id):
    table = read_table(fixture("forms_export_bom.csv"), "forms_export_bom.csv")
    assert table.encoding == "UTF-8 with a byte-order mark"
    assert table.columns[0].heading == "ID"  # no stray mark in the first heading
    plan = plan_import(store, round_id, table)
    assert plan.can_import and plan.respondents[-2].display_name == "Zoë Jones"


def test_windows_1252_is_read_with_its_curly_apostrophes(store, round_id):
    data = fixture("forms_export_cp1252.csv")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert "Don\u2019t know".encode("cp1252") in data
    table = read_table(data, "forms_export_cp1252.csv")
    assert table.encoding == "Windows-1252"
    assert any("read as Windows-1252" in note for note in table.notes)
    plan = plan_import(store, round_id, table)
    assert plan.can_import, plan.report_text()
    assert plan.respondents[-2].display_name == "Zoë Jones"
    utf8 = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    assert [p.answers for p in plan.respondents] == [p.answers for p in utf8.respondents]
    assert any(a.unscored == Unscored.DONT_KNOW for p in plan.respondents for a in p.answers)


@pytest.mark.parametrize(("data", "name", "said"), [
    (fixture("not_a_table.pdf"), "not_a_table.pdf", "is a PDF document, not a CSV file"),
    (b"\x89PNG\r\n\x1a\n" + bytes(64), "responses.csv", "is a PNG picture, not a CSV file"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64), "responses.xls", "Excel 97-2003 workbook"),
    (bytes(range(256)) * 4, "responses.csv", "holds binary data, not text"),
    (b"<!DOCTYPE html><html><body>Responses</body></html>", "responses.csv", "is a web page"),
    (b'{"responses": []}', "responses.csv", "is a JSON file"),
])
def test_a_file_that_is_not_csv_or_excel_is_refused_by_its_content(data, name, said):
    with pytest.raises(ImportFileError, match=said) as raised:
        read_table(data, name)
    assert "Nothing was imported" in str(raised.value)


def test_a_word_document_is_refused(tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with pytest.raises(ImportFileError, match="is a Word document, not a CSV file"):
        read_table(buffer.getvalue(), "responses.docx")


def test_the_content_decides_not_the_file_name(store, round_id):
    excel_named_csv = read_table(fixture("forms_export.xlsx"), "responses.csv")
    assert excel_named_csv.kind == "Excel workbook"
    csv_named_xlsx = read_table(fixture("forms_export.csv"), "responses.xlsx")
    assert csv_named_xlsx.kind == "CSV"
    assert len(excel_named_csv.rows) == len(csv_named_xlsx.rows) == len(PEOPLE)


@pytest.mark.parametrize("data", [b"", b"   \r\n\r\n", codecs.BOM_UTF8])
def test_an_empty_file_is_refused(data):
    with pytest.raises(ImportFileError, match=r"empty.csv is empty: it holds no headings and no "
                                             r"responses.*Nothing was imported"):
        read_table(data, "empty.csv")


def test_the_empty_fixture_is_refused(store, round_id):
    before = counts(store)
    with pytest.raises(ImportFileError, match="is empty"):
        prepare_import(store, round_id, fixture("empty.csv"), "empty.csv")
    assert counts(store) == before


def test_headings_with_no_responses_under_them_are_refused():
    with pytest.raises(ImportFileError, match="has column headings but no responses under them"):
        read_table(b"ID,Name,PB-1\r\n,,\r\n", "headings.csv")


def test_a_file_over_the_size_limit_is_refused_naming_the_limit(store, round_id):
    big = fixture("forms_export.csv") * (MAX_IMPORT_BYTES // len(fixture("forms_export.csv")) + 1)
    assert len(big) > MAX_IMPORT_BYTES
    before = counts(store)
    with pytest.raises(ImportFileError, match=r"big.csv is 5\.0 MB; the largest file that can be "
                                             r"imported is 5 MB\. Split the responses"):
        prepare_import(store, round_id, big, "big.csv")
    assert counts(store) == before


def test_semicolons_and_a_title_row_are_read():
    rows = [["Leadership survey 2026"], [], ["Name", "Role", "PB-1"], ["Ann", "Clinical lead", "3"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    table = read_table(buffer.getvalue().encode(), "survey.csv")
    assert [c.heading for c in table.columns] == ["Name", "Role", "PB-1"]
    assert [row.number for row in table.rows] == [4]
    assert "Columns are separated by semicolons." in table.notes
    assert any("Row 1 ('Leadership survey 2026') was read as a title" in n for n in table.notes)


def test_merged_heading_cells_that_hide_a_column_are_refused_naming_them(store, round_id):
    before = counts(store)
    with pytest.raises(ImportFileError) as raised:
        prepare_import(store, round_id, fixture("merged_headings.xlsx"), "merged_headings.xlsx")
    message = str(raised.value)
    assert "has merged cells among its column headings" in message
    assert "I1:J1" in message and "over columns I, J" in message
    assert "Home > Merge & Center > Unmerge Cells" in message
    assert "Nothing was imported" in message
    assert counts(store) == before


def test_area_names_merged_over_a_second_heading_row_are_read(store, round_id):
    plan = prepare_import(store, round_id, fixture("merged_group_headings.xlsx"),
                          "merged_group_headings.xlsx")
    assert plan.can_import, plan.report_text()
    assert any("have merged cells" in note and "nothing needs unmerging" in note
               for note in plan.notes)
    from_csv = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    assert choices(plan) == choices(from_csv)
    assert plan.respondents[0].rows == (3,)  # two heading rows: the first person is on row 3


def test_merged_cells_among_the_responses_are_problems(store, round_id):
    data = xlsx_bytes(forms_table(for_excel=True), merges=("J3:J5",))
    plan = prepare_import(store, round_id, data, "merged.xlsx")
    merged = [f for f in plan.problems if "are merged" in f.message]
    assert [(f.row, f.column) for f in merged] == [(3, "J")]
    assert "Cells J3:J5 are merged" in merged[0].message
    assert not plan.can_import


def test_formulas_are_problems_by_row_and_column_and_never_worked_out(store, round_id):
    plan = prepare_import(store, round_id, fixture("formulas.xlsx"), "formulas.xlsx")
    found = [(f.row, f.column, f.message) for f in plan.problems]
    assert [(row, column) for row, column, _ in found] == [(3, "J"), (5, "K")]
    assert "This cell holds a formula (=1+2)" in found[0][2]
    assert "Paste Special > Values" in found[0][2]
    assert not any(a.row == 3 and a.statement_id == "PB-2"
                   for p in plan.respondents for a in p.answers)  # not 3: not worked out
    assert not plan.can_import


def test_a_sheet_can_be_chosen_and_a_missing_one_is_named():
    data = xlsx_bytes([["nothing here"]], title="Cover", extra_sheets=("Responses",))
    with pytest.raises(ImportFileError, match=r"has no sheet called 'Answers'\. Its sheets: "
                                             r"'Cover', 'Responses'"):
        read_table(data, "book.xlsx", sheet="Answers")
    assert read_table(fixture("forms_export.xlsx"), "f.xlsx", sheet=" form1 ").sheet == "Form1"
    with pytest.raises(ImportFileError, match="The sheet 'Notes' of f.xlsx is empty"):
        read_table(fixture("forms_export.xlsx"), "f.xlsx", sheet="Notes")


def test_the_first_sheet_with_data_is_read_by_default():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Blank"
    sheet = workbook.create_sheet("Form1")
    for row in forms_table(for_excel=True):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "book.xlsx")
    assert table.sheet == "Form1" and table.sheets == ("Blank", "Form1")


# -- matching and the report ----------------------------------------------------------------------

def test_an_unknown_statement_is_a_problem_naming_the_column(store, round_id):
    plan = prepare_import(store, round_id, fixture("unknown_statement.csv"),
                          "unknown_statement.csv")
    unknown = {f.column: f.message for f in plan.problems}
    assert set(unknown) == {"BK", "BL"}
    assert unknown["BK"].startswith("Unknown statement: ZZ-9 is not a statement of this round's "
                                    "question bank (version 2).")
    assert "PB-5 of version 1 was split into PB-6, PB-7 and QI-5" in unknown["BL"]
    assert "Choose the statement it should count as, or Ignore" in unknown["BL"]
    assert "Nothing has been imported." in plan.report_text()


def test_the_matching_can_be_changed_by_hand(store, round_id):
    data = fixture("unknown_statement.csv")
    plan = prepare_import(store, round_id, data, "unknown_statement.csv",
                          mapping_overrides={"BK": "ignore", "BL": "pb-6"})
    assert problems(plan) == ["Statement mapped twice: column M and this column are both "
                              "matched to PB-6. Set one of them to another statement or to "
                              "Ignore."]
    fixed = prepare_import(store, round_id, data, "unknown_statement.csv",
                           mapping_overrides={"BK": "ignore", "BL": "ignore",
                                              "Any other comments?": "Person: organisation",
                                              "Which organisation do you work for?": "ignore"})
    assert fixed.can_import, fixed.report_text()
    assert fixed.respondents[0].organisation == ""  # the comments column: blank in row 2
    assert next(m for m in fixed.matches if m.key == "BK").how == "chosen by hand"


def test_a_short_heading_that_holds_levels_is_not_taken_for_the_persons_role(store, round_id):
    rows = [["Your role", "NEDs have a written role", "PB-1"], ["Clinical lead", "3", "2"],
            ["Other", "Developing", "1"]]
    plan = prepare_import(store, round_id, csv_bytes(rows), "short.csv")
    targets = [match.target for match in plan.matches]
    assert targets[0] == Field.ROLE and targets[1] == ""
    assert plan.problems[0].message.startswith("Unknown statement: this column holds levels")


def test_a_change_to_the_matching_that_names_nothing_is_a_problem(store, round_id):
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv",
                          mapping_overrides={"ZZZ": "PB-1", "BJ": "XX-1"})
    assert "The changes to the matching name the column 'ZZZ', which is not in the file." in \
        problems(plan)
    assert any(text.startswith("'XX-1' is not a statement of this round's question bank")
               for text in problems(plan))


def test_a_level_off_the_scale_is_a_problem_at_its_row_and_column(store, round_id):
    plan = prepare_import(store, round_id, fixture("bad_level.csv"), "bad_level.csv")
    found = {(f.row, f.column): f.message for f in plan.problems}
    assert set(found) == {(3, "J"), (4, "K"), (5, "L")}
    assert found[(3, "J")].startswith("'5' is not on the scale. Use a level from 1 to 4")
    assert found[(4, "K")].startswith("'Excellent' is not on the scale")
    assert "'3 - Developing' contradicts itself" in found[(5, "L")]
    frame = plan.report_frame()
    assert list(frame.columns) == ["Row", "Column", "What to check", "Kind", "Heading"]
    first = frame.iloc[0]
    assert (first["Row"], first["Column"], first["Kind"]) == ("3", "J", "Problem")
    whole_column = prepare_import(store, round_id, fixture("forms_export.csv").replace(
        b"PB-4 Our objectives", b"Q4 Our plans"), "vague.csv").report_frame()
    assert "" in set(whole_column["Row"]) and "None" not in set(whole_column["Row"])
    assert first["Heading"].startswith("Each member organisation's board has compared")


def test_hedged_levels_are_problems_at_their_row_and_column_and_nothing_is_saved(store,
                                                                               round_id):
    rows = forms_table()
    hedged = {(2, "I", 8): "Maturing-ish", (3, "J", 9): "Developing / Maturing",
              (4, "K", 10): "Maturing?"}
    for (row, _, index), text in hedged.items():
        rows[row - 1][index] = text
    plan = prepare_import(store, round_id, csv_bytes(rows), "hedged.csv")
    found = {(f.row, f.column): f for f in plan.problems}
    assert set(found) == {(row, column) for row, column, _ in hedged}
    for (row, column, index), text in hedged.items():
        assert found[(row, column)].message == (
            f"'{text}' is not exactly one level: write one of 1 Emerging, 2 Developing, "
            "3 Maturing, 4 Thriving, Don't know or Not applicable.")
        assert found[(row, column)].heading == rows[0][index]
        assert f"  - Row {row}, column {column} (" in plan.report_text()
        statement_id = next(m.target for m in plan.matches if m.key == column)
        assert not any(a.row == row and a.statement_id == statement_id
                       for p in plan.respondents for a in p.answers)  # never guessed
    assert not plan.can_import
    before = counts(store)
    with pytest.raises(InputError, match="The file still has 3 problems to put right"):
        store.import_responses(round_id, plan, "hedged.csv", "Jo")
    assert counts(store) == before


@pytest.mark.parametrize("name", ["forms_export.csv", "forms_export.xlsx", "bad_level.csv",
                                  "forms_export_cp1252.csv"])
def test_level_columns_are_still_found_by_their_cells(name):
    table = read_table(fixture(name), name)
    statements = table.columns[8:-2]
    assert statements and all(holds_levels(table, column) for column in statements)
    assert holds_levels(table, table.columns[-2])  # the stage question
    assert not any(holds_levels(table, column) for column in table.columns[4:8])


def test_an_empty_and_a_duplicate_respondent_are_problems(store, round_id):
    plan = prepare_import(store, round_id, fixture("empty_and_duplicate_respondents.csv"),
                          "people.csv")
    found = {(f.row, f.column): f.message for f in plan.problems}
    assert found[(4, "")] == ("Empty response: this row answers no statement. Delete the row, or "
                              "fill in its answers, and import again.")
    assert found[(7, "D")].startswith("Duplicate respondent: this row has the same email address "
                                      "as row 3")
    assert len(found) == 2


def test_the_same_name_twice_is_a_duplicate_and_anonymous_emails_are_not(store, round_id):
    rows = [["Email", "Name", "PB-1"], ["anonymous", "", "2"], ["anonymous", "", "3"],
            ["", "Ann Lee", "1"], ["", "ann  LEE", "2"]]
    plan = prepare_import(store, round_id, csv_bytes(rows), "names.csv")
    assert [(f.row, f.column) for f in plan.problems] == [(5, "B")]
    assert "the same name as row 4" in plan.problems[0].message


def test_roles_can_be_chosen_by_hand(store, round_id):
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv",
                          role_overrides={"Lead governor": "Non-executive director",
                                          "Director of Finance": "Other"})
    assert plan.respondents[8].role == "Non-executive director"
    assert plan.respondents[5].role == "Other"
    assert not any("Lead governor" in text for text in warnings(plan))
    bad = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv",
                         role_overrides={"NED": "Governor"})
    assert any("'Governor', chosen for the role 'NED', is not one of the app's roles" in text
               for text in problems(bad))


def test_text_over_the_apps_limits_is_a_problem(store, round_id):
    rows = [["Name", "Organisation", "PB-1"], ["A" * (NAME_MAX + 1), "Trust", "2"],
            ["Bo", "T" * (NAME_MAX + 5), "3"]]
    plan = prepare_import(store, round_id, csv_bytes(rows), "long.csv")
    found = {(f.row, f.column): f.message for f in plan.problems}
    assert found[(2, "A")] == (f"The name is {NAME_MAX + 1} characters long; the most the app "
                               f"keeps is {NAME_MAX}. Shorten it and import again.")
    assert found[(3, "B")].startswith(f"The organisation is {NAME_MAX + 5} characters long")
    long_note = long_answers_rows([(1, "PB-1", 2, "", None, "x" * (NOTE_MAX + 1))])
    plan = prepare_import(store, round_id, csv_bytes(long_note), "notes.csv")
    assert [f.message for f in plan.problems] == [
        f"The note is {NOTE_MAX + 1:,} characters long; the most the app keeps is "
        f"{NOTE_MAX:,}. Shorten it and import again."]
    assert plan.problems[0].column == "N" and plan.problems[0].row == 2


def test_a_closed_round_is_a_problem_saying_to_reopen_it(store, round_id):
    store.close_round(round_id, "lead")
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    assert problems(plan)[0].startswith("Round 'Spring 2026' is closed (submitted), so responses "
                                        "cannot be added to it. Reopen it on the Collaborative "
                                        "page first")


def test_the_preview_shows_people_and_answers_as_they_will_be_saved(store, round_id):
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    people = plan.preview_people()
    assert list(people["Row"])[:3] == ["2", "3", "4"]
    assert people.iloc[1]["Name"] == "Priya Shah"
    assert people.iloc[0]["Stage they gave"] == "Developing"
    answers = plan.preview_answers(limit=10)
    assert len(answers) == 10
    assert answers.iloc[0]["Person"] == "Person 1"
    assert set(answers["Answer"]) <= {"1 Emerging", "2 Developing", "3 Maturing", "4 Thriving",
                                      "Don't know", "Not applicable"}


def test_the_report_reads_as_text_for_a_terminal(store, round_id):
    plan = prepare_import(store, round_id, fixture("bad_level.csv"), "bad_level.csv")
    text = plan.report_text()
    assert text.startswith("bad_level.csv: 9 people with")
    assert "Problems (nothing can be imported until each is put right): 3" in text
    assert ("  - Row 3, column J (Each member organisation's board has compared its own "
            "strat…): '5' is not on the scale.") in text
    assert text.endswith("Nothing has been imported.")


# -- writing --------------------------------------------------------------------------------------

def test_an_import_adds_people_and_answers_marked_as_imported(store, round_id):
    data = fixture("forms_export.csv")
    plan = prepare_import(store, round_id, data, "forms_export.csv")
    outcome = store.import_responses(round_id, plan, "forms_export.csv", "Jo Bloggs")
    assert (outcome.respondents, outcome.answers, outcome.stages) == (9, plan.answer_count, 7)
    assert outcome.message() == (f"Imported 9 people and {plan.answer_count} answers from "
                                 "forms_export.csv.")
    answers = store.current_answers([round_id])
    assert len(answers) == plan.answer_count
    assert set(answers["source"]) == {"import"}
    assert set(answers["recorded_by"]) == {"import of forms_export.csv"}
    people = store.respondents([round_id])
    assert list(people["display_name"])[1] == "Priya Shah"
    assert list(people["number"]) == list(range(1, 10))  # in the order of the file
    codes = [store.get_respondent(int(i)).resume_code for i in people["respondent_id"]]
    assert len(set(codes)) == 9 and all(normalise_resume_code(code) == code for code in codes)
    record = store.imports([round_id]).iloc[0]
    assert (record["file_name"], record["imported_by"], record["respondents"],
            record["answers"], record["layout"]) == ("forms_export.csv", "Jo Bloggs", 9,
                                                      plan.answer_count, "responses")
    assert record["file_sha256"] == hashlib.sha256(data).hexdigest()
    linked = store.imported_respondents(outcome.import_id)
    assert list(linked["source_rows"]) == [str(row) for row in range(2, 11)]
    assert len(store.self_described_stages([round_id])) == 7  # one blank, one Don't know


def test_checking_a_file_writes_nothing(store, round_id):
    before, version = counts(store), store.data_version()
    for name in ("forms_export.csv", "forms_export.xlsx", "bad_level.csv", "formulas.xlsx"):
        prepare_import(store, round_id, fixture(name), name)
    assert counts(store) == before and store.data_version() == version


def test_an_import_is_all_or_nothing(store, round_id, monkeypatch):
    person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    store.record_answer(round_id, person, "PB-1", answer(2))
    before = counts(store)
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")

    def fail_half_way(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(ImportRecords, "_insert_answers", staticmethod(fail_half_way))
    with pytest.raises(RuntimeError, match="the disk is full"):
        store.import_responses(round_id, plan, "forms_export.csv", "Jo")
    assert counts(store) == before  # the people added before the failure are gone too
    monkeypatch.undo()
    store.import_responses(round_id, plan, "forms_export.csv", "Jo")
    assert counts(store)["respondents"] == before["respondents"] + 9


def test_a_plan_with_problems_cannot_be_written(store, round_id):
    plan = prepare_import(store, round_id, fixture("bad_level.csv"), "bad_level.csv")
    before = counts(store)
    with pytest.raises(InputError, match="The file still has 3 problems to put right"):
        store.import_responses(round_id, plan, "bad_level.csv", "Jo")
    assert counts(store) == before


def test_a_round_closed_after_the_check_refuses_the_import(store, round_id):
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    store.close_round(round_id, "lead")
    before = counts(store)
    with pytest.raises(RoundClosedError, match="This round is closed \\(submitted\\), so nothing "
                                               "was imported. Reopen it on the Collaborative page "
                                               "first"):
        store.import_responses(round_id, plan, "forms_export.csv", "Jo")
    assert counts(store) == before


def test_the_same_file_twice_is_refused_unless_asked_for(store, round_id):
    data = fixture("forms_export.xlsx")
    first = prepare_import(store, round_id, data, "forms_export.xlsx")
    store.import_responses(round_id, first, "forms_export.xlsx", "Jo")
    again = prepare_import(store, round_id, data, "forms_export.xlsx")
    assert not again.can_import and again.same_file_imported
    assert problems(again)[0].startswith("This very file was already imported into round "
                                         "'Spring 2026' on ")
    assert "by Jo (9 people," in problems(again)[0]
    with pytest.raises(InputError):
        store.import_responses(round_id, again, "forms_export.xlsx", "Jo")
    assert counts(store)["respondents"] == 9
    # Asked for: the people are added again, as new people.
    anyway = prepare_import(store, round_id, data, "forms_export.xlsx", repeats=Repeats.ALLOW)
    assert anyway.can_import
    store.import_responses(round_id, anyway, "forms_export.xlsx", "Jo")
    assert counts(store)["respondents"] == 18


def test_a_later_download_with_new_responses_brings_in_only_the_new_ones(store, round_id):
    rows = forms_table()
    store.import_responses(round_id, prepare_import(store, round_id, csv_bytes(rows[:5]),
                                                    "week1.csv"), "week1.csv", "Jo")
    # The same responses saved again (other bytes), plus new ones.
    later = csv_bytes(rows, "utf-8-sig")
    refused = prepare_import(store, round_id, later, "week2.csv")
    repeated = [f for f in refused.problems if "already imported into this round" in f.message]
    assert [f.row for f in repeated] == [2, 3, 4, 5]
    assert "(from week1.csv on " in repeated[0].message
    skipped = prepare_import(store, round_id, later, "week2.csv", repeats=Repeats.SKIP)
    assert skipped.can_import, skipped.report_text()
    assert [p.first_row for p in skipped.respondents] == [6, 7, 8, 9, 10]
    store.import_responses(round_id, skipped, "week2.csv", "Jo")
    assert counts(store)["respondents"] == len(PEOPLE)


def test_an_import_racing_another_of_the_same_responses_is_refused(store, round_id):
    data = fixture("forms_export.csv")
    one = prepare_import(store, round_id, data, "forms_export.csv")
    two = prepare_import(store, round_id, fixture("forms_export_bom.csv"), "copy.csv")
    store.import_responses(round_id, one, "forms_export.csv", "Jo")
    with pytest.raises(InputError, match="9 of the responses in this file were imported into "
                                         "this round since the file was checked"):
        store.import_responses(round_id, two, "copy.csv", "Sam")
    assert counts(store)["respondents"] == 9


# -- collab-assess's own export, one answer per row -----------------------------------------------


def test_the_apps_own_export_of_answers_is_imported_with_targets_and_notes(store, round_id):
    plan = prepare_import(store, round_id, csv_bytes(long_answers_rows(LONG), "utf-8-sig"),
                          "answers.csv")
    assert plan.layout == "answers" and plan.can_import, plan.report_text()
    store.import_responses(round_id, plan, "answers.csv", "Jo")
    saved = store.current_answers([round_id]).merge(
        store.respondents([round_id])[["respondent_id", "number", "display_name"]])
    got = sorted((int(r.number), r.statement_id, None if pd.isna(r.level) else int(r.level),
                  None if pd.isna(r.unscored) else r.unscored,
                  None if pd.isna(r.target_level) else int(r.target_level), r.note)
                 for r in saved.itertuples())
    assert got == [
        (1, "PB-1", 2, None, 3, "Board papers from May '=x'"),
        (1, "PB-2", None, "dont_know", None, ""),
        (1, "SG-1", 4, None, None, '=HYPERLINK("http://x")'),  # the guarding apostrophe is off
        (2, "DS-1", None, "not_applicable", None, "-not ours"),
        (2, "PB-1", 1, None, 2, ""),
        (3, "QI-2", 3, None, 4, "Line one\nline two"),
    ]
    people = store.respondents([round_id])
    assert list(people["display_name"]) == ["Ann Lee", "", "Bo"]
    assert list(people["role"]) == ["Clinical lead", "Executive director", "Other"]


def test_a_file_of_several_rounds_needs_one_chosen(store, round_id):
    rows = long_answers_rows(LONG) + long_answers_rows(LONG[:2], "Spring 2026")[1:]
    data = csv_bytes(rows)
    table = read_table(data, "answers.csv")
    assert rounds_in_file(table) == ["Spring 2025", "Spring 2026"]
    with pytest.raises(InputError, match="answers.csv holds answers from 2 rounds: 'Spring 2025', "
                                         "'Spring 2026'. Choose which round of the file to "
                                         "import"):
        prepare_import(store, round_id, data, "answers.csv")
    with pytest.raises(InputError, match="has no round called 'Autumn'. Its rounds: 'Spring 2025', "
                                         "'Spring 2026'"):
        prepare_import(store, round_id, data, "answers.csv", from_round="Autumn")
    plan = prepare_import(store, round_id, data, "answers.csv", from_round="spring  2026")
    assert plan.can_import and plan.answer_count == 2
    assert any("only 'Spring 2026' was read (2 rows)" in note for note in plan.notes)


def test_problems_in_a_file_of_answers_point_at_their_rows(store, round_id):
    rows = long_answers_rows([
        (1, "PB-1", 2, "", None, ""),
        (1, "PB-1", 3, "", None, ""),          # the same statement twice
        (2, "XX-9", 2, "", None, ""),          # unknown
        (2, "PB-2", 2, "Don't know", None, ""),  # both a level and Don't know
        (3, "PB-3", 2, "", 7, ""),             # target off the scale
    ])
    rows[4][3] = "Clinical lead"               # respondent 2's role changes on row 5
    plan = prepare_import(store, round_id, csv_bytes(rows), "answers.csv")
    found = {(f.row, f.column): f.message for f in plan.problems}
    assert found[(3, "H")] == ("Respondent 1 answers PB-1 twice (rows 2 and 3). Keep one of the "
                               "two rows.")
    assert found[(4, "H")].startswith("Unknown statement: 'XX-9' (row 4) is not a statement")
    assert found[(5, "L")] == "This answer has both a level and Don't know: keep one of them."
    assert found[(6, "M")] == "'7' cannot be a target: a target is a level from 1 to 4, or blank."
    assert found[(5, "D")].startswith("Respondent 2's role here ('Clinical lead') differs from "
                                      "row 4 ('Executive director')")


def test_an_export_from_another_bank_version_is_matched_with_care(store, round_id):
    rows = long_answers_rows([(1, "PB-1", 2, "", None, ""), (1, "PB-2", 3, "", None, ""),
                              (2, "PB-1", 1, "", None, "")])
    rows[2][7], rows[2][8] = "PB-5", "Our members share a written view of the benefits"
    rows[1][8] = "A statement worded quite differently from anything in the bank"
    plan = prepare_import(store, round_id, csv_bytes(rows), "v1.csv")
    unknown = [f for f in plan.problems if f.message.startswith("Unknown statement: 'PB-5'")]
    assert [(f.row, f.column) for f in unknown] == [(3, "H")]
    assert "PB-5 of version 1 was split into PB-6, PB-7 and QI-5" in unknown[0].message
    assert any(f.row == 2 and "In the file, PB-1 is worded differently from this round's PB-1"
               in f.message for f in plan.warnings)
    fixed = prepare_import(store, round_id, csv_bytes(rows), "v1.csv",
                           mapping_overrides={"PB-5": "ignore"})
    assert fixed.can_import and fixed.answer_count == 2
    assert any("The answers to 'PB-5' (row 3) are left out, as chosen." == f.message
               for f in fixed.warnings)


def test_leaving_out_everyone_already_imported_leaves_nobody(store, round_id):
    data = fixture("forms_export.csv")
    store.import_responses(round_id, prepare_import(store, round_id, data, "f.csv"), "f.csv", "Jo")
    again = prepare_import(store, round_id, fixture("forms_export_bom.csv"), "f2.csv",
                           repeats=Repeats.SKIP)
    assert problems(again) == ["Everyone in the file was imported into this round before, so "
                               "there is nobody new to import."]


def test_the_export_round_trips_through_its_workbook_and_its_zip(store, round_id, bank,
                                                                 collaborative):
    from collab_assess.exchange.export import (
        ANSWER_COLUMNS as EXPORTED,
    )
    from collab_assess.exchange.export import (
        collaborative_export,
        export_csv_zip,
        export_xlsx,
    )
    assert tuple(EXPORTED) == ANSWER_COLUMNS
    plan = prepare_import(store, round_id, fixture("forms_export.csv"), "forms_export.csv")
    store.import_responses(round_id, plan, "forms_export.csv", "Jo")
    first = store.respondents([round_id])["respondent_id"].iloc[0]
    store.change_answer(round_id, int(first), "PB-1", AnswerChange(
        target_level=4, note="=risky note", recorded_by="tester"))  # carried through the export
    export = collaborative_export(store, collaborative)
    columns = ["statement_id", "level", "unscored", "target_level", "note", "role",
               "organisation"]
    expected = store.current_answers([round_id])[columns].reset_index(drop=True)
    for name, data in (("export.xlsx", export_xlsx(export)), ("export.zip",
                                                                export_csv_zip(export))):
        copy = store.open_round(collaborative, RoundInput(label=f"Copy {name}",
                                                          opens_on="2026-04-01"), bank, "lead")
        copied = prepare_import(store, copy, data, name, from_round="Spring 2026")
        assert copied.layout == "answers" and copied.can_import, copied.report_text()
        store.import_responses(copy, copied, name, "Jo")
        got = store.current_answers([copy])[columns].reset_index(drop=True)
        assert got.equals(expected), name
        names = store.respondents([copy])["display_name"].tolist()
        assert names == store.respondents([round_id])["display_name"].tolist()
