"""Sign in (shared mode): the only page a visitor without an account or a code can open."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.settings import missing_auth_keys
from pages.widgets.page_paths import link_to
from pages.widgets.resume import show_resume_form
from pages.widgets.signed_in import auth_settings
from pages.widgets.store_access import app_store

store = app_store()  # also makes a bookmarked deep link open inside the app's navigation
st.title("Sign in to collab-assess")
st.markdown("This copy of collab-assess holds the self-assessments of several collaboratives, so "
            "each person sees only what their role allows. Sign in with the account you use at "
            "work.")

missing = missing_auth_keys(auth_settings())
if missing:
    st.error("Sign-in is not set up on this server yet: the [auth] section of its secrets file "
             "lacks " + ", ".join(missing) + ". The README's section “Deploying for many "
             "collaboratives” says what to put there.", icon=":material/error:")
elif st.button("Sign in with your organisation account", type="primary",
               icon=":material/login:"):
    st.login()

st.divider()
st.markdown("**Answering a self-assessment, or voting in a workshop?** You need no account. Open "
            "the invitation link you were sent, or join a workshop with the code on the big "
            "screen.")
link_to("pages/join.py", label="Join a workshop with a code", icon=":material/how_to_vote:")
st.markdown("**Coming back to your answers?** Type the resume code you were given when you "
            "started.")
show_resume_form(store)
