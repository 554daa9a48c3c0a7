"""`make bench`: timings of the demo load, scoring, and store writes and reads, printed as figures.

Runs on a throwaway database in a temporary folder. Speed targets are judged by reading these figures,
never by timed assertions in the tests.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from collab_assess.bank import load_current_bank
from collab_assess.benchmark import peer_scores
from collab_assess.demo import generate_demo
from collab_assess.models import (
    AnswerInput,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
)
from collab_assess.results import round_results
from collab_assess.store import Store

T = TypeVar("T")
REPEATS = 5
SEQUENTIAL_WRITES = 300
WORKSHOP_SIZE = 40


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def best_of(work: Callable[[], object], repeats: int = REPEATS) -> float:
    return min(timed(work)[1] for _ in range(repeats))


def line(what: str, figure: str) -> None:
    print(f"  {what:<58} {figure:>14}")


def main() -> None:
    bank = load_current_bank()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        print("Demo data")
        dataset, seconds = timed(lambda: generate_demo(bank))
        line("generate synthetic peers", f"{seconds * 1000:.0f} ms")
        counts, seconds = timed(lambda: store.import_demo(dataset, bank))
        line(f"import {counts['answers']:,} answers in one transaction", f"{seconds * 1000:.0f} ms")

        print("Scoring and reads")
        all_rounds = store.all_rounds()["round_id"].tolist()
        line(f"read current answers of all {len(all_rounds)} rounds",
             f"{best_of(lambda: store.current_answers(all_rounds)) * 1000:.0f} ms")
        line("peer scores (latest round of every collaborative)",
             f"{best_of(lambda: peer_scores(store)) * 1000:.0f} ms")
        one_round = best_of(lambda: round_results(store, all_rounds[0]))
        line("one round's full results", f"{one_round * 1000:.0f} ms")

        print("Writes")
        collaborative = store.create_collaborative(CollaborativeProfile(name="Bench"), "bench")
        round_id = store.open_round(collaborative, RoundInput(label="Bench", opens_on="2026-01-01"),
                                    bank, "bench")
        respondent = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        statements = [s.id for s in bank.statements]
        latencies = []
        for n in range(SEQUENTIAL_WRITES):
            _, seconds = timed(lambda n=n: store.record_answer(
                round_id, respondent, statements[n % len(statements)],
                AnswerInput(level=n % 4 + 1, recorded_by="bench")))
            latencies.append(seconds * 1000)
        line(f"save one answer, median of {SEQUENTIAL_WRITES}", f"{statistics.median(latencies):.1f} ms")
        line("save one answer, 95th percentile",
             f"{statistics.quantiles(latencies, n=20)[-1]:.1f} ms")

        people = [store.add_respondent(round_id, RespondentInput(role="Executive director"))
                  for _ in range(WORKSHOP_SIZE)]

        def answer_everything(person: int) -> None:
            for n, statement in enumerate(statements):
                store.record_answer(round_id, person, statement,
                                    AnswerInput(level=(person + n) % 4 + 1, recorded_by="bench"))

        threads = [threading.Thread(target=answer_everything, args=(p,)) for p in people]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        total = WORKSHOP_SIZE * len(statements)
        line(f"{WORKSHOP_SIZE} people answering all {len(statements)} at once", f"{seconds:.2f} s")
        line("  throughput", f"{total / seconds:.0f} answers/s")
        store.close()


if __name__ == "__main__":
    main()
