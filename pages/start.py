"""Start: what the tool is, choose or create a collaborative, and where the demo data comes from."""

from __future__ import annotations

from datetime import date

import streamlit as st

from collab_assess.errors import CollabAssessError
from collab_assess.operations.setup import set_up_collaborative
from collab_assess.store.inputs import NAME_MAX, ActorInput, validated
from collab_assess.text import as_text
from pages.widgets.address_bar import (
    choose,
    choose_collaborative,
    chosen,
    keep_choices_in_address_bar,
)
from pages.widgets.glossary import show_glossary_link
from pages.widgets.messages import flash, show_flash, show_sidebar
from pages.widgets.page_paths import (
    BENCHMARK_PAGE,
    COLLABORATIVE_PAGE,
    RESULTS_PAGE,
    SELF_ASSESSMENT_PAGE,
    WORKSHOP_PAGE,
    link_to,
)
from pages.widgets.pickers import current_collaborative
from pages.widgets.profile_form import profile_fields
from pages.widgets.resume import show_resume_form
from pages.widgets.signed_in import actor
from pages.widgets.store_access import app_store, current_bank

store = app_store()
bank = current_bank()
keep_choices_in_address_bar()
collaboratives = store.collaboratives()
if chosen("collaborative_id") is None and len(collaboratives) == 1 and not store.caller.is_admin:
    choose_collaborative(int(collaboratives["id"].iloc[0]))  # a lead's one: nothing to choose
show_sidebar(current_collaborative(store))

st.title("How mature is your provider collaborative?")
st.markdown(
    "collab-assess helps the boards and leaders of a provider collaborative see how well it "
    "does what it was set up to do: agree a common purpose, deliver joint programmes and "
    "govern itself lawfully and well. People from every member organisation rate "
    f"**{len(bank.statements)} statements** in **{len(bank.areas)} areas** (NHS England's six core "
    "capabilities and five enablers"
    + (", and the governance basics of a lawful, well-governed vehicle" if len(bank.areas) > 11
       else "")
    + "), each with what to look for, and see where to go next. Anonymous peers, and a 2022 "
    "survey of collaborative leaders, give context."
)
show_flash()

real = collaboratives[~collaboratives["is_demo"]]
demo = collaboratives[collaboratives["is_demo"]]

choose_column, create_column = st.columns(2, gap="large")

with choose_column:
    st.header("Choose your collaborative")
    options = collaboratives["id"].tolist()
    labels = {
        row.id: f"{row.name}" + ("  (synthetic demo)" if row.is_demo else "")
        for row in collaboratives.itertuples()
    }
    current = current_collaborative(store)
    picked = st.selectbox(
        "Collaborative",
        options,
        index=options.index(current.id) if current else None,
        format_func=lambda option: labels[option],
        placeholder="Type to search",
        help="Your own collaboratives are listed first; synthetic demo peers follow.",
    )
    if picked is not None and (current is None or picked != current.id):
        choose_collaborative(picked)
        st.rerun()
    if current is not None:
        st.markdown(f"You are working on **{as_text(current.name)}**. Next:")
        # Each link shows only if this person's role offers its page.
        link_to(COLLABORATIVE_PAGE, label="Invite people, and see its profile and rounds",
                icon=":material/groups:")
        link_to(SELF_ASSESSMENT_PAGE, label="Start or resume the self-assessment",
                icon=":material/arrow_forward:")
        link_to(WORKSHOP_PAGE, label="Run a board workshop", icon=":material/co_present:")
        link_to(RESULTS_PAGE, label="See its results", icon=":material/bar_chart:")
        link_to(BENCHMARK_PAGE, label="Compare collaboratives side by side",
                icon=":material/compare:")

with create_column, (
    st.expander("Set up another collaborative") if current and store.caller.is_admin
    else st.container()
):
    if not store.caller.is_admin:
        if current is None:
            st.caption("New collaboratives are set up by an administrator. Ask yours if you "
                       "need one added.")
    else:
        if current is None:
            st.header("Set up a new collaborative")
        with st.form("create-collaborative", clear_on_submit=False, border=current is None):
            values = profile_fields(None, key="create")
            open_first_round = st.checkbox(
                "Open a first assessment round now",
                value=True,
                help="A round is one sitting of the assessment. You can open more later, e.g. "
                "yearly.",
            )
            your_name = "" if store.caller.signed_in else st.text_input(
                "Your name (optional)",
                max_chars=NAME_MAX,
                help=f"Recorded beside what you set up, so others know who to ask (up to "
                f"{NAME_MAX} characters). Leave it blank to stay anonymous.",
            )  # signed in, the record names them by their address
            submitted = st.form_submit_button("Create collaborative", type="primary")
        if submitted:
            try:
                named = validated(ActorInput, display_name=your_name).display_name
                # set_up_collaborative (collab_assess/operations) is typed for the whole Store;
                # the ScopedStore stands in for it, passing create_collaborative and open_round
                # through its checks (this form is for administrators only).
                result = set_up_collaborative(
                    store, bank, values, open_first_round=open_first_round,  # type: ignore[arg-type]
                    created_by=named or actor(), today=date.today(),
                )
            except CollabAssessError as error:
                st.error(as_text(error), icon=":material/error:")
            else:
                if named:
                    st.session_state["actor_name"] = named
                choose_collaborative(result.collaborative_id)
                choose("round_id", result.round_id)
                flash("success", result.summary)
                st.rerun()

st.subheader("Coming back to your own answers?")
st.markdown("Type the resume code you were given when you started: it opens your answers, in "
            "whichever collaborative and round you gave them.")
show_resume_form(store, key="start-resume")
show_glossary_link()
st.divider()
with st.expander("Where do the peers come from?", expanded=real.empty):
    if not store.caller.is_admin:
        st.markdown("Peers are the other collaboratives using this service. You see them only as "
                    "anonymous figures, and only once enough of them have submitted a round that "
                    "no single one can be picked out. Synthetic demo peers, made up for trying "
                    "the tool, are counted and labelled as such.")
    elif demo.empty:
        st.markdown("There are no demo peers in this database. An administrator can load the "
                    "synthetic ones with `collab-assess demo`.")
    else:
        st.markdown(
            f"This database holds **{len(demo)} synthetic demo collaboratives**. They are made up "
            "by a generator so you can see how comparisons work before real peers join; about 70% "
            "of them sit at an early stage, matching the November 2022 survey of collaborative "
            "leaders. They are "
            "labelled *synthetic* wherever they appear and can be removed with one command: "
            "`collab-assess remove-demo`."
        )
