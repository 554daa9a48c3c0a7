"""Figures worth keeping between page runs: peer comparisons (a daily snapshot) and the Benchmark
view (changes only when a round is submitted), cached per caller's scope."""

from __future__ import annotations

from datetime import date

import streamlit as st

from collab_assess.benchmark.view import BenchmarkView, benchmark_view
from collab_assess.store import (
    Collaborative,
    Round,
    RoundFilter,
)
from collab_assess.store.peer_comparison import PeerComparison, PeerGroup
from pages.widgets.store_access import app_store, current_bank


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
