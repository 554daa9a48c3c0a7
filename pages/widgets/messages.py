"""Messages a callback leaves for the page, forms that empty after a save, the sidebar and the demo
warning."""

from __future__ import annotations

import streamlit as st

from collab_assess.errors import (
    CollabAssessError,
)
from collab_assess.store import (
    Collaborative,
)
from collab_assess.text import as_text


def show_sidebar(collaborative: Collaborative | None) -> None:
    with st.sidebar:
        if collaborative is None:
            st.caption("No collaborative chosen yet.")
            return
        st.caption("Working on")
        st.markdown(f"**{as_text(collaborative.name)}**")
        if collaborative.is_demo:
            st.badge("Synthetic demo data", icon=":material/science:", color="orange")


def show_demo_warning(collaborative: Collaborative) -> None:
    if collaborative.is_demo:
        st.warning("This is a synthetic demo collaborative: made-up data, for trying the tool.",
                   icon=":material/science:")


def show_flash() -> None:
    """Messages left by a callback (which runs before the page is drawn) for the page to show."""
    for kind, message in st.session_state.pop("flash", []):
        getattr(st, kind)(message)


def flash(kind: str, message: str) -> None:
    st.session_state.setdefault("flash", []).append((kind, message))


def form_key(form: str, field: str) -> str:
    """The key of a field in a form that empties after each successful save: every save gives the
    form a new version, so its widgets start again empty (Streamlit keeps a widget's value for as
    long as its key is unchanged)."""
    return f"{form}-{st.session_state.get(f'{form}-version', 0)}-{field}"


def save_and_rerun(action, success: str, empty_form: str | None = None) -> None:
    """Run a save; on success empty the named form and rerun the page with the success message
    (if any; the action may leave its own with flash). On failure
    show why (nothing was saved) and keep what was typed, so it can be corrected."""
    try:
        action()
    except CollabAssessError as error:
        st.error(as_text(error), icon=":material/error:")
    else:
        if empty_form:
            version = f"{empty_form}-version"
            st.session_state[version] = st.session_state.get(version, 0) + 1
        if success:
            flash("success", success)
        st.rerun()


def stop_with(error: CollabAssessError) -> None:
    """Show what went wrong and end this page run."""
    st.error(as_text(error), icon=":material/error:")
    st.stop()
