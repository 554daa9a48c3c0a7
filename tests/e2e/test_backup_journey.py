"""An admin backs everything up and restores it while the app is running, in a real browser."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    create_collaborative,
    go_to_sidebar_page,
    open_start,
    wait_for_rerun,
)

pytestmark = pytest.mark.browser


def collaborative_names(page) -> list[str]:
    box = page.get_by_role("combobox", name="Collaborative", exact=True)
    box.click()
    box.fill("Backup Journey")
    page.wait_for_timeout(500)
    names = [option.inner_text() for option in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return names


def test_an_admin_backs_up_and_restores_while_the_app_runs(page, app_server, screenshot):
    create_collaborative(page, app_server.url, "Backup Journey Before")
    go_to_sidebar_page(page, "Back up and restore")
    page.get_by_role("heading", name="Back up and restore", level=1).wait_for()
    page.get_by_role("button", name="Back up now").click()
    page.get_by_text(re.compile(r"^Backed up to .*on-demand\.duckdb")).wait_for()

    create_collaborative(page, app_server.url, "Backup Journey After")
    assert any("Backup Journey After" in name for name in collaborative_names(page))

    go_to_sidebar_page(page, "Back up and restore")
    page.get_by_role("heading", name="Restore a copy").wait_for()
    choose_option(page, "Copy to restore", re.compile("taken by hand", re.I))
    restore = page.get_by_role("button", name="Restore this copy")
    assert restore.is_disabled(), "a restore needs the confirmation ticked first"
    page.get_by_text("I understand this replaces everything now in the app").first.click()
    wait_for_rerun(page)
    restore.click()
    page.get_by_text(re.compile(r"^Restored ")).wait_for(timeout=60_000)
    assert page.get_by_text(re.compile("before a restore|before-restore", re.I)).count() > 0
    assert_no_app_error(page)
    screenshot(page, "admin after a restore")

    open_start(page, app_server.url)
    names = collaborative_names(page)
    assert any("Backup Journey Before" in name for name in names)
    assert not any("Backup Journey After" in name for name in names)
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"
