"""The round's actions (from workshops), with their status editable in place."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collab_assess.access.scoped_store import ScopedStore
from collab_assess.errors import CollabAssessError
from collab_assess.store.inputs import ACTION_STATUSES, ActionStatusInput, validated
from collab_assess.store.rules import Access
from collab_assess.text import as_text
from pages.widgets.messages import flash
from pages.widgets.signed_in import actor


def _save_status_changes(store: ScopedStore, actions: pd.DataFrame, key: str) -> None:
    edits = st.session_state[key].get("edited_rows", {})
    for row, change in edits.items():
        if "status" not in change:
            continue
        action = actions.iloc[int(row)]
        try:
            store.update_action_status(int(action["id"]), validated(
                ActionStatusInput, status=change["status"], changed_by=actor()))
        except CollabAssessError as error:
            flash("error", as_text(f"The status of '{action['description']}' was not saved: "
                                   f"{error}"))


def show_actions(store: ScopedStore, round_id: int) -> None:
    actions = store.actions(round_id)
    if actions.empty:
        st.markdown("No actions yet. A board workshop records them beside the level the room "
                    "agrees (Run a workshop).")
        return
    may_change = store.allows(round_id, Access.FACILITATE)
    st.markdown("Agreed in workshops. " + ("Change a status in the table; every change is kept "
                "with who made it and when." if may_change else "Their lead or facilitator "
                "keeps the status up to date."))
    key = f"actions-{round_id}-{len(actions)}"
    shown = actions[["id", "statement_id", "description", "owner", "due_on", "status"]]
    st.data_editor(
        shown, key=key, hide_index=True, width="stretch",
        disabled=True if not may_change else ["id", "statement_id", "description", "owner",
                                              "due_on"],
        column_order=["statement_id", "description", "owner", "due_on", "status"],
        column_config={
            "statement_id": "Statement",
            "description": st.column_config.TextColumn("Action", width="large"),
            "owner": "Owner",
            "due_on": st.column_config.DateColumn("Due", format="DD/MM/YYYY"),
            "status": st.column_config.SelectboxColumn(
                "Status", options=list(ACTION_STATUSES), required=True,
                help="Open, in progress, done or dropped."),
        },
        on_change=_save_status_changes, args=(store, shown, key),
    )
