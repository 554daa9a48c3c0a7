"""`make bench`, how far one server goes: DuckDB lets one process own the database file, so a
shared deployment is one app process, and this measures what that process holds.

Three measurements on a fresh temporary database holding the demo data, printed as figures (never
asserted; `make bench` runs quick sizes, `python -m benchmarks.load` the full ones):

1. People answering at once, in the app's process: threads, one per person, each saving answers
   through the Store calls the Self-assessment page makes (`change_answer`: the choice, and now and
   then an evidence note), paced like people and then flat out.
2. A 40-person workshop alongside: phones polling the workshop's version and voting when voting
   opens, the facilitator's live count and steps, while people keep answering.
3. The real app (bench_load_server.py): `streamlit run serve.py` with browser sessions on the
   Self-assessment page: memory per session, how long a page run takes when an answer is clicked,
   with every session answering at once and 40 phones polling the workshop address over HTTP.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Figures, Line
from benchmarks.load_server import print_real_server
from benchmarks.people import (
    PAUSE_BETWEEN_SAVES,
    POLL_EVERY,
    VOTERS,
    WORKSHOP_STATEMENTS,
    Person,
    new_people,
    spread_ms,
    workshop_room,
)
from benchmarks.workshop import move
from collab_assess.content.bank import QuestionBank, load_current_bank
from collab_assess.content.workshop_phases import Move, Phase
from collab_assess.operations.demo import generate_demo
from collab_assess.store import Store
from collab_assess.store.database import _CONFLICT_ERRORS, _is_conflict
from collab_assess.store.inputs import (
    AnswerChange,
)
from collab_assess.store.workshops import VotingClosedError

NOTE_EVERY = 5
"""Every fifth answer also gets an evidence note, saved on its own as the page saves it (when the
person clicks out of the box)."""
NOTE = "Board paper, March: the plan agreed by every member, reviewed each quarter."

TALLY_EVERY = 1.5
"""The facilitator's live count refreshes every 1.5 s while voting is open
(workshop_facilitator.py)."""
THINK_BEFORE_VOTING = (0.5, 4.0)
CHANGE_EVERY = 4
THINK_BEFORE_CHANGING = (0.5, 2.0)
VOTING_WINDOW = 8.0
"""How long the facilitator keeps voting open: longer than anyone here takes to vote and change
their mind, so a refused vote means the server fell behind."""


@dataclass(frozen=True)
class LoadSizes:
    people: tuple[int, ...] = (25, 50, 100, 200)
    paced_seconds: float = 12.0
    flat_seconds: float = 4.0
    workshop_people: int = 200
    """People answering, paced, while the workshop runs."""
    workshop_seconds: float = 20.0
    sessions: int = 6
    """Browser sessions on the real app (each is a headless Chromium page)."""
    answers_each: int = 12
    browsers: bool = True


QUICK = LoadSizes(people=(50, 200), paced_seconds=8.0, flat_seconds=3.0, workshop_seconds=12.0,
                  sessions=4, answers_each=8)
"""What `make bench` runs, so the whole bench stays a few minutes long."""


# -- figures ------------------------------------------------------------------------------------


@dataclass
class Saves:
    """What one group of threads saved: each save's time, how many were tried, what failed."""

    seconds: list[float] = field(default_factory=list)
    attempted: int = 0
    refused: int = 0
    """Refused with a reason the person is shown (a vote after voting closed)."""
    errors: list[BaseException] = field(default_factory=list)
    wall: float = 0.0

    @property
    def saved(self) -> int:
        return len(self.seconds)

    @property
    def per_second(self) -> float:
        return self.saved / self.wall if self.wall else 0.0

    def add(self, other: Saves) -> None:
        self.seconds += other.seconds
        self.attempted += other.attempted
        self.refused += other.refused
        self.errors += other.errors

    def timed(self, save: Callable[[], object]) -> None:
        self.attempted += 1
        started = time.perf_counter()
        try:
            save()
        except VotingClosedError:
            self.refused += 1
        except Exception as error:  # noqa: BLE001 - counted and shown; the bench carries on
            self.errors.append(error)
        else:
            self.seconds.append(time.perf_counter() - started)


