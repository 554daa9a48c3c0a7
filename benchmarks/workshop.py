"""The Workshop section of `make bench`: how soon a vote reaches the facilitator's live count, and
what a room of phones costs the server.

Two measurements, printed as figures (never asserted):

1. Service layer: forty people vote at once (some change their minds) while another thread runs the
   facilitator's tally query as fast as it goes, noting when each new count first appears.
2. Real browsers: the app (serve.py) runs as its own process with phones waiting in headless
   Chromium; the server process's CPU time over a fixed window is read from /proc, and how long
   the phones take to follow when voting opens is timed. Without Chromium or playwright this part
   says why it was skipped and the bench carries on.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.streamlit_runs import IDLE_SCRIPT, WATCH_RUNS
from collab_assess.content.bank import QuestionBank
from collab_assess.content.reference import RESPONDENT_ROLES
from collab_assess.content.workshop_phases import Move
from collab_assess.store import DB_ENV_VAR, Store
from collab_assess.store.inputs import (
    AnswerChange,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)

Line = Callable[..., None]
"""bench.line: line(what, figure, note="") prints one aligned figure."""

VOTERS = 40
BURSTS = 5
"""One burst of votes per statement, for enough samples to give a 95th percentile some meaning."""
CHANGE_EVERY = 4
"""Every fourth voter changes their mind, to Thriving, which nobody picks first: so changed votes
show up as their own count in the tally."""
CHANGED_LEVEL = 4
WORKSHOP_STATEMENTS = BURSTS
TALLY_ALONE_SAMPLES = 50
QUERY_GOAL = "goal: p95 < 100 ms"
CPU_GOAL = "goal: < 0.5 cores"

REPO_ROOT = Path(__file__).resolve().parents[1]
SERVE_SCRIPT = REPO_ROOT / "serve.py"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONES = 15
ROOM_SIZE = 40
WINDOW_SECONDS = 20.0
SETTLE_SECONDS = 3.0
"""Pause after the pages change so the window measures the steady state, not page loads."""
SERVER_START_TIMEOUT = 60.0
SERVER_STOP_TIMEOUT = 10.0
PAGE_TIMEOUT_MS = 60_000
CLICK_CHECK_MS = 15_000
CLICK_ATTEMPTS = 3
WAITING_TEXT = "Voting has not opened yet"
VOTING_TEXT = "Voting is open"
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1400, "height": 900}


def percentile_95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


# -- 1. service layer: votes reaching the facilitator's tally ------------------------------------


@dataclass(frozen=True)
class Sighting:
    """A live count that differed from the one before: when the query finished, and how many had
    voted. (Votes by choice stay hidden until the reveal, so a changed vote shows no change.)"""

    at: float
    voted: int


class TallyWatcher:
    """The facilitator's live query, run back to back on its own thread (so with its own cursor),
    noting when each new count first appears and how long each query took."""

    def __init__(self, store: Store, workshop_id: int):
        self._store, self._workshop_id = store, workshop_id
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._error: BaseException | None = None
        self.sightings: list[Sighting] = []
        self.query_seconds: list[float] = []

    def __enter__(self) -> TallyWatcher:
        self._thread.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        try:
            while not self._stop.is_set():
                started = time.perf_counter()
                _, voted = self._store.workshop_room(self._workshop_id)
                finished = time.perf_counter()
                self.query_seconds.append(finished - started)
                seen = Sighting(finished, voted)
                if not self.sightings or self.sightings[-1].voted != seen.voted:
                    self.sightings.append(seen)
        except BaseException as error:  # noqa: BLE001 - raised again by wait_for, on the main thread
            self._error = error

    def wait_for(self, voted: int, timeout: float = 10.0) -> None:
        """Until the live count shows this many: the last votes may commit after the last returns
        were noted, and their sightings are part of the figures."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self._error is not None:
                raise self._error
            if self.sightings and self.sightings[-1].voted == voted:
                return
            time.sleep(0.005)
        raise RuntimeError(f"the live count never showed {voted} votes")


