"""Secrets never reach a log or an error message, and neither do resume codes or workshop codes.

The app runs (through AppTest, and as a real server) with an [auth] section whose client secret
and cookie secret are distinctive strings. Then things go wrong: wrong resume codes and workshop
codes, typed and in addresses, right ones too, a sign-in that cannot reach its provider, settings
that are incomplete, a database file that cannot be opened. Whatever is logged, printed or shown as
an error, warning or exception must hold none of the secrets and none of the codes.
"""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import load_current_bank
from collab_assess.store import DB_ENV_VAR, Store
from collab_assess.store.inputs import (
    RespondentInput,
    WorkshopInput,
)
from tests.helpers.apptest import APP, TIMEOUT
from tests.helpers.factories import answer
from tests.helpers.rounds import spring_round

CLIENT_SECRET = "client-secret-7Qz9-do-not-log"
COOKIE_SECRET = "cookie-secret-K3v8-do-not-log"
AUTH = {
    "redirect_uri": "http://127.0.0.1:9/oauth2callback",
    "cookie_secret": COOKIE_SECRET,
    "client_id": "collab-assess-test",
    "client_secret": CLIENT_SECRET,
    "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
}
WRONG_RESUME_CODE = "QQQQ-QQQQ"
WRONG_JOIN_CODE = "QQQQQQ"
SERVER_START_SECONDS = 60


@pytest.fixture(scope="module")
def codes(tmp_path_factory) -> dict:
    """A database with a respondent (their resume code) and a running workshop (its join code)."""
    path = tmp_path_factory.mktemp("secrets") / "app.duckdb"
    bank = load_current_bank()
    store = Store(path)
    try:
        collaborative, round_id = spring_round(store, bank)
        person = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        store.record_answer(round_id, person, bank.statements[0].id, answer(2))
        workshop = store.start_workshop(round_id, WorkshopInput(
            title="Board", statement_ids=(bank.statements[0].id,), started_by="lead"))
        return {"path": path, "collaborative": collaborative,
                "resume": store.get_respondent(person).resume_code,
                "join": store.get_workshop(workshop).join_code}
    finally:
        store.close()


def never_said(codes: dict) -> list[str]:
    """What must never be logged or put in an error message (a resume code also without its dash,
    as someone might type it)."""
    return [CLIENT_SECRET, COOKIE_SECRET, codes["resume"], codes["resume"].replace("-", ""),
            codes["join"], WRONG_RESUME_CODE, WRONG_JOIN_CODE]


@pytest.fixture
def captured(caplog, capfd):
    """Everything logged (any logger, INFO and up, and collab_assess's own DEBUG) and printed."""
    caplog.set_level(logging.INFO)
    caplog.set_level(logging.DEBUG, logger="collab_assess")

    def read() -> str:
        out, err = capfd.readouterr()
        return "\n".join([caplog.text, out, err])

    return read


def app_run(codes: dict, page: str, monkeypatch, *, params: dict | None = None,
            session: dict | None = None, auth: dict | None = None) -> AppTest:
    monkeypatch.setenv(DB_ENV_VAR, str(codes["path"]))
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.secrets["auth"] = dict(AUTH if auth is None else auth)
    for name, value in (session or {}).items():
        test.session_state[name] = value
    test.query_params.update(params or {})
    test.switch_page(f"pages/{page}.py")
    return test.run()


def messages(test: AppTest) -> str:
    """Every error, warning, exception and toast the page shows."""
    shown = [str(element.value) for kind in ("error", "warning", "exception", "toast")
             for element in getattr(test, kind)]
    shown += [line for element in test.exception for line in element.stack_trace]
    return "\n".join(shown)


def everything_shown(test: AppTest) -> str:
    """Every element of the page, as its protobuf text."""
    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            yield str(proto)
        for child in getattr(node, "children", {}).values():
            yield from walk(child)

    return "\n".join(walk(test._tree))


def assert_nothing_leaked(codes: dict, test: AppTest, logged: str) -> None:
    for secret in never_said(codes):
        assert secret not in logged, f"{secret!r} was logged or printed"
        assert secret not in messages(test), f"{secret!r} is in a message shown"
    for secret in (CLIENT_SECRET, COOKIE_SECRET):
        assert secret not in everything_shown(test), f"{secret!r} is on the page"


def type_resume_code(test: AppTest, code: str) -> AppTest:
    next(box for box in test.text_input if box.label == "Your resume code").input(code)
    next(button for button in test.button if button.label == "Continue").click()
    return test.run()


def type_join_code(test: AppTest, code: str) -> AppTest:
    next(box for box in test.text_input if box.label == "Workshop code").input(code)
    next(button for button in test.button if button.label == "Join").click()
    return test.run()


# -- through AppTest -------------------------------------------------------------------------------

