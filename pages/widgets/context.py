"""What every page needs: the store, the question bank, and who/what the user has chosen.

The choices (collaborative, round, respondent, area) live in the session and are mirrored into the
address bar, so a browser refresh or a shared link comes back to the same place.
"""

from __future__ import annotations

import os
import runpy
from datetime import date
from pathlib import Path

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException
from streamlit.runtime.scriptrunner import get_script_run_ctx

from collab_assess.access.identity import Caller, Mode
from collab_assess.access.invitations import INVITATION_PARAM
from collab_assess.access.scoped_store import AccessDenied, CodeExpired, ScopedStore
from collab_assess.access.settings import Deployment, SettingsError, read_deployment
from collab_assess.access.throttle import resume_attempts
from collab_assess.benchmark.view import BenchmarkView, benchmark_view
from collab_assess.content.bank import QuestionBank, bank_directory, load_current_bank
from collab_assess.content.codes import normalise_resume_code
from collab_assess.errors import (
    BankError,
    CollabAssessError,
    DatabaseError,
    NotFoundError,
)
from collab_assess.store import (
    Collaborative,
    Respondent,
    Round,
    RoundFilter,
    Store,
    default_db_path,
)
from collab_assess.store.peer_comparison import PeerComparison, PeerGroup
from collab_assess.store.shared import shared_store
from collab_assess.text import as_text

PAGES_DIRECTORY = Path(__file__).resolve().parent.parent
APP_SCRIPT = PAGES_DIRECTORY.parent / "app.py"
START_PAGE = str(PAGES_DIRECTORY / "start.py")
COLLABORATIVE_PAGE = str(PAGES_DIRECTORY / "collaborative.py")
SELF_ASSESSMENT_PAGE = str(PAGES_DIRECTORY / "self_assessment.py")
RESULTS_PAGE = str(PAGES_DIRECTORY / "results.py")
WORKSHOP_PAGE = str(PAGES_DIRECTORY / "workshop.py")
BENCHMARK_PAGE = str(PAGES_DIRECTORY / "benchmark.py")
WORKSHOP_SUMMARY_PAGE = str(PAGES_DIRECTORY / "workshop_summary.py")

# Session keys and the address-bar parameter each is mirrored to.
CHOICES = {"collaborative_id": "c", "round_id": "round", "area_index": "area",
           "workshop_id": "workshop"}
# The respondent is carried by their resume code, never their row number, so nobody can reach
# someone else's answers by editing the address.
RESPONDENT_CODE = "respondent_code"
RESPONDENT_PARAM = "who"
ANONYMOUS_USER = "app user"
INVITATION_KEY = "invitation_token"


@st.cache_resource(show_spinner="Opening the database…")
def _open_store(path: str, bank_dir: str) -> Store:
    bank = load_current_bank(Path(bank_dir))  # a broken bank stops here, naming its faults
    store = shared_store(path)
    store.register_bank(bank)
    return store


@st.cache_resource
def _current_bank(bank_dir: str) -> QuestionBank:
    return load_current_bank(Path(bank_dir))


def _stop_with(error: CollabAssessError) -> None:
    st.error(as_text(error), icon=":material/error:")
    st.stop()


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
        _stop_with(error)
        raise  # unreachable: st.stop() ends the run


def _secrets_section(name: str) -> dict:
    try:
        section = st.secrets.get(name)
    except Exception:  # no secrets file at all: local mode needs none
        return {}
    return dict(section) if section else {}


def deployment() -> Deployment:
    try:
        return read_deployment(os.environ, _secrets_section("collab_assess"))
    except SettingsError as error:
        _stop_with(error)
        raise


def auth_settings() -> dict:
    return _secrets_section("auth")


def signed_in_email() -> str | None:
    try:
        if st.user.is_logged_in:
            return str(st.user.get("email") or "").strip().lower() or None
    except Exception:  # sign-in not configured
        return None
    return None


def current_caller() -> Caller:
    """Who this browser session is: in local mode the one trusted user; in shared mode the
    signed-in person with their roles, or a visitor with no account."""
    settings = deployment()
    if settings.mode is Mode.LOCAL:
        return Caller.local(st.session_state.get("actor_name") or ANONYMOUS_USER)
    email = signed_in_email()
    if email is None:
        return Caller.visitor()
    return Caller.signed_in_as(email, _raw_store().grants_for(email),
                               settings_admin=email in settings.admins)


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
        _stop_with(error)
        raise


@st.cache_data(max_entries=256, show_spinner="Comparing with peers…")
def _peer_comparison(db_path: str, today: date, kept_version: tuple,
                     collaborative: Collaborative, assessment_round: Round, early_stages: tuple,
                     group: PeerGroup, scope: tuple) -> PeerComparison:
    return app_store().peer_comparison(collaborative, assessment_round, early_stages, group,
                                       today=today)


