"""The Benchmark page's parts that rerun on their own (Streamlit fragments): the heatmap, one page
of rows at a time, and two collaboratives compared; with the downloads every chart and table
offers (built only when their button is pressed)."""

from __future__ import annotations

from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from collab_assess.access.navigation import PageName, pages_for
from collab_assess.benchmark import view as bench
from collab_assess.benchmark.charts import PICK, area_heatmap, compare_chart, slide
from collab_assess.benchmark.exports import Stamp, table_csv
from collab_assess.report.chart_images import chart_png
from collab_assess.store import RoundFilter
from collab_assess.store.rules import Access
from collab_assess.text import as_text
from pages.widgets import address_bar
from pages.widgets import benchmark_data as data
from pages.widgets.address_bar import choose_collaborative
from pages.widgets.benchmark_filters import choose, chosen, keep_in_address, narrow_to
from pages.widgets.page_paths import RESULTS_PAGE
from pages.widgets.store_access import app_store

HEATMAP_KEY = "bench_heatmap"
OPEN_RESULTS = "bench_open_results"
RERUN_ALL = "bench_rerun_all"
ORDERS = {"collaborative": "Name", "region": "Region, then name"}


def may_open_results(collaborative_id: int, region: str | None) -> bool:
    """Whether this person's role offers the Results page and reads this collaborative."""
    caller = app_store().caller
    return (PageName.RESULTS in pages_for(caller)[0]
            and caller.access_to(collaborative_id, region) >= Access.READ)


def csv_button(table: Callable[[], pd.DataFrame], name: str, key: data.Key, stamp: Stamp,
               label: str = "CSV") -> None:
    """A stamped CSV of a table, made when pressed."""
    st.download_button(label, data.later(f"csv-{name}", key, lambda: table_csv(table(), stamp)),
                       file_name=f"benchmark-{name}.csv", mime="text/csv",
                       key=f"csv-{name}", icon=":material/download:", on_click="ignore")


def slide_button(chart: Callable[[], alt.TopLevelMixin], title: str, name: str, key: data.Key,
                 stamp: Stamp, n_words: str) -> None:
    """The chart as a PNG slide (title, filters, n and date on it), drawn when pressed."""
    lines = [stamp.filters, f"{n_words} · made {stamp.made_at:%Y-%m-%d}"]
    st.download_button("Slide (PNG)", data.later(
        f"slide-{name}", key, lambda: chart_png(slide(chart(), title, lines))),
        file_name=f"benchmark-{name}.png", mime="image/png", key=f"slide-{name}",
        icon=":material/slideshow:", on_click="ignore")


def _picked() -> None:
    """A click on a heatmap row: a region or ICS row opens its collaboratives (a filter, so the
    whole page runs again); a collaborative's row opens its Results, when the role allows."""
    state = st.session_state.get(HEATMAP_KEY)
    rows = (state or {}).get("selection", {}).get(PICK) or []
    if not rows:
        return
    row_key = str(rows[0].get("row_key", ""))
    kind, _, value = row_key.partition(":")
    if kind in ("region", "ics") and value not in bench.NOT_GIVEN.values():
        narrow_to(kind, value)
        st.session_state[RERUN_ALL] = True
    elif row_key.isdigit():
        st.session_state[OPEN_RESULTS] = int(row_key)


def _open_results(core: bench.BenchmarkCore, collaborative_id: int) -> None:
    """That collaborative's Results, on the round the Benchmark shows (its latest submitted)."""
    round_id = int(core.rounds.set_index("collaborative_id").loc[collaborative_id, "round_id"])
    choose_collaborative(collaborative_id)
    address_bar.choose("round_id", round_id)
    st.switch_page(RESULTS_PAGE, query_params={"c": str(collaborative_id),
                                               "round": str(round_id)})


