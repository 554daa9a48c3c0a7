"""Figures worth keeping between page runs: peer comparisons (a daily snapshot), cached per
caller's scope. The Benchmark page keeps its own figures (benchmark_data.py)."""

from __future__ import annotations

from datetime import date

import streamlit as st

from collab_assess.store import Collaborative, Round
from collab_assess.store.peer_comparison import PeerComparison, PeerGroup
from pages.widgets.store_access import app_store


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
