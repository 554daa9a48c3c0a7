"""Signed in, but with no role yet: say so, and how to get one."""

from __future__ import annotations

import streamlit as st

from collab_assess.text import as_text
from pages.widgets.page_paths import link_to
from pages.widgets.signed_in import deployment
from pages.widgets.store_access import app_store

store = app_store()
st.title("You are signed in, but have no access yet")
st.markdown(f"You are signed in as **{as_text(store.caller.name)}**. Nobody has given this "
            "address a role in collab-assess yet, so there is nothing it can show you.")
st.markdown("Ask your collab-assess administrator to give you a role: a collaborative lead, a "
            "workshop facilitator or a regional team. They do it on the People and roles page.")
admins = sorted(deployment().admins)
if admins:
    st.markdown("Administrators of this service: " + ", ".join(as_text(a) for a in admins) + ".")
st.markdown("Answering a self-assessment or voting in a workshop needs no role: use the "
            "invitation link or workshop code you were given.")
link_to("pages/join.py", label="Join a workshop with a code", icon=":material/how_to_vote:")
if st.button("Sign out", key="no-access-sign-out", icon=":material/logout:"):
    st.logout()
