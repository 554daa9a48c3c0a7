"""The collaborative profile form, shared by the Start page (create) and the Collaborative page
(edit)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from collab_assess.content.reference import (
    COLLABORATIVE_TYPES,
    DECISION_MECHANISMS,
    GOVERNANCE_MODELS,
    ICS_LIST_CORRECT_AT,
    ICSS,
    REGIONS,
    icb_sources,
    icbs_in_words,
)
from collab_assess.store.inputs import NAME_MAX, CollaborativeProfile

NOT_SET = "Not set yet"


def _optional(value: Any) -> Any:
    return None if value == NOT_SET else value


def profile_fields(current: CollaborativeProfile | None, key: str) -> dict[str, Any]:
    """Draw the profile inputs (inside a form) and return what they hold, unvalidated."""
    current = current or CollaborativeProfile(name="placeholder")
    name = st.text_input(
        "Name of the collaborative",
        value="" if current.name == "placeholder" else current.name,
        key=f"{key}-name",
        max_chars=NAME_MAX,
        help=f"The name members know it by, e.g. 'Northshire Acute Provider Collaborative' "
        f"({NAME_MAX} characters at most).",
    )
    region_options = [NOT_SET, *REGIONS]
    region = st.selectbox(
        "NHS England region",
        region_options,
        index=region_options.index(current.region or NOT_SET),
        key=f"{key}-region",
        help="The region the collaborative mainly sits in. There are seven NHS England regions.",
    )
    icss = st.multiselect(
        "Integrated care system(s) it works across",
        ICSS,
        default=list(current.icss),
        key=f"{key}-icss",
        help="An integrated care system (ICS) is one of the 42 local partnerships of NHS and "
        f"council bodies set up on {ICS_LIST_CORRECT_AT.day} {ICS_LIST_CORRECT_AT:%B %Y}. Choose "
        "every ICS the collaborative covers, by those names: the integrated care boards (ICBs) "
        "that cover them on each round's date, mergers included, are shown under the profile.",
        placeholder="Choose one or more",
    )
    type_options = [NOT_SET, *COLLABORATIVE_TYPES]
    collaborative_type = st.selectbox(
        "Type of collaborative",
        type_options,
        index=type_options.index(current.collaborative_type or NOT_SET),
        key=f"{key}-type",
        help="The kind of providers it brings together.",
    )
    model_options = [NOT_SET, *GOVERNANCE_MODELS]
    governance_model = st.selectbox(
        "Governance model",
        model_options,
        index=model_options.index(current.governance_model or NOT_SET),
        key=f"{key}-model",
        help="The three models NHS England's guidance describes:  \n"
        + "  \n".join(f"**{name}**: {text}" for name, text in GOVERNANCE_MODELS.items()),
    )
    decision_mechanisms = st.multiselect(
        "Decision-making mechanisms used",
        list(DECISION_MECHANISMS),
        default=list(current.decision_mechanisms),
        key=f"{key}-mechanisms",
        help="Ways collaboratives make joint decisions quicker and firmer:  \n"
        + "  \n".join(f"**{name}**: {text}" for name, text in DECISION_MECHANISMS.items()),
        placeholder="Choose any that apply",
    )
    return {
        "name": name,
        "region": _optional(region),
        "icss": tuple(icss),
        "collaborative_type": _optional(collaborative_type),
        "governance_model": _optional(governance_model),
        "decision_mechanisms": tuple(decision_mechanisms),
    }


def show_icbs_by_round(icss: tuple[str, ...], rounds: pd.DataFrame) -> None:
    """The integrated care boards covering the collaborative's ICSs on each round's opening date
    (content/reference.icbs_in_words: mergers from 1 April 2026 included), and today's, with the
    documents the dated list rests on, by public title."""
    if not icss:
        return
    st.markdown("**Integrated care boards**")
    today = date.today()
    days = [today]
    rows = [{"When": f"Today ({today:%d/%m/%Y})",
             "Integrated care boards": icbs_in_words(icss, today)}]
    for row in rounds.itertuples():
        opens_on = pd.Timestamp(row.opens_on).date()
        days.append(opens_on)
        rows.append({"When": f"{row.label} (opened {opens_on:%d/%m/%Y})",
                     "Integrated care boards": icbs_in_words(icss, opens_on)})
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    st.caption("Worked out from the ICSs above, as set up on 1 July 2022, and the dated list of "
               "ICBs: the 42 ICBs of 1 July 2022, and the merged ICBs in force from 1 April 2026 "
               "(where an ICS was split, each part is named). Regions are unchanged. Where this "
               "comes from: " + "; ".join(icb_sources(icss, days)) + ".")
