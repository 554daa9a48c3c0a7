"""`make bench`, national scale: the benchmark and Results data on millions of answers.

Builds each national-scale database once (DuckDB generates it in seconds; it is kept in .bench/
and reused), then measures each in a fresh process, so its peak memory is the app's alone:
the England and one-region Benchmark data, one collaborative's Results data, whether peer figures
stay put when an answer is saved in an open round, and the same England figures worked out by a
plain DuckDB query over a flat table of current answers and by pandas over frames in memory.
Prints figures; nothing here is a test.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pandas as pd

from collab_assess.assessment.results import round_results
from collab_assess.benchmark import view as bench
from collab_assess.benchmark.view import benchmark_view
from collab_assess.content.bank import QuestionBank, load_current_bank
from collab_assess.content.baseline import load_baseline
from collab_assess.store import RoundFilter, Store
from collab_assess.store.inputs import AnswerInput, RespondentInput
from collab_assess.store.peer_comparison import peer_comparison

CACHE = Path(__file__).resolve().parent.parent / ".bench"
COLLABORATIVES, ROUNDS_EACH = 2_000, 4
SCALES = {"4.4M": 4_400_000, "10M": 10_000_000}
"""About how many answers each scale has: 2,000 collaboratives (twenty times England's provider
collaboratives) with 4 yearly rounds each, and as many people per round as it takes."""
GOALS_MS = {"england": 50, "region": 30, "results": 200}
PEAK_MEMORY_GOAL_MB = 1024
REPEATS = 5
REGION = "London"


def people_per_round(scale: str, statements: int) -> int:
    return max(1, round(SCALES[scale] / (COLLABORATIVES * ROUNDS_EACH * statements)))


def database_for(scale: str) -> tuple[Path, float | None]:
    """The scale's database file, built if it is not there yet; and how long building took."""
    CACHE.mkdir(exist_ok=True)
    bank = load_current_bank()
    people = people_per_round(scale, len(bank.statements))
    path = CACHE / f"national-{COLLABORATIVES}x{ROUNDS_EACH}x{people}-bank{bank.version}.duckdb"
    ready = path.with_suffix(".ready")
    if path.exists() and ready.exists():
        return path, None
    for leftover in CACHE.glob(path.name + "*"):
        leftover.unlink()
    started = time.perf_counter()
    store = Store(path)
    try:
        store.generate_national_scale(bank, COLLABORATIVES, ROUNDS_EACH, people)
        store.checkpoint()
    finally:
        store.close()
    ready.touch()
    return path, time.perf_counter() - started


def peak_memory_mb() -> int:
    """This process's peak resident memory. Read from /proc (VmHWM) rather than getrusage, whose
    figure a process started by another inherits from it across fork and exec: the builder's."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _timed(work: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, (time.perf_counter() - started) * 1000


def _median_ms(work: Callable[[], object]) -> float:
    work()  # the first run warms DuckDB's caches, as the app's first visitor does
    return statistics.median(_timed(work)[1] for _ in range(REPEATS))


ENGLAND_FROM_ANSWERS = """
    WITH latest AS (
        SELECT r.id AS round_id, r.collaborative_id FROM rounds r
        WHERE r.status = 'closed'
        QUALIFY row_number() OVER (PARTITION BY r.collaborative_id
                                   ORDER BY r.opens_on DESC, r.id DESC) = 1
    ), statements AS (
        SELECT f.round_id, f.area_id, f.statement_id, median(f.level) AS score
        FROM flat_current_answers f JOIN latest USING (round_id)
        WHERE f.level IS NOT NULL GROUP BY ALL
    ), areas AS (
        SELECT round_id, area_id, avg(score) AS score FROM statements GROUP BY ALL
    )
    SELECT area_id, median(score), quantile_cont(score, 0.25), quantile_cont(score, 0.75),
        count(*) FROM areas GROUP BY area_id
