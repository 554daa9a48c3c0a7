"""Results: what to do first, then everything behind it.

The first screen is the board's page (assessment/board_page.py): the overall stage, the three
weakest areas each with a next step, the splits to discuss, the levels a workshop agreed and the
open actions. Below it, folded, each under a label with its count: the areas against peers, every
statement, split, agreed level, action and note, the information gaps, targets, roles, the 2022
survey and the board questions. A round shown as its summary only (fewer than three people, to
anyone but its lead) shows its overall and area scores and nothing else, as before."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from collab_assess.assessment.board_page import board_page
from collab_assess.assessment.board_questions import HEADING as BOARD_QUESTIONS_HEADING
from collab_assess.assessment.board_questions import board_answers
from collab_assess.assessment.charts import (
    area_chart,
    area_figures,
    baseline_chart,
    baseline_figures,
    level_count_figures,
    level_distribution_chart,
    role_figures,
    role_heatmap,
)
from collab_assess.assessment.participation import THIN_AREA_SHARE
from collab_assess.assessment.results import (
    MANY_TIED,
    MIN_GROUP_SIZE,
    OTHER_ROLES,
    SPLIT_RULE,
    disagreements,
    evidence_notes,
    group_by_area,
    information_gaps,
    lowest_tied,
    people_count,
    round_results,
    target_gaps,
    tied_beyond,
    weakest_statements,
)
from collab_assess.assessment.scoring import INFORMATION_GAP_SHARE
from collab_assess.benchmark.peers import compare_with_baseline, position_in_words
from collab_assess.chart_style import readable
from collab_assess.content.anonymity import SMALL_ROUND_NOTE
from collab_assess.content.baseline import load_baseline
from collab_assess.content.next_steps import next_steps_for
from collab_assess.content.scale import (
    AREA_PLACES,
    ON_THE_LINE,
    STATEMENT_PLACES,
    describe_bands,
    level_label,
    percent_text,
    score_text,
    stage_name,
)
from collab_assess.store.peer_comparison import PeerGroup
from collab_assess.text import as_text
from pages.widgets.actions_table import show_actions
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.board_page import (
    every_action_label,
    every_agreed_label,
    every_split_label,
    every_statement_label,
    show_first_screen,
)
from pages.widgets.board_questions import show_board_questions, show_sources
from pages.widgets.cached_figures import cached_peer_comparison
from pages.widgets.downloads import show_downloads
from pages.widgets.glossary import show_glossary_link
from pages.widgets.messages import show_sidebar
from pages.widgets.next_steps import show_with_next_step, statement_line
from pages.widgets.page_paths import SELF_ASSESSMENT_PAGE, link_to
from pages.widgets.pickers import require_collaborative, round_picker
from pages.widgets.store_access import app_store

SHOWN = 10  # how many of the weakest statements get a next step before the rest are listed


def show_statement_line(figure: str, row) -> None:
    """One statement: the figure that matters, the statement, and where it comes from. Plain
    Markdown, so no raw HTML is needed; the bank's text is escaped like any other text."""
    st.markdown(statement_line(figure, row))


def show_chart(chart: alt.TopLevelMixin) -> None:
    """A chart across the page, with the larger, darker text of readable()."""
    # readable() (collab_assess/chart_style.py) is typed to return alt.TopLevelMixin, which
    # st.altair_chart does not list, though it returns the same kind of chart it is given.
    st.altair_chart(readable(chart), width="stretch")  # type: ignore[call-overload]


def counted(count: int, thing: str) -> str:
    """"1 note", "3 notes": a count for a folded section's label."""
    return f"{count} {thing}{'' if count == 1 else 's'}"


def show_figures(table: pd.DataFrame) -> None:
    """The numbers behind a chart, as a table a screen reader can reach."""
    with st.expander("The figures behind this chart"):
        st.table(table)


store = app_store()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)

