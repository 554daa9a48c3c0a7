"""The Benchmark page's filters and choices, offering only values that submitted rounds have (of
collaboratives this caller may read), and kept in the address bar, so a refresh keeps the view and
a copied link opens it (for another person, only within their own access: values they are not
offered are dropped)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st

from collab_assess.benchmark.view import period_label
from collab_assess.store import RoundFilter
from collab_assess.store.view import StoreView

FILTERS = {"region": "bench_regions", "ics": "bench_icss", "type": "bench_types",
           "model": "bench_models", "year": "bench_years"}
"""Address parameter -> session key of each filter (each may hold several values)."""
CHOICES = {"rows": "bench_rows", "order": "bench_order", "page": "bench_page",
           "a": "bench_first", "b": "bench_second"}
"""Address parameter -> session key of the page's other choices (one value each)."""
SENT = "bench_address_sent"
"""What this session last wrote to the address, so a changed address (a pasted link, Back) wins."""


def _address() -> dict[str, list[str]]:
    return {param: list(st.query_params.get_all(param)) for param in [*FILTERS, *CHOICES]}


def _take_from_address(options: Mapping[str, Sequence]) -> None:
    """Put the address's values into the widgets' session keys when the address holds something
    this session did not write (a copied link, a bookmark, the Back button). When the address
    holds none of them, a page switch has cleared it: the session's choices stay (and are written
    back)."""
    address = _address()
    sent = st.session_state.setdefault(SENT, {})
    if not any(address.values()) and any(key in st.session_state for key in FILTERS.values()):
        return
    for param, key in FILTERS.items():
        if key not in st.session_state or address[param] != sent.get(param, []):
            offered = {str(value): value for value in options[param]}
            st.session_state[key] = [offered[v] for v in address[param] if v in offered]
    for param, key in CHOICES.items():
        if address[param] != sent.get(param, []):
            if address[param]:
                st.session_state[key] = address[param][0]
            else:
                st.session_state.pop(key, None)


def keep_in_address() -> None:
    """Write every filter and choice to the address (call after the last of them is drawn)."""
    sent = st.session_state.setdefault(SENT, {})
    for param, key in [*FILTERS.items(), *CHOICES.items()]:
        value = st.session_state.get(key)
        values = ([str(v) for v in value] if isinstance(value, list | tuple)
                  else [] if value is None else [str(value)])
        if list(st.query_params.get_all(param)) != values:
            if values:
                st.query_params[param] = values
            else:
                st.query_params.pop(param, None)
        sent[param] = values


def forget_choices() -> None:
    """A new selection: the heatmap's grouping, page and the pair compared start again."""
    for key in CHOICES.values():
        if key != CHOICES["order"]:
            st.session_state.pop(key, None)


def choose(param: str, value: object | None) -> None:
    """Set one of the page's choices (not a filter) from code, e.g. after a click."""
    if value is None:
        st.session_state.pop(CHOICES[param], None)
    else:
        st.session_state[CHOICES[param]] = str(value)


def chosen(param: str) -> str | None:
    value = st.session_state.get(CHOICES[param])
    return None if value is None else str(value)


def narrow_to(param: str, value: str) -> None:
    """Filter to one region or ICS (a click on its heatmap row), keeping the other filters."""
    st.session_state[FILTERS[param]] = [value]
    forget_choices()


def show_filters(store: StoreView) -> RoundFilter:
    choices = store.benchmark_choices()

    def values(column: str) -> list:
        return sorted(value for value in choices[column].dropna().unique())

    icss = sorted({ics for listed in choices["icss"]
                   for ics in (listed if listed is not None else [])})
    options = {"region": values("region"), "ics": icss, "type": values("collaborative_type"),
               "model": values("governance_model"),
               "year": [int(p) for p in values("period_start")]}
    _take_from_address(options)
    for param, key in FILTERS.items():  # a value this person is no longer offered
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in options[param]]
    with st.container(border=True):
        first, second = st.columns(2)
        regions = first.multiselect("NHS England region", options["region"],
                                    placeholder="All regions", key=FILTERS["region"],
                                    on_change=forget_choices)
        chosen_icss = second.multiselect(
            "Integrated care system (ICS)", options["ics"], placeholder="All ICSs",
            key=FILTERS["ics"], on_change=forget_choices,
            help="Collaboratives working across any of the chosen ICSs.")
        types = first.multiselect("Type of collaborative", options["type"],
                                  placeholder="All types", key=FILTERS["type"],
                                  on_change=forget_choices)
        models = second.multiselect("Governance model", options["model"],
                                    placeholder="All models", key=FILTERS["model"],
                                    on_change=forget_choices)
        periods = first.multiselect(
            "Period (NHS financial year)", options["year"], format_func=period_label,
            placeholder="Any year", key=FILTERS["year"], on_change=forget_choices,
            help="Each collaborative's latest round submitted in these years. Trends always "
                 "show every year.")
        second.caption("These filters, and the choices below, are kept in the page's address: "
                       "copy it to share or bookmark this view (someone else sees only what "
                       "their own role covers).")
    return RoundFilter(regions=tuple(regions), icss=tuple(chosen_icss),
                       collaborative_types=tuple(types), governance_models=tuple(models),
                       periods=tuple(int(p) for p in periods))