class ConflictCountingStore(Store):
    """The app's Store, counting the write-write conflicts it retries. DuckDB lets transactions run
    side by side and refuses the later of two that wrote the same row; the Store runs the refused
    one again, so a conflict costs time but loses nothing."""

    def __init__(self, path: str | Path):
        self.conflicts = 0
        self._conflicts_lock = threading.Lock()
        super().__init__(path)

    @contextmanager
    def _transaction(self) -> Iterator:
        try:
            with super()._transaction() as cursor:
                yield cursor
        except _CONFLICT_ERRORS as error:
            if _is_conflict(error):
                with self._conflicts_lock:
                    self.conflicts += 1
            raise


def conflicts_of(store: Store) -> int:
    return getattr(store, "conflicts", 0)


# -- the database -------------------------------------------------------------------------------


def load_demo(store: Store, bank: QuestionBank) -> int:
    """The synthetic peers `make run` loads, so every query runs on a database of a realistic
    size. Returns how many answers that is."""
    return store.import_demo(generate_demo(bank), bank)["answers"]


# -- 1. people answering at once ----------------------------------------------------------------


def answering(store: Store, bank: QuestionBank, person: Person, index: int, stop: threading.Event,
              pause: tuple[float, float] | None, saves_each: int | None, start: threading.Barrier,
              ) -> Saves:
    """One person walking the statements (round again once done), saving each choice as the page
    does, and now and then a note."""
    chooser = random.Random(index)
    statements = [s.id for s in bank.statements]
    saves = Saves()

    def done() -> bool:
        return saves_each is not None and saves.attempted >= saves_each

    start.wait()
    if pause and stop.wait(chooser.uniform(0, pause[1])):  # people do not all start in one instant
        return saves
    for n in itertools.count():
        if stop.is_set() or done():
            break
        statement = statements[(index + n) % len(statements)]
        saves.timed(lambda statement=statement: store.change_answer(
            person.round_id, person.respondent_id, statement,
            AnswerChange(level=chooser.randint(1, 4), recorded_by="bench")))
        if n % NOTE_EVERY == NOTE_EVERY - 1 and not done():
            saves.timed(lambda statement=statement: store.change_answer(
                person.round_id, person.respondent_id, statement,
                AnswerChange(note=NOTE, recorded_by="bench")))
        if pause and stop.wait(chooser.uniform(*pause)):
            break
    return saves


def answer_at_once(store: Store, bank: QuestionBank, people: Sequence[Person], seconds: float,
                   pause: tuple[float, float] | None, saves_each: int | None = None) -> Saves:
    """Everyone answering at once for `seconds` (or until each has made `saves_each` saves):
    paced, with `pause` seconds between one person's saves, or flat out with none."""
    stop = threading.Event()
    start = threading.Barrier(len(people) + 1)
    results: list[Saves] = [Saves() for _ in people]

    def run(index: int) -> None:
        results[index] = answering(store, bank, people[index], index, stop, pause, saves_each,
                                   start)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(len(people))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(max(0.0, began + seconds - time.perf_counter()))
    stop.set()
    for thread in threads:
        thread.join()
    total = Saves(wall=time.perf_counter() - began)
    for result in results:
        total.add(result)
    return total


