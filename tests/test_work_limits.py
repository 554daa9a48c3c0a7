"""Heavy work on the server (issue 17, item 2): each person runs one import, board report or
restore at a time, the server a few at once, and anyone else is told to wait, with nothing
started. What each costs at the limits is printed by `make bench` (Limits)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.access.work_limits import Busy, WorkLimits, heavy_work
from collab_assess.content.bank import load_current_bank
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput
from tests.helpers.apptest import assert_no_exception, texts

ROOT = Path(__file__).resolve().parent.parent
NAVIGATION = f"""
import sys
sys.path.insert(0, {str(ROOT)!r})
import streamlit as st
st.navigation([
    st.Page({str(ROOT / "pages" / "import_responses.py")!r}, title="Import responses",
            default=True),
    st.Page({str(ROOT / "pages" / "start.py")!r}, title="Start"),
    st.Page({str(ROOT / "pages" / "collaborative.py")!r}, title="Collaborative"),
    st.Page({str(ROOT / "pages" / "results.py")!r}, title="Results"),
]).run()
"""
SURVEY = b"Name,PB-1\nAnn,3\n"


def test_each_person_runs_one_piece_of_heavy_work_at_a_time():
    now = [10.0]
    work = WorkLimits(clock=lambda: now[0])
    with work.one_at_a_time("jo@nhs.net", "an import", at_once=3):
        now[0] += 12
        with pytest.raises(Busy, match=r"You already have an import under way \(started 12 "
                                       r"seconds ago\).*Nothing else was started"):
            with work.one_at_a_time("jo@nhs.net", "a board report", at_once=3):
                pytest.fail("a second piece of work ran")
        with work.one_at_a_time("sam@nhs.net", "a board report", at_once=3):
            assert work.under_way() == 2
    assert work.under_way() == 0
    with work.one_at_a_time("jo@nhs.net", "a restore", at_once=3):
        pass  # free again once the first ended


def test_the_server_takes_on_only_so_many_at_once_and_frees_a_place_after_a_failure():
    work = WorkLimits()
    with work.one_at_a_time("a", "an import", at_once=2), \
            work.one_at_a_time("b", "an import", at_once=2):
        with pytest.raises(Busy, match="already working on 2 imports, board reports or restores, "
                                       "the most it takes on at once \\(2\\).*"
                                       "COLLAB_ASSESS_WORK_AT_ONCE"):
            with work.one_at_a_time("c", "a board report", at_once=2):
                pytest.fail("a third piece of work ran")
    with pytest.raises(ValueError):
        with work.one_at_a_time("a", "an import", at_once=2):
            raise ValueError("the import failed")
    assert work.under_way() == 0


@pytest.fixture
def import_page(app_db: Path) -> AppTest:
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Northshire"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Spring",
                                                              opens_on="2026-03-01"),
                                    load_current_bank(), "lead")
    finally:
        store.close()
    test = AppTest.from_string(NAVIGATION, default_timeout=60)
    test.session_state["collaborative_id"] = collaborative
    test.session_state["round_id"] = round_id
    test.run()
    assert_no_exception(test)
    return test


def test_an_import_while_the_same_person_makes_a_report_is_told_to_wait(import_page):
    with heavy_work.one_at_a_time("app user", "a board report"):
        import_page.file_uploader[0].set_value(("survey.csv", SURVEY, "text/csv"))
        import_page.run()
    assert_no_exception(import_page)
    assert "You already have a board report under way" in texts(import_page.error)
    assert "What each column holds" not in [each.value for each in import_page.subheader]
    import_page.run()  # the report done, the same file is read
    assert "What each column holds" in [each.value for each in import_page.subheader]


def test_an_import_while_the_server_is_full_is_told_to_try_again(import_page):
    with heavy_work.one_at_a_time("jo@nhs.net", "an import"), \
            heavy_work.one_at_a_time("sam@nhs.net", "a restore"):
        import_page.file_uploader[0].set_value(("survey.csv", SURVEY, "text/csv"))
        import_page.run()
    assert "already working on 2 imports, board reports or restores" in texts(import_page.error)
