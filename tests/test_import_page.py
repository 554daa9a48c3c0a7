"""The Import responses page, driven through AppTest: upload, check, change the matching, confirm.

app.py does not list the page yet, so these tests run it inside a small navigation of their own
(the page, and the pages it links to), the same way app.py would."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import load_banks
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput
from tests.fixtures.build import csv_bytes
from tests.helpers.apptest import assert_no_exception, shown, texts
from tests.helpers.imports import LONG, long_answers_rows

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
TIMEOUT = 60
NAVIGATION = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
from pages.widgets.theme import apply_theme

st.set_page_config(page_title="collab-assess", layout="wide")
apply_theme()
st.navigation([
    st.Page({str(ROOT / "pages" / "import_responses.py")!r}, title="Import responses",
            default=True),
    st.Page({str(ROOT / "pages" / "start.py")!r}, title="Start"),
    st.Page({str(ROOT / "pages" / "collaborative.py")!r}, title="Collaborative"),
    st.Page({str(ROOT / "pages" / "results.py")!r}, title="Results"),
]).run()
"""
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def chosen(app_db: Path) -> dict:
    """A collaborative with an open round on question bank version 2."""
    bank = load_banks()[2]
    store = Store(app_db)
    try:
        store.register_bank(bank)
        collaborative = store.create_collaborative(
            CollaborativeProfile(name="Northshire Collaborative"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Spring 2026",
                                                              opens_on="2026-03-01"), bank, "lead")
    finally:
        store.close()
    return {"collaborative": collaborative, "round": round_id}


def page(chosen: dict) -> AppTest:
    test = AppTest.from_string(NAVIGATION, default_timeout=TIMEOUT)
    test.session_state["collaborative_id"] = chosen["collaborative"]
    test.session_state["round_id"] = chosen["round"]
    test.run()
    assert_no_exception(test)
    return test


def upload(test: AppTest, name: str, data: bytes | None = None, mime: str = "text/csv") -> AppTest:
    content = (FIXTURES / name).read_bytes() if data is None else data
    test.file_uploader[0].set_value((name, content, mime))
    test.run()
    assert_no_exception(test)
    return test


def import_button(test: AppTest):
    return next(button for button in test.button if button.label.startswith("Import "))


def test_a_forms_export_is_uploaded_checked_and_imported(chosen, app_db):
    test = upload(page(chosen), "forms_export.xlsx", mime=XLSX)
    assert "forms_export.xlsx (Excel workbook, sheet 'Form1'): 9 rows under 62 column headings." \
        in texts(test.markdown)
    assert any(subheader.value == "What each column holds" for subheader in test.subheader)
    matching = test.data_editor[0].value
    assert len(matching) == 62
    assert set(matching.loc[matching["key"].isin(["G", "BI"]), "counts_as"]) == {
        "Person: role", "Person: the stage they say the collaborative is at"}
    report = next(frame.value for frame in test.dataframe if "What to check" in frame.value)
    assert "Lead governor" in " ".join(report["What to check"])
    assert "No problems. Check the warnings" in texts(test.info)
    button = import_button(test)
    assert button.label == "Import 9 people and 445 answers" and not button.disabled
    button.click().run()
    assert_no_exception(test)
    assert shown(test.success[0].value) == ("Imported 9 people and 445 answers from "
                                            "forms_export.xlsx. They are now part of round "
                                            "'Spring 2026'.")
    assert [link.proto.label for link in test.get("page_link")] == ["See the results"]
    assert test.file_uploader[0].value is None  # emptied, ready for another file
    store = Store(app_db)
    try:
        answers = store.current_answers([chosen["round"]])
        assert len(answers) == 445 and set(answers["source"]) == {"import"}
        assert store.imports([chosen["round"]])["imported_by"].tolist() == ["app user"]
    finally:
        store.close()


def test_a_file_that_cannot_be_read_says_why_and_offers_no_import(chosen):
    pdf = (FIXTURES / "not_a_table.pdf").read_bytes()  # named .csv: the browser lets it through
    test = upload(page(chosen), "responses.csv", pdf)
    assert "is a PDF document, not a CSV file or an Excel workbook" in shown(test.error[0].value)
    assert not [button for button in test.button if button.label.startswith("Import ")]


def test_problems_are_listed_by_row_and_column_and_stop_the_import(chosen, app_db):
    test = upload(page(chosen), "bad_level.csv")
    assert "3 problems must be put right before anything can be imported" in texts(test.error)
    report = next(frame.value for frame in test.dataframe if "What to check" in frame.value)
    problems = report[report["Kind"] == "Problem"]
    assert list(zip(problems["Row"], problems["Column"], strict=True)) == [("3", "J"), ("4", "K"),
                                                                           ("5", "L")]
    assert import_button(test).disabled


def test_the_matching_can_be_changed_in_the_table(chosen):
    name = "unknown_statement.csv"
    data = (FIXTURES / name).read_bytes()
    test = upload(page(chosen), name, data)
    assert import_button(test).disabled
    matching = test.data_editor[0].value
    rows = {key: index for index, key in enumerate(matching["key"])}
    assert pd.isna(matching.loc[rows["BK"], "counts_as"])  # not matched: blank until chosen
    editor = f"import-matching-{hashlib.sha256(data).hexdigest()}-None-None"
    test.session_state[editor] = {
        "edited_rows": {rows["BK"]: {"counts_as": "Ignore this column"},
                        rows["BL"]: {"counts_as": "Ignore this column"}},
        "added_rows": [], "deleted_rows": []}
    test.run()
    assert_no_exception(test)
    assert not import_button(test).disabled
    assert "No problems" in texts(test.info)


def test_a_closed_round_says_to_reopen_it_first(chosen, app_db):
    store = Store(app_db)
    try:
        store.close_round(chosen["round"], "lead")
    finally:
        store.close()
    test = page(chosen)
    assert "This round is closed (submitted), so responses cannot be added to it. Reopen it on " \
           "the Collaborative page first" in texts(test.warning)
    assert not test.file_uploader


def test_an_export_of_several_rounds_asks_which_to_import(chosen):
    rows = long_answers_rows(LONG) + long_answers_rows(LONG[:2], "Spring 2026")[1:]
    test = upload(page(chosen), "answers.csv", csv_bytes(rows))
    assert "Choose which to import" in texts(test.info)
    picker = next(box for box in test.selectbox if box.label == "Round of the file to import")
    assert picker.options == ["Spring 2025", "Spring 2026"]
    picker.set_value("Spring 2025").run()
    assert_no_exception(test)
    assert import_button(test).label == "Import 3 people and 6 answers"


def test_text_from_the_file_is_shown_as_text(chosen):
    rows = [["Name", "Role", "PB-1"], ["**Bold** [link](http://example.com)", "Clinical lead", "2"]]
    test = upload(page(chosen), "[x](http://example.com).csv", csv_bytes(rows))
    people = next(frame.value for frame in test.dataframe if "Stage they gave" in frame.value)
    assert people["Name"].tolist() == ["**Bold** [link](http://example.com)"]
    assert "](" not in " ".join(markdown.value for markdown in test.markdown
                                if "example" in markdown.value)  # escaped wherever it is shown