def _page_rows(page: bench.HeatmapPage, grouping: str,
               core: bench.BenchmarkCore) -> pd.DataFrame:
    """The table under the chart: each row on this page, in the chart's order (a plain table, so
    it cannot be sorted into a league table). User text is escaped: st.table reads Markdown."""
    if grouping == "collaborative":
        overall = page.cells[page.cells["area_order"] == 0].set_index("row_key")
        keys = [int(k) for k in overall.index]
        rounds = core.rounds.set_index("collaborative_id").loc[keys]

        def day(value: object) -> str:
            return "" if pd.isna(value) else str(value)

        table = pd.DataFrame({
            "Collaborative": rounds["collaborative"].map(as_text).to_numpy(),
            "Region": rounds["region"].fillna("").map(as_text).to_numpy(),
            "ICS": rounds["icss"].map(as_text).to_numpy(),
            "Overall": overall["score"].map("{:.2f}".format).to_numpy(),
            "Stage": overall["stage"].to_numpy(),
            "Took part": rounds["people_took_part"].map("{:,}".format).to_numpy(),
            "Round": rounds["round_label"].map(as_text).to_numpy(),
            "Opened": rounds["opened_on"].map(day).to_numpy(),
            "Submitted": rounds["submitted_on"].map(day).to_numpy(),
        }).set_index("Collaborative")
        # Rounds loaded as demo data or imported closed have no submission date of their own.
        return table.drop(columns="Submitted") if not table["Submitted"].any() else table
    rows = page.cells[page.cells["area_order"] == 0]
    return pd.DataFrame({bench.GROUPINGS[grouping]: rows["row"].map(as_text),
                         "Overall median": rows["score"].map("{:.2f}".format),
                         "Stage": rows["stage"],
                         "Spread": rows["detail"]}).set_index(bench.GROUPINGS[grouping])


@st.fragment
def show_heatmap(key: data.Key, stamp: Stamp) -> None:
    if st.session_state.pop(RERUN_ALL, False):
        st.rerun(scope="app")
    opening = st.session_state.pop(OPEN_RESULTS, None)
    core = data.core(key)
    if opening is not None:
        row = core.rounds[core.rounds["collaborative_id"] == opening]
        if not row.empty and may_open_results(opening, row["region"].iloc[0]):
            _open_results(core, opening)
    default = bench.default_grouping(core)
    if chosen("rows") not in bench.GROUPINGS:
        choose("rows", default)
    if chosen("order") not in ORDERS:
        choose("order", "collaborative")
    left, right = st.columns([3, 2])
    grouping = left.radio("One row for each", list(bench.GROUPINGS), horizontal=True,
                          format_func=bench.GROUPINGS.get, key="bench_rows",
                          on_change=lambda: choose("page", None))
    order_by = "collaborative"
    if grouping == "collaborative":
        order_by = right.radio("Rows in order of", list(ORDERS), horizontal=True,
                               format_func=ORDERS.get, key="bench_order",
                               on_change=lambda: choose("page", None))
    groups = data.groups(key, grouping) if grouping != "collaborative" else None
    rows = core.collaboratives if groups is None else groups["group"].nunique()
    pages = bench.pages_of(rows)
    wanted = chosen("page")
    if wanted is None or not wanted.isdigit() or not 1 <= int(wanted) <= pages:
        choose("page", 1)
    page_number = 1
    if pages > 1:
        def rows_on(n: int) -> str:
            last = min(n * bench.ROWS_PER_PAGE, rows)
            return f"Rows {(n - 1) * bench.ROWS_PER_PAGE + 1:,} to {last:,} of {rows:,}"

        st.session_state["bench_page"] = str(int(chosen("page") or 1))
        page_number = int(st.selectbox(
            "Rows shown", [str(n) for n in range(1, pages + 1)], key="bench_page",
            format_func=lambda n: rows_on(int(n))))
    keep_in_address()
    england = data.england(key, stamp.made_at.date())
    everything = key.selection == RoundFilter() and key.scope == ("everything",)
    # With no filter, an administrator's selection is England: one median row, not two.
    references = ((england.figures,) if everything and england.figures is not None
                  else (england.figures, data.selected(key)))
    page = bench.heatmap_page(core, grouping, order_by=order_by, page=page_number,
                              groups=groups, references=references)
    cells = pd.concat([page.reference, page.cells], ignore_index=True)
    st.altair_chart(area_heatmap(cells, bench.GROUPINGS[grouping], clickable=True),
                    width="content", key=HEATMAP_KEY, on_select=_picked,
                    selection_mode=[PICK])
    what = {"collaborative": "a collaborative's latest submitted round",
            "region": "the median of a region's collaboratives (n after the name)",
            "ics": "the median of an ICS's collaboratives (n after the name)"}[grouping]
    st.caption(f"Showing rows {page.first:,} to {page.last:,} of {page.rows:,}. Each row is "
               f"{what}; the first rows are medians: {as_text(england.note)} "
               + ("Click a row to open that region's or ICS's collaboratives. "
                  if grouping != "collaborative" else
                  "Click a row to open that collaborative's Results. ")
               + "Nothing is hidden: every collaborative here is one your role shows you.")
    st.table(_page_rows(page, grouping, core))
    n_words = (f"rows {page.first:,} to {page.last:,} of {page.rows:,}; "
               f"n={core.collaboratives:,} collaboratives")
    with st.container(horizontal=True):
        if groups is not None:
            csv_button(lambda: groups, f"by-{grouping}", key, stamp,
                       f"By {bench.GROUPINGS[grouping]} (CSV)")
        slide_button(lambda: area_heatmap(cells, bench.GROUPINGS[grouping]), "Area by area",
                     f"heatmap-{grouping}-{order_by}-{page.page}", key, stamp, n_words)
    if grouping == "collaborative":
        _results_picker(page, core)
    else:
        st.caption("A collaborative working across several ICSs counts in each. Spread: the "
                   "middle half and the range of the row's collaboratives' overall scores.")


