"""Wrong codes slow guessers, not rooms (issue 17, item 4): a right code is never refused because
other people on the same network typed wrong ones; a room of 40 on one address with a few typos
gets in at once; a guesser opening browser after browser is paced to one guess a turn; and
browsers whose address is not seen share one count, so reconnecting buys nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.access.settings import Limits
from collab_assess.access.throttle import (
    LONGEST_TURN_WAIT,
    NETWORK_MEMORY_SECONDS,
    CodeAttempts,
    join_attempts,
    network_of,
)
from collab_assess.content.bank import load_current_bank
from collab_assess.store import Store
from collab_assess.store.inputs import WorkshopInput
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception, texts
from tests.helpers.rounds import spring_round

LIMITS = Limits()
HOSPITAL = "192.0.2.10"


class Clock:
    """Time that passes only when someone waits."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def attempts(clock: Clock) -> CodeAttempts:
    return CodeAttempts(clock=clock, sleep=clock.sleep, limits=LIMITS)


def test_a_room_of_forty_with_a_few_typos_gets_in_at_once(attempts, clock):
    for typo in range(5):
        assert attempts.before_checking(f"phone {typo}", HOSPITAL) == 0
        attempts.failed(f"phone {typo}", HOSPITAL)
    for phone in range(40):
        assert attempts.before_checking(f"phone {phone}", HOSPITAL) == 0
        attempts.succeeded(f"phone {phone}")
    assert clock.waits == []


def test_a_right_code_is_never_refused_for_other_peoples_wrong_ones(attempts, clock):
    for guess in range(LIMITS.code_free_tries_per_network * 3):  # a guesser, a browser a guess
        if attempts.before_checking(f"guesser {guess}", HOSPITAL) == 0:
            attempts.failed(f"guesser {guess}", HOSPITAL)
        clock.now += 0.1
    clock.waits.clear()
    for colleague in range(3):
        assert attempts.before_checking(f"colleague {colleague}", HOSPITAL) == 0
    assert clock.waits and max(clock.waits) <= LIMITS.code_network_pace_seconds


def test_a_guesser_opening_browser_after_browser_gets_one_guess_a_turn(attempts, clock):
    started, checked = clock.now, 0
    while clock.now - started < 600:
        browser = f"fresh browser {checked}"
        wait = attempts.before_checking(browser, HOSPITAL)
        if wait > 0:
            clock.now += wait
            continue
        checked += 1
        attempts.failed(browser, HOSPITAL)
    most = LIMITS.code_free_tries_per_network + 600 / LIMITS.code_network_pace_seconds + 1
    assert checked <= most


def test_a_browsers_own_wrong_codes_make_it_wait_longer_each_time(attempts, clock):
    for _ in range(LIMITS.code_free_tries):
        assert attempts.before_checking("phone", HOSPITAL) == 0
        attempts.failed("phone", HOSPITAL)
    assert attempts.before_checking("phone", HOSPITAL) == pytest.approx(2.0)
    assert attempts.before_checking("another phone", HOSPITAL) == 0


def test_browsers_with_no_address_share_one_count_so_reconnecting_buys_nothing(attempts, clock):
    for session in range(LIMITS.code_free_tries_per_network):
        assert attempts.before_checking(f"session {session}", None) == 0
        attempts.failed(f"session {session}", None)
    attempts.before_checking("a new session", None)
    attempts.before_checking("another new session", None)
    assert clock.waits  # paced: reconnecting did not start a fresh allowance
    assert network_of(None) == network_of("")


def test_an_ipv6_network_is_its_slash_64_and_a_mapped_ipv4_address_is_itself():
    assert network_of("2001:db8:1:2::10") == network_of("2001:db8:1:2:ffff::1")
    assert network_of("2001:db8:1:2::10") != network_of("2001:db8:1:3::10")
    assert network_of("::ffff:192.0.2.10") == network_of("192.0.2.10") == "192.0.2.10"


def test_a_network_is_forgiven_after_a_quarter_of_an_hour(attempts, clock):
    for guess in range(LIMITS.code_free_tries_per_network):
        attempts.failed(f"guesser {guess}", HOSPITAL)
    assert attempts.by_address.is_paced(HOSPITAL)
    clock.now += NETWORK_MEMORY_SECONDS + 1
    assert not attempts.by_address.is_paced(HOSPITAL)


def test_a_queue_too_long_to_wait_in_is_told_to_come_back_and_not_checked(attempts, clock):
    for guess in range(LIMITS.code_free_tries_per_network):
        attempts.failed(f"guesser {guess}", HOSPITAL)
    turns = [attempts.by_address.turn(network_of(HOSPITAL)) for _ in range(50)]
    assert max(turns) > LONGEST_TURN_WAIT  # many browsers at once: the later ones are not held
    assert attempts.before_checking("one more", HOSPITAL) > LONGEST_TURN_WAIT


@pytest.fixture
def running_workshop(app_db: Path) -> str:
    bank = load_current_bank()
    store = Store(app_db)
    try:
        collaborative, round_id = spring_round(store, bank)
        workshop = store.start_workshop(round_id, WorkshopInput(
            title="Board", statement_ids=(bank.statements[0].id,), started_by="lead"))
        return store.get_workshop(workshop).join_code
    finally:
        store.close()


def test_on_the_join_page_a_fresh_browser_with_the_right_code_gets_in_after_many_wrong_ones(
        running_workshop, monkeypatch):
    waited: list[float] = []
    monkeypatch.setattr(join_attempts, "_sleep", waited.append)
    for other in range(LIMITS.code_free_tries_per_network * 2):  # others on the network
        join_attempts.failed(f"someone else {other}", None)  # (browsers in tests have no address)
    browser = AppTest.from_file(APP, default_timeout=TIMEOUT)
    browser.query_params["code"] = running_workshop
    browser.switch_page("pages/join.py").run()
    next(b for b in browser.button if b.label == "Join").click()
    browser.run()
    assert_no_exception(browser)
    assert "Too many wrong codes" not in texts(browser.error)
    assert browser.query_params.get("who"), "the browser did not get a seat"
    assert waited and max(waited) <= LIMITS.code_network_pace_seconds
