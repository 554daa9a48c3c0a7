"""The store each page works through: opened once per process with the question bank checked, and
scoped to this session's caller and keys (call app_store() first on every page)."""

from __future__ import annotations

import runpy
from pathlib import Path

import streamlit as st

from collab_assess.access.identity import Caller, Mode
from collab_assess.access.scoped_store import ScopedStore
from collab_assess.content.bank import QuestionBank, bank_directory, load_current_bank
from collab_assess.errors import (
    BankError,
    DatabaseError,
    NotFoundError,
)
from collab_assess.store import (
    Store,
    default_db_path,
)
from collab_assess.store.shared import shared_store
from pages.widgets import signed_in
from pages.widgets.address_bar import RESPONDENT_CODE
from pages.widgets.keys import INVITATION_KEY
from pages.widgets.messages import stop_with
from pages.widgets.page_paths import APP_SCRIPT
from pages.widgets.signed_in import ANONYMOUS_USER, deployment


@st.cache_resource(show_spinner="Opening the database…")
def _open_store(path: str, bank_dir: str) -> Store:
    bank = load_current_bank(Path(bank_dir))  # a broken bank stops here, naming its faults
    store = shared_store(path)
    store.register_bank(bank)
    return store


@st.cache_resource
def _current_bank(bank_dir: str) -> QuestionBank:
    return load_current_bank(Path(bank_dir))


def _run_under_app_navigation() -> None:
    """Make sure this page runs inside app.py's navigation.

    Streamlit treats a folder called pages/ as an old-style multipage app until app.py first calls
    st.navigation. If the first visit after the server starts is a deep link (a bookmark of the
    Results page, say), Streamlit runs that page on its own, with a bare file-name menu. Here we
    switch the old mode off and run app.py instead, which runs this page again inside the real
    navigation, in the same script run, so the click or choice that started the run still counts."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        runpy.run_path(str(APP_SCRIPT), run_name="__main__")
        st.stop()


def _raw_store() -> Store:
    try:
        return _open_store(str(default_db_path()), str(bank_directory()))
    except (BankError, DatabaseError) as error:
        stop_with(error)
        raise  # unreachable: st.stop() ends the run


def app_store() -> ScopedStore:
    """The database as this session may see it (opened once per process, with the question bank
    checked); call it first on every page. The session's resume code, workshop seat and
    invitation are the keys it opens answers with."""
    _run_under_app_navigation()
    scoped = ScopedStore(_raw_store(), current_caller())
    code = st.session_state.get(RESPONDENT_CODE)
    if code:
        try:
            scoped.find_respondent(code)
        except NotFoundError:  # its round has closed (shared mode) or it has been removed
            st.session_state[RESPONDENT_CODE] = None
            st.session_state["respondent_id"] = None
    token = st.session_state.get(INVITATION_KEY)
    if token:
        try:
            scoped.find_invited_round(token)
        except NotFoundError:
            st.session_state.pop(INVITATION_KEY, None)
    return scoped


def current_bank() -> QuestionBank:
    try:
        return _current_bank(str(bank_directory()))
    except BankError as error:
        stop_with(error)
        raise


def current_caller() -> Caller:
    """Who this browser session is: in local mode the one trusted user; in shared mode the
    signed-in person with their roles, or a visitor with no account."""
    settings = deployment()
    if settings.mode is Mode.LOCAL:
        return Caller.local(st.session_state.get("actor_name") or ANONYMOUS_USER)
    email = signed_in.signed_in_email()  # through the module, so a test can stand in for it
    if email is None:
        return Caller.visitor()
    return Caller.signed_in_as(email, _raw_store().grants_for(email),
                               settings_admin=email in settings.admins)
