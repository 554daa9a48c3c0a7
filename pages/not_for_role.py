"""Shown at the address of a page this person's role does not include (a bookmark, a shared
link)."""

from __future__ import annotations

import streamlit as st

from pages.widgets.page_paths import START_PAGE, link_to
from pages.widgets.store_access import app_store

app_store()
st.title("This page is not part of your role")
st.markdown("The address you opened leads to a page your role in collab-assess does not include, "
            "so there is nothing to show here. If you need it, ask your collab-assess "
            "administrator to change your role.")
link_to(START_PAGE, label="Go to Start", icon=":material/home:")
