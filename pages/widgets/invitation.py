"""The lead's tools for a round: an invitation to share (link and QR code), and how far it has
got."""

from __future__ import annotations

import streamlit as st

from collab_assess.access.invitations import invitation_link, qr_code_png
from collab_assess.assessment.participation import THIN_AREA_SHARE, participation_of
from collab_assess.assessment.small_groups import MIN_GROUP_SIZE, OTHER_ROLES
from collab_assess.content.scale import percent_text
from collab_assess.store import Collaborative, Round
from collab_assess.store.view import StoreView
from collab_assess.text import as_text
from pages.widgets.reachable import links_base

TABLE_ROW = 35
"""Pixels per row of a table on screen (Streamlit's default row height)."""


def show_invitation(store: StoreView, collaborative: Collaborative,
                    assessment_round: Round) -> None:
    st.subheader("Invite people")
    if not assessment_round.is_open:
        st.info("This round is closed, so nobody new can join it. Reopen it on the Assessment "
                "rounds tab, or open a new round.", icon=":material/lock:")
        return
    link = invitation_link(links_base().base, store.invite_token(assessment_round.id))
    st.markdown(f"Send this link to everyone who should answer in "
                f"**{as_text(assessment_round.label)}**. It opens the start of the "
                "self-assessment and carries nobody's answers, so it is safe to email or show "
                "on a slide. Each person gets their own resume code when they start.")
    st.code(link, language=None, wrap_lines=True)
    picture, words = st.columns([1, 2])
    qr_png = qr_code_png(link)
    picture.image(qr_png, caption="Scan to join this round", width=220)
    words.download_button("Download the QR code (PNG)", qr_png, file_name="invitation-qr.png",
                          mime="image/png", icon=":material/download:")
    words.caption("Do not share the address of your own Self-assessment page: it holds your "
                  "resume code, which opens your answers.")


def show_round_progress(store: StoreView, assessment_round: Round) -> None:
    st.subheader("Progress")
    bank = store.bank(assessment_round.bank_version)
    progress = participation_of(store, assessment_round.id,
                                {area.id: area.name for area in bank.areas})
    people = progress.headcount
    if people.joined == 0 and people.seats == 0:
        st.markdown("Nobody has joined this round yet.")
        return
    st.markdown(f"{as_text(people.in_words())} **{people.finished}** of the self-assessors have "
                "answered every statement. Counts only: nobody is named.")
    if not progress.by_role.empty:
        st.dataframe(
            progress.by_role,
            hide_index=True,
            column_config={
                "role": "Role",
                "took_part": st.column_config.NumberColumn(
                    "Took part", help="Self-assessors who have answered at least one statement."),
                "finished": st.column_config.NumberColumn(
                    "Finished", help="Answered every statement (Don't know counts as an answer)."),
            },
        )
    st.caption(f"A role has a row of its own only when at least {MIN_GROUP_SIZE} of the "
               f"self-assessors who took part have it; smaller roles are counted together as "
               f"“{OTHER_ROLES}”, so no row shows what one or two people have done. People who "
               "voted in a workshop without their resume code are counted in the total, not by "
               "role." + (" Too few people have taken part for any row by role."
                          if progress.by_role.empty and people.self_assessed else ""))
    thin = progress.thin_areas
    if people.self_assessed == 0:
        st.markdown("Nobody has answered in the self-assessment yet, so no area has answers.")
    elif thin:
        st.markdown(f"**{len(thin)} thin area{'s' if len(thin) > 1 else ''}** (fewer than "
                    f"{percent_text(THIN_AREA_SHARE)} of the answers the self-assessors who took "
                    "part could give; results there rest on few answers):\n"
                    + "\n".join(f"- {as_text(area)}" for area in thin))
    else:
        st.markdown("Every area has at least half of its possible answers.")
    areas = progress.areas[["area", "statements", "answered", "possible", "completeness"]]
    st.dataframe(
        areas.assign(completeness=(areas["completeness"] * 100).round()),
        hide_index=True,
        height=TABLE_ROW * (len(areas) + 1) + 3,  # every area, with no scroll inside the table
        column_config={
            "area": "Area",
            "statements": st.column_config.NumberColumn("Statements"),
            "answered": st.column_config.NumberColumn("Answers given"),
            "possible": st.column_config.NumberColumn(
                "Possible answers", help="Statements in the area times the self-assessors who "
                "have taken part."),
            "completeness": st.column_config.ProgressColumn(
                "Share answered", format="%d%%", min_value=0, max_value=100),
        },
    )
