"""Results: where the collaborative stands, against its peers and the national baseline."""

from __future__ import annotations

from textwrap import shorten

import pandas as pd
import streamlit as st

from collab_assess.benchmark import (
    MIN_PEERS,
    compare_with_baseline,
    load_baseline,
    peer_area_summary,
)
from collab_assess.charts import (
    area_chart,
    baseline_chart,
    level_distribution_chart,
    readable,
    role_heatmap,
    stage_name,
)
from collab_assess.results import (
    disagreements,
    evidence_notes,
    information_gaps,
    round_results,
    target_gaps,
    tied_beyond,
    weakest_statements,
)
from collab_assess.scale import describe_bands, level_label
from collab_assess.scoring import DISAGREEMENT_GAP, INFORMATION_GAP_SHARE
from pages.widgets.context import (
    SELF_ASSESSMENT_PAGE,
    app_store,
    cached_peer_scores,
    keep_choices_in_address_bar,
    require_collaborative,
    round_picker,
    show_demo_warning,
    show_sidebar,
)


def show_statement_line(figure: str, row) -> None:
    st.markdown(f"**{figure}** · {row.statement} "
                f"<span style='color:#4C6272'>({row.statement_id}, {row.area})</span>",
                unsafe_allow_html=True)


store = app_store()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)

st.title("Results")
st.caption(collaborative.name)
show_demo_warning(collaborative)

rounds = store.rounds(collaborative.id)
if rounds.empty:
    st.info("No assessment rounds yet, so there is nothing to show.")
    st.stop()
assessment_round = round_picker(store, collaborative, rounds)
results = round_results(store, assessment_round.id)
if not results.has_scores:
    st.info("Nobody has given a level in this round yet. Results appear after the first answer.")
    st.page_link(SELF_ASSESSMENT_PAGE, label="Go to the self-assessment", icon=":material/checklist:")
    st.stop()

baseline = load_baseline()
peers = cached_peer_scores(collaborative.id)
comparison = compare_with_baseline(results.overall, results.stage, peers, baseline)

# -- headline -------------------------------------------------------------------------------------
overall, described, people = st.columns(3)
overall.metric(
    "Overall stage",
    stage_name(results.stage),
    f"score {results.overall:.2f} of 4",
    delta_color="off",
    delta_arrow="off",
    help="The mean of the eleven area scores, placed on the four-stage scale. See 'How scores are "
    "worked out' below.",
)
described.metric(
    "How respondents describe it",
    stage_name(results.self_described),
    f"{sum(results.self_described_counts.values())} gave a view" if results.self_described_counts
    else "nobody has said yet",
    delta_color="off",
    delta_arrow="off",
    help="The middle of respondents' own one-word descriptions of the collaborative's stage.",
)
people.metric("People who took part", results.respondents)

coverage = (f"{results.statements_scored} of {len(results.statements)} statements have a score so "
            "far")
if results.provisional:
    st.warning(f"Provisional: only {coverage}. The stage may change a lot as more answers come in.",
               icon=":material/hourglass_top:")
else:
    st.caption(f"{coverage.capitalize()}.")

early_text = (
    f"is at an **early stage** ({stage_name(results.stage)})" if comparison.is_early
    else f"is **beyond the early stages** ({stage_name(results.stage)})"
)
st.markdown(
    f"On these answers the collaborative {early_text}. In the {baseline.survey}, "
    f"**{baseline.share:.0%}** of collaboratives described themselves as early stage."
)

# -- areas against peers --------------------------------------------------------------------------
st.subheader("Area by area")
peer_summary = peer_area_summary(peers) if peers.enough else None
st.altair_chart(readable(area_chart(results.areas, peer_summary)), width="stretch")
peers_described = f"{peers.count} peer collaboratives" + (
    f", **{peers.synthetic} of them synthetic demo data**" if peers.synthetic else "")
if peers.enough:
    st.markdown(
        f"Green bars: your area scores. Grey band: the middle half of {peers_described}; black "
        "tick: their median. Each peer is judged on its latest round with at least half its "
        "statements answered."
    )
else:
    st.caption(f"Peer comparison appears once at least {MIN_PEERS} other collaboratives have "
               f"results (there are {peers.count}), so no single peer can be identified.")

# -- the national picture -------------------------------------------------------------------------
st.subheader("Against the national picture")
left, right = st.columns([3, 2])
with left:
    st.altair_chart(
        readable(baseline_chart(baseline.share, comparison.peer_early_share, baseline.early_stage_names,
                       peer_label="Peers here" + (" (synthetic)" if peers.synthetic == peers.count
                                                  else ""))),
        width="stretch",
    )
