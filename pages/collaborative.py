"""Collaborative: its profile, its member organisations and its assessment rounds."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from collab_assess.content.reference import ORGANISATION_TYPES
from collab_assess.operations.setup import default_round_label, icss_outside_region
from collab_assess.store.inputs import (
    LABEL_MAX,
    NAME_MAX,
    CollaborativeProfile,
    MemberInput,
    RoundInput,
    validated,
)
from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.downloads import show_data_exchange
from pages.widgets.glossary import show_glossary_link
from pages.widgets.invitation import show_invitation, show_round_progress
from pages.widgets.messages import (
    flash,
    form_key,
    save_and_rerun,
    show_demo_warning,
    show_flash,
    show_sidebar,
)
from pages.widgets.page_paths import SELF_ASSESSMENT_PAGE, link_to
from pages.widgets.pickers import require_collaborative, round_picker
from pages.widgets.profile_form import profile_fields, show_icbs_by_round
from pages.widgets.signed_in import actor
from pages.widgets.store_access import app_store, current_bank

store = app_store()
bank = current_bank()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)

st.title(as_text(collaborative.name))
show_demo_warning(collaborative)
show_flash()


# A key makes the tabs remember which one was open when a save reruns the page.
profile_tab, members_tab, rounds_tab, invite_tab, data_tab = st.tabs(
    ["Profile", "Member organisations", "Assessment rounds", "Invite and track", "Data in and out"],
    key=f"collaborative-tabs-{collaborative.id}",
)

with profile_tab:
    show_glossary_link()
    with st.form("edit-profile"):
        values = profile_fields(collaborative.profile(), key=f"edit-{collaborative.id}")
        submitted = st.form_submit_button("Save profile", type="primary")
    if submitted:
        def save_profile() -> None:
            profile = validated(CollaborativeProfile, **values)
            store.update_collaborative(collaborative.id, profile, actor())
            for ics in icss_outside_region(profile):
                flash("info", f"{as_text(ics)} lies outside the {as_text(profile.region)} region.")

        save_and_rerun(save_profile, "Profile saved. Earlier versions are kept in its history.")
    show_icbs_by_round(collaborative.icss, store.rounds(collaborative.id))

with members_tab:
    members = store.members(collaborative.id)
    if members.empty:
        st.info("No member organisations recorded yet.")
    else:
        st.dataframe(
            members[["organisation", "organisation_type"]],
            hide_index=True,
            column_config={"organisation": "Organisation", "organisation_type": "Type"},
        )
    with st.form("add-member"):
        st.markdown("**Add a member organisation**")
        organisation = st.text_input(
            "Organisation name", key=form_key("member", "name"), max_chars=NAME_MAX,
            help=f"The organisation's full name, up to {NAME_MAX} characters. Members can be any "
            "kind of organisation, not only NHS trusts.",
        )
        organisation_type = st.selectbox("Organisation type", ORGANISATION_TYPES,
                                         key=form_key("member", "type"))
        add = st.form_submit_button("Add member")
    if add:
        save_and_rerun(
            lambda: store.add_member(
                collaborative.id,
                validated(MemberInput, organisation=organisation,
                          organisation_type=organisation_type),
                actor(),
            ),
            f"Added {as_text(organisation.strip())}.",
            empty_form="member",
        )
    if not members.empty:
        with st.expander("Record that a member has left"):
            member_names = dict(zip(members["id"], members["organisation"], strict=True))
            leaving = st.selectbox(
                "Member organisation", members["id"].tolist(),
                format_func=lambda member_id: member_names[member_id],
            )
            if st.button("Mark as left"):  # the names in the box are shown as plain text
                save_and_rerun(lambda: store.remove_member(leaving, actor()),
                       "Recorded. The organisation's past membership stays on record.")

with rounds_tab:
    rounds = store.rounds(collaborative.id)
    if rounds.empty:
        st.info("No assessment rounds yet. Open one below to start the self-assessment.")
    else:
        shown = rounds.assign(
            opens_on=rounds["opens_on"].map(lambda d: f"{d:%d/%m/%Y}"),
            closes_on=rounds["closes_on"].map(
                lambda d: f"{d:%d/%m/%Y}" if pd.notna(d) else "not set"),
        )
        st.dataframe(
            shown[["label", "opens_on", "closes_on", "status", "respondents", "bank_version"]],
            hide_index=True,
            column_config={
                "label": "Round",
                "opens_on": "Opens",
                "closes_on": "Closes",
                "status": "Status",
                "respondents": st.column_config.NumberColumn("People taking part"),
                "bank_version": st.column_config.NumberColumn(
                    "Question bank version",
                    help="Each round keeps the questions it was opened with, even when the bank "
                    "is updated later.",
                ),
            },
        )
        link_to(SELF_ASSESSMENT_PAGE, label="Go to the self-assessment",
                     icon=":material/arrow_forward:")
        names = dict(zip(rounds["id"], rounds["label"], strict=True))
        statuses = dict(zip(rounds["id"], rounds["status"], strict=True))
        if (rounds["status"] == "open").sum() > 1:
            st.info("More than one round is open. People joining the self-assessment are sent to "
                    "the newest; close rounds you have finished with.", icon=":material/info:")
        with st.expander("Submit (close) or reopen a round"):
            picked = st.selectbox("Round", rounds["id"].tolist(),
                                  format_func=lambda round_id: names[round_id],
                                  key="round-to-change")
            if statuses[picked] == "open":
                st.caption("Submitting closes the round: every answer is kept but nobody can "
                           "change them, and its scores then count in peer figures and "
                           "benchmarks. You can reopen it later.")
                if st.button("Submit and close this round"):
                    save_and_rerun(lambda: store.close_round(picked, actor()),
                                   f"Submitted and closed {as_text(names[picked])}.")
            elif st.button("Reopen this round", help="It leaves peer figures and benchmarks "
                           "until it is submitted again."):
                save_and_rerun(lambda: store.reopen_round(picked, actor()),
                               f"Reopened {as_text(names[picked])}.")

    with st.form("open-round"):
        st.markdown("**Open a new round**")
        suggestion = default_round_label(date.today())
        label = st.text_input(
            "Round name",
            key=form_key("round", "label"),
            max_chars=LABEL_MAX,
            value="" if suggestion in set(rounds["label"]) else suggestion,
            placeholder="e.g. Board workshop March 2027",
            help=f"For example 'Board workshop March 2027' or 'Annual review 2027' (up to "
            f"{LABEL_MAX} characters).",
        )
        opens_on = st.date_input("Opening date", value=date.today(), format="DD/MM/YYYY",
                                 key=form_key("round", "opens"))
        closes_on = st.date_input("Closing date (optional)", value=None, format="DD/MM/YYYY",
                                  key=form_key("round", "closes"))
        st.caption(f"New rounds ask the statements of question bank version {bank.version}.")
        open_it = st.form_submit_button("Open round", type="primary")
    if open_it:
        save_and_rerun(
            lambda: store.open_round(
                collaborative.id,
                validated(RoundInput, label=label, opens_on=opens_on, closes_on=closes_on),
                bank,
                actor(),
            ),
            f"Opened {as_text(label.strip())}.",
            empty_form="round",
        )

with invite_tab:
    rounds = store.rounds(collaborative.id)
    if rounds.empty:
        st.info("Open an assessment round first; then invite people to it here.")
    else:
        invited_round = round_picker(store, collaborative, rounds,
                                     label="Round to invite people to")
        show_invitation(store, collaborative, invited_round)
        show_round_progress(store, invited_round)

with data_tab:
    show_data_exchange(store, collaborative)
