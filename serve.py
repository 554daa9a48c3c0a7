"""Serves collab-assess: the Streamlit app in app.py, plus the small address waiting workshop
phones ask "has anything changed?" (collab_assess/workshop/live.py). `make run` starts this file.

While it serves, the app keeps its own copies of the database (daily, and when a round closes),
because only the process that holds a DuckDB file can copy it."""

from contextlib import asynccontextmanager

import streamlit as st

from collab_assess.operations.backups import start_automatic_snapshots
from collab_assess.store import default_db_path
from collab_assess.store.shared import shared_store
from collab_assess.workshop.live import ROUTES


@asynccontextmanager
async def keep_automatic_snapshots(_app):
    schedule = start_automatic_snapshots(shared_store(default_db_path()))
    try:
        yield None
    finally:
        schedule.stop()


app = st.App("app.py", routes=ROUTES, lifespan=keep_automatic_snapshots)