"""


def _england_by_pandas(answers: pd.DataFrame) -> pd.DataFrame:
    closed = answers[answers["status"] == "closed"]
    latest = (closed[["round_id", "collaborative_id", "opens_on"]].drop_duplicates()
              .sort_values(["opens_on", "round_id"]).groupby("collaborative_id").tail(1))
    picked = closed[closed["round_id"].isin(latest["round_id"])].dropna(subset=["level"])
    statements = picked.groupby(["round_id", "area_id", "statement_id"])["level"].median()
    areas = statements.groupby(level=["round_id", "area_id"]).mean()
    return areas.groupby(level="area_id").describe()


def page_figures(store: Store, selection: RoundFilter, bank: QuestionBank) -> None:
    """Every figure the Benchmark page works out on its first run for a selection (the workbook's
    whole view is built only when its button is pressed): the selection, the heatmap's first page
    in its default grouping with the England and selection rows, stage shares, spread, years and
    stage moves."""
    core = bench.benchmark_core(store, selection, bank)
    grouping = bench.default_grouping(core)
    groups = bench.group_summary(store, core, grouping) if grouping != "collaborative" else None
    england = bench.england_summary(store, core)
    selected = bench.selection_summary(store, core)
    references = (selected,) if england.figures is None else (england.figures, selected)
    bench.heatmap_page(core, grouping, groups=groups, references=references)
    bench.stage_shares(store, selection)
    bench.trends(store, core)
    bench.stage_moves(store, selection)


def measure(path: Path) -> dict:
    """Run in its own process (see main): every figure for one database file."""
    bank, baseline = load_current_bank(), load_baseline()
    store = Store(path)
    figures: dict = {"file_mb": round(path.stat().st_size / 2**20)}
    figures["answers"] = int(store._one("SELECT count(*) FROM answers")[0])
    figures["shape"] = path.stem.split("-")[1]
    figures["england_ms"] = _median_ms(lambda: page_figures(store, RoundFilter(), bank))
    figures["region_ms"] = _median_ms(
        lambda: page_figures(store, RoundFilter(regions=(REGION,)), bank))
    figures["england_workbook_view_ms"] = _median_ms(
        lambda: benchmark_view(store, RoundFilter(), bank))

    latest = store.submitted_rounds(RoundFilter(), latest_only=True).iloc[0]
    collaborative = store.get_collaborative(int(latest["collaborative_id"]))
    assessment_round = store.get_round(int(latest["round_id"]))

    today = date.today()
    snapshot_days = iter(today + timedelta(days=n) for n in range(1, 100))
    # The day's first peer figure copies every collaborative's latest submitted scores.
    figures["peer_snapshot_ms"] = _median_ms(lambda: store.peer_snapshot_on(next(snapshot_days)))

    def results_data(day: date = today):
        results = round_results(store, assessment_round.id)
        return results, peer_comparison(store, collaborative, assessment_round,
                                        baseline.early_stages, today=day)

    figures["results_ms"] = _median_ms(results_data)
    before = results_data()[1]
    open_round = store._one("SELECT id FROM rounds WHERE status = 'open' LIMIT 1")[0]
    person = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    store.record_answer(open_round, person, bank.statements[0].id,
                        AnswerInput(level=4, recorded_by="bench"))
    after = results_data(next(snapshot_days))[1]  # even the next day's snapshot
    figures["peers_unchanged_after_a_save"] = bool(
        after.areas.equals(before.areas) and after.peers == before.peers)
    figures["peak_memory_mb"] = peak_memory_mb()

    # The same England area figures from the answers themselves: a plain DuckDB query over a flat
    # table of current answers, and pandas over the same table already in memory.
    cursor = store._cursor()
    cursor.execute(
        """
        CREATE OR REPLACE TEMP TABLE flat_current_answers AS
        SELECT a.round_id, r.collaborative_id, r.opens_on, r.status, s.area_id, a.statement_id,
            a.level::DOUBLE AS level
        FROM current_answers a JOIN rounds r ON r.id = a.round_id
        JOIN bank_statements s
            ON s.bank_version = r.bank_version AND s.statement_id = a.statement_id
        """)
    figures["plain_duckdb_ms"] = _median_ms(lambda: cursor.execute(ENGLAND_FROM_ANSWERS).fetchall())
    frame, figures["pandas_load_ms"] = _timed(
        lambda: cursor.execute("SELECT * FROM flat_current_answers").df())
    figures["pandas_ms"] = _median_ms(lambda: _england_by_pandas(frame))
    store.close()
    return figures


def run(scales: list[str] | None = None) -> dict[str, dict]:
    """Build (once) and measure each scale, each measurement in a fresh Python process."""
    report = {}
    for scale in scales or list(SCALES):
        path, build_seconds = database_for(scale)
        finished = subprocess.run(
            [sys.executable, "-m", "benchmarks.national", "--measure", str(path)],
            capture_output=True, text=True, check=True)
        figures = json.loads(finished.stdout.strip().splitlines()[-1])
        figures["built_in_s"] = None if build_seconds is None else round(build_seconds, 1)
        report[scale] = figures
    return report


def report_lines(f: dict, line: Callable[[str, str], None]) -> None:
    """One scale's figures, as `line(what, figure)` calls."""
    line("answers", f"{f['answers']:,}")
    line("collaboratives x rounds x people per round", f"{f['shape']}")
    line("database file", f"{f['file_mb']} MB")
    line("built",
         "reused from .bench/" if f["built_in_s"] is None else f"in {f['built_in_s']:.0f} s")
    for key, what in (("england", "England Benchmark page data (every figure of its first run)"),
                      ("region", f"one region's Benchmark data ({REGION})"),
                      ("results", "one collaborative's Results data")):
        line(f"{what} (goal < {GOALS_MS[key]} ms)", f"{f[key + '_ms']:.0f} ms")
    line("England's whole view for the workbook (built when its button is pressed)",
         f"{f['england_workbook_view_ms']:.0f} ms")
    line("the day's peer snapshot (taken by the first peer figure of a day)",
         f"{f['peer_snapshot_ms']:.0f} ms")
    line(f"peak memory of the app process (goal < {PEAK_MEMORY_GOAL_MB} MB)",
         f"{f['peak_memory_mb']} MB")
    line("peer figures (next day's snapshot) after an answer is saved in an open round",
         "unchanged" if f["peers_unchanged_after_a_save"] else "CHANGED")
    line("England figures by plain DuckDB over a flat answers table",
         f"{f['plain_duckdb_ms']:.0f} ms ({f['plain_duckdb_ms'] / f['england_ms']:.1f}x)")
    line("...by pandas over frames in memory (after loading them)",
         f"{f['pandas_ms']:.0f} ms ({f['pandas_ms'] / f['england_ms']:.1f}x)")
    line("   loading those frames into pandas", f"{f['pandas_load_ms']:.0f} ms")


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--measure"]:
        print(json.dumps(measure(Path(argv[1]))))
        return
    for scale, report in run().items():
        print(f"National scale {scale}")
        report_lines(report, lambda what, figure: print(f"  {what:<62} {figure:>14}"))


if __name__ == "__main__":
    main()
