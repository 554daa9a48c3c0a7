"""The keys that open one person's answers: their resume code (in the address of their own
Self-assessment page only) and an invitation to a round; wrong codes are slowed down."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from collab_assess.access.invitations import INVITATION_PARAM
from collab_assess.access.scoped_store import CodeExpired, ScopedStore
from collab_assess.access.throttle import resume_attempts
from collab_assess.content.codes import normalise_resume_code
from collab_assess.errors import (
    NotFoundError,
)
from collab_assess.store import (
    Respondent,
)
from collab_assess.store.view import StoreView
from pages.widgets.address_bar import (
    RESPONDENT_CODE,
    RESPONDENT_PARAM,
    choose,
    choose_collaborative,
    choose_respondent,
    chosen,
)
from pages.widgets.messages import flash

INVITATION_KEY = "invitation_token"


def resume_as(store: StoreView, respondent: Respondent) -> None:
    """Take the person back to their own answers, in whichever collaborative and round they are."""
    assessment_round = store.get_round(respondent.round_id)
    choose_collaborative(assessment_round.collaborative_id)
    choose("round_id", assessment_round.id)
    choose("area_index", None)
    choose_respondent(respondent)


def accept_invitation(store: ScopedStore) -> None:
    """An invitation link opens its round for joining. The token stays in the address until the
    person joins (a refresh keeps the invitation; the link was meant to be shared anyway)."""
    token = st.query_params.get(INVITATION_PARAM)
    if not token or st.session_state.get(INVITATION_KEY) == str(token):
        return
    try:
        invited = store.find_invited_round(str(token))
    except NotFoundError as error:
        st.query_params.pop(INVITATION_PARAM, None)
        flash("warning", str(error))
        return
    st.session_state[INVITATION_KEY] = str(token)
    if chosen("round_id") != invited.id:
        choose_collaborative(invited.collaborative_id)
        choose("round_id", invited.id)


def resume_from_address(store: StoreView) -> None:
    """A resume code in the address (its owner's bookmark, or a refresh) brings its owner back."""
    code = st.query_params.get(RESPONDENT_PARAM)
    if not code or normalise_resume_code(str(code)) == st.session_state.get(RESPONDENT_CODE):
        return
    st.query_params.pop(RESPONDENT_PARAM, None)
    if resume_attempts.before_checking(*browser_and_address()) > 0:
        flash("warning", "Too many wrong codes from this browser, so the code in that address "
              "was not tried. Wait a minute, then type it below.")
        return
    try:
        respondent = store.find_respondent(str(code))
    except CodeExpired as expired:
        st.info(str(expired), icon=":material/lock:")  # shown now: the page may stop next
        return
    except NotFoundError as error:
        resume_attempts.failed(*browser_and_address())
        flash("warning", f"{error} No answers were opened.")
        return
    resume_attempts.succeeded(browser_and_address()[0])
    resume_as(store, respondent)


def current_respondent(store: StoreView, round_id: int) -> Respondent | None:
    """The person answering in this round, if this session has one."""
    respondent_id = st.session_state.get("respondent_id")
    if respondent_id is None:
        return None
    try:
        respondent = store.get_respondent(respondent_id)
    except NotFoundError:
        choose_respondent(None)
        return None
    return respondent if respondent.round_id == round_id else None


def browser_and_address() -> tuple[str, str | None]:
    """This browser session and its network address, for slowing down repeated wrong codes."""
    context = get_script_run_ctx()
    address = st.context.ip_address
    return (context.session_id if context else "unknown",
            address if isinstance(address, str) and address else None)