st.title("Results")
# The name, and (a demo) the warning as a badge on the same line: the first screen needs the room.
st.caption(as_text(collaborative.name) + (
    " :orange-badge[:material/science: This is a synthetic demo collaborative: made-up data, for "
    "trying the tool.]" if collaborative.is_demo else ""))

rounds = store.rounds(collaborative.id)
if rounds.empty:
    st.info("No assessment rounds yet, so there is nothing to show.")
    st.stop()
assessment_round = round_picker(store, collaborative, rounds)
results = round_results(store, assessment_round.id)
if results.overall is None or results.stage is None:  # no scores yet (not results.has_scores)
    st.info("Nobody has given a level in this round yet. Results appear after the first answer.")
    link_to(SELF_ASSESSMENT_PAGE, label="Go to the self-assessment", icon=":material/checklist:")
    st.stop()

baseline = load_baseline()
PEER_GROUP_KEY = "peer-group"  # the "Compare with" box below; its value is read before it is drawn
peers = cached_peer_comparison(collaborative, assessment_round, tuple(baseline.early_stages),
                               PeerGroup(st.session_state.get(PEER_GROUP_KEY, PeerGroup.ALL)))
comparison = compare_with_baseline(results.overall, results.stage, peers, baseline)

# -- the first screen: where the collaborative stands, and what to do ----------------------------
overall, described, people = st.columns(3)
overall.metric(
    "Overall stage",
    stage_name(results.stage),
    f"score {score_text(results.overall, AREA_PLACES)} of 4",
    delta_color="off",
    delta_arrow="off",
    help="The mean of the area scores, placed on the four-stage scale. See 'How scores are "
    "worked out' at the foot of the page.",
)
described.metric(
    "How respondents describe it",
    "Not shown" if results.detail_hidden else stage_name(results.self_described),
    f"{sum(results.self_described_counts.values())} gave a view" if results.self_described_counts
    else "too few people to show" if results.detail_hidden else "nobody has said yet",
    delta_color="off",
    delta_arrow="off",
    help="The middle of respondents' own one-word descriptions of the collaborative's stage.",
)
coverage = (f"{results.statements_scored} of {len(results.statements)} statements have a score so "
            "far")
people.metric("People who took part", results.headcount.took_part,
              None if results.detail_hidden else
              f"{results.statements_scored} of {len(results.statements)} statements scored",
              delta_color="off", delta_arrow="off", help=results.headcount.in_words())

if results.detail_hidden:
    st.info(SMALL_ROUND_NOTE, icon=":material/visibility_off:")
    st.header("Area by area")
    show_chart(area_chart(results.areas))
    show_figures(area_figures(results.areas))
    st.stop()

if results.provisional:
    st.warning(f"Provisional: only {coverage}. The stage may change a lot as more answers come in.",
               icon=":material/hourglass_top:")
board = board_page(store, results)
show_first_screen(board)

# -- everything behind it, folded, each with its count --------------------------------------------
show_downloads(store, assessment_round)
st.header("In detail")

with st.expander(f"Area by area, against peers ({len(results.areas)} areas)", expanded=True):
    st.selectbox("Compare with", list(PeerGroup), format_func=lambda group: group.label,
                 key=PEER_GROUP_KEY, help="Which collaboratives count as your peers. Only their "
                 "median and middle half are shown, never any one of them.")
    peer_summary = peers.areas if peers.shown else None
    show_chart(area_chart(results.areas, peer_summary))
    peers_described = f"{peers.peers} peer collaboratives" + (
        f", **{peers.synthetic} of them synthetic demo data**" if peers.synthetic else "")
    if peers.shown:
        st.markdown(
            f"Green bars: your area scores. Grey band: the middle half of {peers_described}; "
            "black tick: their median (peer figures to one decimal place). The shaded columns are "
            f"the four stages. Each peer counts with its latest submitted round. "
            f"**{peers.as_of_words}**: peer figures are copied once a day."
        )
        if peers.versions_note:
            st.caption(peers.versions_note)
        if peers.synthetic:
            st.caption(baseline.demo_peers)
    else:
        st.markdown("Green bars: your area scores. The shaded columns are the four stages.")
        st.caption(peers.why_hidden)
    thin = results.participation.thin_areas
    if thin:
        st.caption(f"**Thin areas**: the self-assessors who took part gave fewer than "
                   f"{percent_text(THIN_AREA_SHARE)} of the answers they could have given in "
                   f"{as_text(', '.join(thin))}, so the scores there rest on few answers.")
    show_figures(area_figures(results.areas, peer_summary))

