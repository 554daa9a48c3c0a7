"""Results: where the collaborative stands, against its peers and the national baseline."""

from __future__ import annotations

import streamlit as st

from collab_assess.benchmark import MIN_PEERS, compare_with_baseline, load_baseline, peer_area_summary
from collab_assess.charts import (
    area_chart,
    baseline_chart,
    level_distribution_chart,
    role_heatmap,
    stage_name,
)
from collab_assess.results import disagreements, information_gaps, round_results, weakest_statements
from collab_assess.scale import describe_bands
from collab_assess.scoring import DISAGREEMENT_GAP, INFORMATION_GAP_SHARE
from pages.widgets.context import (
    SELF_ASSESSMENT_PAGE,
    app_store,
    cached_peer_scores,
    keep_choices_in_address_bar,
    require_collaborative,
    round_picker,
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
if collaborative.is_demo:
    st.warning("Synthetic demo collaborative: made-up data.", icon=":material/science:")

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
    else "no views yet",
    delta_color="off",
    delta_arrow="off",
    help="The middle of respondents' own one-word descriptions of the collaborative's stage.",
)
people.metric("People who took part", results.respondents)

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
st.altair_chart(area_chart(results.areas, peer_summary), width="stretch")
if peers.enough:
    demo_note = " (synthetic demo peers)" if peers.overall["is_demo"].all() else ""
    st.caption(
        f"Bars: your area scores. Grey band: the middle half of {peers.count} peer "
        f"collaboratives{demo_note}; black tick: the peer median. Peers are judged on their latest "
        "round."
    )
else:
    st.caption(f"Peer comparison appears once at least {MIN_PEERS} other collaboratives have "
               f"results (there are {peers.count}), so no single peer can be identified.")

# -- the national picture -------------------------------------------------------------------------
st.subheader("Against the national picture")
left, right = st.columns([3, 2])
with left:
    st.altair_chart(
        baseline_chart(baseline.share, comparison.peer_early_share, baseline.early_stage_names),
        width="stretch",
    )
with right:
    if comparison.share_of_peers_below is not None:
        st.markdown(
            f"Your overall score is higher than **{comparison.share_of_peers_below:.0%}** of the "
            f"{comparison.peers} peers here."
        )
    st.caption(f"{baseline.finding} Reported in {baseline.reported_in}. 'Early' here means "
               f"{baseline.early_stage_names} on this tool's scale.")

# -- statements -----------------------------------------------------------------------------------
st.subheader("Weakest statements")
st.caption("The ten lowest-scoring statements: a starting point for the action plan.")
for row in weakest_statements(results).itertuples():
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
    labelled = split.assign(label=split["statement_id"] + " " + split["statement"].str.slice(0, 60))
    answers = results.answers
    st.altair_chart(
        level_distribution_chart(labelled, answers[answers["statement_id"].isin(split["statement_id"])]),
        width="stretch",
    )

st.subheader("How each role sees each area")
if results.by_role["role"].nunique() < 2:
    st.markdown("Only one role has answered so far, so there is nothing to compare yet.")
else:
    st.altair_chart(role_heatmap(results.by_role), width="stretch")
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
        show_statement_line(f"{row.dont_know_share:.0%}", row)

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