def _results_picker(page: bench.HeatmapPage, core: bench.BenchmarkCore) -> None:
    on_page = core.rounds[core.rounds["collaborative_id"].isin(
        [int(k) for k in page.cells["row_key"].unique()])]
    allowed = [row for row in on_page.itertuples()
               if may_open_results(int(row.collaborative_id), row.region)]
    if not allowed:
        return
    names = {int(row.collaborative_id): str(row.collaborative) for row in allowed}
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    picked = left.selectbox("Open a collaborative's Results", list(names),
                            format_func=lambda n: names[n], key="bench_results_pick")
    if picked is not None and right.button("Open Results", icon=":material/bar_chart:",
                                           key="bench_results_go"):
        _open_results(core, int(picked))


@st.fragment
def show_compare(key: data.Key, stamp: Stamp) -> None:
    core = data.core(key)
    names = dict(zip(core.rounds["collaborative_id"].astype(str),
                     core.rounds["collaborative"].astype(str), strict=True))
    if len(names) < 2:
        st.markdown("Choose filters that select at least two collaboratives to compare them.")
        return
    ids = list(names)
    for param, fallback in (("a", ids[0]), ("b", ids[1])):
        if chosen(param) not in names:
            choose(param, fallback)
    left, right = st.columns(2)
    first = left.selectbox("First collaborative", ids, format_func=lambda i: names[i],
                           key="bench_first")
    second = right.selectbox("Second collaborative", ids, format_func=lambda i: names[i],
                             key="bench_second")
    keep_in_address()
    if first == second:
        st.markdown("Choose two different collaboratives.")
        return
    compared = bench.compare_two(core, int(first), int(second))
    st.altair_chart(compare_chart(compared), width="stretch")
    details = core.rounds.set_index("collaborative_id").loc[[int(first), int(second)]]
    st.caption("n: " + "; ".join(
        f"{as_text(row.collaborative)}: {row.people_took_part} took part in round "
        f"'{as_text(row.round_label)}' opened {row.opened_on:%Y-%m-%d}"
        for row in details.itertuples()) + ". Each score is on the statements every selected "
        "round asks.")
    table = compared.assign(collaborative=compared["collaborative"].map(as_text)).pivot_table(
        index=["area_order", "area"], columns="collaborative", values="score",
        sort=False).reset_index("area_order", drop=True).rename_axis(index="Area", columns=None)
    st.table(table.style.format("{:.2f}"))
    with st.container(horizontal=True):
        csv_button(lambda: compared, f"compare-{first}-{second}", key, stamp,
                   "Download as CSV")
        slide_button(lambda: compare_chart(compared), "Two collaboratives, area by area",
                     f"compare-{first}-{second}", key, stamp, "n: two collaboratives")


MOVES_SHOWN = 50
"""Stage moves listed on the page; every one is in the CSV."""


def show_stage_moves(moved: pd.DataFrame) -> None:
    """The moves as a plain table in the order given (name, then date), which cannot be sorted
    by score into a league table; long lists are cut, with every row in the CSV below."""
    def day(value: object) -> str:
        return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"

    shown = moved.head(MOVES_SHOWN)
    st.table(pd.DataFrame({
        "Collaborative": shown["collaborative"].map(as_text),
        "Region": shown["region"].fillna("").map(as_text),
        "From round": shown["from_round"].map(as_text) + " (" + shown["from_date"].map(day)
        + ")",
        "Stage then": shown["from_stage"].map(as_text),
        "Score then": shown["from_score"].map("{:.2f}".format),
        "To round": shown["to_round"].map(as_text) + " (" + shown["to_date"].map(day) + ")",
        "Stage after": shown["to_stage"].map(as_text),
        "Score after": shown["to_score"].map("{:.2f}".format),
        "Moved": shown["direction"].map(as_text),
    }).set_index("Collaborative"))
    if len(moved) > MOVES_SHOWN:
        st.caption(f"The first {MOVES_SHOWN} of {len(moved):,} changes; every one is in the CSV.")
