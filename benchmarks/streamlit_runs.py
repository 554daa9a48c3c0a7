"""How a browser tells that Streamlit has finished a run of the page: one definition for the browser
tests (tests/e2e) and the benchmarks that drive Chromium.

Streamlit marks its root element with `data-test-script-state` ("running", "notRunning", ...) as
soon as the server says a run began or ended. Its "Running..." status widget, which these checks
used to look for, appears only once a run has lasted 500 ms: a shorter run, or the first 500 ms
of a longer one, looked idle, and a test read the page before the run had drawn it.
"""

from __future__ import annotations

SETTLE_MS = 150
"""How long the page must have been idle to count as idle. A run that calls st.rerun() ends and
the next begins a moment later; the page is briefly "notRunning" in between."""

WATCH_RUNS = """
(() => {
  const runs = {started: 0, seen: 0, since: performance.now()};
  window.__streamlitRuns = runs;
  new MutationObserver((records) => {
    for (const record of records) {
      const state = record.target.getAttribute('data-test-script-state');
      if (state === record.oldValue) continue;
      runs.since = performance.now();
      if (state === 'running') runs.started += 1;
    }
  }).observe(document, {subtree: true, attributes: true, attributeOldValue: true,
                        attributeFilter: ['data-test-script-state']});
})();
"""
"""Installed in a browser context before any page script (`context.add_init_script`): counts the
runs that began and notes when the run state last changed."""

SCRIPT_STATE = ("document.querySelector('[data-testid=\"stApp\"]')"
                "?.getAttribute('data-test-script-state')")
"""A JavaScript expression: the page's run state ("running", "notRunning", ...; undefined before
Streamlit has drawn its root)."""
STALE = "(document.querySelector('[data-stale=\"true\"]') !== null)"
"""A JavaScript expression: whether any element is greyed out, waiting for the run to redraw it."""

_RUNNING = f"(({SCRIPT_STATE}) !== 'notRunning' || {STALE})"

IDLE_SCRIPT = f"""() => !{_RUNNING} && (window.__streamlitRuns === undefined
                    || performance.now() - window.__streamlitRuns.since >= {SETTLE_MS})"""
"""True once the page's run has ended (and stayed ended for SETTLE_MS) and nothing is stale."""

MARK_SEEN = """() => {
  if (window.__streamlitRuns !== undefined) {
    window.__streamlitRuns.seen = window.__streamlitRuns.started;
  }
}"""
"""Note that every run so far has been waited for: the next RUN_BEGUN_SCRIPT waits for a new one."""

RUN_BEGUN_SCRIPT = f"""() => window.__streamlitRuns !== undefined
    && (window.__streamlitRuns.started > window.__streamlitRuns.seen || {_RUNNING})"""
"""True once a run has begun since the last MARK_SEEN (or one is under way)."""
