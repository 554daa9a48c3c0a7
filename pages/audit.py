"""Audit log (administrators): every change, who made it, when, and the value before and after."""

from __future__ import annotations

import streamlit as st

from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.audit_log import show_audit_log
from pages.widgets.store_access import app_store

store = app_store()
keep_choices_in_address_bar()
st.title("Audit log")
st.markdown("Every change saved in collab-assess: answers, consensus, actions, profiles, rounds, "
            "roles, imports and restores, with who made it, when, and the value before and after.")
show_audit_log(store)
