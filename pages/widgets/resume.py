"""Coming back to your own answers with a resume code: the box, with wrong codes slowed down."""

from __future__ import annotations

import math

import streamlit as st

from collab_assess.access.scoped_store import CodeExpired, ScopedStore
from collab_assess.access.throttle import resume_attempts
from collab_assess.errors import NotFoundError
from pages.widgets.keys import browser_and_address, resume_as
from pages.widgets.page_paths import SELF_ASSESSMENT_PAGE


def too_many_wrong_codes(wait: float) -> str:
    return (f"Too many wrong codes were typed just now, so this code was not checked. Please wait "
            f"{max(1, math.ceil(wait))} seconds and try again.")


def show_resume_form(store: ScopedStore, *, key: str = "resume") -> None:
    with st.form(key):
        typed_code = st.text_input("Your resume code", placeholder="e.g. ABCD-EFGH", max_chars=20,
                                   help="Shown when you first started. It opens your own "
                                   "answers, in whichever round you gave them.")
        carry_on = st.form_submit_button("Continue")
    if not carry_on:
        return
    wait = resume_attempts.before_checking(*browser_and_address())
    if wait > 0:
        st.error(too_many_wrong_codes(wait), icon=":material/timer:")
        return
    try:
        respondent = store.find_respondent(typed_code)
    except CodeExpired as expired:
        st.info(str(expired), icon=":material/lock:")
        return
    except NotFoundError as error:
        resume_attempts.failed(*browser_and_address())
        st.error(str(error), icon=":material/error:")
        return
    resume_attempts.succeeded(browser_and_address()[0])
    resume_as(store, respondent)
    st.switch_page(SELF_ASSESSMENT_PAGE)