with right:
    if comparison.share_of_peers_below is not None:
        st.markdown(
            f"Your overall score is higher than **{comparison.share_of_peers_below:.0%}** of the "
            f"{peers_described}."
        )
    st.caption(f"{baseline.finding} Reported in {baseline.reported_in}. 'Early' here means "
               f"{baseline.early_stage_names} on this tool's scale.")

# -- statements -----------------------------------------------------------------------------------
st.subheader("Weakest statements")
ranked = weakest_statements(results)
SHOWN = 10
st.caption("The lowest-scoring statements: a starting point for the action plan. Among equal "
           "scores, the one with more low answers comes first.")
for row in ranked.head(SHOWN).itertuples():
    show_statement_line(f"{row.score:.1f}", row)
more = tied_beyond(ranked, SHOWN)
if more:
    st.markdown(f"**{more} more** statement(s) also scored {ranked['score'].iloc[SHOWN - 1]:.1f}.")
with st.expander(f"All {len(ranked)} statements with a score, weakest first"):
    for row in ranked.iloc[SHOWN:].itertuples():
        show_statement_line(f"{row.score:.1f}", row)

st.subheader("Where people disagree")
split = disagreements(results)
if split.empty:
    st.markdown(f"No statement had answers {DISAGREEMENT_GAP} or more levels apart.")
else:
    st.markdown(
        f"**{len(split)}** statement(s) had answers {DISAGREEMENT_GAP} or more levels apart. These "
        "are worth talking through: people may be seeing different parts of the collaborative."
    )
    labelled = split.assign(label=[f"{sid} {shorten(text, 70, placeholder='…')}"
                                   for sid, text in zip(split["statement_id"], split["statement"])])
    answers = results.answers
    st.altair_chart(
        readable(level_distribution_chart(
            labelled, answers[answers["statement_id"].isin(split["statement_id"])])),
        width="stretch",
    )

st.subheader("How each role sees each area")
if results.by_role["role"].nunique() < 2:
    st.markdown("Only one role has answered so far, so there is nothing to compare yet.")
else:
    st.altair_chart(readable(role_heatmap(results.by_role)), width="stretch")
    st.caption("Each cell is the area score worked out from that role's answers alone. Large "
               "differences along a row show a gap in how roles see the same area.")

st.subheader("Information gaps")
gaps = information_gaps(results)
if gaps.empty:
    st.markdown(f"No statement had {INFORMATION_GAP_SHARE:.0%} or more “Don't know” answers.")
else:
    st.markdown(
        f"At least {INFORMATION_GAP_SHARE:.0%} of respondents answered “Don't know” to these. The "
        "information may not be reaching everyone who needs it."
    )
    for row in gaps.itertuples():
        show_statement_line(f"{row.dont_know} of {row.answers} people", row)

st.subheader("Targets and evidence")
gaps_to_target = target_gaps(results)
if gaps_to_target.empty:
    st.markdown("Nobody has set a target level yet. Targets can be added beside any answer in the "
                "self-assessment.")
else:
    st.markdown("Where people want the collaborative to be in a year, against where it is now "
                "(the middle of the targets given), largest gap first:")
    for row in gaps_to_target.head(10).itertuples():
        now = f"{row.score:.1f}" if pd.notna(row.score) else "not scored"
        show_statement_line(f"now {now} → target {row.target:.1f}", row)
notes = evidence_notes(results)
with st.expander(f"Evidence and rationale given ({len(notes)} notes)"):
    if notes.empty:
        st.markdown("No notes yet.")
    for row in notes.itertuples():
        answer_given = level_label(int(row.level)) if pd.notna(row.level) else "Don't know / N/A"
        st.markdown(f"**{row.statement_id}** ({row.role}, {answer_given}): {row.note}")

with st.expander("How scores are worked out"):
    st.markdown(
        "- A **statement's score** is the middle value (median) of the levels people gave, or the "
        "level a workshop agreed, where one was recorded. “Don't know” and “Not applicable” never "
        "count.\n"
        "- An **area's score** is the average of its statements' scores; the **overall score** is the "
        "average of the area scores.\n"
        f"- The **stage** splits 1-4 into four equal bands: {describe_bands()}.\n"
        f"- **Disagreement**: answers {DISAGREEMENT_GAP} or more levels apart on one statement.\n"
        f"- **Information gap**: {INFORMATION_GAP_SHARE:.0%} or more of answers are “Don't know”."
    )
