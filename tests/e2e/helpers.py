"""What the browser tests share: waiting for Streamlit, picking options, setting up a
collaborative, and opening phone-sized browser contexts."""

from __future__ import annotations

import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from urllib.parse import parse_qs, urlparse

import pytest

from benchmarks.streamlit_runs import IDLE_SCRIPT, MARK_SEEN, RUN_BEGUN_SCRIPT, WATCH_RUNS

PHONE = {"width": 390, "height": 844}
# A phone's own browser says so in its user agent; Streamlit closes the sidebar after a page is
# picked from it only on such a device.
PHONE_USER_AGENT = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
                    "(KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36")
APP_ERROR = '[data-testid="stException"]'


RUN_START_MS = 1_000
"""How long a click may take to begin a run of the page; a click that begins none (opening an
expander, say) costs this much."""


def new_context(browser, **options):
    """A new browser context (locale en-GB, 30 s timeouts) whose tabs count Streamlit's runs, so
    that wait_for_rerun can tell when the run a click began has ended."""
    context = browser.new_context(locale="en-GB", **options)
    context.set_default_timeout(30_000)
    context.add_init_script(WATCH_RUNS)
    return context


def phone_context(browser):
    """A new phone-sized, touch, mobile browser context."""
    return new_context(browser, viewport=PHONE, is_mobile=True, has_touch=True,
                       user_agent=PHONE_USER_AGENT)


def wait_until_idle(page) -> None:
    """Wait for Streamlit to finish its run (see benchmarks/streamlit_runs.py), and note that every
    run so far has been waited for."""
    page.wait_for_function(IDLE_SCRIPT, timeout=30_000)
    page.evaluate(MARK_SEEN)


def wait_for_rerun(page) -> None:
    """After a click: wait for the run it began to begin, then for it to end."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(RUN_BEGUN_SCRIPT, timeout=RUN_START_MS)
    except PlaywrightTimeoutError:
        pass  # the click began no run
    wait_until_idle(page)


def wait_until_settled(page) -> None:
    """As wait_until_idle, then a moment for late layout (charts, fonts) before measuring."""
    wait_until_idle(page)
    page.wait_for_timeout(300)


def assert_no_app_error(page) -> None:
    exceptions = page.locator(APP_ERROR)
    assert exceptions.count() == 0, f"the app shows an exception: {exceptions.first.inner_text()}"


def go_to_sidebar_page(page, title: str) -> None:
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title, exact=True).click()


def choose_option(page, label: str, option: str | re.Pattern, *, typed: str | None = None) -> None:
    """Pick `option` in the select box labelled `label` (typing `typed` first to filter a long
    list)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=isinstance(option, str)).first
    for _ in range(3):  # a click straight after another dropdown closes may only focus the box
        box.click()
        if typed:
            box.fill(typed)
        try:
            wanted.wait_for(timeout=3_000)
            break
        except Exception:  # noqa: BLE001 - playwright's TimeoutError; try opening it again
            continue
    wanted.click()


def open_start(page, url: str) -> None:
    page.goto(url)
    page.get_by_role("heading", level=1).first.wait_for(timeout=60_000)
    page.get_by_role("textbox", name="Name of the collaborative", exact=True).wait_for()
    wait_until_settled(page)


def create_collaborative(page, url: str, name: str, region: str | None = "North West") -> None:
    """On a fresh Start page, set up a collaborative (with its first round)."""
    open_start(page, url)
    page.get_by_role("textbox", name="Name of the collaborative", exact=True).fill(name)
    if region:
        choose_option(page, "NHS England region", region)
    page.get_by_role("button", name="Create collaborative").click()
    page.get_by_text("You are working on").first.wait_for()
    wait_until_settled(page)


def choose_demo_collaborative(page, url: str) -> int:
    """From a fresh Start page, choose the first synthetic demo collaborative; returns its id."""
    open_start(page, url)
    choose_option(page, "Collaborative", re.compile(r"^Synthetic: .*\(synthetic demo\)$"),
                  typed="Synthetic")
    page.get_by_text(re.compile(r"^You are working on Synthetic")).wait_for()
    wait_until_settled(page)
    return int(parse_qs(urlparse(page.url).query)["c"][0])


def open_self_assessment_as_new_respondent(page) -> None:
    """From a collaborative with an open round: join as a respondent and reach the first area."""
    go_to_sidebar_page(page, "Self-assessment")
    choose_option(page, "Your role", re.compile(".+"))
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_text(re.compile(r"^\d+ of \d+ statements answered$")).wait_for()
    page.get_by_role("radiogroup").first.wait_for()
    wait_until_settled(page)


STOP_TIMEOUT = 10.0
START_TIMEOUT = 60.0


class ServerProcess:
    """A server a test started (the app, or the sign-in provider): its log, and stopping it.
    Classes using this hold `process`, `log_path` and `_log_file`."""

    def log(self) -> str:
        if not self._log_file.closed:
            self._log_file.flush()
        return self.log_path.read_text(errors="replace")

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.running:
            self.process.terminate()
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=STOP_TIMEOUT)
        if not self._log_file.closed:
            self._log_file.close()

    def wait_until_ready(self, name: str, url: str, ready: Callable[[bytes], bool]) -> None:
        """Poll `url` until it answers 200 with a body `ready` accepts; fail the test, with the
        server's output, if the server exits or START_TIMEOUT passes first."""
        deadline = time.monotonic() + START_TIMEOUT
        last_error = "no answer yet"
        while time.monotonic() < deadline:
            if not self.running:
                pytest.fail(f"{name} exited (status {self.process.returncode}) before it was "
                            f"ready. Its output:\n{self.log()}", pytrace=False)
            try:
                with urllib.request.urlopen(url, timeout=2) as response:
                    body = response.read()
                if response.status == 200 and ready(body):
                    return
                last_error = f"status {response.status}, body {body[:80]!r}"
            except (urllib.error.URLError, OSError) as error:
                last_error = str(error)
            time.sleep(0.25)
        self.stop()
        pytest.fail(f"{name} did not answer {url} within {START_TIMEOUT:.0f}s (last: "
                    f"{last_error}). Its output:\n{self.log()}", pytrace=False)
