"""Benchmark: many collaboratives side by side, for regional teams and ICBs. Compares, never
ranks: rows are in order of name or region, and every figure says its n."""

from __future__ import annotations

import streamlit as st

from collab_assess.benchmark import view as bench
from collab_assess.benchmark.charts import area_spread_chart, stage_share_chart, trend_chart
from collab_assess.content.baseline import load_baseline
from collab_assess.text import as_text
from pages.widgets import benchmark_data as data
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.benchmark_filters import keep_in_address, show_filters
from pages.widgets.benchmark_sections import (
    csv_button,
    show_compare,
    show_heatmap,
    show_stage_moves,
    slide_button,
)
from pages.widgets.glossary import show_glossary_link
from pages.widgets.store_access import app_store

store = app_store()
keep_choices_in_address_bar()
st.title("Benchmark")
st.markdown("Collaboratives side by side, each on its **latest submitted round** (a round counts "
            "once its lead has closed it). The charts compare; they never rank. Rows are in "
            "order of name or region.")

show_glossary_link()
scope = store.scope_in_words()
if scope is not None:
    st.info(f"Your role covers {as_text(scope)}: only those collaboratives are named here, and "
            "the filters offer only their values.", icon=":material/visibility:")
selection = show_filters(store)
key = data.key_for(selection)
core = data.core(key)
if core.empty:
    keep_in_address()
    st.info("No collaborative with a submitted round matches these filters. Widen them, or check "
            "that the collaboratives you expect have closed (submitted) a round.",
            icon=":material/filter_alt_off:")
    st.stop()

stamp = data.stamp(key, core.collaboratives)
synthetic = int(core.rounds["is_demo"].sum())
st.markdown(f"**{core.collaboratives:,}** collaboratives selected" +
            (f", **{synthetic:,} of them synthetic demo data**" if synthetic else "") + ".")
if core.versions_note:
    st.caption(core.versions_note)
with st.container(horizontal=True):
    st.download_button("Download every table (Excel)", data.workbook_later(key, stamp),
                       file_name="benchmark.xlsx", icon=":material/download:",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", key="bench-workbook")
    csv_button(lambda: core.rounds, "collaboratives", key, stamp, "Collaboratives (CSV)")
    csv_button(lambda: core.area_scores, "area-scores", key, stamp, "Area scores (CSV)")
st.caption("Each download says what it holds: the filters, when it was made, the threshold and "
           "how many collaboratives.")

st.header("Area by area")
show_heatmap(key, stamp)

st.header("Stages beside the 2022 survey")
baseline = load_baseline()
shares = data.stage_shares(key)
early = [stage.label for stage in baseline.early_stages]
early_names = [name for name in shares["stage"].unique() if any(name.endswith(e) for e in early)]
st.altair_chart(stage_share_chart(shares, baseline.share, early_names), width="stretch")
st.caption("Three different measures: the stage this tool works out from each collaborative's "
           "answers; the stage its own respondents described; and the survey, in which "
           f"collaborative leaders described their own collaborative ({baseline.finding}). "
           f"'Early' means {baseline.early_stage_names}. n after each measure: the "
           "collaboratives with that stage.")
with st.container(horizontal=True):
    csv_button(lambda: shares, "stage-shares", key, stamp)
    slide_button(lambda: stage_share_chart(shares, baseline.share, early_names),
                 "Stages beside the 2022 survey", "stage-shares", key, stamp,
                 f"n={core.collaboratives:,} collaboratives")

st.header("How varied each area is")
summary = data.selected(key)
st.altair_chart(area_spread_chart(summary), width="stretch")
st.caption("Each box holds the middle half of the selected collaboratives' scores for the area; "
           "the thick line is the median; the whiskers reach the lowest and highest. n after "
           "each area: the collaboratives with a score there.")
weakest = bench.weakest_areas(summary)
st.markdown("Weakest across the selection (lowest median): " + "; ".join(
    f"**{area}** {median:.2f}" for area, median in zip(weakest["area"], weakest["median"],
                                                       strict=True)) + ".")
with st.container(horizontal=True):
    csv_button(lambda: summary, "spread", key, stamp)
    slide_button(lambda: area_spread_chart(summary), "How varied each area is", "spread", key,
                 stamp, f"n={core.collaboratives:,} collaboratives")

st.header("Over time")
trends = data.trends(key)
if trends.empty:
    st.markdown("No financial year has a submitted round among these collaboratives.")
else:
    st.altair_chart(trend_chart(trends), width="stretch")
    years = trends.groupby("period")["collaboratives"].max()
    st.caption("Each area's median score by financial year, over the selected collaboratives "
               "that submitted a round that year (their latest that year), whatever years are "
               "chosen above. n by year: " + ", ".join(f"{period} n={n:,}"
                                                        for period, n in years.items())
               + ". No year is hidden: every collaborative counted is one your role shows you.")
    with st.container(horizontal=True):
        csv_button(lambda: trends, "trends", key, stamp)
        slide_button(lambda: trend_chart(trends), "Each area's median over time", "trends", key,
                     stamp, f"n={core.collaboratives:,} collaboratives, by year: "
                     + ", ".join(f"{p} n={n:,}" for p, n in years.items()))

st.subheader("Collaboratives whose stage moved")
moved = data.moves(key)
if moved.empty:
    st.markdown("None of the selected collaboratives changed stage between consecutive submitted "
                "rounds in the years chosen.")
else:
    movers = moved["collaborative_id"].nunique()
    st.markdown("Every change of stage between one submitted round and the next, within the "
                f"years chosen: **{len(moved):,}** changes, by **{movers:,}** collaboratives. "
                "Rows are in order of name, then date; a round not scored is skipped. Each "
                "stage is the one worked out for its own round, on the statements "
                "that round asked: rounds on different question bank versions asked different "
                "statements, so part of a move between them can come from the questions.")
    show_stage_moves(moved)
    csv_button(lambda: moved, "stage-moves", key, stamp, "Download stage moves as CSV")

st.header("Compare two")
st.markdown("Two of the selected collaboratives side by side, area by area.")
show_compare(key, stamp)
keep_in_address()
