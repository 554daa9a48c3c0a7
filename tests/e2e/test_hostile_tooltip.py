"""A chart's tooltip shows user text as text, in a real browser.

Streamlit draws altair charts with vega-embed, whose tooltip handler writes each tooltip as HTML.
It escapes every value, but that is the library's choice, not ours: this checks, in Chromium, that
a collaborative named with an <img onerror>, a <script> and Markdown shows in the Benchmark
heatmap's tooltip as those very characters, runs nothing and fetches nothing.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator

import pytest

from collab_assess.content.bank import load_current_bank
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.e2e.conftest import (
    DB_ENV_VAR,
    REPO_ROOT,
    VIEWPORT,
    AppServer,
    _free_port,
    _wait_until_healthy,
)
from tests.e2e.helpers import assert_no_app_error, new_context, wait_until_settled
from tests.helpers.factories import answer

pytestmark = pytest.mark.browser

EVIL_HOST = "evil.example"
NAME = (f"<img src=//{EVIL_HOST}/x onerror=document.title=1><script>document.title=2</script>"
        f" **bold** [a](//{EVIL_HOST})")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[AppServer]:
    """The app on a database whose one collaborative, with a submitted round, has that name."""
    from collab_assess.store import Store

    workdir = tmp_path_factory.mktemp("hostile-tooltip")
    db_path = workdir / "collab_assess.duckdb"
    bank = load_current_bank()
    store = Store(db_path)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name=NAME), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Spring",
                                                              opens_on="2026-03-01"), bank, "lead")
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        for statement in bank.statements:
            store.record_answer(round_id, person, statement.id, answer(2))
        store.close_round(round_id, "lead")
    finally:
        store.close()
    port = _free_port()
    log_path = workdir / "streamlit.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed by AppServer.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT, env={**os.environ, DB_ENV_VAR: str(db_path)}, stdout=log_file,
        stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}", db_path, log_path, False, "hostile name only",
                       process, log_file)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        server.stop()


def test_a_tooltip_shows_a_hostile_name_as_text(browser, hostile_server):
    context = new_context(browser, viewport=VIEWPORT)
    fetched: list[str] = []
    context.on("request", lambda request: fetched.append(request.url)
               if EVIL_HOST in request.url else None)
    dialogs: list[str] = []
    try:
        page = context.new_page()
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{hostile_server.url}/benchmark")
        # The heatmap's last cell: the collaborative's own row, below the median rows.
        heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
        cell = heatmap.locator("g.mark-rect path").last
        cell.wait_for()
        wait_until_settled(page)
        assert_no_app_error(page)
        title = page.title()
        cell.scroll_into_view_if_needed()
        box = cell.bounding_box()
        # Near the cell's corner: its middle holds the score's text, which has no tooltip.
        page.mouse.move(box["x"] + 3, box["y"] + 3)
        tooltip = page.locator("#vg-tooltip-element.visible")
        tooltip.wait_for()
        assert NAME in tooltip.inner_text()
        assert tooltip.locator("img, script, a, strong, b").count() == 0
        assert "&lt;img" in tooltip.inner_html()
        page.wait_for_timeout(500)  # time for an image to load or an onerror to run, were they live
        assert page.title() == title
        assert not fetched and not dialogs
    finally:
        context.close()
