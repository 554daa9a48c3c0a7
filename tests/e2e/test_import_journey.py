"""A lead goes from a Microsoft Forms export to a board-ready PDF without leaving the app: upload
the file, fix the one column the app could not match, confirm, see Results, download the
report."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from benchmarks.streamlit_runs import IDLE_SCRIPT
from collab_assess.content.bank import load_current_bank
from tests.e2e.helpers import (
    assert_no_app_error,
    create_collaborative,
    go_to_sidebar_page,
    wait_for_rerun,
    wait_until_settled,
)
from tests.fixtures.build import csv_bytes, forms_table, statement_heading

pytestmark = pytest.mark.browser
RENAMED = "Q2 Strategy check"  # a heading that names no statement: the lead matches it by hand
CURRENT_BANK = load_current_bank()
RENAMED_STATEMENT = CURRENT_BANK.statements[1].id
"""The second statement of the bank new rounds open on: the one whose heading is made vague."""


def forms_export_with_a_vague_heading(folder: Path) -> tuple[Path, int]:
    """A Forms export of the bank new rounds use (as tests/fixtures/build.py makes the fixture
    files from version 2), with the second statement's heading replaced; returns the file and
    that column's position."""
    rows = forms_table(chosen=CURRENT_BANK)
    statement = CURRENT_BANK.statements[1]
    column = rows[0].index(statement_heading(1, statement.id, statement.statement))
    rows[0][column] = RENAMED
    path = folder / "Board survey (Microsoft Forms).csv"
    path.write_bytes(csv_bytes(rows))
    return path, column


def match_by_hand(page, grid, row: int, statement_id: str) -> None:
    """Open the "Counts as" cell (the second column) of a row of the matching table and choose a
    statement, with the keyboard, as a user of the grid can: it is drawn on a canvas."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    box = grid.bounding_box()
    option = page.get_by_text(re.compile(rf"^{statement_id}: ")).first
    # A busy machine can drop the first key press while the canvas takes focus: then the editor
    # opens on the wrong cell, so close it and go again.
    for attempt in range(3):
        page.mouse.click(box["x"] + 20, box["y"] + 35 + 17)  # the first cell of the first row
        page.wait_for_timeout(300)
        for key in ["ArrowRight", *["ArrowDown"] * row, "Enter"]:
            page.keyboard.press(key)
        page.keyboard.type(statement_id)
        try:
            option.wait_for(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.keyboard.press("Enter")
    wait_for_rerun(page)


def test_from_a_forms_export_to_a_board_report(page, app_server, screenshot, tmp_path):
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    upload, column = forms_export_with_a_vague_heading(tmp_path)
    create_collaborative(page, app_server.url, "Forms Import Collaborative")
    go_to_sidebar_page(page, "Import responses")
    page.get_by_role("heading", name="Import responses", level=1).wait_for()
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_role("heading", name="What each column holds").wait_for()
    wait_until_settled(page)

    problems = page.get_by_test_id("stMetric").filter(has_text="Problems")
    assert problems.inner_text().split()[-1] != "0", "the unmatched column is a problem"
    importing = page.get_by_role("button", name=re.compile(r"^Import \d+ people"))
    assert importing.is_disabled(), "nothing can be imported while there is a problem"
    screenshot(page, "import with a column to match")

    grid = page.get_by_test_id("stDataFrame").filter(has_text="Counts as").first
    assert grid.get_by_test_id(f"glide-cell-2-{column}").inner_text() == RENAMED
    match_by_hand(page, grid, column, RENAMED_STATEMENT)
    assert grid.get_by_test_id(f"glide-cell-1-{column}").inner_text().startswith(
        f"{RENAMED_STATEMENT}: ")
    page.get_by_test_id("stMetric").filter(has_text="Problems").get_by_text("0", exact=True) \
        .wait_for()
    assert importing.is_enabled()
    assert_no_app_error(page)
    screenshot(page, "import ready to confirm")

    importing.click()
    page.get_by_text(re.compile(r"^Imported 9 people and \d+ answers")).wait_for(timeout=60_000)
    page.get_by_role("link", name="See the results").click()
    page.get_by_role("heading", name="Results", level=1).wait_for()
    page.get_by_text("People who took part").wait_for()
    wait_until_settled(page)
    assert page.get_by_text("People who took part").count() == 1
    assert_no_app_error(page)

    page.get_by_text("Board report", exact=True).click()
    make = page.get_by_role("button", name="Make the board report")
    download_button = page.get_by_role("button", name="Download the PDF")
    make.click()
    try:
        download_button.wait_for(timeout=45_000)
    except PlaywrightTimeoutError:
        # Once in about ten runs of this test on a busy machine, the page stood idle with this
        # button again, no progress and no message, as if the click were lost; a person would
        # click again. Not reproduced on purpose yet (closing note of 3 December 2026).
        if not (make.is_visible() and page.evaluate(IDLE_SCRIPT)):
            raise
        make.click()
        download_button.wait_for(timeout=90_000)
    screenshot(page, "results with the board report ready")
    with page.expect_download() as download:
        download_button.click()
    pdf = tmp_path / download.value.suggested_filename
    download.value.save_as(pdf)
    assert pdf.name.endswith("-board-report.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext (poppler-utils) is needed to read the report"
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "Forms Import Collaborative" in text and "Summary" in text
    assert "Partnership building" in text and "Page 1 of" in text
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"
