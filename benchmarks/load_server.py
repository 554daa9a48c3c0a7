"""`make bench`, how far one server goes, part 3: the real app. `streamlit run serve.py` serves the
load bench's database (demo data and all) on a free loopback port; headless Chromium opens browser
sessions on the Self-assessment page, each as its own respondent, and 40 phones poll the workshop
address over HTTP once a second, as waiting phones do.

Figures: the server process's memory (resident set, from /proc) before and after the sessions open;
how long a page run takes from a click on an answer until the page is drawn again, with one session
answering and then with every session answering at once, flat out; the server's CPU per answer; the
phones' polls; and the answers the database holds afterwards. From these it extrapolates, and says
how, what one process would hold. Without Chromium or playwright this part says why it was skipped.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Line
from benchmarks.people import (
    PAUSE_BETWEEN_SAVES,
    POLL_EVERY,
    VOTERS,
    new_people,
    spread_ms,
    workshop_room,
)
from benchmarks.streamlit_runs import IDLE_SCRIPT, WATCH_RUNS
from benchmarks.workshop import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP_VIEWPORT,
    Server,
    browser_unavailable,
    cpu_seconds,
    running_server,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import level_label
from collab_assess.store import Store
from collab_assess.workshop.live import SEAT_HEADER

PAGE_TIMEOUT_MS = 60_000
CLICK_CHECK_MS = 15_000
CLICK_ATTEMPTS = 3
SETTLE_SECONDS = 3.0
"""Pause after pages open before reading memory, so the figure is the sessions', not a page
load's."""
ALONE_ANSWERS = 5
READING_SECONDS_PER_ANSWER = 20
"""A person reading a statement, what to look for and its four levels before choosing: about 20 s,
so the whole walk takes a quarter of an hour or so."""


def resident_mb(pid: int) -> float:
    """The process's resident memory now (VmRSS), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"/proc/{pid}/status has no VmRSS line")


@dataclass(frozen=True)
class Setting:
    """What the server's database holds for this part: respondents with their resume codes (one
    per browser session) and a running workshop for the phones to poll."""

    round_ids: tuple[int, ...]
    resume_codes: tuple[str, ...]
    join_code: str
    seat_codes: tuple[str, ...]
    """The workshop's seats: each polling phone asks as one of them."""


def prepare(db_path: Path, bank: QuestionBank, sessions: int) -> Setting:
    """Added to the load bench's database, then closed: DuckDB lets one process open the file, and
    the server is about to be that process."""
    store = Store(db_path)
    try:
        people = new_people(store, bank, sessions, "Load browsers")
        codes = tuple(store.get_respondent(p.respondent_id).resume_code for p in people)
        _, join_code, seats = workshop_room(store, bank, VOTERS, "Load browsers workshop")
        seat_codes = tuple(store.get_respondent(seat).resume_code for seat in seats)
        return Setting(tuple(sorted({p.round_id for p in people})), codes, join_code, seat_codes)
    finally:
        store.close()


def answers_held(db_path: Path, round_ids: tuple[int, ...]) -> int:
    store = Store(db_path)
    try:
        return sum(len(store.answer_history(round_id)) for round_id in round_ids)
    finally:
        store.close()


# -- the phones, over HTTP ----------------------------------------------------------------------


def poll_once_a_second(url: str, seat: str, index: int, count: int, stop, seconds: list[float],
                       failures: list[str]) -> None:
    # Phones joined at different moments, so their polls are spread over the second.
    if stop.wait(POLL_EVERY * index / count):
        return
    while True:
        started = time.perf_counter()
        try:
            asked = urllib.request.Request(url, headers={SEAT_HEADER: seat})
            with urllib.request.urlopen(asked, timeout=10) as answer:
                answer.read()
            seconds.append(time.perf_counter() - started)
        except (urllib.error.URLError, OSError) as error:
            failures.append(f"{type(error).__name__}: {error}")
        if stop.wait(max(0.0, started + POLL_EVERY - time.perf_counter())):
            return


