"""The Admin page: back up now, the list of copies with downloads, and a guarded restore."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.operations.backups import (
    BEFORE_RESTORE,
    ON_DEMAND,
    list_snapshots,
    start_automatic_snapshots,
)
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile
from collab_assess.store.shared import shared_store
from tests.helpers.apptest import assert_no_exception, texts

ADMIN_PAGE = Path(__file__).resolve().parent.parent / "pages" / "admin.py"
TIMEOUT = 60


@pytest.fixture
def admin(tmp_path: Path, app_db: Path):
    """The Admin page inside a navigation of its own (app.py's menu is not needed to test it)."""
    script = tmp_path / "admin_app.py"
    script.write_text(
        "import streamlit as st\n"
        f"st.navigation([st.Page({str(ADMIN_PAGE)!r}, title='Admin')]).run()\n")
    store = Store(app_db)
    store.create_collaborative(CollaborativeProfile(name="Northshire Collaborative"), "lead")
    store.close()

    def run() -> AppTest:
        return AppTest.from_file(str(script), default_timeout=TIMEOUT).run()

    return run


def button(test: AppTest, label: str):
    return next(each for each in test.button if each.label == label)


def test_back_up_now_says_where_the_copy_went_and_lists_it(admin, app_db):
    test = admin()
    assert_no_exception(test)
    assert test.title[0].value == "Back up and restore"
    words = texts(test.markdown)
    assert "The newest 14 copies of each kind are kept" in words
    assert "never deleted automatically" in words
    assert f"Copies are saved in {app_db.parent / 'backups'}" in words

    button(test, "Back up now").click()
    test.run()
    assert_no_exception(test)
    [snapshot] = on_demand(app_db)
    assert f"Backed up to {snapshot.path} (" in texts(test.success)
    assert snapshot.name in test.dataframe[0].value["File"].tolist()
    downloads = test.get("download_button")
    assert len(downloads) == len(list_snapshots(app_db.parent / "backups"))
    assert {each.label for each in downloads} == {"Download"}


def on_demand(app_db: Path) -> list:
    return [each for each in list_snapshots(app_db.parent / "backups") if each.reason == ON_DEMAND]


def test_a_restore_needs_the_confirmation_and_then_puts_the_copy_back(admin, app_db):
    test = admin()
    button(test, "Back up now").click()
    test.run()
    store = Store(app_db)
    store.create_collaborative(CollaborativeProfile(name="Made After The Copy"), "lead")
    store.close()

    [snapshot] = on_demand(app_db)
    test.selectbox[0].select(snapshot.name)
    test.run()
    assert button(test, "Restore this copy").disabled  # not until the box is ticked
    next(each for each in test.checkbox
         if each.label == "I understand this replaces everything now in the app").check()
    test.run()
    button(test, "Restore this copy").click()
    test.run()
    assert_no_exception(test)
    assert f"Restored {snapshot.name}: 1 collaborative" in texts(test.success)
    assert "A copy of everything it replaced is kept in" in texts(test.success)
    store = Store(app_db)
    try:
        assert store.collaboratives()["name"].tolist() == ["Northshire Collaborative"]
    finally:
        store.close()
    assert BEFORE_RESTORE in [each.reason for each in list_snapshots(app_db.parent / "backups")]
    assert not test.checkbox[0].value  # the confirmation starts unticked again


def test_the_page_states_the_automatic_schedule_when_it_runs(admin, app_db):
    schedule = start_automatic_snapshots(shared_store(app_db), keep=7, check_every=600)
    try:
        assert schedule.wait_until_idle(30)
        test = admin()
        assert_no_exception(test)
        words = texts(test.markdown)
        assert "The app copies the whole database once a day, and again each time an assessment " \
               "round is closed." in words
        assert "The newest 7 copies of each kind are kept" in words
        assert "Daily" in test.dataframe[0].value["Why"].tolist()
    finally:
        schedule.stop(timeout=30)
