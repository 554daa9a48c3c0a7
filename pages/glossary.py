"""Glossary: the NHS words the app uses, in plain English, each with where the facts come from."""

from __future__ import annotations

import streamlit as st

from collab_assess.content.glossary import glossary
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import show_sidebar
from pages.widgets.pickers import current_collaborative
from pages.widgets.store_access import app_store

store = app_store()  # also makes a bookmarked /glossary open inside the app's navigation
keep_choices_in_address_bar()
show_sidebar(current_collaborative(store))

terms = glossary()

st.title("Glossary")
st.markdown(
    "The NHS words this tool and its statements use, in plain English. Each entry says which "
    "source document, and which section of it, the facts come from."
)
st.markdown("**Jump to a term:** " + " · ".join(f"[{entry.label}](#{entry.anchor})"
                                                 for entry in terms))

for entry in terms:
    st.header(entry.label, anchor=entry.anchor)
    st.markdown(entry.meaning)
    st.caption(f"Source: {entry.readable_source}")
