"""Join a workshop: a participant's page, made for a phone. No account, no name."""

from __future__ import annotations

import streamlit as st

from pages.widgets.messages import show_flash
from pages.widgets.store_access import app_store
from pages.widgets.workshop_participant import (
    current_participant,
    follow_facilitator,
    show_join_form,
    show_participant_view,
)

store = app_store()
seat = current_participant(store)
if seat is None:
    st.title("Join a workshop")
    show_flash()
    st.markdown("Type the code on the big screen. Nobody in the room, the facilitator "
                "included, sees who voted what. If you took part in the self-assessment, add "
                "your resume code so that you are counted once.")
    show_join_form(store)
    st.stop()

me, workshop = seat
show_flash()
if not me.is_seat:
    st.success("You joined with your resume code: your votes update your own self-assessment "
               "answers, and you are counted once.", icon=":material/how_to_reg:")
show_participant_view(store, workshop, me,
                      store.bank(store.get_round(workshop.round_id).bank_version))
if me.is_seat:
    st.caption("Keep this page open. Its address is your seat: reopen it to carry on with your "
               "votes.")
else:
    st.caption("Keep this page open, and keep its address private: it holds your resume code, "
               "which opens your own answers.")
follow_facilitator(workshop, me.resume_code)