# -- statements -----------------------------------------------------------------------------------
ranked = weakest_statements(results)
lowest = lowest_tied(ranked)
steps = next_steps_for(results.bank, ranked)


def show_weak_statement(row) -> None:
    show_with_next_step(score_text(row.score, STATEMENT_PLACES), row, steps.get(row.statement_id))


with st.expander(every_statement_label(len(ranked))):
    st.caption("Every statement with a score, lowest first: the weakest are a starting point for "
               "the action plan" + (", each with what its next level looks like and one step "
                                    "towards it" if steps else "")
               + ". Among equal scores, the one with more low answers comes first.")
    if len(lowest) > MANY_TIED:
        lowest_score = lowest["score"].iloc[0]
        st.markdown(f"**{len(lowest)} statements share the lowest score, "
                    f"{score_text(lowest_score, STATEMENT_PLACES)}.** "
                    "Rather than a long list, here they are by area, the area with most first:")
        for group in group_by_area(lowest):
            plural = "s" if group.count > 1 else ""
            with st.expander(f"{as_text(group.area)}: {group.count} statement{plural}"):
                for row in group.statements.itertuples():
                    show_weak_statement(row)
        listed = len(lowest)
    else:
        for row in ranked.head(SHOWN).itertuples():
            show_weak_statement(row)
        more = tied_beyond(ranked, SHOWN)
        if more:
            st.markdown(f"**{more} more** statement(s) also scored "
                        f"{score_text(ranked['score'].iloc[SHOWN - 1], STATEMENT_PLACES)}.")
        listed = min(SHOWN, len(ranked))
    if len(ranked) > listed:
        st.markdown(f"**The other {len(ranked) - listed}**, weakest first:")
        for row in ranked.iloc[listed:].itertuples():
            show_statement_line(score_text(row.score, STATEMENT_PLACES), row)

with st.expander(every_split_label(len(board.splits))):
    split = disagreements(results)
    if split.empty:
        st.markdown(f"No statement has a clear split: that is, none where {SPLIT_RULE}.")
    else:
        st.markdown(
            f"**{len(split)}** statement(s) have a clear split: {SPLIT_RULE}. These are worth "
            "talking through: people may be seeing different parts of the collaborative."
        )
        labelled = split.assign(label=[f"{sid} {text}" for sid, text in
                                       zip(split["statement_id"], split["statement"],
                                           strict=True)])
        answers = results.answers
        split_answers = answers[answers["statement_id"].isin(split["statement_id"])]
        show_chart(level_distribution_chart(labelled, split_answers))
        st.caption("Each bar is one statement; the number in each part is how many people chose "
                   "that level.")
        show_figures(level_count_figures(labelled, split_answers))

with st.expander(every_agreed_label(len(board.agreed))):
    if not board.agreed:
        st.markdown("No level agreed yet. A board workshop agrees a level for a statement after "
                    "the room has voted (Run a workshop); the agreed level becomes its score.")
    for agreed in board.agreed:
        why = as_text(agreed.rationale) if agreed.rationale.strip() else "*no reason recorded*"
        st.markdown(f"**{as_text(agreed.statement_id)}: agreed {level_label(agreed.level)}** · "
                    f"{as_text(agreed.statement)} *({as_text(agreed.area)})*  \n**Why:** {why}")

