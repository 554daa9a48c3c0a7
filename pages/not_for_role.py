"""Shown at the address of a page this person's role does not include (a bookmark, a shared link)."""

from __future__ import annotations

import streamlit as st

from pages.widgets.context import START_PAGE, app_store, link_to

app_store()
st.title("This page is not part of your role")
st.markdown("The address you opened leads to a page your role in collab-assess does not include, "
            "so there is nothing to show here. If you need it, ask your collab-assess "
            "administrator to change your role.")
link_to(START_PAGE, label="Go to Start", icon=":material/home:")
