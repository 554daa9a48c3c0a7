"""`make bench`, the Benchmark page in a real browser: what a regional analyst waits for.

The app (`streamlit run serve.py`) serves a copy of a database (the demo, or the national-scale one
of national.py) and headless Chromium opens the Benchmark page of England (no filter) at 1440x900,
several times, each in a fresh browser tab. For each visit it times, in the browser's own clock:

- **first chart drawn**: from the start of navigation until the first chart on the page has drawn
  (the page is usable: something to read);
- **page settled**: until the page's run has ended and nothing has changed on screen since;
- **rows regrouped settled**: on England, from choosing "One row for each: Collaborative" (the
  first of 2,000 at national scale, a page at a time) until settled;
- **a re-order settled**: then from choosing "Rows in order of: Region, then name" until settled;
- **a filter change settled**: then from choosing a region until the page has settled again (each
  visit chooses another region, so no visit finds it worked out already).

The first visit after the server starts finds nothing cached; later visits find England cached.
Printed as medians of the visits, with the machine's load average, never asserted.
Without Chromium or playwright it says why it was skipped.
"""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import workshop
from benchmarks.streamlit_runs import SCRIPT_STATE, STALE
from benchmarks.workshop import CHROMIUM, CHROMIUM_ARGS, browser_unavailable, running_server

VISITS = 5
NATIONAL_SCALE = "4.4M"
"""The national-scale database (benchmarks/national.py) the page is timed on."""
VIEWPORT = {"width": 1440, "height": 900}
PAGE_TIMEOUT_MS = 120_000
REGIONS = ("London", "North West", "South West", "Midlands", "East of England",
           "South East", "North East and Yorkshire")
GOALS = {"first_chart": 3.0, "change": 1.5}
"""Seconds, on 2 cores: the England page usable (first chart drawn) and a change settled."""

# Installed before any page script: notes, in the page's clock (ms since navigation started), when
# the first chart drew, every change on screen, and when a run of the page started and ended.
WATCH = f"""
window.__bench = {{firstChart: null, lastChange: 0, runs: 0, running: false}};
const look = () => {{
  const b = window.__bench, now = performance.now();
  b.lastChange = now;
  if (b.firstChart === null && document.querySelector(
        '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg.marks')) {{
    b.firstChart = now;
  }}
  const running = ({SCRIPT_STATE}) === 'running' || {STALE};
  if (running && !b.running) b.runs += 1;
  b.running = running;
}};
new MutationObserver(look).observe(document, {{subtree: true, childList: true, attributes: true,
                                              characterData: true}});
"""
QUIET_MS = 700
"""How long nothing may change on screen before the page counts as settled."""


def _wait_settled(tab, since: float, *, runs_before: int) -> float:
    """Wait until a run that began after `since` has ended and the screen has been quiet for
    QUIET_MS; return the moment of the last change, in the page's clock."""
    deadline = time.monotonic() + PAGE_TIMEOUT_MS / 1000
    started = time.monotonic()
    while time.monotonic() < deadline:
        state = tab.evaluate("() => ({...window.__bench, now: performance.now()})")
        ran = state["runs"] > runs_before or time.monotonic() - started > 3
        if ran and not state["running"] and state["now"] - state["lastChange"] > QUIET_MS:
            return float(state["lastChange"]) - since
        tab.wait_for_timeout(25)
    raise TimeoutError("the Benchmark page did not settle")


def _choose(tab, label: str, option: str) -> None:
    box = tab.get_by_role("combobox", name=label, exact=True)
    box.click()
    tab.get_by_role("option", name=option, exact=True).first.click()
    tab.keyboard.press("Escape")


def _timed_change(tab, act: Callable[[], None]) -> float:
    state = tab.evaluate("() => ({...window.__bench, now: performance.now()})")
    act()
    return _wait_settled(tab, float(state["now"]), runs_before=int(state["runs"])) / 1000