with st.expander(every_action_label(len(board.actions))):
    show_actions(store, assessment_round.id)

notes = evidence_notes(results)
with st.expander(f"Evidence and rationale given ({counted(len(notes), 'note')})"):
    if notes.empty:
        st.markdown("No notes yet.")
    for row in notes.itertuples():
        answer_given = "" if not row.answer_shown else (
            f", {level_label(int(row.level))}" if pd.notna(row.level) else ", Don't know / N/A")
        st.markdown(f"**{as_text(row.statement_id)}** ({as_text(row.role + answer_given)}): "
                    f"{as_text(row.note)}")
    if not notes.empty:
        st.caption(f"A note names its role, and the answer given with it, only when at least "
                   f"{MIN_GROUP_SIZE} people in that role have answered.")

gaps = information_gaps(results)
with st.expander(f"Information gaps ({len(gaps)})"):
    if gaps.empty:
        st.markdown(f"No statement had {percent_text(INFORMATION_GAP_SHARE)} or more “Don't "
                    "know” answers.")
    else:
        st.markdown(
            f"At least {percent_text(INFORMATION_GAP_SHARE)} of the people who answered these "
            "said “Don't know”. The information may not be reaching everyone who needs it."
        )
        for row in gaps.itertuples():
            show_statement_line(f"{row.dont_know} of {row.answers} people", row)

gaps_to_target = target_gaps(results)
with st.expander(f"Targets ({counted(len(gaps_to_target), 'statement')})"):
    if gaps_to_target.empty:
        st.markdown("Nobody has set a target level yet. Targets can be added beside any answer in "
                    "the self-assessment.")
    else:
        st.markdown("Where people want the collaborative to be in a year, against where it is "
                    "now (the middle of the targets given), largest gap first:")
        for row in gaps_to_target.itertuples():
            now = score_text(row.score, STATEMENT_PLACES)
            show_statement_line(f"now {now} → target {score_text(row.target, STATEMENT_PLACES)}",
                                row)

roles = results.roles
shown_groups = roles.sizes
with st.expander(f"How each role sees each area ({counted(len(shown_groups), 'role group')})"):
    if len(shown_groups) < 2:
        st.markdown("There are not yet two role groups big enough to compare (each needs at "
                    f"least {MIN_GROUP_SIZE} people who have answered).")
    else:
        show_chart(role_heatmap(results.by_role))
        st.caption("Each cell is the area score worked out from that group's answers alone, "
                   "coloured by its stage. Large differences along a row show a gap in how roles "
                   "see the same area.")
        show_figures(role_figures(results.by_role))
    small_print = [f"To protect people in small groups, a role is shown on its own only when at "
                   f"least {MIN_GROUP_SIZE} people in it have answered."]
    if OTHER_ROLES in shown_groups:
        small_print.append(f"Smaller roles, and anyone whose role is “Other”, are shown together "
                           f"as “{OTHER_ROLES}” ({people_count(shown_groups[OTHER_ROLES])}).")
    if roles.not_shown:
        small_print.append(f"**The answers of {people_count(roles.not_shown)} are not shown by "
                           f"role**, because even together their roles have fewer than "
                           f"{MIN_GROUP_SIZE} people. Their answers still count in every other "
                           "result on this page.")
    if len(shown_groups) >= 2 and results.by_role["score"].isna().any():
        small_print.append(f"“too few” marks an area where fewer than {MIN_GROUP_SIZE} of a group "
                           "gave a level.")
    st.markdown(" ".join(small_print))