def test_wrong_and_right_resume_codes(codes, monkeypatch, captured):
    test = app_run(codes, "self_assessment", monkeypatch,
                   session={"collaborative_id": codes["collaborative"]})
    type_resume_code(test, WRONG_RESUME_CODE)
    assert "not recognised" in messages(test)
    assert_nothing_leaked(codes, test, captured())
    type_resume_code(test, codes["resume"].replace("-", "").lower())
    assert test.session_state["respondent_id"] is not None, messages(test)
    assert_nothing_leaked(codes, test, captured())
    from_address = app_run(codes, "self_assessment", monkeypatch,
                           params={"who": WRONG_RESUME_CODE})
    assert_nothing_leaked(codes, from_address, captured())


def test_wrong_and_right_workshop_codes(codes, monkeypatch, captured):
    test = app_run(codes, "join", monkeypatch)
    type_join_code(test, WRONG_JOIN_CODE)
    assert "does not match a workshop" in messages(test)
    assert_nothing_leaked(codes, test, captured())
    type_join_code(test, codes["join"].lower())
    assert "who" in test.query_params, messages(test)
    assert_nothing_leaked(codes, test, captured())
    a_wrong_seat = app_run(codes, "join", monkeypatch, params={"who": WRONG_RESUME_CODE})
    assert_nothing_leaked(codes, a_wrong_seat, captured())


def test_a_database_that_cannot_be_opened(codes, tmp_path, monkeypatch, captured):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database " * 200)
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.secrets["auth"] = dict(AUTH)
    monkeypatch.setenv(DB_ENV_VAR, str(broken))
    test.switch_page("pages/start.py").run()
    assert "cannot be opened" in messages(test) or "not a readable" in messages(test)
    assert_nothing_leaked(codes, test, captured())


def test_shared_mode_sign_in_and_incomplete_settings(codes, monkeypatch, captured):
    monkeypatch.setenv("COLLAB_ASSESS_MODE", "shared")
    test = app_run(codes, "sign_in", monkeypatch)
    assert_nothing_leaked(codes, test, captured())
    sign_in = next(button for button in test.button if button.label.startswith("Sign in"))
    sign_in.click()  # st.login cannot reach the (absent) provider: whatever it says, no secret
    test.run()
    assert_nothing_leaked(codes, test, captured())
    incomplete = app_run(codes, "sign_in", monkeypatch,
                         auth={key: value for key, value in AUTH.items() if key != "client_id"})
    assert "client_id" in messages(incomplete)
    assert_nothing_leaked(codes, incomplete, captured())


# -- a real server ---------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(db_path: Path, secrets_file: Path, log_path: Path) -> tuple[subprocess.Popen, str]:
    """`streamlit run serve.py` as `make run` starts it, with its own secrets file."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "serve.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false", f"--secrets.files={secrets_file}"],
        cwd=Path(APP).parent, env={**os.environ, DB_ENV_VAR: str(db_path)},
        stdout=log_path.open("w"), stderr=subprocess.STDOUT)
    return process, f"http://127.0.0.1:{port}"


def wait_until_up_or_ended(process: subprocess.Popen, url: str) -> bool:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):
                return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.25)
    return False


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def get(url: str) -> None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            response.read()
    except urllib.error.HTTPError:
        pass  # a wrong workshop code answers 404, as it should


@pytest.fixture
def secrets_file(tmp_path) -> Path:
    path = tmp_path / "secrets.toml"
    path.write_text("[auth]\n" + "".join(f'{key} = "{value}"\n' for key, value in AUTH.items()))
    return path


def test_the_server_logs_no_code_it_is_asked_about(codes, tmp_path, secrets_file):
    """The addresses phones and browsers ask for carry codes: /api/workshop/<code>, the
    Self-assessment page's ?who=<code>, the join page's ?code=<code>. None is logged."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(codes["path"].read_bytes())  # the server holds its file; the tests keep theirs
    log = tmp_path / "server.log"
    process, url = serve(copy, secrets_file, log)
    try:
        assert wait_until_up_or_ended(process, url), log.read_text()
        for address in (f"/api/workshop/{codes['join']}", f"/api/workshop/{WRONG_JOIN_CODE}",
                        f"/self_assessment?who={codes['resume']}",
                        f"/self_assessment?who={WRONG_RESUME_CODE}", f"/join?code={codes['join']}",
                        f"/join?who={WRONG_RESUME_CODE}"):
            get(url + address)
    finally:
        stop(process)
    logged = log.read_text()
    assert "You can now view your Streamlit app" in logged
    for secret in never_said(codes):
        assert secret not in logged, f"{secret!r} was logged"


def test_a_server_that_cannot_open_its_database_says_why_and_nothing_more(codes, tmp_path,
                                                                          secrets_file):
    broken = tmp_path / "broken.duckdb"
    broken.write_bytes(b"this is not a database " * 200)
    log = tmp_path / "server.log"
    process, url = serve(broken, secrets_file, log)
    try:
        wait_until_up_or_ended(process, url)
    finally:
        stop(process)
    logged = log.read_text()
    assert "not a readable collab-assess database" in logged
    for secret in never_said(codes):
        assert secret not in logged, f"{secret!r} was logged"
