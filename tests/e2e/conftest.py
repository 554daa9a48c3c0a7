"""Fixtures for the real-browser tests: a running app on a fresh database, Chromium, screenshots.

The app runs as its own process (`streamlit run serve.py`, as `make run` does) on a free loopback
port, with COLLAB_ASSESS_DB pointing at a new temporary file, so these tests never touch data/.

Demo peers are optional. Choose with the environment variable COLLAB_E2E_DEMO_PEERS:
  yes (default)   load them; fail if the command fails
  auto            load them with `python -m collab_assess.operations.cli demo`; if that command
                  fails, carry on without peers and say so in the test output
  no              start from an empty database
A test module can also parametrise the `app_server` fixture indirectly with one of these values,
or with a dict {"peers": <value>, "public_address": False, "prepare": <function>}; the
function gets the database's path and may fill it (with a Store) before the app starts.

The app is told its public address (COLLAB_ASSESS_PUBLIC_ADDRESS) is its own loopback URL, as a
deployment behind a proxy would be, so join links and QR codes lead to the test's server; with
"public_address": False it is left unset, as on a laptop straight after `make run`.

Chromium is Debian's (/usr/bin/chromium), driven by the `playwright` package: never run
`playwright install`. Without Chromium or playwright the tests are skipped, except on CI (CI=true),
where that is a failure.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.e2e.helpers import ServerProcess, new_context, phone_context

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DB_ENV_VAR = "COLLAB_ASSESS_DB"
PUBLIC_ADDRESS_ENV_VAR = "COLLAB_ASSESS_PUBLIC_ADDRESS"
PEERS_ENV_VAR = "COLLAB_E2E_DEMO_PEERS"
PEER_MODES = ("auto", "yes", "no")
DEMO_TIMEOUT = 180.0
VIEWPORT = {"width": 1400, "height": 900}


def _missing_browser(reason: str) -> None:
    """Skip locally; on CI a missing browser means the tests silently did not run, so fail."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(
            f"{reason}. The browser tests must run on CI: install Debian's Chromium with "
            "`apt-get install chromium` and the test extras with `pip install -e .[test]` "
            "(do not run `playwright install`).",
            pytrace=False,
        )
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class AppServer(ServerProcess):
    """A running `streamlit run serve.py`; `stop()` ends it so the database file can be opened."""

    url: str
    db_path: Path
    log_path: Path
    peers_loaded: bool
    peers_note: str
    process: subprocess.Popen
    _log_file: object = field(repr=False)



def _load_demo_peers(db_path: Path, mode: str) -> tuple[bool, str]:
    """Run the demo loader if asked; returns (loaded, a one-line note for the test output)."""
    if mode == "no":
        return False, "demo peers not requested"
    command = [sys.executable, "-m", "collab_assess.operations.cli", "demo", "--db", str(db_path)]
    try:
        finished = subprocess.run(
            command, cwd=REPO_ROOT, capture_output=True, text=True, timeout=DEMO_TIMEOUT,
            env={**os.environ, DB_ENV_VAR: str(db_path)},
        )
    except subprocess.TimeoutExpired:
        outcome, output = "timed out", ""
    else:
        if finished.returncode == 0:
            return True, finished.stdout.strip()
        outcome = f"exited with status {finished.returncode}"
        output = (finished.stderr or finished.stdout).strip()
    last_line = output.splitlines()[-1] if output else "(no output)"
    message = f"`collab-assess demo` {outcome}: {last_line}"
    if mode == "yes":
        pytest.fail(f"{PEERS_ENV_VAR}=yes but {message}\n{output}", pytrace=False)
    # Start again from an empty file, whatever the failed load may have left behind.
    for leftover in db_path.parent.glob(db_path.name + "*"):
        leftover.unlink()
    return False, f"running WITHOUT demo peers: {message}"


