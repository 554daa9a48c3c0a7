"""`make bench`: timings of the demo load, scoring, store writes and reads, a workshop (votes
reaching the facilitator, and the server's CPU with real phones waiting: bench_workshop.py), the
board report, export, import, backup and restore (bench_exchange.py), what hostile files and the
heaviest allowed work cost (benchmarks/limits.py, alone: `python -m benchmarks.limits`), how far
one server goes
(people answering at once, a workshop alongside, browser sessions: bench_load.py, at quick
sizes), the benchmarks at national scale (bench_national.py), and the Benchmark page in Chromium
at the demo size and at 2,000 collaboratives (benchmark_page.py), printed as figures; with
--json, the same figures as one JSON object (section -> figure -> value).

Runs on a throwaway database in a temporary folder (the national-scale ones are built once and kept
in .bench/). Speed targets are judged by reading these figures, never by timed assertions in tests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import benchmark_page
from benchmarks import load as bench_load
from benchmarks import national as bench_national
from benchmarks.answer_clients import print_answer_clients
from benchmarks.exchange import print_exchange_timings
from benchmarks.figures import Figures, best_of, timed
from benchmarks.limits import print_limits
from benchmarks.workshop import print_server_cpu, print_vote_timings
from collab_assess.assessment.results import round_results
from collab_assess.content.bank import load_banks, load_current_bank
from collab_assess.content.baseline import load_baseline
from collab_assess.operations.demo import demo_banks, generate_demo
from collab_assess.store import Store
from collab_assess.store.inputs import (
    AnswerInput,
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
)
from collab_assess.store.peer_comparison import peer_comparison

SEQUENTIAL_WRITES = 300
WORKSHOP_SIZE = 40


def peer_comparison_of(store: Store, round_id: int) -> Callable[[], object]:
    """What the Results page asks for a round: its collaborative against every peer's latest
    submitted round."""
    assessment_round = store.get_round(round_id)
    collaborative = store.get_collaborative(assessment_round.collaborative_id)
    early_stages = tuple(load_baseline().early_stages)
    return lambda: peer_comparison(store, collaborative, assessment_round, early_stages)


def main(argv: list[str] | None = None) -> None:
    arguments = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    arguments.add_argument("--json", action="store_true", help="print one JSON object")
    as_json = arguments.parse_args(argv).json
    figures = Figures(as_json)
    if as_json:
        with contextlib.redirect_stdout(io.StringIO()):  # notes printed along the way
            run(figures)
        print(json.dumps(figures.sections, indent=2))
    else:
        run(figures)


def run(figures: Figures) -> None:
    line = figures.line
    bank = load_current_bank()
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "bench.duckdb")
        figures.section("Demo data")
        dataset, seconds = timed(lambda: generate_demo(bank))
        line("generate synthetic peers", f"{seconds * 1000:.0f} ms")
        current, earlier = demo_banks(load_banks())
        seconds = best_of(lambda: generate_demo(current, earlier_bank=earlier), repeats=3)
        line("generate the two-version demo that `make run` loads", f"{seconds * 1000:.0f} ms")
        counts, seconds = timed(lambda: store.import_demo(dataset, bank))
        line(f"import {counts['answers']:,} answers in one transaction", f"{seconds * 1000:.0f} ms")

        figures.section("Scoring and reads")
        all_rounds = store.all_rounds()["round_id"].tolist()
        line(f"read current answers of all {len(all_rounds)} rounds",
             f"{best_of(lambda: store.current_answers(all_rounds)) * 1000:.0f} ms")
        line("peer comparison of one round (the day's peer snapshot)",
             f"{best_of(peer_comparison_of(store, all_rounds[0])) * 1000:.0f} ms")
        one_round = best_of(lambda: round_results(store, all_rounds[0]))
        line("one round's full results", f"{one_round * 1000:.0f} ms")

        figures.section("Writes")
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
        line(f"save one answer, median of {SEQUENTIAL_WRITES}",
             f"{statistics.median(latencies):.1f} ms")
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

        figures.section("Workshop")
        print_vote_timings(store, bank, line)  # on the store above, demo peers and all

        figures.section("Reports and data exchange")
        print_exchange_timings(store, bank, line, Path(folder))
        store.close()
        figures.section("Limits")
        print_limits(line)  # hostile files refused, heavy work at the limits, workshop address
        print_server_cpu(bank, line)
        figures.section("Answers through the real app")
        print_answer_clients(Path(folder) / "bench.duckdb", bank, line, Path(folder))
    figures.section("How far one server goes")
    bench_load.print_load(bank, line)
    for scale, report in bench_national.run().items():
        figures.section(f"National scale {scale}")
        bench_national.report_lines(report, line)
    figures.section("Benchmark page in Chromium")
    with tempfile.TemporaryDirectory() as folder:
        benchmark_page.print_page_timings("demo size", benchmark_page.demo_database(Path(folder)),
                                          line)
    national_db, _ = bench_national.database_for(benchmark_page.NATIONAL_SCALE)
    benchmark_page.print_page_timings("2,000 collaboratives", national_db, line)


if __name__ == "__main__":
    main()
