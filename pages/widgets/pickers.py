"""Choosing the collaborative and round a page is about."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collab_assess.access.scoped_store import AccessDenied, ScopedStore
from collab_assess.errors import (
    NotFoundError,
)
from collab_assess.store import (
    Collaborative,
    Round,
)
from collab_assess.store.view import StoreView
from pages.widgets.address_bar import choose, choose_collaborative, choose_respondent, chosen
from pages.widgets.page_paths import START_PAGE, link_to


def current_collaborative(store: StoreView) -> Collaborative | None:
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


def require_collaborative(store: ScopedStore) -> Collaborative:
    """The chosen collaborative, or a pointer to the Start page and the end of this run."""
    collaborative = current_collaborative(store)
    if collaborative is None:
        st.info("Choose or create a collaborative first." if store.caller.is_admin
                else "Choose a collaborative first.", icon=":material/arrow_back:")
        link_to(START_PAGE, label="Go to Start", icon=":material/home:")
        st.stop()
    return collaborative


def current_round(store: StoreView, collaborative: Collaborative,
                  rounds: pd.DataFrame) -> Round | None:
    """The chosen round if it belongs to this collaborative, else its newest open round, else its
    newest round."""
    if rounds.empty:
        return None
    round_id = chosen("round_id")
    if round_id is None or round_id not in set(rounds["id"]):
        open_rounds = rounds[rounds["status"] == "open"]
        round_id = int((open_rounds if not open_rounds.empty else rounds)["id"].iloc[0])
        choose("round_id", round_id)
    return store.get_round(round_id)


def round_picker(store: StoreView, collaborative: Collaborative, rounds: pd.DataFrame,
                 label: str = "Assessment round") -> Round:
    """A select box of the collaborative's rounds (newest first), defaulting to the current one.
    Pages call it once they know the collaborative has a round."""
    selected = current_round(store, collaborative, rounds)
    if selected is None:
        raise ValueError("There is no round to choose from.")  # rounds was empty
    options = rounds["id"].tolist()
    names = {
        row.id: f"{row.label} ({'open' if row.status == 'open' else 'closed'})"
        for row in rounds.itertuples()
    }
    picked = st.selectbox(
        label,
        options,
        index=options.index(selected.id),
        format_func=lambda round_id: names[round_id],
        help="Each round is one sitting of the assessment. Earlier rounds stay as they were.",
    )
    if picked != selected.id:
        choose("round_id", picked)
        choose_respondent(None)
        choose("area_index", None)
        selected = store.get_round(picked)
    return selected