def cached_peer_comparison(collaborative: Collaborative, assessment_round: Round,
                           early_stages: tuple,
                           group: PeerGroup = PeerGroup.ALL) -> PeerComparison:
    """Peer figures: they come from a snapshot taken once a day (anonymity.py), so they are
    worked out again at most once a day (or after a restore)."""
    store = app_store()
    return _peer_comparison(str(store.path), date.today(), store.kept_version(), collaborative,
                            assessment_round, early_stages, group, store.caller.scope_key())


@st.cache_data(max_entries=64, show_spinner="Gathering the benchmark…")
def _benchmark_view(db_path: str, kept_version: tuple, selection: RoundFilter,
                    bank_version: int, scope: tuple) -> BenchmarkView:
    return benchmark_view(app_store(), selection, current_bank())


def cached_benchmark_view(selection: RoundFilter) -> BenchmarkView:
    """The Benchmark page's figures, worked out again only when a round is submitted or reopened."""
    store = app_store()
    return _benchmark_view(str(store.path), store.kept_version(), selection,
                           current_bank().version, store.caller.scope_key())


def chosen(name: str) -> int | None:
    """A choice from the address bar, else from the session.

    The address wins: every choice is written to both, so they differ only when the browser's Back
    or Forward button has put an earlier address back (Streamlit reruns the page with it), and
    then the earlier place is the one the person asked for."""
    raw = st.query_params.get(CHOICES[name])
    if raw is not None and str(raw).isdigit():
        st.session_state[name] = int(raw)
    return st.session_state.get(name)


def choose(name: str, value: int | None) -> None:
    st.session_state[name] = value
    if value is None:
        st.query_params.pop(CHOICES[name], None)
    else:
        st.query_params[CHOICES[name]] = str(value)


def choose_collaborative(collaborative_id: int | None) -> None:
    """Switch collaborative; the round, respondent and place in the walk belong to the old one."""
    if collaborative_id != chosen("collaborative_id"):
        choose_respondent(None)
        for name in ("round_id", "area_index", "workshop_id"):
            choose(name, None)
    choose("collaborative_id", collaborative_id)


def keep_choices_in_address_bar(*, with_resume_code: bool = False) -> None:
    """Page switches clear the address bar's parameters; put the session's choices back.

    The resume code goes only into the address of the Self-assessment page, which only its owner
    sees: every other page's address can be copied and shared without handing over anyone's
    answers (with_resume_code=False also takes a pasted code out of the address)."""
    for name, param in CHOICES.items():
        value = chosen(name)
        if value is not None and st.query_params.get(param) != str(value):
            st.query_params[param] = str(value)
    code = st.session_state.get(RESPONDENT_CODE)
    if not with_resume_code:
        st.query_params.pop(RESPONDENT_PARAM, None)
    elif code and st.query_params.get(RESPONDENT_PARAM) != code:
        st.query_params[RESPONDENT_PARAM] = code


def choose_respondent(respondent: Respondent | None) -> None:
    st.session_state["respondent_id"] = respondent.id if respondent else None
    st.session_state[RESPONDENT_CODE] = respondent.resume_code if respondent else None
    if respondent is None:
        st.query_params.pop(RESPONDENT_PARAM, None)
    else:
        st.query_params.pop(INVITATION_PARAM, None)  # the resume code is the key from now on
        st.query_params[RESPONDENT_PARAM] = respondent.resume_code


def resume_as(store: Store, respondent: Respondent) -> None:
    """Take the person back to their own answers, in whichever collaborative and round they are."""
    assessment_round = store.get_round(respondent.round_id)
    choose_collaborative(assessment_round.collaborative_id)
    choose("round_id", assessment_round.id)
    choose("area_index", None)
    choose_respondent(respondent)


def accept_invitation(store: ScopedStore) -> None:
    """An invitation link opens its round for joining. The token stays in the address until the
    person joins (a refresh keeps the invitation; the link was meant to be shared anyway)."""
    token = st.query_params.get(INVITATION_PARAM)
    if not token or st.session_state.get(INVITATION_KEY) == str(token):
        return
    try:
        invited = store.find_invited_round(str(token))
    except NotFoundError as error:
        st.query_params.pop(INVITATION_PARAM, None)
        flash("warning", str(error))
        return
    st.session_state[INVITATION_KEY] = str(token)
    if chosen("round_id") != invited.id:
        choose_collaborative(invited.collaborative_id)
        choose("round_id", invited.id)


