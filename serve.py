"""Serves collab-assess: the Streamlit app in app.py, plus the small address waiting workshop
phones ask "has anything changed?" (collab_assess/workshop/live.py). `make run` starts this file.

While it serves, the app keeps its own copies of the database (daily, and when a round closes),
because only the process that holds a DuckDB file can copy it. On a normal stop it writes every
committed change into the database file and closes it, so the file alone can be copied."""

from contextlib import asynccontextmanager

import streamlit as st

from collab_assess.operations.backups import start_automatic_snapshots
from collab_assess.store import default_db_path
from collab_assess.store.shared import close_shared_stores, shared_store
from collab_assess.workshop.live import ROUTES


@asynccontextmanager
async def keep_automatic_snapshots(_app):
    schedule = start_automatic_snapshots(shared_store(default_db_path()))
    try:
        yield None
    finally:
        schedule.stop()
        close_shared_stores()  # the database file alone then holds every committed change


app = st.App("app.py", routes=ROUTES, lifespan=keep_automatic_snapshots)