def run_phones(url: str, seats: tuple[str, ...], count: int, stop, results) -> None:
    """In a process of its own: `count` polling threads until `stop` is set, then their times."""
    seconds: list[float] = []
    failures: list[str] = []
    threads = [threading.Thread(target=poll_once_a_second,
                                args=(url, seats[n % len(seats)], n, count, stop, seconds,
                                      failures))
               for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    results.put((seconds, failures))


class PollingPhones:
    """`count` phones asking the workshop address for the version once a second, as a room of
    waiting phones does. They run in a process of their own, so that driving the browsers does
    not slow their timing (and they do not slow the browsers)."""

    def __init__(self, server: Server, join_code: str, seats: tuple[str, ...],
                 count: int = VOTERS):
        self.url, self.count = f"{server.url}/api/workshop/{join_code}", count
        self.seconds: list[float] = []
        self.failures: list[str] = []
        context = multiprocessing.get_context("spawn")  # forking a process with threads is unsafe
        self._stop, self._results = context.Event(), context.Queue()
        self._process = context.Process(target=run_phones, daemon=True,
                                        args=(self.url, seats, count, self._stop,
                                              self._results))

    def __enter__(self) -> PollingPhones:
        self._process.start()
        return self

    def __exit__(self, *_) -> None:
        self._stop.set()
        self.seconds, self.failures = self._results.get(timeout=60)
        self._process.join()


# -- browser sessions ---------------------------------------------------------------------------


@dataclass
class PageRuns:
    answers: list[float] = field(default_factory=list)
    """Click on an answer -> the page drawn again with the new count."""
    next_area: list[float] = field(default_factory=list)
    lost_clicks: int = 0
    """Clicks made again because the first did nothing (made while the page was still drawing)."""

    @property
    def count(self) -> int:
        return len(self.answers) + len(self.next_area)


async def wait_until_idle(page) -> None:
    await page.wait_for_function(IDLE_SCRIPT, timeout=PAGE_TIMEOUT_MS)


async def page_run(page, target, expected, runs: PageRuns) -> float:
    """Click `target` and wait until `expected` shows and Streamlit has finished drawing; returns
    the seconds that took. A click that led nowhere once the page was idle is made again."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    started = time.perf_counter()
    try:
        await target.click(timeout=CLICK_CHECK_MS)
        for _ in range(CLICK_ATTEMPTS):
            try:
                await expected.first.wait_for(timeout=CLICK_CHECK_MS)
                break
            except PlaywrightTimeout:
                await wait_until_idle(page)
                if await expected.first.is_visible():
                    break
                runs.lost_clicks += 1
                await target.click(timeout=CLICK_CHECK_MS)
        await wait_until_idle(page)
    except PlaywrightTimeout:
        raise RuntimeError(f"{page.url}: clicking {target} never led to {expected}; the page "
                           f"shows: {await shown_text(page)}") from None
    return time.perf_counter() - started


async def shown_text(page, length: int = 600) -> str:
    text = await page.locator('[data-testid="stMain"]').inner_text()
    return " | ".join(text[:length].split("\n"))


async def open_session(browser, url: str, code: str, total: int):
    context = await browser.new_context(viewport=DESKTOP_VIEWPORT, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    await context.add_init_script(WATCH_RUNS)
    page = await context.new_page()
    # The resume code in the address brings its owner back, as their own bookmark would.
    await page.goto(f"{url}/self_assessment?who={code}")
    await page.get_by_text(f"0 of {total} statements answered", exact=True).wait_for()
    await wait_until_idle(page)
    return page


def walk_steps(bank: QuestionBank) -> list[tuple[str, str]]:
    """The walk in order: ("answer", statement id) for each statement, ("next", the next area's
    name) between areas."""
    steps: list[tuple[str, str]] = []
    for area_index, area in enumerate(bank.areas):
        steps += [("answer", statement.id) for statement in bank.statements_in(area.id)]
        if area_index + 1 < len(bank.areas):
            steps.append(("next", bank.areas[area_index + 1].name))
    return steps


async def answer_walk(page, bank: QuestionBank, already: int, answers: int, offset: int,
                      runs: PageRuns) -> None:
    """Give the next `answers` answers of the walk, `already` having been given, pressing Next area
    between areas as a person does."""
    total, answered = len(bank.statements), 0
    for kind, what in walk_steps(bank):
        if answered == already + answers:
            return
        if kind == "next":
            if answered >= already:  # the person is on this area, so moves on from it
                runs.next_area.append(await page_run(
                    page, page.get_by_role("button", name="Next area →"),
                    page.get_by_role("heading", name=what, exact=True, level=2), runs))
            continue
        answered += 1
        if answered <= already:
            continue
        group = page.get_by_role("radiogroup", exact=True,
                                 name=f"How mature is this today? ({what})")
        level = (offset + answered) % 4 + 1
        runs.answers.append(await page_run(
            page, group.get_by_text(level_label(level), exact=True),
            page.get_by_text(f"{answered} of {total} statements answered", exact=True), runs))


@dataclass
class ServerFigures:
    sessions: int
    bare_mb: float = 0.0
    one_session_mb: float = 0.0
    all_sessions_mb: float = 0.0
    after_answering_mb: float = 0.0
    alone: PageRuns = field(default_factory=PageRuns)
    alone_cpu_seconds: float = 0.0
    at_once: PageRuns = field(default_factory=PageRuns)
    at_once_seconds: float = 0.0
    at_once_cpu_seconds: float = 0.0
    polls_alone: list[float] = field(default_factory=list)
    polls_alone_cores: float = 0.0
    polls_during: list[float] = field(default_factory=list)
    poll_failures: list[str] = field(default_factory=list)
    answers_given: int = 0
    answers_held: int = 0
    load_average: float = 0.0
    """The machine's one-minute load average once the sessions had answered: above its number of
    cores, processes (the server among them) were waiting for one."""

    @property
    def per_session_mb(self) -> float:
        """What each session after the first added, at the highest reading (once every session
        has answered too). An upper bound: caches that every session shares grow as well, and
        Python reuses memory the first page load freed, so opening alone can show no growth."""
        grown = max(self.all_sessions_mb, self.after_answering_mb) - self.one_session_mb
        return max(0.0, grown) / max(1, self.sessions - 1)

    @property
    def cores_at_once(self) -> float:
        return self.at_once_cpu_seconds / self.at_once_seconds

    @property
    def cpu_per_answer(self) -> float:
        """Server CPU seconds per answer clicked, Next-area clicks included, without what the
        phones' polls cost (measured on their own beforehand)."""
        polls = self.polls_alone_cores * self.at_once_seconds
        return max(0.0, self.at_once_cpu_seconds - polls) / len(self.at_once.answers)

    @property
    def answers_per_second(self) -> float:
        return len(self.at_once.answers) / self.at_once_seconds

    @property
    def answers_per_core_second(self) -> float:
        return 1 / self.cpu_per_answer


async def drive_browsers(server: Server, setting: Setting, bank: QuestionBank, answers_each: int,
                         figures: ServerFigures) -> None:
    from playwright.async_api import async_playwright

    pid, total = server.process.pid, len(bank.statements)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                   args=CHROMIUM_ARGS)
        try:
            # The first session opens and answers alone, so the server's one-off imports of the
            # pages' code, and the memory a first page load leaves behind, come before the
            # sessions are counted.
            first = await open_session(browser, server.url, setting.resume_codes[0], total)
            cpu_before = cpu_seconds(pid)
            await answer_walk(first, bank, 0, ALONE_ANSWERS, 0, figures.alone)
            figures.alone_cpu_seconds = cpu_seconds(pid) - cpu_before
            await asyncio.sleep(SETTLE_SECONDS)
            figures.one_session_mb = resident_mb(pid)
            others = await asyncio.gather(*(open_session(browser, server.url, code, total)
                                            for code in setting.resume_codes[1:]))
            await asyncio.sleep(SETTLE_SECONDS)
            figures.all_sessions_mb = resident_mb(pid)
            pages = [first, *others]

            with PollingPhones(server, setting.join_code, setting.seat_codes) as phones:
                cpu_before, started = cpu_seconds(pid), time.perf_counter()
                await asyncio.gather(*(
                    answer_walk(page, bank, ALONE_ANSWERS if page is first else 0, answers_each,
                                n, figures.at_once)
                    for n, page in enumerate(pages)))
                figures.at_once_seconds = time.perf_counter() - started
                figures.at_once_cpu_seconds = cpu_seconds(pid) - cpu_before
            figures.polls_during, figures.poll_failures = phones.seconds, phones.failures
            figures.after_answering_mb = resident_mb(pid)
            figures.load_average = os.getloadavg()[0]
        finally:
            await browser.close()