def print_answering(store: Store, bank: QuestionBank, sizes: LoadSizes, line: Line) -> None:
    pace = f"a save every {PAUSE_BETWEEN_SAVES[0]:.0f}-{PAUSE_BETWEEN_SAVES[1]:.0f} s each"
    print(f"  People answering at once, in the app's process ({pace}, or flat out; "
          "save time median / 95th percentile / slowest)")
    for mode, pause, seconds in (("paced", PAUSE_BETWEEN_SAVES, sizes.paced_seconds),
                                 ("flat out", None, sizes.flat_seconds)):
        for count in sizes.people:
            people = new_people(store, bank, count, f"Load {mode} {count}")
            conflicts_before = conflicts_of(store)
            saves = answer_at_once(store, bank, people, seconds, pause)
            line(f"{count} people {mode}, {seconds:.0f} s: saves per second",
                 f"{saves.per_second:.0f} saves/s", summary(saves, conflicts_of(store)
                                                            - conflicts_before))
            line(f"  save time, {count} people {mode}", spread_ms(saves.seconds))


def summary(saves: Saves, conflicts: int | None = None) -> str:
    """How many were saved, refused, failed and (when given) conflicted and were run again."""
    notes = [f"{saves.saved} of {saves.attempted} saved"]
    if saves.refused:
        notes.append(f"{saves.refused} refused as late")
    if conflicts is not None:
        notes.append(f"{conflicts} conflicts retried")
    if saves.errors:
        notes.append(f"{len(saves.errors)} failed ({first_error(saves)})")
    return ", ".join(notes)


def first_error(saves: Saves) -> str:
    error = saves.errors[0]
    return f"{type(error).__name__}: {str(error)[:80]}"


# -- 2. a workshop alongside --------------------------------------------------------------------


@dataclass
class WorkshopLoad:
    votes: Saves = field(default_factory=Saves)
    answers: Saves = field(default_factory=Saves)
    polls: list[float] = field(default_factory=list)
    """Each phone's look-up of the workshop's version (Store.workshop_version)."""
    phone_reruns: list[float] = field(default_factory=list)
    """A phone's page reading its workshop and its own vote after the version changed."""
    tallies: list[float] = field(default_factory=list)
    """The facilitator's live count (its fragment's reads), every 1.5 s while voting is open."""
    steps: list[float] = field(default_factory=list)
    """The facilitator's steps: open, close, reveal, next."""
    statements: int = 0
    """Statements voting was opened on (the last may be cut short by the end of the run)."""
    errors: list[BaseException] = field(default_factory=list)
    conflicts: int = 0


class Phone:
    """A participant's phone: polls the version once a second; when it changes, its page reruns
    (reads the workshop and its own vote); when voting opens, the person thinks, votes, and one in
    four changes their mind."""

    def __init__(self, store: Store, workshop_id: int, join_code: str, respondent_id: int,
                 index: int, load: WorkshopLoad):
        self.store, self.workshop_id, self.code = store, workshop_id, join_code
        self.seat = store.get_respondent(respondent_id).resume_code
        self.respondent_id, self.load = respondent_id, load
        self.chooser = random.Random(1000 + index)
        self.changes_mind = index % CHANGE_EVERY == 0
        self.votes = Saves()

    def run(self, stop: threading.Event) -> None:
        seen_version = None
        planned: list[tuple[float, str, int]] = []  # (when, statement, level)
        voted_on: set[str] = set()
        next_poll = time.perf_counter()
        while not stop.is_set():
            now = time.perf_counter()
            if now >= next_poll:
                next_poll = now + POLL_EVERY
                version = self._timed(self.load.polls,
                                      lambda: self.store.workshop_version(self.code,
                                                                             self.seat))
                if version != seen_version:
                    seen_version = version
                    workshop = self._timed(self.load.phone_reruns, self._rerun)
                    if (workshop.phase == Phase.VOTING
                            and workshop.statement_id not in voted_on):
                        voted_on.add(workshop.statement_id)
                        planned = sorted(planned + self._plan(workshop.statement_id, now))
            while planned and planned[0][0] <= time.perf_counter():
                _, statement_id, level = planned.pop(0)
                self.votes.timed(lambda s=statement_id, level=level: self.store.cast_vote(
                    self.workshop_id, self.respondent_id, s,
                    AnswerChange(level=level, recorded_by="bench", source="workshop")))
            wake = min([next_poll, *(when for when, _, _ in planned)])
            stop.wait(max(0.0, wake - time.perf_counter()))

    def _rerun(self):
        workshop = self.store.participant_workshop(self.respondent_id)
        self.store.participant_vote(workshop.id, self.respondent_id)
        return workshop

    def _plan(self, statement_id: str, now: float) -> list[tuple[float, str, int]]:
        vote_at = now + self.chooser.uniform(*THINK_BEFORE_VOTING)
        plan = [(vote_at, statement_id, self.chooser.randint(1, 3))]
        if self.changes_mind:
            plan.append((vote_at + self.chooser.uniform(*THINK_BEFORE_CHANGING), statement_id, 4))
        return plan

    @staticmethod
    def _timed(into: list[float], read: Callable[[], object]):
        started = time.perf_counter()
        result = read()
        into.append(time.perf_counter() - started)
        return result


