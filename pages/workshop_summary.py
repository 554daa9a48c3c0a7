"""Workshop summary: what each statement's votes were, what the room agreed and why, and the
actions, during the workshop or after it; with a CSV download for the board papers."""

from __future__ import annotations

import streamlit as st

from collab_assess.content.anonymity import MIN_GROUP_SIZE
from collab_assess.text import as_text
from collab_assess.workshop.summary import (
    summary_csv,
    summary_for_screen,
    summary_outcomes,
    workshop_summary,
)
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import show_sidebar
from pages.widgets.page_paths import WORKSHOP_PAGE, link_to
from pages.widgets.pickers import require_collaborative
from pages.widgets.store_access import app_store
from pages.widgets.workshop_facilitator import current_workshop

store = app_store()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)
st.title("Workshop summary")
workshop = current_workshop(store, collaborative)
if workshop is None:
    st.info("Choose a workshop on the Run a workshop page first.", icon=":material/arrow_back:")
    link_to(WORKSHOP_PAGE, label="Run a workshop", icon=":material/co_present:")
    st.stop()

st.markdown(f"**{as_text(workshop.title)}** · now on statement {workshop.position + 1} of "
            f"{len(workshop.statement_ids)}: {workshop.phase.describe.lower()}")
summary = workshop_summary(store, workshop)
st.download_button("Download as CSV", summary_csv(summary), file_name="workshop-summary.csv",
                   mime="text/csv", icon=":material/download:")
st.caption("Votes appear here once the facilitator has revealed them, and only when at least "
           f"{MIN_GROUP_SIZE} people voted; otherwise the row says why there are none.")
outcomes = summary_outcomes(summary)
# st.table wraps long wording to the page's width; its cells are Markdown, so typed text is escaped
st.table(outcomes.map(lambda cell: as_text(cell).replace("  \n", " ")
                      if isinstance(cell, str) else cell), hide_index=True)
with st.expander(f"Votes by level for each of the {len(summary)} statements"):
    st.dataframe(summary_for_screen(summary), hide_index=True)