@contextmanager
def without_file_watcher() -> Iterator[None]:
    """Streamlit re-imports a page's modules when a source file changes under it; a deployed
    server's files do not change, so neither should the measured one's while someone edits the
    code beside a running bench. The server reads this setting from its environment."""
    before = os.environ.get(FILE_WATCHER_SETTING)
    os.environ[FILE_WATCHER_SETTING] = "none"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(FILE_WATCHER_SETTING)
        else:
            os.environ[FILE_WATCHER_SETTING] = before


# -- printing -----------------------------------------------------------------------------------

POLL_ALONE_SECONDS = 8.0
FILE_WATCHER_SETTING = "STREAMLIT_SERVER_FILE_WATCHER_TYPE"


def measure(db_path: Path, bank: QuestionBank, sessions: int, answers_each: int,
            folder: Path) -> ServerFigures:
    setting = prepare(db_path, bank, sessions)
    figures = ServerFigures(sessions)
    with without_file_watcher(), running_server(db_path, folder / "load-server.log") as server:
        pid = server.process.pid
        figures.bare_mb = resident_mb(pid)
        with PollingPhones(server, setting.join_code, setting.seat_codes) as phones:
            time.sleep(POLL_EVERY)  # every phone has started polling
            cpu_before, started = cpu_seconds(pid), time.perf_counter()
            time.sleep(POLL_ALONE_SECONDS)
            figures.polls_alone_cores = ((cpu_seconds(pid) - cpu_before)
                                         / (time.perf_counter() - started))
        figures.polls_alone = phones.seconds
        asyncio.run(drive_browsers(server, setting, bank, answers_each, figures))
    figures.answers_given = len(figures.alone.answers) + len(figures.at_once.answers)
    figures.answers_held = answers_held(db_path, setting.round_ids)
    return figures


