"""The sidebar's note of who is using the app: local mode said plainly, or who is signed in."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.identity import Caller, Mode
from collab_assess.store.grants import ROLE_NAMES
from collab_assess.text import as_text

LOCAL_MODE_NOTE = ("Local mode: no sign-in. Anyone who can open this app can see and change "
                   "everything in it, which suits one board on one computer.")


def show_identity(caller: Caller) -> None:
    with st.sidebar:
        if caller.mode is Mode.LOCAL:
            st.caption(LOCAL_MODE_NOTE)
            return
        if not caller.signed_in:
            return
        st.caption(f"Signed in as {as_text(caller.name)}")
        roles = sorted(ROLE_NAMES[role] for role in caller.roles)
        if roles:
            st.caption("Role: " + ", ".join(roles))
        if st.button("Sign out", icon=":material/logout:", key="sign-out"):
            st.logout()