def visible_after(returned_at: list[float], sightings: list[Sighting]) -> list[float]:
    """Seconds from each vote's cast_vote returning until the tally showed it.

    Votes may commit in a different order from the one their calls return in, so which vote a new
    count holds cannot be told. But once k votes have returned, k have committed, so the k-th vote
    to return is in the tally as soon as the count reaches k. A count reached before that call
    returned (the commit comes a moment before the return) counts as no wait."""
    waits = []
    for k, returned in enumerate(sorted(returned_at), start=1):
        seen = next(s.at for s in sightings if s.voted >= k)
        waits.append(max(0.0, seen - returned))
    return waits


@dataclass
class VoteTimings:
    visible_after: list[float] = field(default_factory=list)
    query_under_load: list[float] = field(default_factory=list)
    query_alone: list[float] = field(default_factory=list)
    votes: int = 0
    voting_seconds: float = 0.0

    @property
    def votes_per_second(self) -> float:
        return self.votes / self.voting_seconds


def workshop_room(store: Store, bank: QuestionBank, voters: int,
                  statements: int = WORKSHOP_STATEMENTS) -> tuple[int, list[int]]:
    """A new collaborative with an open round, a workshop on its first statements, and the voters
    joined (with a spread of roles, as a real board would have). Returns (workshop, voters)."""
    collaborative = store.create_collaborative(CollaborativeProfile(name="Bench workshop"), "bench")
    round_id = store.open_round(collaborative, RoundInput(label="Workshop bench",
                                                          opens_on="2026-01-01"), bank, "bench")
    statement_ids = tuple(s.id for s in bank.statements[:statements])
    workshop_id = store.start_workshop(round_id, WorkshopInput(
        title="Bench workshop", statement_ids=statement_ids, started_by="bench"))
    roles = list(RESPONDENT_ROLES)
    people = [store.join_workshop(workshop_id, RespondentInput(role=roles[n % len(roles)])).id
              for n in range(voters)]
    return workshop_id, people


def move(store: Store, workshop_id: int, step: Move, position: int | None = None) -> None:
    current = store.get_workshop(workshop_id)
    store.move_workshop(workshop_id, current.version, step, "bench", position)


def vote(level: int) -> AnswerChange:
    return AnswerChange(level=level, recorded_by="bench", source="workshop")


