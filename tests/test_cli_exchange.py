"""The report, export, import, backup and restore commands, driven through `collab-assess` itself
on a database with demo peers and one real collaborative whose survey ran in Microsoft Forms."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from collab_assess.content.bank import load_banks
from collab_assess.operations.cli import main
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput
from tests.helpers.cli import run

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FORMS_EXPORT = FIXTURES / "forms_export.csv"
NAME = "Riverside Acute Collaborative"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """Demo peers plus a real collaborative with an open round (nobody has answered yet) and an
    empty second round."""
    db = tmp_path_factory.mktemp("cli") / "cli.duckdb"
    assert main(["demo", "--db", str(db)]) == 0
    store = Store(db)
    try:
        bank = load_banks()[2]  # the shape of the Forms export the tests import
        collaborative = store.create_collaborative(CollaborativeProfile(name=NAME,
                                                                        region="London"), "lead")
        store.open_round(collaborative, RoundInput(label="Spring 2026", opens_on="2026-03-01"),
                         bank, "lead")
        store.open_round(collaborative, RoundInput(label="Autumn 2026", opens_on="2026-09-01"),
                         bank, "lead")
    finally:
        store.close()
    return db


@pytest.fixture(scope="module")
def imported_db(demo_db: Path) -> Path:
    """The Forms export brought into Spring 2026 through the command."""
    code = main(["import", str(FORMS_EXPORT), "--collaborative", NAME, "--round", "Spring 2026",
                 "--db", str(demo_db)])
    assert code == 0
    return demo_db


def answers_in(db: Path, label: str) -> int:
    store = Store(db)
    try:
        collaborative = store.find_collaborative(NAME)
        return len(store.current_answers([store.find_round(collaborative.id, label).id]))
    finally:
        store.close()


def test_a_dry_run_prints_the_check_and_writes_nothing(demo_db: Path, capsys):
    code, out, _ = run(capsys, "import", str(FORMS_EXPORT), "--collaborative", NAME.upper(),
                       "--round", "autumn  2026", "--dry-run", "--db", str(demo_db))
    assert code == 0 and "Dry run: nothing was written." in out
    assert answers_in(demo_db, "Autumn 2026") == 0


def test_an_import_writes_every_answer_and_a_second_one_is_refused(imported_db: Path, capsys):
    assert answers_in(imported_db, "Spring 2026") > 100
    code, _, err = run(capsys, "import", str(FORMS_EXPORT), "--collaborative", NAME, "--round",
                       "Spring 2026", "--db", str(imported_db))
    assert code == 1 and "Nothing was imported" in err and "Traceback" not in err


def test_a_file_with_problems_is_refused_listing_them_by_row(demo_db: Path, capsys):
    code, _, err = run(capsys, "import", str(FIXTURES / "bad_level.csv"), "--collaborative", NAME,
                       "--round", "Autumn 2026", "--db", str(demo_db))
    assert code == 1 and "Row " in err and "Nothing was imported" in err
    assert answers_in(demo_db, "Autumn 2026") == 0


def test_unknown_names_are_plain_errors_listing_what_there_is(demo_db: Path, capsys):
    code, _, err = run(capsys, "report", "--collaborative", "Nowhere", "--round", "x",
                       "--db", str(demo_db))
    assert code == 1 and "no collaborative called 'Nowhere'" in err and NAME in err
    code, _, err = run(capsys, "report", "--collaborative", NAME, "--round", "Winter",
                       "--db", str(demo_db))
    assert code == 1 and "no round called 'Winter'" in err and "'Spring 2026'" in err


def test_the_report_is_written_as_pdf_and_as_html(imported_db: Path, tmp_path: Path, capsys):
    pdf = tmp_path / "board.pdf"
    code, out, _ = run(capsys, "report", "--collaborative", NAME, "--round", "Spring 2026",
                       "--out", str(pdf), "--db", str(imported_db))
    assert code == 0 and f"Wrote {pdf}" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    html = tmp_path / "board.html"
    code, _, _ = run(capsys, "report", "--collaborative", NAME, "--round", "Spring 2026",
                     "--format", "html", "--out", str(html), "--db", str(imported_db))
    assert code == 0 and NAME in html.read_text()
    assert not list(tmp_path.glob(".*.partial"))


def test_a_round_nobody_answered_has_no_report_and_says_so(imported_db: Path, tmp_path, capsys):
    out_file = tmp_path / "empty.pdf"
    code, _, err = run(capsys, "report", "--collaborative", NAME, "--round", "Autumn 2026",
                       "--out", str(out_file), "--db", str(imported_db))
    assert code == 1 and "no report to make" in err and not out_file.exists()


def test_the_export_is_written_as_a_workbook_and_as_a_zip(imported_db: Path, tmp_path, capsys):
    workbook = tmp_path / "data.xlsx"
    code, _, _ = run(capsys, "export", "--collaborative", NAME, "--out", str(workbook),
                     "--db", str(imported_db))
    assert code == 0
    sheets = load_workbook(workbook, read_only=True).sheetnames
    assert "Answers" in sheets and "Columns" in sheets
    archive = tmp_path / "data.zip"
    code, _, _ = run(capsys, "export", "--collaborative", NAME, "--format", "csv",
                     "--out", str(archive), "--db", str(imported_db))
    assert code == 0 and "answers.csv" in zipfile.ZipFile(archive).namelist()


def test_export_into_a_missing_folder_is_a_plain_error(imported_db: Path, tmp_path, capsys):
    code, _, err = run(capsys, "export", "--collaborative", NAME, "--out",
                       str(tmp_path / "no" / "such.xlsx"), "--db", str(imported_db))
    assert code == 1 and "does not exist" in err


def test_backup_then_restore_gives_the_same_data(imported_db: Path, tmp_path: Path, capsys):
    copy = tmp_path / "copy.duckdb"
    code, _, err = run(capsys, "backup", str(copy), "--db", str(imported_db))
    assert code == 0 and copy.exists(), err
    fresh = tmp_path / "fresh.duckdb"
    code, _, _ = run(capsys, "restore", str(copy), "--db", str(fresh))
    assert code == 0
    assert answers_in(fresh, "Spring 2026") == answers_in(imported_db, "Spring 2026")
    code, _, err = run(capsys, "restore", str(copy), "--db", str(fresh))
    assert code == 1 and "--replace" in err
    code, out, _ = run(capsys, "restore", str(copy), "--replace", "--db", str(fresh))
    assert code == 0 and list((tmp_path / "backups").glob("*before-restore*"))
