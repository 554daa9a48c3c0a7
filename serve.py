"""Serves collab-assess: the Streamlit app in app.py, plus the small address waiting workshop
phones ask "has anything changed?" (collab_assess/live.py). `make run` starts this file."""

import streamlit as st

from collab_assess.live import ROUTES

app = st.App("app.py", routes=ROUTES)
