"""A participant's phone: join with a code, then follow the facilitator and vote.

The participant's resume code sits in the page's address, so a refresh, a locked phone or a
dropped connection comes straight back with their votes. While they wait, the page asks the
server's small workshop address about once a second whether anything changed (collab_assess/live.py)
and reruns only when it did, so forty waiting phones cost the server almost nothing.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from collab_assess.access.scoped_store import CodeExpired
from collab_assess.access.throttle import join_attempts, resume_attempts
from collab_assess.content.reference import RESPONDENT_ROLES
from collab_assess.content.scale import LEVELS, Unscored, level_label
from collab_assess.content.workshop_phases import Phase, Workshop
from collab_assess.errors import CollabAssessError, NotFoundError
from collab_assess.store import Respondent
from collab_assess.store.inputs import AnswerChange, RespondentInput, validated
from collab_assess.store.view import StoreView
from collab_assess.text import as_text
from collab_assess.workshop.live import SEAT_HEADER
from pages.widgets.address_bar import RESPONDENT_PARAM
from pages.widgets.glossary import show_glossary_link
from pages.widgets.keys import browser_and_address
from pages.widgets.messages import flash
from pages.widgets.resume import too_many_wrong_codes

NO_ROLE = "Prefer not to say"
VOTE_OPTIONS = [*(int(level) for level in LEVELS), Unscored.DONT_KNOW.value]
FOLLOW_KEY = "follow-refresh"
POLL_MILLISECONDS = 1000

_FOLLOW_SCRIPT = """
<script>
(() => {{
  const code = {code}, seat = {seat}, shown = {version};
  const doc = window.parent.document || document;
  let lastClick = 0;
  // Click Refresh; if the page has not rerun 3 seconds later (a click lost under load), again.
  const refresh = () => {{
    if (Date.now() - lastClick < 3000) return;
    lastClick = Date.now();
    const button = doc.querySelector('.st-key-{key} button');
    if (button) button.click();
  }};
  if (window.collabAssessFollow) clearInterval(window.collabAssessFollow);
  let failures = 0;
  window.collabAssessFollow = setInterval(async () => {{
    try {{
      const answer = await fetch('api/workshop/' + code,
                                 {{cache: 'no-store', headers: {{'{header}': seat}}}});
      const body = await answer.json();
      if (body.version !== shown) refresh();  // the rerun draws this script anew, with its version
    }} catch (error) {{
      if (++failures % 5 === 0) refresh();  // the address is unreachable: fall back to a rerun
    }}
  }}, {every});
}})();
</script>
"""


PHONE_STYLE = """
<style>
  [data-testid="stMainBlockContainer"] { padding-top: 4.25rem; }
  [data-testid="stMain"] h1 { font-size: 1.1rem; padding: 0; }
  [data-testid="stMain"] h2 { font-size: 1.3rem; line-height: 1.3; padding: 0.25rem 0; }
  .st-key-vote [role="radiogroup"] label { min-height: 2.6rem; align-items: center; }
  .st-key-vote [role="radiogroup"] label p { font-size: 1.15rem; }
  .st-key-vote-saved p { font-size: 1.3rem; font-weight: 600; }
</style>
"""
"""A phone shows the statement, the five choices and the saved vote on one screen (390 x 844)
without scrolling: smaller headings, no space above, big tap targets, a large confirmation."""


def current_participant(store: StoreView) -> tuple[Respondent, Workshop] | None:
    """The participant whose seat is in the page's address, and their workshop."""
    code = st.query_params.get(RESPONDENT_PARAM)
    if not code:
        return None
    if join_attempts.before_checking(*browser_and_address()) > 0:
        st.query_params.pop(RESPONDENT_PARAM, None)
        flash("warning", "Too many wrong codes from this browser. Wait a minute, then join with "
              "the code on the big screen.")
        return None
    try:
        respondent = store.find_respondent(str(code))
        workshop = store.participant_workshop(respondent.id)
    except NotFoundError:
        join_attempts.failed(*browser_and_address())
        st.query_params.pop(RESPONDENT_PARAM, None)
        flash("warning", "That address does not lead to a workshop seat. Join with the code on "
              "the big screen.")
        return None
    return respondent, workshop