def one_visit(browser, url: str, region: str) -> dict[str, float]:
    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    context.add_init_script(WATCH)
    try:
        tab = context.new_page()
        tab.goto(f"{url}/benchmark")
        tab.wait_for_function("() => window.__bench && window.__bench.firstChart !== null",
                              timeout=PAGE_TIMEOUT_MS, polling=25)
        first_chart = tab.evaluate("() => window.__bench.firstChart") / 1000
        settled = _wait_settled(tab, 0.0, runs_before=0) / 1000
        regroup = _timed_change(
            tab, lambda: tab.get_by_role("radiogroup", name="One row for each").get_by_text(
                "Collaborative", exact=True).click())
        reorder = _timed_change(
            tab, lambda: tab.get_by_role("radiogroup", name="Rows in order of").get_by_text(
                "Region, then name", exact=True).click())
        change = _timed_change(tab, lambda: _choose(tab, "NHS England region", region))
        return {"first_chart": first_chart, "settled": settled, "regroup": regroup,
                "change": change, "reorder": reorder}
    finally:
        context.close()


PORT_ENV_VAR = "COLLAB_BENCH_PORT"
"""Serve on this loopback port instead of any free one (where only some ports may be used)."""


def _fixed_port() -> Callable[[], int] | None:
    port = os.environ.get(PORT_ENV_VAR, "").strip()
    return (lambda: int(port)) if port.isdigit() else None


def measure(db_path: Path, visits: int = VISITS) -> dict:
    """Every visit's figures on a copy of `db_path` (the app may bring its schema up to date, and
    the original is kept as it is), served by a fresh app."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "benchmark-page.duckdb"
        shutil.copyfile(db_path, copy)
        fixed = _fixed_port()
        if fixed is not None:
            workshop.free_port = fixed  # running_server asks workshop.free_port for its port
        with running_server(copy, Path(folder) / "app.log") as server, \
                sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                                 args=CHROMIUM_ARGS)
            try:
                load_before = os.getloadavg()
                figures = [one_visit(browser, server.url, REGIONS[n % len(REGIONS)])
                           for n in range(visits)]
                load_after = os.getloadavg()
            finally:
                browser.close()
    return {"visits": figures, "load": (load_before[0], load_after[0])}


def report_lines(what: str, measured: dict, line: Callable[..., None]) -> None:
    visits = measured["visits"]
    cold, warm = visits[0], visits[1:] or visits

    def median(key: str, among: list[dict]) -> str:
        return f"{statistics.median(v[key] for v in among):.2f} s"

    line(f"{what}: first chart drawn, first visit (nothing cached)",
         f"{cold['first_chart']:.2f} s", f"goal < {GOALS['first_chart']:.0f} s")
    line("  first chart drawn, later visits (median)", median("first_chart", warm),
         f"goal < {GOALS['first_chart']:.0f} s")
    line("  page settled, first visit", f"{cold['settled']:.2f} s")
    line("  page settled, later visits (median)", median("settled", warm))
    line("  England regrouped (a row per collaborative) settled (median)",
         median("regroup", visits), f"goal < {GOALS['change']} s")
    line("  England re-ordered (rows by region) settled (median)", median("reorder", visits),
         f"goal < {GOALS['change']} s")
    line("  a filter change (England to a region) settled (median)", median("change", visits),
         f"goal < {GOALS['change']} s")
    line("  load average while measured (1 min, before/after)",
         "{:.1f} / {:.1f}".format(*measured["load"]), f"on {os.cpu_count()} cores")


def demo_database(folder: Path) -> Path:
    """A database holding what `make run` loads: the two-version synthetic demo."""
    from collab_assess.content.bank import load_banks, load_current_bank
    from collab_assess.operations.demo import demo_banks, generate_demo
    from collab_assess.store import Store

    path = folder / "demo.duckdb"
    store = Store(path)
    try:
        store.register_bank(load_current_bank())
        bank, earlier = demo_banks(load_banks())
        store.import_demo(generate_demo(bank, earlier_bank=earlier),
                          [each for each in (bank, earlier) if each is not None])
        store.checkpoint()
    finally:
        store.close()
    return path


def print_page_timings(what: str, db_path: Path, line: Callable[..., None]) -> None:
    why_not = browser_unavailable()
    if why_not:
        line(f"{what}: skipped", why_not)
        return
    report_lines(what, measure(db_path), line)


def main() -> None:
    """`python -m benchmarks.benchmark_page DB [VISITS]`: one database's figures, and each visit."""
    import json
    import sys

    path = Path(sys.argv[1])
    measured = measure(path, int(sys.argv[2]) if len(sys.argv) > 2 else VISITS)
    report_lines(path.name, measured, lambda what, figure, note="": print(
        f"  {what:<58} {figure:>14}   {note}"))
    print(json.dumps(measured))


if __name__ == "__main__":
    main()