# -- beside the 2022 survey (never "the national picture": see collab_assess/baseline.py) ---------
survey_share = percent_text(baseline.share)
with st.expander(f"Beside the 2022 survey ({survey_share} said they were at an early stage)"):
    early_text = (
        f"is at an **early stage** ({stage_name(results.stage)})" if comparison.is_early
        else f"is **beyond the early stages** ({stage_name(results.stage)})"
    )
    st.markdown(
        f"On these answers the collaborative {early_text}. In the {baseline.survey}, "
        f"{baseline.finding.replace(survey_share, f'**{survey_share}**', 1)}."
    )
    st.markdown(baseline.summary)

    def early_or_not(stage) -> str:
        return "an early stage" if baseline.is_early(stage) else "beyond the early stages"

    described_line = (
        f"**How your respondents describe it: {stage_name(results.self_described)}** "
        f"({early_or_not(results.self_described)})." if results.self_described is not None
        else "**How your respondents describe it:** nobody has said yet.")
    st.markdown(
        f"- {described_line} {baseline.closer_comparison}\n"
        f"- **Worked out from your scores: {stage_name(results.stage)}** "
        f"({early_or_not(results.stage)}). {baseline.looser_comparison}"
    )
    peer_label = "Peers here" + (" (synthetic)" if peers.peers and peers.synthetic == peers.peers
                                 else "")
    # The same arguments draw the chart and its table of figures.
    national: dict[str, Any] = dict(
        national_early_share=baseline.share, peer_early_share=comparison.peer_early_share,
        early_label=baseline.early_stage_names, peer_label=peer_label,
        your_stage=results.stage, your_stage_is_early=comparison.is_early)
    show_chart(baseline_chart(**national))
    st.caption("In the chart, “Your collaborative” is the stage worked out from your scores.")
    position = position_in_words(results.statements, peers, provisional=results.provisional)
    if position:
        st.markdown(as_text(position))
    if peers.shown and peers.synthetic:
        st.caption(baseline.demo_peers)
    st.caption(f"**What the {survey_share} can and cannot tell you**\n\n"
               + "\n".join(f"- {caveat}" for caveat in baseline.caveats)
               + f"\n\n{baseline.citation}")
    show_figures(baseline_figures(**national))

# -- the board's questions ------------------------------------------------------------------------
answers_to_board_questions = board_answers(results)
if answers_to_board_questions:
    with st.expander(f"{BOARD_QUESTIONS_HEADING} ({len(answers_to_board_questions)})"):
        show_board_questions(answers_to_board_questions, results.bank.policy_as_at,
                             heading=False)

show_glossary_link()

with st.expander("How scores are worked out"):
    st.markdown(
        "- A **statement's score** is the middle value (median) of the levels people gave, or the "
        "level a workshop agreed, where one was recorded. “Don't know” and “Not applicable” never "
        "count.\n"
        "- An **area's score** is the average of its statements' scores; the **overall score** is "
        "the average of the area scores.\n"
        f"- The **stage** splits 1-4 into four equal bands: {describe_bands()}. {ON_THE_LINE}\n"
        "- **Where to act first**: the three areas with the lowest scores (on equal scores, the "
        "one first in the question bank), each with the question bank's step for its weakest "
        "statement.\n"
        f"- **Splits**: a statement is flagged when {SPLIT_RULE}. With two or three "
        "people, that means any two answers two levels apart; with more, one person out of step "
        "is not enough.\n"
        f"- **Information gap**: {percent_text(INFORMATION_GAP_SHARE)} or more of answers are "
        "“Don't know”.\n"
        f"- **Roles**: a role's scores and name are shown only when at least {MIN_GROUP_SIZE} "
        "people in it have answered.\n"
        "- **Next level**: a statement's stage comes from its score by the same bands; the next "
        "level is the one above it, and the step towards it is the question bank's.\n"
        "- **Targets**: a statement's target is the middle of the targets people set for it; an "
        "area's target (in the board report) is the average of its statements' targets.\n"
        "- **Board questions**: each is answered by the statements that bear on it, with their "
        "scores, how people answered and the evidence given; no question is averaged into one "
        "score."
    )

show_sources(results.bank)