def resume_from_address(store: Store) -> None:
    """A resume code in the address (its owner's bookmark, or a refresh) brings its owner back."""
    code = st.query_params.get(RESPONDENT_PARAM)
    if not code or normalise_resume_code(str(code)) == st.session_state.get(RESPONDENT_CODE):
        return
    st.query_params.pop(RESPONDENT_PARAM, None)
    if resume_attempts.wait_needed(*browser_and_address()) > 0:
        flash("warning", "Too many wrong codes from this browser, so the code in that address "
              "was not tried. Wait a minute, then type it below.")
        return
    try:
        respondent = store.find_respondent(str(code))
    except CodeExpired as expired:
        st.info(str(expired), icon=":material/lock:")  # shown now: the page may stop next
        return
    except NotFoundError as error:
        resume_attempts.failed(*browser_and_address())
        flash("warning", f"{error} No answers were opened.")
        return
    resume_attempts.succeeded(browser_and_address()[0])
    resume_as(store, respondent)


def current_respondent(store: Store, round_id: int) -> Respondent | None:
    """The person answering in this round, if this session has one."""
    respondent_id = st.session_state.get("respondent_id")
    if respondent_id is None:
        return None
    try:
        respondent = store.get_respondent(respondent_id)
    except NotFoundError:
        choose_respondent(None)
        return None
    return respondent if respondent.round_id == round_id else None


def current_collaborative(store: Store) -> Collaborative | None:
    collaborative_id = chosen("collaborative_id")
    if collaborative_id is None:
        return None
    try:
        return store.get_collaborative(collaborative_id)
    except AccessDenied:
        choose_collaborative(None)
        st.warning("The collaborative chosen in this link or browser tab is not one your role "
                   "lets you see. Choose one on Start.", icon=":material/block:")
        return None
    except NotFoundError:
        choose_collaborative(None)
        st.warning("The collaborative chosen in this link or browser tab is not in the database "
                   "(it may have been removed, or an earlier backup restored). Choose one on "
                   "Start.", icon=":material/link_off:")
        return None


def require_collaborative(store: Store) -> Collaborative:
    """The chosen collaborative, or a pointer to the Start page and the end of this run."""
    collaborative = current_collaborative(store)
    if collaborative is None:
        st.info("Choose or create a collaborative first." if store.caller.is_admin
                else "Choose a collaborative first.", icon=":material/arrow_back:")
        link_to(START_PAGE, label="Go to Start", icon=":material/home:")
        st.stop()
    return collaborative


def current_round(store: Store, collaborative: Collaborative, rounds: pd.DataFrame) -> Round | None:
    """The chosen round if it belongs to this collaborative, else its newest open round, else its
    newest round."""
    if rounds.empty:
        return None
    round_id = chosen("round_id")
    if round_id not in set(rounds["id"]):
        open_rounds = rounds[rounds["status"] == "open"]
        round_id = int((open_rounds if not open_rounds.empty else rounds)["id"].iloc[0])
        choose("round_id", round_id)
    return store.get_round(round_id)


def round_picker(store: Store, collaborative: Collaborative, rounds: pd.DataFrame,
                 label: str = "Assessment round") -> Round | None:
    """A select box of the collaborative's rounds (newest first), defaulting to the current one."""
    selected = current_round(store, collaborative, rounds)
    if selected is None:
        return None
    options = rounds["id"].tolist()
    names = {
        row.id: f"{row.label} ({'open' if row.status == 'open' else 'closed'})"
        for row in rounds.itertuples()
    }
    picked = st.selectbox(
        label,
        options,
        index=options.index(selected.id),
        format_func=names.get,
        help="Each round is one sitting of the assessment. Earlier rounds stay as they were.",
    )
    if picked != selected.id:
        choose("round_id", picked)
        choose_respondent(None)
        choose("area_index", None)
        selected = store.get_round(picked)
    return selected


def actor() -> str:
    """Who is making a change, for the record: in shared mode the signed-in address; in local
    mode the name they gave, if any."""
    email = signed_in_email() if deployment().mode is Mode.SHARED else None
    return email or st.session_state.get("actor_name") or ANONYMOUS_USER


def browser_and_address() -> tuple[str, str | None]:
    """This browser session and its network address, for slowing down repeated wrong codes."""
    context = get_script_run_ctx()
    address = st.context.ip_address
    return (context.session_id if context else "unknown",
            address if isinstance(address, str) and address else None)


def link_to(page: str, **link) -> None:
    """A link to another page, left out when this person's navigation does not offer that page
    (their role may not use it), instead of failing."""
    try:
        st.page_link(page, **link)
    except StreamlitAPIException:
        pass


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
