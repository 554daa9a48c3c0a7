"""The Benchmark page's figures, each cached apart by (database, data version, selection, the
caller's scope), so a rerun that changes nothing about the selection works out nothing again, and
a re-order or a new page of the heatmap reuses the selection's figures. The Excel workbook and the
slides are built only when their download button is pressed (deferred downloads), and kept."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
import streamlit as st

from collab_assess.benchmark import view as bench
from collab_assess.benchmark.exports import Stamp, benchmark_excel, stamp_for
from collab_assess.store import RoundFilter
from pages.widgets.store_access import app_store, current_bank


@dataclass(frozen=True)
class Key:
    """What every cached figure depends on: which database, as of which submitted rounds, which
    selection, seen by whom (callers with the same scope share figures)."""

    db_path: str
    kept_version: tuple
    selection: RoundFilter
    bank_version: int
    scope: tuple


def key_for(selection: RoundFilter) -> Key:
    store = app_store()
    return Key(str(store.path), store.kept_version(), selection, current_bank().version,
               store.caller.scope_key())


@st.cache_data(max_entries=64, show_spinner="Gathering the collaboratives…")
def core(key: Key) -> bench.BenchmarkCore:
    return bench.benchmark_core(app_store(), key.selection, current_bank())


@st.cache_data(max_entries=64, show_spinner=False)
def groups(key: Key, by: str) -> pd.DataFrame:
    return bench.group_summary(app_store(), core(key), by)


@st.cache_data(max_entries=64, show_spinner=False)
def selected(key: Key) -> pd.DataFrame:
    return bench.selection_summary(app_store(), core(key))


@st.cache_data(max_entries=64, show_spinner=False)
def england(key: Key, today: date) -> bench.England:
    return bench.england_summary(app_store(), core(key), today)


@st.cache_data(max_entries=64, show_spinner=False)
def stage_shares(key: Key) -> pd.DataFrame:
    return bench.stage_shares(app_store(), key.selection)


@st.cache_data(max_entries=64, show_spinner=False)
def trends(key: Key) -> pd.DataFrame:
    return bench.trends(app_store(), core(key))


@st.cache_data(max_entries=64, show_spinner=False)
def moves(key: Key) -> pd.DataFrame:
    return bench.stage_moves(app_store(), key.selection)


class _Kept:
    """A few built downloads, by key: a deferred download runs on its own thread, outside the
    page's run, so it cannot use st.cache_data; this small store stands in for it."""

    def __init__(self, size: int = 16) -> None:
        self._built: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size
        self.builds = 0
        """How many were built (not found): for tests."""

    def get(self, key: tuple, build: Callable[[], bytes]) -> bytes:
        with self._lock:
            if key in self._built:
                self._built.move_to_end(key)
                return self._built[key]
        made = build()
        with self._lock:
            self.builds += 1
            self._built[key] = made
            while len(self._built) > self._size:
                self._built.popitem(last=False)
        return made


KEPT = _Kept()


def stamp(key: Key, collaboratives: int) -> Stamp:
    return stamp_for(collaboratives, key.selection, made_at=datetime.now(),
                     scope=app_store().scope_in_words())


def workbook_later(key: Key, made: Stamp) -> Callable[[], bytes]:
    """The Excel workbook of every table, built when its button is pressed (on the download's own
    thread, through this session's scoped store), then kept for this selection and data
    version."""
    store, bank = app_store(), current_bank()

    def build() -> bytes:
        return benchmark_excel(bench.benchmark_view(store, key.selection, bank), made)

    return lambda: KEPT.get(("workbook", key), build)


def later(name: str, key: Key, build: Callable[[], bytes]) -> Callable[[], bytes]:
    """Any other download (a slide), built when its button is pressed, then kept."""
    return lambda: KEPT.get((name, key), build)
