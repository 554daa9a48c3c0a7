"""`make bench`, answers through the real app: people answering on the Self-assessment page as
websocket clients that speak Streamlit's own protocol, sending what a browser tab sends when an
answer is clicked and reading the page it gets back. Measured two ways in the same run, on copies
of the same data: a statement rerunning alone (st.fragment, how the app runs) and the whole page
rerunning on every answer (COLLAB_ASSESS_ANSWER_RERUN=page, as the app ran before).

Figures for each way: click -> the last message of the redrawn page (median / 95th percentile /
slowest) for one person alone and for 40 people answering at once, flat out and at a hurried pace
(an answer every 2-6 s); the server's CPU per answer; and from it, how many people one process
serves answering at reading pace (an answer every 20 s). A browser still has to draw what arrives:
load_server.py times that, click to drawn page in Chromium, for one person.

Written by hand on the protobuf messages Streamlit ships (streamlit.proto): no maintained client
library speaks this protocol, and a browser per person would measure Chromium on the same two cores
rather than the server.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.figures import Line
from benchmarks.people import PAUSE_BETWEEN_SAVES, new_people, spread_ms
from benchmarks.workshop import Server, cpu_seconds, running_server
from collab_assess.assessment.walk import option_label
from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from pages.widgets.answer_widgets import ANSWER_RERUN_SETTING

PEOPLE_AT_ONCE = 40
ALONE_ANSWERS = 10
FLAT_OUT_ANSWERS_EACH = 8
PACED_ANSWERS_EACH = 5
READING_SECONDS_PER_ANSWER = 20
MESSAGE_TIMEOUT = 60.0
WAYS = {"statement": "a statement reruns alone (the app)",
        "page": "the whole page reruns (before)"}
ANSWER_LABEL = "How mature is this today? ("
NEXT_AREA = ("Next area →", "Review and finish →")


class PageError(RuntimeError):
    """The page showed an exception, or never finished."""


@dataclass
class Widget:
    id: str
    fragment_id: str


@dataclass
class Timings:
    answers: list[float] = field(default_factory=list)
    next_area: list[float] = field(default_factory=list)
    cpu_seconds: float = 0.0
    seconds: float = 0.0

    @property
    def cpu_per_answer(self) -> float:
        return self.cpu_seconds / max(1, len(self.answers) + len(self.next_area))


class AnsweringClient:
    """One person on the Self-assessment page, by their resume code, over one websocket."""

    def __init__(self, server: Server, resume_code: str, bank: QuestionBank):
        self.url = server.url.replace("http://", "ws://") + "/_stcore/stream"
        self.query = f"who={resume_code}"
        self.bank = bank
        self.page_hash = ""
        self.radios: dict[str, Widget] = {}
        self.buttons: dict[str, Widget] = {}
        self.states: dict[str, object] = {}
        self.socket = None

    async def open(self) -> None:
        import websockets

        self.socket = await websockets.connect(self.url, subprotocols=["streamlit"],
                                               max_size=None)
        await self._run(None)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def answer(self, statement_id: str, level: int) -> float:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        widget = self.radios[statement_id]
        # A radio sends the chosen option as its label, as the page formats it.
        state = WidgetState(id=widget.id, string_value=option_label(level))
        self.states[widget.id] = state
        return await self._run(widget.fragment_id or None)

    async def next_area(self) -> float:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        label = next(label for label in NEXT_AREA if label in self.buttons)
        button = self.buttons[label]
        return await self._run(None, WidgetState(id=button.id, trigger_value=True))

    async def _run(self, fragment_id: str | None, trigger=None) -> float:
        """Send a rerun (of the page, or of one fragment) and read until it finished; returns the
        seconds from sending to the last message."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string, rerun.page_name = self.query, "self_assessment"
        rerun.page_script_hash = self.page_hash
        if fragment_id:
            rerun.fragment_id = fragment_id
        rerun.widget_states.widgets.extend([*self.states.values(),
                                            *([trigger] if trigger else [])])
        started = time.perf_counter()
        await self.socket.send(message.SerializeToString())
        await self._read_until_finished()
        return time.perf_counter() - started

    async def _read_until_finished(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            raw = await asyncio.wait_for(self.socket.recv(), MESSAGE_TIMEOUT)
            message = ForwardMsg()
            message.ParseFromString(raw)
            kind = message.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = message.new_session.page_script_hash
            elif kind == "navigation":
                self.page_hash = message.navigation.page_script_hash or self.page_hash
            elif kind == "delta":
                self._note_widget(message)
            elif kind == "script_finished":
                if message.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise PageError("the page did not compile")
                if message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    return  # else the page called st.rerun(): its next run follows

    def _note_widget(self, message) -> None:
        delta = message.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            raise PageError(f"{element.exception.type}: {element.exception.message}")
        if kind == "radio" and element.radio.label.startswith(ANSWER_LABEL):
            statement_id = element.radio.label[len(ANSWER_LABEL):-1]
            self.radios[statement_id] = Widget(element.radio.id, delta.fragment_id)
        elif kind == "button" and element.button.label in NEXT_AREA:
            self.buttons[element.button.label] = Widget(element.button.id, delta.fragment_id)


def walk(bank: QuestionBank) -> list[str | None]:
    """Statement ids in the order a person answers them; None where they press Next area."""
    steps: list[str | None] = []
    for area in bank.areas:
        steps += [statement.id for statement in bank.statements_in(area.id)]
        steps.append(None)
    return steps


async def answer_some(client: AnsweringClient, steps: Sequence[str | None], start: int,
                      answers: int, timings: Timings, pause: tuple[float, float] | None,
                      seed: int) -> int:
    """Give `answers` answers along the walk from `start`; returns where it stopped."""
    rng = random.Random(seed)
    given, position = 0, start
    while given < answers:
        statement_id = steps[position % len(steps)]
        position += 1
        if pause:
            await asyncio.sleep(rng.uniform(*pause))
        if statement_id is None:
            timings.next_area.append(await client.next_area())
            continue
        timings.answers.append(await client.answer(statement_id, rng.randint(1, 4)))
        given += 1
    return position


async def measure_way(server: Server, codes: Sequence[str], bank: QuestionBank
                      ) -> dict[str, Timings]:
    pid, steps = server.process.pid, walk(bank)
    results = {"alone": Timings(), "flat out": Timings(), "paced": Timings()}
    alone = AnsweringClient(server, codes[0], bank)
    await alone.open()
    await answer_some(alone, steps, 0, 2, Timings(), None, 0)  # the server's first imports
    before, started = cpu_seconds(pid), time.perf_counter()
    await answer_some(alone, steps, 2, ALONE_ANSWERS, results["alone"], None, 1)
    results["alone"].cpu_seconds = cpu_seconds(pid) - before
    results["alone"].seconds = time.perf_counter() - started
    await alone.close()

    people = [AnsweringClient(server, code, bank) for code in codes[1:]]
    await asyncio.gather(*(person.open() for person in people))
    where = [0] * len(people)
    for name, each, pause in (("flat out", FLAT_OUT_ANSWERS_EACH, None),
                              ("paced", PACED_ANSWERS_EACH, PAUSE_BETWEEN_SAVES)):
        before, started = cpu_seconds(pid), time.perf_counter()
        where = list(await asyncio.gather(*(
            answer_some(person, steps, where[n], each, results[name], pause, n * 7 + len(name))
            for n, person in enumerate(people))))
        results[name].cpu_seconds = cpu_seconds(pid) - before
        results[name].seconds = time.perf_counter() - started
    await asyncio.gather(*(person.close() for person in people))
    return results


def prepare(template: Path, bank: QuestionBank, people: int) -> list[str]:
    store = Store(template)
    try:
        made = new_people(store, bank, people, "Answer clients")
        return [store.get_respondent(person.respondent_id).resume_code for person in made]
    finally:
        store.close()


def print_answer_clients(db_path: Path, bank: QuestionBank, line: Line, folder: Path) -> None:
    """db_path: a closed database holding the demo data (copied, never changed)."""
    template = folder / "answer-clients.duckdb"
    shutil.copy(db_path, template)
    codes = prepare(template, bank, PEOPLE_AT_ONCE + 1)
    print(f"  Answers through the real app: {PEOPLE_AT_ONCE} websocket clients plus one alone, "
          "each a person on the Self-assessment page (machine load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start)")
    for way, described in WAYS.items():
        copy = folder / f"answer-clients-{way}.duckdb"
        shutil.copy(template, copy)
        try:
            with running_server(copy, folder / f"answer-clients-{way}.log",
                                {ANSWER_RERUN_SETTING: way,
                                 "STREAMLIT_SERVER_FILE_WATCHER_TYPE": "none"}) as server:
                results = asyncio.run(measure_way(server, codes, bank))
        except Exception as error:  # noqa: BLE001 - the bench reports and carries on
            line(f"answering, {described}", "failed", f"{type(error).__name__}: {error}"[:120])
            continue
        print(f"  When {described}:")
        alone, flat, paced = results["alone"], results["flat out"], results["paced"]
        line("  one person: click -> page redrawn", spread_ms(alone.answers))
        line("    server CPU per answer", f"{alone.cpu_per_answer * 1000:.1f} ms")
        line(f"  {PEOPLE_AT_ONCE} at once, flat out: click -> page redrawn",
             spread_ms(flat.answers),
             f"{len(flat.answers) / flat.seconds:.0f} answers/s, "
             f"{flat.cpu_seconds / flat.seconds:.2f} cores")
        line("    server CPU per answer", f"{flat.cpu_per_answer * 1000:.1f} ms")
        line(f"  {PEOPLE_AT_ONCE} at once, an answer every {PAUSE_BETWEEN_SAVES[0]:.0f}-"
             f"{PAUSE_BETWEEN_SAVES[1]:.0f} s: click -> page redrawn", spread_ms(paced.answers))
        line("  Next area (the whole page, both ways)", spread_ms(flat.next_area))
        per_core = 1 / max(flat.cpu_per_answer, 1e-6)
        line(f"  people one process serves, an answer every {READING_SECONDS_PER_ANSWER} s",
             f"{per_core * READING_SECONDS_PER_ANSWER:.0f} people",
             "one core's worth of page runs at the CPU per answer above")


def main() -> None:
    """This part alone, on a fresh database holding the demo data."""
    import tempfile

    from benchmarks.figures import Figures
    from collab_assess.content.bank import load_current_bank
    from collab_assess.operations.demo import generate_demo

    bank = load_current_bank()
    with tempfile.TemporaryDirectory(prefix="collab-answers-") as name:
        folder = Path(name)
        store = Store(folder / "demo.duckdb")
        store.import_demo(generate_demo(bank), bank)
        store.close()
        figures = Figures(False)
        figures.section("Answers through the real app")
        print_answer_clients(folder / "demo.duckdb", bank, figures.line, folder)


if __name__ == "__main__":
    main()