def vote_burst(store: Store, workshop_id: int, people: list[int], timings: VoteTimings) -> None:
    """Everyone votes on the statement on screen at once, some change their minds, and the
    facilitator's query watches the count fill in."""
    statement_id = store.get_workshop(workshop_id).statement_id
    changers = set(people[::CHANGE_EVERY])
    first_returns: list[float] = []
    errors: list[BaseException] = []
    start = threading.Barrier(len(people) + 1)

    def voter(person: int) -> None:
        try:
            start.wait()
            store.cast_vote(workshop_id, person, statement_id, vote(person % 3 + 1))  # 1 to 3
            first_returns.append(time.perf_counter())
            if person in changers:
                store.cast_vote(workshop_id, person, statement_id, vote(CHANGED_LEVEL))
        except BaseException as error:  # noqa: BLE001 - re-raised below, on the main thread
            errors.append(error)

    threads = [threading.Thread(target=voter, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    with TallyWatcher(store, workshop_id) as watcher:
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        timings.voting_seconds += time.perf_counter() - began
        if errors:
            raise errors[0]
        watcher.wait_for(len(people))
    timings.votes += len(people) + len(changers)
    timings.query_under_load += watcher.query_seconds
    timings.visible_after += visible_after(first_returns, watcher.sightings)


def time_workshop_votes(store: Store, workshop_id: int, people: list[int],
                        bursts: int = BURSTS) -> VoteTimings:
    """A burst of votes on each of the workshop's first statements, then the tally query alone."""
    timings = VoteTimings()
    for position in range(bursts):
        if position:
            move(store, workshop_id, Move.CLOSE)
            move(store, workshop_id, Move.GO_TO, position)
        move(store, workshop_id, Move.OPEN)
        vote_burst(store, workshop_id, people, timings)
    for _ in range(TALLY_ALONE_SAMPLES):
        started = time.perf_counter()
        store.workshop_room(workshop_id)
        timings.query_alone.append(time.perf_counter() - started)
    return timings


def print_vote_timings(store: Store, bank: QuestionBank, line: Line) -> None:
    workshop_id, people = workshop_room(store, bank, VOTERS)
    timings = time_workshop_votes(store, workshop_id, people)
    waits, alone = timings.visible_after, timings.query_alone
    line(f"{VOTERS} voting at once, {BURSTS} statements, "
         f"1 in {CHANGE_EVERY} changing their vote", f"{timings.votes} votes")
    line("  vote saved -> in the facilitator's tally, median", ms(statistics.median(waits)))
    line("  vote saved -> in the facilitator's tally, 95th pct", ms(percentile_95(waits)),
         f"{QUERY_GOAL}, + the 1.5 s refresh")
    line("  tally query while votes pour in, median",
         ms(statistics.median(timings.query_under_load)))
    line("  tally query while votes pour in, 95th percentile",
         ms(percentile_95(timings.query_under_load)))
    line(f"  tally query alone ({VOTERS} votes in), median", ms(statistics.median(alone)))
    line(f"  tally query alone ({VOTERS} votes in), 95th percentile", ms(percentile_95(alone)),
         QUERY_GOAL)
    line("  votes saved per second while everyone votes at once",
         f"{timings.votes_per_second:.0f} votes/s")


# -- 2. real browsers: the server's CPU while phones wait ----------------------------------------


def browser_unavailable() -> str | None:
    """Why the browser part cannot run here, or None when it can."""
    if not SERVE_SCRIPT.exists():
        return f"{SERVE_SCRIPT} is not here (collab-assess is not run from its repository)"
    if not CHROMIUM.exists():
        return f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if importlib.util.find_spec("playwright") is None:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@dataclass(frozen=True)
class Room:
    collaborative_id: int
    workshop_id: int
    join_code: str


def prepare_room(db_path: Path, bank: QuestionBank) -> Room:
    """A fresh database holding one collaborative, an open round and a running workshop, closed
    again before the server starts: DuckDB lets one process at a time open the file."""
    store = Store(db_path)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Bench room"), "bench")
        round_id = store.open_round(collaborative, RoundInput(label="Bench", opens_on="2026-01-01"),
                                    bank, "bench")
        workshop_id = store.start_workshop(round_id, WorkshopInput(
            title="Bench workshop",
            statement_ids=tuple(s.id for s in bank.statements[:WORKSHOP_STATEMENTS]),
            started_by="bench"))
        return Room(collaborative, workshop_id, store.get_workshop(workshop_id).join_code)
    finally:
        store.close()


class ServerError(RuntimeError):
    """The app did not start."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log_tail(self, lines: int = 15) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


@contextmanager
def running_server(db_path: Path, log_path: Path,
                   settings: dict[str, str] | None = None) -> Iterator[Server]:
    """`streamlit run serve.py` on a free loopback port, as `make run` serves it, with any extra
    environment `settings`; always stopped."""
    port = free_port()
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(SERVE_SCRIPT),
             "--server.port", str(port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=REPO_ROOT, env={**os.environ, **(settings or {}), DB_ENV_VAR: str(db_path)},
            stdout=log, stderr=subprocess.STDOUT,
        )
        server = Server(f"http://127.0.0.1:{port}", process, log_path)
        try:
            wait_until_healthy(server)
            yield server
        finally:
            stop(process)


def wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerError(f"the app exited (status {server.process.returncode}):\n"
                              + server.log_tail())
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.25)
    raise ServerError(f"the app did not answer within {SERVER_START_TIMEOUT:.0f} s:\n"
                      + server.log_tail())


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=SERVER_STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SERVER_STOP_TIMEOUT)


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process, every thread included, from /proc/<pid>/stat."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    # The process name (field 2) may hold spaces; the fields after its closing bracket start at
    # field 3 (state), so utime (field 14) and stime (field 15) are the 12th and 13th of them.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Traffic:
    """What the pages send the server: polls of the workshop address, and websocket messages
    (each a request for a rerun, a click or a fragment's timed refresh)."""

    def __init__(self) -> None:
        self.polls = 0
        self.messages = 0

    def follow(self, context) -> None:
        context.on("request", self._request)
        context.on("page", lambda page: page.on("websocket", self._websocket))

    def _request(self, request) -> None:
        if "/api/workshop/" in request.url:
            self.polls += 1

    def _websocket(self, websocket) -> None:
        websocket.on("framesent", self._message)

    def _message(self, _frame) -> None:
        self.messages += 1


@dataclass(frozen=True)
class Window:
    cores: float
    polls_per_second: float
    messages_per_second: float


def measure_window(server: Server, traffic: Traffic, wait: Callable[[float], None]) -> Window:
    """The server's CPU over WINDOW_SECONDS of wall time, as cores used, with the pages' traffic.
    `wait` must keep the browser's events flowing (a page's wait_for_timeout) when pages are
    open."""
    wait(SETTLE_SECONDS)
    polls, messages = traffic.polls, traffic.messages
    cpu_before, started = cpu_seconds(server.process.pid), time.perf_counter()
    wait(WINDOW_SECONDS)
    cpu_after, wall = cpu_seconds(server.process.pid), time.perf_counter() - started
    return Window((cpu_after - cpu_before) / wall, (traffic.polls - polls) / wall,
                  (traffic.messages - messages) / wall)


def wait_until_idle(page) -> None:
    """Streamlit has finished its run (see streamlit_runs.py)."""
    page.wait_for_function(IDLE_SCRIPT, timeout=PAGE_TIMEOUT_MS)


def new_context(browser, traffic: Traffic, viewport: dict, *, phone: bool):
    context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone,
                                  locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(WATCH_RUNS)
    traffic.follow(context)
    return context


def confirm_click(page, button: str, expected: str) -> None:
    """Wait until a click on `button` has led to `expected`, clicking again if it was lost.

    On a busy machine a click made while Streamlit is still drawing the page is sometimes lost (a
    rerun of the page replaces it). Once the page is idle and still does not show `expected`, the
    click did nothing, so clicking again cannot do anything twice (join twice, say)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for _ in range(CLICK_ATTEMPTS):
        try:
            page.get_by_text(expected).first.wait_for(timeout=CLICK_CHECK_MS)
            return
        except PlaywrightTimeout:
            wait_until_idle(page)
            if page.get_by_text(expected).first.is_visible():
                return
            page.get_by_role("button", name=button).click()
    raise RuntimeError(f"clicking {button!r} never led to {expected!r}; the page shows: "
                       f"{shown_text(page)}")


def wait_for_text(page, text: str) -> None:
    """Wait for `text`; if it never comes, say what the page shows instead."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.get_by_text(text).first.wait_for()
    except PlaywrightTimeout:
        raise RuntimeError(f"{page.url} never showed {text!r}; it shows: "
                           f"{shown_text(page)}") from None


def shown_text(page, length: int = 400) -> str:
    return " | ".join(page.locator('[data-testid="stMain"]').inner_text()[:length].split("\n"))


def join_phones(browser, server: Server, room: Room, traffic: Traffic, count: int) -> list:
    """Open `count` phones on the join link and join. The first joins alone so the server's first
    page load (its imports) is over before the rest arrive; the rest are driven side by side."""
    phones = [new_context(browser, traffic, PHONE_VIEWPORT, phone=True).new_page()
              for _ in range(count)]
    link = f"{server.url}/join?code={room.join_code}"
    for batch in (phones[:1], phones[1:]):
        for page in batch:
            page.goto(link, wait_until="commit")
        for page in batch:
            wait_for_text(page, "Workshop code")  # the join form is there
            wait_until_idle(page)
            page.get_by_role("button", name="Join").click()
        for page in batch:
            confirm_click(page, "Join", WAITING_TEXT)
    return phones


def open_facilitator(browser, server: Server, room: Room, traffic: Traffic, phones: list):
    """The facilitator's live view on a laptop, once it counts every phone that joined."""
    page = new_context(browser, traffic, DESKTOP_VIEWPORT, phone=False).new_page()
    page.goto(f"{server.url}/workshop?c={room.collaborative_id}&workshop={room.workshop_id}")
    page.get_by_text(f"0 of {len(phones)} have voted").wait_for()
    wait_until_idle(page)
    return page


@dataclass(frozen=True)
class Follow:
    """The facilitator opening voting: how long until the last phone showed it, and the server CPU
    it took (the facilitator's page and every phone rerun once)."""

    seconds: float
    cpu_seconds: float


def open_voting(facilitator, phones: list, server: Server) -> Follow:
    cpu_before, started = cpu_seconds(server.process.pid), time.perf_counter()
    facilitator.get_by_role("button", name="Open voting").click()
    confirm_click(facilitator, "Open voting", VOTING_TEXT)
    for phone in phones:
        wait_for_text(phone, VOTING_TEXT)
    return Follow(time.perf_counter() - started, cpu_seconds(server.process.pid) - cpu_before)


@dataclass(frozen=True)
class CpuFigures:
    bare: Window
    waiting: Window
    with_facilitator: Window
    phones: int
    opening: Follow

    @property
    def per_phone(self) -> float:
        return (self.waiting.cores - self.bare.cores) / self.phones

    @property
    def facilitator(self) -> float:
        # Open-voting phones poll as waiting ones do, so what the second window adds is taken to
        # be the facilitator's live view.
        return self.with_facilitator.cores - self.waiting.cores

    @property
    def per_page_with_facilitator(self) -> float:
        return (self.with_facilitator.cores - self.bare.cores) / (self.phones + 1)

    def room_of(self, phones: int) -> float:
        return self.bare.cores + phones * self.per_phone + self.facilitator


def measure_server_cpu(bank: QuestionBank) -> CpuFigures:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="collab-bench-") as folder:
        db_path = Path(folder) / "server.duckdb"
        room = prepare_room(db_path, bank)
        with running_server(db_path, Path(folder) / "server.log") as server:
            traffic = Traffic()
            bare = measure_window(server, traffic, time.sleep)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                     args=CHROMIUM_ARGS)
                try:
                    phones = join_phones(browser, server, room, traffic, PHONES)
                    waiting = measure_window(server, traffic, waiter(phones[0]))
                    facilitator = open_facilitator(browser, server, room, traffic, phones)
                    opening = open_voting(facilitator, phones, server)
                    with_facilitator = measure_window(server, traffic, waiter(phones[0]))
                finally:
                    browser.close()
    return CpuFigures(bare, waiting, with_facilitator, PHONES, opening)


def waiter(page) -> Callable[[float], None]:
    """Sleep while playwright keeps handling the browser's events (which feed Traffic)."""
    return lambda seconds: page.wait_for_timeout(seconds * 1000)


def cores(value: float) -> str:
    return f"{value:.3f} cores"


def print_server_cpu(bank: QuestionBank, line: Line) -> None:
    reason = browser_unavailable()
    if reason:
        line("server CPU with real browsers", "skipped")
        print(f"    ({reason})")
        return
    try:
        figures = measure_server_cpu(bank)
    except Exception as error:  # noqa: BLE001 - the bench reports and carries on; it is no test
        line("server CPU with real browsers", "failed")
        print(f"    ({type(error).__name__}: {error})")
        return
    print(f"  Server CPU over {WINDOW_SECONDS:.0f} s windows (cores used = CPU seconds / wall "
          "seconds; Chromium's own CPU is not counted)")
    line("no pages open (bare server)", cores(figures.bare.cores))
    line(f"{PHONES} phones waiting for voting to open", cores(figures.waiting.cores))
    line("  per phone, above the bare server", cores(figures.per_phone))
    line("  workshop polls / websocket messages",
         f"{figures.waiting.polls_per_second:.1f} / {figures.waiting.messages_per_second:.1f} /s")
    line(f"facilitator opens voting: all {PHONES} phones show it within",
         f"{figures.opening.seconds:.1f} s")
    line("  server CPU for that (every page reruns once)",
         f"{figures.opening.cpu_seconds:.2f} s")
    line(f"voting open: {PHONES} phones (not voting) + facilitator's view",
         cores(figures.with_facilitator.cores))
    line("  facilitator's live view, above the phones", cores(figures.facilitator))
    line("  per page, above the bare server", cores(figures.per_page_with_facilitator))
    line("  workshop polls / websocket messages",
         f"{figures.with_facilitator.polls_per_second:.1f} / "
         f"{figures.with_facilitator.messages_per_second:.1f} /s")
    line(f"extrapolated: {ROOM_SIZE} phones + the facilitator", cores(figures.room_of(ROOM_SIZE)),
         CPU_GOAL)
