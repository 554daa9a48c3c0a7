"""The facilitator's screen: set up a workshop, show how to join, step through the statements, the
live results, and record what the room agreed."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from collab_assess.access.invitations import join_link, qr_code_png
from collab_assess.assessment.small_groups import MIN_GROUP_SIZE, OTHER_ROLES, people_count
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import LEVELS, level_label
from collab_assess.content.workshop_phases import Move, Phase, Workshop
from collab_assess.errors import CollabAssessError, NotFoundError
from collab_assess.store import Collaborative
from collab_assess.store.inputs import (
    ACTION_MAX,
    LABEL_MAX,
    NAME_MAX,
    NOTE_MAX,
    ActionInput,
    ConsensusInput,
    WorkshopInput,
    validated,
)
from collab_assess.store.view import StoreView
from collab_assess.text import as_text
from collab_assess.workshop.charts import vote_chart
from collab_assess.workshop.tally import Shown, Tally, median_label, statement_tally
from pages.widgets.address_bar import choose, chosen
from pages.widgets.messages import flash, form_key, save_and_rerun
from pages.widgets.page_paths import COLLABORATIVE_PAGE, WORKSHOP_SUMMARY_PAGE, link_to
from pages.widgets.pickers import round_picker
from pages.widgets.reachable import links_base
from pages.widgets.signed_in import actor

PRESENTER_CHART_HEIGHT = 230
"""Pixels: the room's votes beside the statement on a 1366 x 768 projector, with no scrolling."""
LIVE_REFRESH_SECONDS = 1.5
"""How often the facilitator's live count refreshes while voting is open."""
IDLE_REFRESH_SECONDS = 4.0
"""...and otherwise, so people joining still show up."""