def print_real_server(db_path: Path, bank: QuestionBank, sessions: int, answers_each: int,
                      line: Line, folder: Path) -> None:
    reason = browser_unavailable()
    if reason:
        line("the real app with browser sessions", "skipped")
        print(f"    ({reason})")
        return
    try:
        figures = measure(db_path, bank, sessions, answers_each, folder)
    except Exception as error:  # noqa: BLE001 - the bench reports and carries on; it is no test
        line("the real app with browser sessions", "failed")
        print(f"    ({type(error).__name__}: {error})")
        return
    print(f"  The real app (streamlit run serve.py) with {sessions} browser sessions on the "
          "Self-assessment page (Chromium runs on the same cores, so the server gets less than "
          "all of them)")
    line("server memory, no session open", f"{figures.bare_mb:.0f} MB")
    line("  one session, its first answers given (code loaded)", f"{figures.one_session_mb:.0f} MB")
    line(f"  with {sessions} sessions open", f"{figures.all_sessions_mb:.0f} MB")
    line("  after every session answered", f"{figures.after_answering_mb:.0f} MB")
    line("  per session after the first (an upper bound)", f"{figures.per_session_mb:.1f} MB")
    line(f"{VOTERS} phones polling /api/workshop/<code> once a second",
         f"{figures.polls_alone_cores:.3f} cores", f"answered in {spread_ms(figures.polls_alone)}")
    line("one session answering: click -> page drawn again",
         spread_ms(figures.alone.answers))
    line("  server CPU per answer, that session alone",
         f"{figures.alone_cpu_seconds / len(figures.alone.answers) * 1000:.0f} ms")
    at_once = figures.at_once
    line(f"{sessions} sessions answering at once, flat out",
         f"{figures.answers_per_second:.1f} answers/s",
         f"{len(at_once.answers)} answers, {len(at_once.next_area)} Next-area clicks"
         + (f", {at_once.lost_clicks} clicks made again" if at_once.lost_clicks else ""))
    line("  click -> page drawn again", spread_ms(at_once.answers))
    line("  server CPU while they answer", f"{figures.cores_at_once:.2f} cores",
         f"machine load average {figures.load_average:.1f} on {os.cpu_count()} cores")
    line("  server CPU per answer (its page runs; polls taken out)",
         f"{figures.cpu_per_answer * 1000:.0f} ms")
    line(f"  {VOTERS} phones' polls meanwhile", spread_ms(figures.polls_during),
         f"{len(figures.poll_failures)} failed" if figures.poll_failures else "")
    line("answers the database holds afterwards",
         f"{figures.answers_held} of {figures.answers_given}")
    print("  Extrapolated: Python runs one thread at a time, so one app process does at most "
          "about one core's worth of page runs, whatever the machine; at the CPU per answer above:")
    line("  answers per second one process can serve", f"{figures.answers_per_core_second:.0f}"
         " answers/s")
    for pace, why in ((sum(PAUSE_BETWEEN_SAVES) / 2, "hurried"),
                      (READING_SECONDS_PER_ANSWER, f"the walk of {len(bank.statements)} in "
                       f"{len(bank.statements) * READING_SECONDS_PER_ANSWER / 60:.0f} min")):
        line(f"  people answering at once, an answer every {pace:.0f} s ({why})",
             f"{figures.answers_per_core_second * pace:.0f} people")
    line("  sessions per GB of server memory", f"{1024 / max(figures.per_session_mb, 0.1):.0f}")