@pytest.fixture(scope="module")
def app_server(request: pytest.FixtureRequest,
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppServer]:
    options = getattr(request, "param", None)
    options = options if isinstance(options, dict) else {"peers": options}
    mode = options.get("peers") or os.environ.get(PEERS_ENV_VAR, "yes").strip().lower()
    if mode not in PEER_MODES:
        pytest.fail(f"{PEERS_ENV_VAR} must be one of {', '.join(PEER_MODES)}, not {mode!r}",
                    pytrace=False)
    workdir = tmp_path_factory.mktemp("e2e-app")
    db_path = workdir / "collab_assess.duckdb"
    peers_loaded, peers_note = _load_demo_peers(db_path, mode)
    if options.get("prepare"):
        options["prepare"](db_path)
    print(f"\n[e2e] {peers_note}")

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log_path = workdir / "streamlit.log"
    log_file = open(log_path, "w")  # noqa: SIM115 - closed by AppServer.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py",
         "--server.port", str(port), "--server.address", "127.0.0.1",
         "--server.headless", "true", "--browser.gatherUsageStats", "false"],
        cwd=REPO_ROOT,
        env=_app_environment(db_path, url, options.get("public_address", True)),
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    server = AppServer(url, db_path, log_path, peers_loaded, peers_note, process, log_file)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        server.stop()


def _app_environment(db_path: Path, url: str, public_address: bool) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items()
                   if key != PUBLIC_ADDRESS_ENV_VAR}
    environment[DB_ENV_VAR] = str(db_path)
    if public_address:
        environment[PUBLIC_ADDRESS_ENV_VAR] = url
    return environment


def _wait_until_healthy(server: AppServer) -> None:
    server.wait_until_ready("The app", f"{server.url}/_stcore/health",
                            lambda body: body.decode().strip() == "ok")


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        _missing_browser(f"Chromium is not installed at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing_browser("The playwright package cannot be imported")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    if report.when == "call":
        item.stash[_CALL_FAILED] = report.failed
    return report


_CALL_FAILED = pytest.StashKey[bool]()


@contextmanager
def _watched_tab(request: pytest.FixtureRequest, context, app_server: AppServer):
    """A new tab in `context` whose uncaught JavaScript errors are collected in
    `tab.console_errors`; if the test fails, the screen as it was is saved in tests/artifacts/."""
    tab = context.new_page()
    tab.console_errors = []
    tab.on("pageerror", lambda error: tab.console_errors.append(str(error)))
    try:
        yield tab
        if request.node.stash.get(_CALL_FAILED, False) and not tab.is_closed():
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            path = ARTIFACTS / f"{_slug(request.node.name)}-FAILED.png"
            full_page_screenshot(tab, path)
            print(f"\n[e2e] screen at the failure: {path}")
            print("[e2e] the app's output (last 40 lines):\n"
                  + "\n".join(app_server.log().splitlines()[-40:]))
    finally:
        context.close()


@pytest.fixture
def page(request: pytest.FixtureRequest, browser, app_server: AppServer):
    """A fresh browser tab sized like a laptop screen (see _watched_tab)."""
    with _watched_tab(request, new_context(browser, viewport=VIEWPORT),
                      app_server) as tab:
        yield tab


@pytest.fixture
def phone_page(request: pytest.FixtureRequest, browser, app_server: AppServer):
    """A fresh tab in a phone-sized, touch, mobile browser (see _watched_tab)."""
    with _watched_tab(request, phone_context(browser), app_server) as tab:
        yield tab


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest, app_server: AppServer) -> Callable[..., Path]:
    """`screenshot(page, "name")` saves the whole page as
    tests/artifacts/<test>-<with-peers|no-peers>-NN-<name>.png;
    with `full_page=False`, only what the window shows (e.g. where the page is scrolled to)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    prefix = _slug(request.node.name) + ("-with-peers" if app_server.peers_loaded else "-no-peers")
    counter = iter(range(1, 100))

    def take(page, name: str, *, full_page: bool = True) -> Path:
        path = ARTIFACTS / f"{prefix}-{next(counter):02d}-{_slug(name)}.png"
        if full_page:
            full_page_screenshot(page, path)
        else:
            page.screenshot(path=str(path), animations="disabled")
        return path

    return take


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main section rather than the document, so a plain full-page
    screenshot stops at the window's height: stretch the window to the content first."""
    original = page.viewport_size
    height = page.evaluate(
        """() => {
            const main = document.querySelector('[data-testid="stMain"]');
            const side = document.querySelector('[data-testid="stSidebarContent"]');
            return Math.max(main ? main.scrollHeight : 0, side ? side.scrollHeight : 0,
                            document.documentElement.scrollHeight);
        }"""
    )
    page.set_viewport_size({"width": original["width"], "height": max(original["height"], height)})
    try:
        page.wait_for_timeout(400)  # let charts and columns lay out at the new size
        page.screenshot(path=str(path), full_page=True, animations="disabled")
    finally:
        page.set_viewport_size(original)