PRESENTER_STYLE = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"],
  [data-testid="stHeader"] { display: none; }
  [data-testid="stMainBlockContainer"] { padding: 0.75rem 2rem 1rem; max-width: 100%; }
  [data-testid="stMain"] [data-testid="stVerticalBlock"] { gap: 0.5rem; }
  [data-testid="stMain"], [data-testid="stMain"] p, [data-testid="stMain"] li,
  [data-testid="stMain"] label, [data-testid="stMain"] button,
  [data-testid="stMain"] [data-testid="stCaptionContainer"],
  [data-testid="stMain"] [data-testid="stMetricLabel"] * { font-size: 24px; }
  [data-testid="stMain"] [data-testid="stCaptionContainer"] { color: #31333F; }
  [data-testid="stMain"] button kbd { display: none; }
  [data-testid="stMain"] h1 { font-size: 28px; padding: 0; }
  [data-testid="stMain"] h2 { font-size: 38px; line-height: 1.2; padding: 0.25rem 0; }
  [data-testid="stMain"] [data-testid="stMetricValue"],
  [data-testid="stMain"] [data-testid="stMetricValue"] * { font-size: 44px; line-height: 1.15; }
</style>
"""
"""The slide: 24 px text at least, so the back of the room can read it. The buttons' shortcut
badges are hidden (too small to read from afar); the keys are listed under the buttons."""


def current_workshop(store: StoreView, collaborative: Collaborative) -> Workshop | None:
    """The workshop chosen (in the address, so a closed laptop comes back to it), if it belongs
    to this collaborative."""
    workshop_id = chosen("workshop_id")
    if workshop_id is None:
        return None
    try:
        workshop = store.get_workshop(workshop_id)
    except NotFoundError:
        choose("workshop_id", None)
        return None
    if workshop.collaborative_id != collaborative.id:
        choose("workshop_id", None)
        return None
    return workshop


def show_setup(store: StoreView, collaborative: Collaborative, bank_for) -> None:
    """Pick up a running workshop, or start one on an open round."""
    rounds = store.rounds(collaborative.id)
    open_rounds = rounds[rounds["status"] == "open"]
    if open_rounds.empty:
        st.info("A workshop needs an open assessment round: its votes become answers in that "
                "round. Open one on the Collaborative page.", icon=":material/info:")
        link_to(COLLABORATIVE_PAGE, label="Open a round", icon=":material/add_circle:")
        return
    assessment_round = round_picker(store, collaborative, open_rounds,
                                    label="Round the votes belong to")
    earlier = store.workshops([assessment_round.id])
    if not earlier.empty:
        st.subheader("Workshops in this round")
        st.caption("Newest first. A workshop in which nobody voted (started by mistake, or to try "
                   "the screens) can be removed.")
        for row in earlier.itertuples():
            ended = row.phase == Phase.ENDED.value
            started = pd.Timestamp(row.created_at)
            line, carry_on, remove = st.columns([5, 1.2, 1], vertical_alignment="center")
            line.markdown(
                f"**{as_text(row.title)}** · started {started:%d %b %Y, %H:%M} UTC · "
                f"{'ended' if ended else 'running'} · {people_count(int(row.participants))} "
                f"joined · {row.votes} vote{'s' if row.votes != 1 else ''} · "
                f"{row.statements} statements")
            if carry_on.button("Open" if ended else "Carry on", key=f"open-{row.id}"):
                choose("workshop_id", int(row.id))
                st.rerun()
            if not row.votes:
                remove.button("Remove", key=f"remove-{row.id}", icon=":material/delete:",
                              on_click=_remove, args=(store, int(row.id), str(row.title)),
                              help="Only a workshop with no votes can be removed; the audit log "
                              "keeps a record of it.")

    st.subheader("Start a workshop")
    bank: QuestionBank = bank_for(assessment_round.bank_version)
    area_names = {area.id: area.name for area in bank.areas}
    with st.form("start-workshop"):
        title = st.text_input(
            f"Workshop name (up to {LABEL_MAX} characters)", key=form_key("workshop", "title"),
            max_chars=LABEL_MAX,
            value=f"Board workshop {date.today():%d %B %Y}")
        areas = st.multiselect(
            "Areas to cover", list(area_names), format_func=lambda area: area_names[area],
            key=form_key("workshop", "areas"), placeholder="Choose one or more areas",
            help="Every statement in the chosen areas is covered, in the question bank's order. "
            "A one-hour board session usually covers one or two areas.")
        picked = st.multiselect(
            "Or only these statements (optional)", [s.id for s in bank.statements],
            format_func=lambda sid: f"{sid}: {bank.statements_by_id[sid].statement}",
            key=form_key("workshop", "statements"), placeholder="All in the chosen areas",
            help="Add single statements from any area, for example the ones people disagreed "
            "on in the self-assessment.")
        start = st.form_submit_button("Start the workshop", type="primary")
    if start:
        chosen_ids = [s.id for area in areas for s in bank.statements_in(area)] + picked

        def start_it() -> None:
            workshop_id = store.start_workshop(assessment_round.id, validated(
                WorkshopInput, title=title, statement_ids=tuple(chosen_ids), started_by=actor()))
            choose("workshop_id", workshop_id)

        save_and_rerun(start_it, "Workshop started. Put the join code on the big screen.",
                       empty_form="workshop")


def _remove(store: StoreView, workshop_id: int, title: str) -> None:
    try:
        store.remove_workshop(workshop_id, actor())
    except CollabAssessError as error:
        flash("error", as_text(error))
    else:
        flash("success", as_text(f"Workshop '{title}' removed."))


def spaced(code: str) -> str:
    """A join code spaced out in two groups, to read from the back of the room ("3FH KCC")."""
    return f"{code[:3]} {code[3:]}"


def show_join_panel(workshop: Workshop) -> None:
    """The whole join panel: the address, the code in large type and a large QR code."""
    link = join_link(links_base().base, workshop.join_code)
    words, picture = st.columns([3, 1], vertical_alignment="center")
    with words:
        st.markdown(f"Join on your phone or laptop at **{link.split('?')[0]}**, or scan the code.")
        st.metric("Code to join", " ".join(workshop.join_code))
        st.caption("No account needed, and votes are anonymous: nobody, the facilitator "
                   "included, sees who voted what.")
    picture.image(qr_code_png(link), caption="Scan to join", width=200)


def show_join_strip(workshop: Workshop) -> None:
    """Once people have joined: one line with the address and code, and a small QR code, so
    latecomers can still join and the statement keeps the screen."""
    link = join_link(links_base(warn=False).base, workshop.join_code)
    words, picture = st.columns([6, 1], vertical_alignment="center")
    words.markdown(f"Join at **{link.split('?')[0]}** with code **{spaced(workshop.join_code)}**",
                   help="No account needed; votes are anonymous.")
    picture.image(qr_code_png(link, scale=4), width=96)


def show_statement(workshop: Workshop, bank: QuestionBank, *, with_levels: bool = True) -> None:
    statement = bank.statements_by_id[workshop.statement_id]
    area = bank.areas_by_id[statement.area]
    st.caption(f"Statement {workshop.position + 1} of {len(workshop.statement_ids)} · "
               f"{area.name} · {statement.id}")
    st.header(statement.statement, anchor=False)
    if with_levels:
        show_levels(workshop, bank)


def show_levels(workshop: Workshop, bank: QuestionBank) -> None:
    """What to look for and the four levels, for the room to vote against."""
    statement = bank.statements_by_id[workshop.statement_id]
    if statement.evidence:
        st.markdown(f"**What to look for:** {statement.evidence}")
    st.markdown("  \n".join(f"**{level_label(level)}**: {statement.levels.for_level(int(level))}"
                            for level in LEVELS))
    if bank.rating_rule:
        st.caption(bank.rating_rule)


def _step(store: StoreView, workshop_id: int, drawn_version: int, move: Move,
          position: int | None = None) -> None:
    """A control's callback. It carries the version of the screen the facilitator clicked on, so
    a click on an out-of-date screen (a second tab) is refused by the store, never applied to
    whatever the workshop has become since."""
    try:
        store.move_workshop(workshop_id, drawn_version, move, actor(), position)
    except CollabAssessError as error:
        flash("error", as_text(error))


SHORTCUTS = {"previous": "Left", "open": "O", "close": "X", "reveal": "V", "next": "Right"}
"""Keys for the facilitator's steps (a presenter's clicker sends Left and Right)."""
SHORTCUTS_IN_WORDS = ("Keys: O opens voting, X closes it, V reveals the results, and the arrow "
                      "keys (or a presenter's clicker) move to the previous or next statement.")


def show_controls(store: StoreView, workshop: Workshop) -> None:
    if workshop.phase == Phase.ENDED:
        st.info("This workshop has ended. Its votes, agreed levels and actions are kept in the "
                "round.", icon=":material/flag:")
        return
    last = len(workshop.statement_ids) - 1

    def step(move: Move, position: int | None = None) -> dict:
        return {"on_click": _step, "args": (store, workshop.id, workshop.version, move, position),
                "width": "stretch"}

    back, vote, reveal, forward = st.columns(4)
    back.button("← Previous", disabled=workshop.position == 0, shortcut=SHORTCUTS["previous"],
                **step(Move.GO_TO, workshop.position - 1))
    if workshop.phase == Phase.VOTING:
        vote.button("Close voting", type="primary", icon=":material/how_to_vote:",
                    shortcut=SHORTCUTS["close"], **step(Move.CLOSE))
    else:
        vote.button("Open voting" if workshop.phase == Phase.WAITING else "Open voting again",
                    type="primary" if workshop.phase == Phase.WAITING else "secondary",
                    icon=":material/how_to_vote:", shortcut=SHORTCUTS["open"], **step(Move.OPEN))
    reveal.button("Reveal results", disabled=workshop.phase != Phase.CLOSED,
                  type="primary" if workshop.phase == Phase.CLOSED else "secondary",
                  icon=":material/visibility:", shortcut=SHORTCUTS["reveal"],
                  help="Results stay hidden until voting closes, so early votes cannot sway "
                  "later ones.", **step(Move.REVEAL))
    forward.button("Next →", disabled=workshop.position == last, shortcut=SHORTCUTS["next"],
                   type="primary" if workshop.phase == Phase.REVEALED else "secondary",
                   **step(Move.GO_TO, workshop.position + 1))


def show_live_results(store: StoreView, workshop: Workshop, *, presenting: bool = False) -> None:
    """The room on the statement on screen, refreshing itself: the count while voting, the votes
    once revealed (as large as a projector needs when presenting)."""
    every = LIVE_REFRESH_SECONDS if workshop.phase == Phase.VOTING else IDLE_REFRESH_SECONDS

    @st.fragment(run_every=every if workshop.is_live else None)
    def live() -> None:
        if store.get_workshop(workshop.id).version != workshop.version:
            st.rerun()  # moved on from another screen: redraw everything
        room = statement_tally(store, workshop)
        if workshop.phase == Phase.REVEALED:
            show_revealed(room, presenting=presenting)
            return
        st.metric("Votes", f"{room.voted} of {room.participants} have voted",
                  help="Counts only: nobody sees who voted what.")
        st.caption({
            Phase.WAITING: "Open voting when the room is ready.",
            Phase.VOTING: "The results stay hidden until you close voting and reveal them.",
            Phase.CLOSED: "Voting has closed. Reveal the results when the room is ready.",
            Phase.ENDED: "",
        }[workshop.phase])

    live()


def show_revealed(room: Tally, *, presenting: bool = False) -> None:
    if room.state.shown is Shown.TOO_FEW:
        st.info(f"Fewer than {MIN_GROUP_SIZE} people voted, so the votes are not shown: with so "
                "few, anyone could work out how the others voted. Agree the level by talking it "
                "through.", icon=":material/visibility_off:")
        return
    if room.state.shown is Shown.EARLIER_SHOWN:
        st.info(room.state.describe(), icon=":material/visibility_off:")
    st.markdown(f"**The room's votes** ({room.shown_votes} shown; {room.voted} of "
                f"{room.participants} voted)")
    chart = vote_chart(room.counts, height=PRESENTER_CHART_HEIGHT if presenting else 260,
                       large=presenting)
    st.altair_chart(chart, width="stretch")
    st.markdown(f"**Middle vote:** {median_label(room.median)}")
    if room.split:
        st.warning("The room is split: a quarter or more of the votes sit two or more levels "
                   "below another quarter. Worth hearing from both ends before agreeing a level.",
                   icon=":material/call_split:")
    with st.expander("The figures behind this chart, and by role"):
        st.table(room.counts.rename(columns={"choice": "Choice", "votes": "Votes"}),
                 hide_index=True)
        if not room.roles.empty:
            st.markdown(f"**By role** (groups of at least {MIN_GROUP_SIZE} voters)")
            by_role = room.roles.pivot_table(index="role", columns="choice", values="votes",
                                             aggfunc="sum", fill_value=0)
            st.table(by_role.rename_axis(index="Role", columns=None))
            if OTHER_ROLES in set(room.roles["role"]):
                st.caption(f"Smaller roles are counted together as “{OTHER_ROLES}”, so that "
                           "nobody's vote can be worked out from the room's.")
        elif room.roles_hidden:
            st.caption(f"Votes are not split by role: fewer than {MIN_GROUP_SIZE} people voted.")


def show_agreement(store: StoreView, workshop: Workshop) -> None:
    """The level the room agreed, with why, and any actions, for the statement on screen."""
    round_id, statement_id = workshop.round_id, workshop.statement_id
    agreed = store.current_consensus([round_id])
    agreed = agreed[agreed["statement_id"] == statement_id]
    st.subheader("What the room agreed")
    if not agreed.empty:
        row = agreed.iloc[0]
        st.markdown(f"Agreed: **{level_label(int(row['level']))}**. " +
                    (f"Why: {as_text(row['rationale'])}" if row["rationale"] else ""))
    with st.form(f"consensus-{statement_id}"):
        level = st.radio("Agreed level", [int(level) for level in LEVELS],
                         format_func=level_label, horizontal=True, index=None,
                         key=form_key(f"consensus-{statement_id}", "level"))
        rationale = st.text_area(f"Why (up to {NOTE_MAX:,} characters)",
                                 key=form_key(f"consensus-{statement_id}", "why"),
                                 max_chars=NOTE_MAX,
                                 placeholder="The evidence or reasons the room agreed on.")
        record = st.form_submit_button("Record the agreed level")
    if record:
        save_and_rerun(lambda: store.record_consensus(round_id, statement_id, validated(
            ConsensusInput, level=level, rationale=rationale, recorded_by=actor())),
            "Agreed level recorded. It now counts as this statement's score.",
            empty_form=f"consensus-{statement_id}")

    actions = store.actions(round_id)
    actions = actions[actions["statement_id"] == statement_id]
    if not actions.empty:
        st.dataframe(actions[["description", "owner", "due_on", "status"]], hide_index=True,
                     column_config={"description": "Action", "owner": "Owner",
                                    "due_on": st.column_config.DateColumn(
                                        "Due", format="DD/MM/YYYY"),
                                    "status": "Status"})
    with st.form(f"action-{statement_id}"):
        st.markdown("**Add an action**")
        description = st.text_input(f"What will be done (up to {ACTION_MAX:,} characters)",
                                    key=form_key(f"action-{statement_id}", "what"),
                                    max_chars=ACTION_MAX)
        owner = st.text_input(f"Owner (up to {NAME_MAX} characters)",
                              key=form_key(f"action-{statement_id}", "owner"), max_chars=NAME_MAX)
        due_on = st.date_input("Due date (optional)", value=None, format="DD/MM/YYYY",
                               key=form_key(f"action-{statement_id}", "due"))
        add = st.form_submit_button("Add action")
    if add:
        area_id = store.bank(store.get_round(round_id).bank_version).statements_by_id[
            statement_id].area
        save_and_rerun(lambda: store.add_action(round_id, validated(
            ActionInput, description=description, owner=owner, due_on=due_on,
            statement_id=statement_id, area_id=area_id, recorded_by=actor())),
            "Action added. It shows on the Results page, where its status can be updated.",
            empty_form=f"action-{statement_id}")


def show_end(store: StoreView, workshop: Workshop) -> None:
    link_to(WORKSHOP_SUMMARY_PAGE, label="Workshop summary (and CSV download)",
                 icon=":material/summarize:")
    if workshop.is_live:
        with st.expander("End the workshop"):
            st.caption("Participants' screens then say thank you. Votes, agreed levels and "
                       "actions stay in the round.")
            st.button("End the workshop now", icon=":material/flag:", on_click=_step,
                      args=(store, workshop.id, workshop.version, Move.END))