def facilitate(store: Store, workshop_id: int, stop: threading.Event, load: WorkshopLoad) -> None:
    """Open voting, watch the live count, close, reveal, next: round and round until stopped."""

    def step(how: Move, position: int | None = None) -> None:
        started = time.perf_counter()
        move(store, workshop_id, how, position)
        load.steps.append(time.perf_counter() - started)

    def live_count() -> None:
        started = time.perf_counter()
        store.get_workshop(workshop_id)  # the fragment first checks nobody else moved it on
        store.workshop_room(workshop_id)
        load.tallies.append(time.perf_counter() - started)

    position = 0
    while not stop.is_set():
        step(Move.OPEN)
        load.statements += 1
        closes_at = time.perf_counter() + VOTING_WINDOW
        while time.perf_counter() < closes_at and not stop.wait(TALLY_EVERY):
            live_count()
        step(Move.CLOSE)
        step(Move.REVEAL)
        live_count()
        position = (position + 1) % WORKSHOP_STATEMENTS
        step(Move.GO_TO, position)


def workshop_alongside(store: Store, bank: QuestionBank, people: Sequence[Person],
                       seconds: float, pause: tuple[float, float] | None = PAUSE_BETWEEN_SAVES,
                       voters: int = VOTERS) -> WorkshopLoad:
    """A workshop of `voters` running for `seconds` while `people` keep answering."""
    workshop_id, code, participants = workshop_room(store, bank, voters, "Load workshop")
    load = WorkshopLoad()
    stop = threading.Event()
    phones = [Phone(store, workshop_id, code, person, n, load)
              for n, person in enumerate(participants)]
    conflicts_before = conflicts_of(store)

    def guarded(work: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            try:
                work()
            except Exception as error:  # noqa: BLE001 - counted and shown after the run
                load.errors.append(error)
        return run

    threads = [threading.Thread(target=guarded(lambda phone=phone: phone.run(stop)), daemon=True)
               for phone in phones]
    threads.append(threading.Thread(
        target=guarded(lambda: facilitate(store, workshop_id, stop, load)), daemon=True))
    for thread in threads:
        thread.start()
    load.answers = answer_at_once(store, bank, people, seconds, pause)
    stop.set()
    for thread in threads:
        thread.join()
    for phone in phones:
        load.votes.add(phone.votes)
    load.conflicts = conflicts_of(store) - conflicts_before
    return load


def print_workshop_alongside(store: Store, bank: QuestionBank, sizes: LoadSizes,
                             line: Line) -> None:
    count = sizes.workshop_people
    print(f"  A {VOTERS}-person workshop alongside {count} people answering (paced), "
          f"{sizes.workshop_seconds:.0f} s; voting open {VOTING_WINDOW:.0f} s a statement")
    people = new_people(store, bank, count, "Load beside workshop")
    load = workshop_alongside(store, bank, people, sizes.workshop_seconds)
    votes, answers = load.votes, load.answers
    line(f"votes, {load.statements} statement(s) opened for voting",
         f"{votes.attempted} cast", f"{summary(votes)}; {load.conflicts} conflicts retried "
         "in all, votes and answers")
    line("  vote save time", spread_ms(votes.seconds))
    line("  facilitator's live count (every 1.5 s)", spread_ms(load.tallies))
    line("  facilitator's steps (open, close, reveal, next)", spread_ms(load.steps))
    line(f"  phones' version look-ups ({len(load.polls) / sizes.workshop_seconds:.0f}/s)",
         spread_ms(load.polls))
    line("  a phone's page reads when the version changes", spread_ms(load.phone_reruns))
    line(f"answers saved alongside by {count} people", f"{answers.per_second:.0f} saves/s",
         summary(answers))
    line("  save time of those answers", spread_ms(answers.seconds))
    if load.errors:
        line("workshop threads failed", str(len(load.errors)),
             f"{type(load.errors[0]).__name__}: {str(load.errors[0])[:80]}")


# -- the whole section --------------------------------------------------------------------------


def print_load(bank: QuestionBank, line: Line, sizes: LoadSizes = QUICK) -> None:
    with tempfile.TemporaryDirectory(prefix="collab-load-") as folder:
        db_path = Path(folder) / "load.duckdb"
        store = ConflictCountingStore(db_path)
        try:
            answers = load_demo(store, bank)
            print(f"  (a fresh database holding the demo data: {answers:,} answers; machine load "
                  f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start: other "
                  "work on the machine slows every figure)")
            if sizes.people:
                print_answering(store, bank, sizes, line)
            if sizes.workshop_seconds > 0:
                print_workshop_alongside(store, bank, sizes, line)
            store.checkpoint()
        finally:
            store.close()
        if sizes.browsers:
            print_real_server(db_path, bank, sizes.sessions, sizes.answers_each, line,
                              Path(folder))


def main(argv: list[str] | None = None) -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--people", default=",".join(map(str, LoadSizes.people)),
                           help="how many people answer at once, comma-separated "
                           "(default %(default)s; empty: skip this part)")
    arguments.add_argument("--paced-seconds", type=float, default=LoadSizes.paced_seconds)
    arguments.add_argument("--flat-seconds", type=float, default=LoadSizes.flat_seconds)
    arguments.add_argument("--workshop-people", type=int, default=LoadSizes.workshop_people,
                           help="people answering while the workshop runs")
    arguments.add_argument("--workshop-seconds", type=float, default=LoadSizes.workshop_seconds,
                           help="how long the workshop runs (0: no workshop)")
    arguments.add_argument("--sessions", type=int, default=LoadSizes.sessions,
                           help="browser sessions on the real app")
    arguments.add_argument("--answers-each", type=int, default=LoadSizes.answers_each,
                           help="answers each browser session gives")
    arguments.add_argument("--no-browsers", action="store_true",
                           help="skip the real app and its browser sessions")
    arguments.add_argument("--quick", action="store_true", help="the sizes `make bench` runs")
    arguments.add_argument("--json", action="store_true", help="print one JSON object")
    given = arguments.parse_args(argv)
    sizes = QUICK if given.quick else LoadSizes(
        people=tuple(int(n) for n in given.people.split(",") if n.strip()),
        paced_seconds=given.paced_seconds, flat_seconds=given.flat_seconds,
        workshop_people=given.workshop_people, workshop_seconds=given.workshop_seconds,
        sessions=given.sessions, answers_each=given.answers_each)
    if given.no_browsers:
        sizes = LoadSizes(**{**sizes.__dict__, "browsers": False})
    figures = Figures(given.json)
    figures.section("How far one server goes")
    if given.json:
        with contextlib.redirect_stdout(io.StringIO()):
            print_load(load_current_bank(), figures.line, sizes)
        print(json.dumps(figures.sections, indent=2))
    else:
        print_load(load_current_bank(), figures.line, sizes)


if __name__ == "__main__":
    main()
