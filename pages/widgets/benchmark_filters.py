"""The Benchmark page's filters, offering only values that submitted rounds have."""

from __future__ import annotations

import streamlit as st

from collab_assess.benchmark.view import period_label
from collab_assess.store import RoundFilter
from collab_assess.store.view import StoreView


def show_filters(store: StoreView) -> tuple[RoundFilter, str]:
    choices = store.benchmark_choices()

    def values(column: str) -> list:
        return sorted(value for value in choices[column].dropna().unique())

    icss = sorted({ics for listed in choices["icss"]
                   for ics in (listed if listed is not None else [])})
    with st.container(border=True):
        first, second = st.columns(2)
        regions = first.multiselect("NHS England region", values("region"),
                                    placeholder="All regions")
        chosen_icss = second.multiselect(
            "Integrated care system (ICS)", icss, placeholder="All ICSs",
            help="Collaboratives working across any of the chosen ICSs.")
        types = first.multiselect("Type of collaborative", values("collaborative_type"),
                                  placeholder="All types")
        models = second.multiselect("Governance model", values("governance_model"),
                                    placeholder="All models")
        periods = first.multiselect(
            "Period (NHS financial year)", values("period_start"), format_func=period_label,
            placeholder="Any year", help="Each collaborative's latest round submitted in these "
            "years. Trends always show every year.")
        order_by = second.radio("Order rows by", ["collaborative", "region"], horizontal=True,
                                format_func={"collaborative": "Name", "region": "Region"}.get)
    return RoundFilter(regions=tuple(regions), icss=tuple(chosen_icss),
                       collaborative_types=tuple(types), governance_models=tuple(models),
                       periods=tuple(int(p) for p in periods)), order_by
