"""The session's choices (collaborative, round, area, workshop), mirrored into the address bar so a
refresh or a shared link comes back to the same place."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.invitations import INVITATION_PARAM
from collab_assess.store import Respondent

# Session keys and the address-bar parameter each is mirrored to.
CHOICES = {"collaborative_id": "c", "round_id": "round", "area_index": "area",
           "workshop_id": "workshop"}


def chosen(name: str) -> int | None:
    """A choice from the address bar, else from the session.

    The address wins: every choice is written to both, so they differ only when the browser's Back
    or Forward button has put an earlier address back (Streamlit reruns the page with it), and
    then the earlier place is the one the person asked for."""
    raw = st.query_params.get(CHOICES[name])
    if raw is not None and str(raw).isdigit():
        st.session_state[name] = int(raw)
    return st.session_state.get(name)


def choose(name: str, value: int | None) -> None:
    st.session_state[name] = value
    if value is None:
        st.query_params.pop(CHOICES[name], None)
    else:
        st.query_params[CHOICES[name]] = str(value)


def choose_collaborative(collaborative_id: int | None) -> None:
    """Switch collaborative; the round, respondent and place in the walk belong to the old one."""
    if collaborative_id != chosen("collaborative_id"):
        choose_respondent(None)
        for name in ("round_id", "area_index", "workshop_id"):
            choose(name, None)
    choose("collaborative_id", collaborative_id)


def keep_choices_in_address_bar(*, with_resume_code: bool = False) -> None:
    """Page switches clear the address bar's parameters; put the session's choices back.

    The resume code goes only into the address of the Self-assessment page, which only its owner
    sees: every other page's address can be copied and shared without handing over anyone's
    answers (with_resume_code=False also takes a pasted code out of the address)."""
    for name, param in CHOICES.items():
        value = chosen(name)
        if value is not None and st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)
    code = st.session_state.get(RESPONDENT_CODE)
    if not with_resume_code:
        st.query_params.pop(RESPONDENT_PARAM, None)
    elif code and st.query_params.get(RESPONDENT_PARAM) != code:
        st.query_params[RESPONDENT_PARAM] = code


# The respondent is carried by their resume code, never their row number, so nobody can reach
# someone else's answers by editing the address.
RESPONDENT_CODE = "respondent_code"


RESPONDENT_PARAM = "who"


def choose_respondent(respondent: Respondent | None) -> None:
    st.session_state["respondent_id"] = respondent.id if respondent else None
    st.session_state[RESPONDENT_CODE] = respondent.resume_code if respondent else None
    if respondent is None:
        st.query_params.pop(RESPONDENT_PARAM, None)
    else:
        st.query_params.pop(INVITATION_PARAM, None)  # the resume code is the key from now on
        st.query_params[RESPONDENT_PARAM] = respondent.resume_code
