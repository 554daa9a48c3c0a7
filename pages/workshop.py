"""Run a workshop: the facilitator's screen, made to be shown on a projector."""

from __future__ import annotations

import streamlit as st

from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import show_demo_warning, show_flash, show_sidebar
from pages.widgets.pickers import require_collaborative
from pages.widgets.store_access import app_store
from pages.widgets.workshop_facilitator import (
    PRESENTER_STYLE,
    SHORTCUTS_IN_WORDS,
    current_workshop,
    show_agreement,
    show_controls,
    show_end,
    show_join_panel,
    show_join_strip,
    show_levels,
    show_live_results,
    show_setup,
    show_statement,
)

store = app_store()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)
workshop = current_workshop(store, collaborative)

if workshop is None:
    st.title("Run a board workshop")
    st.markdown(
        "Everyone votes on each statement from their own phone or laptop, anonymously. You open "
        "and close voting, reveal the spread when everyone has voted, and record the level the "
        "room agrees and any actions. Votes count as answers in the round, so the Results page "
        "includes the workshop."
    )
    show_demo_warning(collaborative)
    show_flash()
    show_setup(store, collaborative, store.bank)
    st.stop()

def presenter_toggle() -> bool:
    return st.toggle("Presenter view", key="present", bind="query-params",
                     help="A slide for the projector: large type, no sidebar, the statement and "
                     "the room's votes on one screen. Turn it off to get the sidebar back.")


bank = store.bank(store.get_round(workshop.round_id).bank_version)
joined, _ = store.workshop_room(workshop.id)
# The toggle's own state once drawn (AppTest and a click agree), the address before that.
presenting = st.session_state.get("present",
                                  str(st.query_params.get("present", "")).lower() == "true")
if not presenting:
    presenter_toggle()
    st.title(as_text(workshop.title), anchor=False)
    show_flash()
    show_join_panel(workshop)
    show_statement(workshop, bank)
    show_controls(store, workshop)
    show_live_results(store, workshop)
else:
    st.html(PRESENTER_STYLE)
    heading, strip = st.columns([2, 3], vertical_alignment="center")
    heading.title(as_text(workshop.title), anchor=False)
    if joined:
        with strip:
            show_join_strip(workshop)
    else:
        show_join_panel(workshop)  # nobody in yet: the code and QR code take the screen
    show_flash()
    show_statement(workshop, bank, with_levels=False)
    levels, room = st.columns([3, 2], gap="large")
    with levels:
        show_levels(workshop, bank)
    with room:
        show_live_results(store, workshop, presenting=True)
    show_controls(store, workshop)
    st.caption(SHORTCUTS_IN_WORDS)
    presenter_toggle()
show_agreement(store, workshop)
show_end(store, workshop)