def show_join_form(store: StoreView) -> None:
    with st.form("join-workshop"):
        typed = st.text_input("Workshop code", value=st.query_params.get("code", ""),
                              placeholder="e.g. ABC234", max_chars=12,
                              help="Six letters and numbers, shown on the big screen.")
        role = st.selectbox(
            "Your role (optional)", list(RESPONDENT_ROLES),
            index=list(RESPONDENT_ROLES).index(NO_ROLE),
            help="Only used to show how roles see things, and only for roles with at least three "
            "people. You are never named.")
        resume_code = st.text_input(
            "Your resume code, if you took part in the self-assessment (optional)",
            placeholder="e.g. ABCD-EFGH", max_chars=20,
            help="With it, your votes update your own self-assessment answers and you are counted "
            "once. Your lead can see your self-assessment answers with the name you gave, as "
            "always; the room and the facilitator still never see who voted what. Without it, "
            "you vote anonymously.")
        join = st.form_submit_button("Join", type="primary", width="stretch")
    if not join:
        return
    wait = max(join_attempts.before_checking(*browser_and_address()),
               resume_attempts.before_checking(*browser_and_address()) if resume_code.strip()
               else 0)
    if wait > 0:
        st.error(too_many_wrong_codes(wait),
                 icon=":material/timer:")
        return
    try:
        workshop = store.find_workshop(typed)
    except CollabAssessError as error:
        join_attempts.failed(*browser_and_address())
        st.error(str(error), icon=":material/error:")
        return
    join_attempts.succeeded(browser_and_address()[0])
    try:
        if resume_code.strip():
            try:
                myself = store.find_respondent(resume_code)
            except CodeExpired:
                raise
            except NotFoundError:
                resume_attempts.failed(*browser_and_address())
                raise
            resume_attempts.succeeded(browser_and_address()[0])
            me = store.join_workshop_as(workshop.id, myself.id)
        else:
            me = store.join_workshop(workshop.id, validated(RespondentInput, role=role))
    except CollabAssessError as error:
        st.error(str(error), icon=":material/error:")
        return
    st.query_params.pop("code", None)
    st.query_params[RESPONDENT_PARAM] = me.resume_code
    st.rerun()


def _my_vote(store: StoreView, workshop: Workshop, me: Respondent) -> int | str | None:
    mine = store.participant_vote(workshop.id, me.id)
    mine = mine[mine["statement_id"] == workshop.statement_id]
    if mine.empty:
        return None
    row = mine.iloc[0]
    return int(row["level"]) if pd.notna(row["level"]) else str(row["unscored"])


def _save_vote(store: StoreView, workshop: Workshop, me: Respondent, key: str, saved) -> None:
    choice = st.session_state.get(key)
    if choice is None:
        return
    is_level = isinstance(choice, int)
    try:
        store.cast_vote(workshop.id, me.id, workshop.statement_id, validated(
            AnswerChange, level=choice if is_level else None, unscored=None if is_level else choice,
            recorded_by=f"workshop participant {me.number}", source="workshop"))
    except CollabAssessError as error:
        st.session_state[key] = saved
        flash("error", as_text(error))


def show_participant_view(store: StoreView, workshop: Workshop, me: Respondent, bank) -> None:
    st.html(PHONE_STYLE)
    st.title(as_text(workshop.title), anchor=False)
    if workshop.phase == Phase.ENDED:
        st.header("Thank you", anchor=False)
        st.success("The workshop has ended and your votes are saved. You can close this page.",
                   icon=":material/task_alt:")
        return
    statement = bank.statements_by_id[workshop.statement_id]
    voting = workshop.phase == Phase.VOTING
    st.caption(f"Statement {workshop.position + 1} of {len(workshop.statement_ids)} · " + {
        Phase.WAITING: "voting has not opened yet. This page moves on by itself when it does.",
        Phase.VOTING: "voting is open: you can change your vote until it closes.",
        Phase.CLOSED: "voting has closed. The results will be shown on the big screen.",
        Phase.REVEALED: "the results are on the big screen.",
    }[workshop.phase])
    st.header(statement.statement, anchor=False)
    saved = _my_vote(store, workshop, me)
    key = f"vote-{me.id}-{workshop.statement_id}"
    if st.session_state.get(f"{key}-saved", "unset") != saved:
        st.session_state[key] = saved
        st.session_state[f"{key}-saved"] = saved
    with st.container(key="vote"):
        st.radio(
            "Your vote: how mature is this today?",
            VOTE_OPTIONS,
            format_func=lambda option: level_label(option) if isinstance(option, int)
            else Unscored(option).label,
            key=key,
            on_change=_save_vote,
            args=(store, workshop, me, key, saved),
            disabled=not voting,
            help="What each level means is under the choices, and on the big screen.",
        )
    if saved is not None:
        shown = level_label(saved) if isinstance(saved, int) else Unscored(saved).label
        with st.container(key="vote-saved"):
            st.success(f"Your vote is saved: {shown}." if voting else f"Your vote: {shown}.",
                       icon=":material/check_circle:")
    st.markdown("**What each level means**\n\n" + "\n".join(
        f"- **{level_label(int(level))}**: {statement.levels.for_level(int(level))}"
        for level in LEVELS) + f"\n- **{Unscored.DONT_KNOW.label}**: you cannot judge this. "
        "Recorded, but not scored.")
    if bank.rating_rule:
        st.caption(bank.rating_rule)
    if statement.evidence:
        st.caption(f"What to look for: {statement.evidence}")
    show_glossary_link(f"{statement.statement} {statement.evidence or ''}")


def follow_facilitator(workshop: Workshop, seat_code: str) -> None:
    """Rerun the page when the facilitator changes anything (see the module's docstring), asking
    as the holder of this seat (its resume code: the workshop address answers seats only). The
    button is there for people, too, in case their browser blocks the script."""
    st.button("Refresh", key=FOLLOW_KEY, icon=":material/refresh:", type="tertiary",
              help="The page follows the facilitator by itself; this checks at once.")
    if workshop.is_live:
        st.html(_FOLLOW_SCRIPT.format(code=json.dumps(workshop.join_code), version=workshop.version,
                                      seat=json.dumps(seat_code), header=SEAT_HEADER,
                                      key=FOLLOW_KEY, every=POLL_MILLISECONDS),
                unsafe_allow_javascript=True, width="content")
