"""Benchmark: many collaboratives side by side, for regional teams and ICBs. Compares, never
ranks."""

from __future__ import annotations

import streamlit as st

from collab_assess.benchmark.charts import (
    area_distribution_chart,
    area_heatmap,
    stage_share_chart,
    trend_chart,
)
from collab_assess.benchmark.view import benchmark_excel, table_csv
from collab_assess.content.baseline import load_baseline
from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.benchmark_filters import show_filters
from pages.widgets.cached_figures import cached_benchmark_view
from pages.widgets.figures import show_table_behind
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
selection, order_by = show_filters(store)
view = cached_benchmark_view(selection)
if view.empty:
    st.info("No collaborative with a submitted round matches these filters. Widen them, or check "
            "that the collaboratives you expect have closed (submitted) a round.",
            icon=":material/filter_alt_off:")
    st.stop()

synthetic = int(view.rounds["is_demo"].sum())
st.markdown(f"**{len(view.rounds)}** collaboratives selected" +
            (f", **{synthetic} of them synthetic demo data**" if synthetic else "") + ".")
if view.versions_note:
    st.caption(view.versions_note)
st.download_button("Download every table (Excel)", benchmark_excel(view),
                   file_name="benchmark.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

st.header("Area by area, collaborative by collaborative")
st.altair_chart(area_heatmap(view.area_scores, order_by), width="stretch")
show_table_behind(view.area_scores.drop(columns="area_position"), "area-scores")

st.header("Stages beside the 2022 survey")
baseline = load_baseline()
if view.stage_shares is None:
    st.info(view.why_hidden, icon=":material/visibility_off:")
else:
    early = [stage.label for stage in baseline.early_stages]
    early_names = [name for name in view.stage_shares["stage"].unique()
                   if any(name.endswith(e) for e in early)]
    st.altair_chart(stage_share_chart(view.stage_shares, baseline.share, early_names),
                    width="stretch")
    st.caption("Three different measures: the stage this tool works out from each collaborative's "
               "answers; the stage its own respondents described; and the survey, in which "
               f"collaborative leaders described their own collaborative ({baseline.finding}). "
               f"'Early' means {baseline.early_stage_names}.")
    show_table_behind(view.stage_shares, "stage-shares")

st.header("How varied each area is")
if view.why_hidden:
    st.info(view.why_hidden, icon=":material/visibility_off:")
else:
    st.altair_chart(area_distribution_chart(view.area_scores), width="stretch")
    st.caption("Each box holds the middle half of the selected collaboratives' scores for the "
               "area; the line inside is the median; the whiskers reach the lowest and highest.")

st.header("Over time")
if view.trends is None:
    st.info(view.why_hidden, icon=":material/visibility_off:")
elif view.trends.empty:
    st.markdown("No financial year yet has enough submitted rounds to show a median.")
else:
    st.altair_chart(trend_chart(view.trends), width="stretch")
    st.caption("Each area's median score by financial year, over the collaboratives that "
               "submitted a round that year (their latest that year). A year with fewer than "
               "the minimum is left out.")
    show_table_behind(view.trends.drop(columns="area_position"), "trends")
st.subheader("Collaboratives whose stage moved")
if view.moved.empty:
    st.markdown("None of the selected collaboratives changed stage between consecutive submitted "
                "rounds in the years chosen.")
else:
    st.markdown("Every change of stage between one submitted round and the next, within the "
                "years chosen. Rows are in order of name, then date; a round not scored is "
                "skipped. Each stage is the one worked out for its own round, on the statements "
                "that round asked: rounds on different question bank versions asked different "
                "statements, so part of a move between them can come from the questions.")
    st.dataframe(view.moved, hide_index=True, column_config={
        "collaborative": "Collaborative", "region": "Region",
        "from_round": "From round",
        "from_date": st.column_config.DateColumn("From round opened", format="YYYY-MM-DD"),
        "from_stage": "Stage then",
        "from_score": st.column_config.NumberColumn("Score then", format="%.2f"),
        "to_round": "To round",
        "to_date": st.column_config.DateColumn("To round opened", format="YYYY-MM-DD"),
        "to_stage": "Stage after",
        "to_score": st.column_config.NumberColumn("Score after", format="%.2f"),
        "direction": "Moved"})
    st.download_button("Download stage moves as CSV", table_csv(view.moved),
                       file_name="stage-moves.csv", mime="text/csv", key="csv-stage-moves",
                       icon=":material/download:")
