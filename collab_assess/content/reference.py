"""Fixed lists the app offers as choices: NHS England regions and ICSs, collaborative types,
governance models, decision-making mechanisms, organisation types and respondent roles.

Governance models, decision-making mechanisms and provider types come from NHS England's
*Working together at scale* (2021) as summarised in ../shared/seeds/001_f629cfe9f896f09b.txt
(sections 'Form and governance', 'Options for strengthening decision-making' and 'The roles of
different organisations and services'). Regions and ICSs are NHS England's seven regions and the
integrated care systems in each, read from data/icss.toml with the date the list is correct at
(the 42 ICSs established on 1 July 2022), so a boundary change is a data edit.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

ICS_LIST_FILE = Path(__file__).resolve().parents[2] / "data" / "icss.toml"


def load_ics_list(path: Path = ICS_LIST_FILE) -> tuple[date, dict[str, tuple[str, ...]]]:
    """The date the ICS list is correct at, and the ICSs in each NHS England region, in file order.
    Boundaries change (ICBs merge), so the list is data: edit data/icss.toml, not this module."""
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    correct_at = data["correct_at"]
    if not isinstance(correct_at, date):
        raise ValueError(f"{path}: correct_at must be a date, such as 2022-07-01")
    by_region = {str(region): tuple(str(ics) for ics in icss)
                 for region, icss in data["icss_by_region"].items()}
    if not by_region or not all(by_region.values()):
        raise ValueError(f"{path}: every region needs at least one integrated care system")
    return correct_at, by_region


ICS_LIST_CORRECT_AT, ICSS_BY_REGION = load_ics_list()
"""The regions and ICSs the app offers, and the date that list describes (see data/icss.toml)."""

REGIONS: tuple[str, ...] = tuple(ICSS_BY_REGION)
ICSS: tuple[str, ...] = tuple(ics for icss in ICSS_BY_REGION.values() for ics in icss)

COLLABORATIVE_TYPES: tuple[str, ...] = (
    "Acute",
    "Mental health",
    "Community",
    "Ambulance",
    "Specialist",
    "Mixed (several types of provider)",
)

GOVERNANCE_MODELS: dict[str, str] = {
    "Provider leadership board": (
        "Chief executives or other directors of the member organisations meet as a board, each "
        "acting on responsibilities their own board has delegated to them."
    ),
    "Lead provider": (
        "One member, usually an NHS trust, is the contract holder for a set of services on behalf "
        "of all the members, and passes parts of the work on to other providers as needed."
    ),
    "Shared leadership": (
        "The members share one leadership team: the same people lead each trust, at least a joint "
        "chief executive."
    ),
    "Other or not yet decided": "None of the three models above, or the choice is still open.",
}

DECISION_MECHANISMS: dict[str, str] = {
    "Categorised decisions": "Only the members a decision affects have a binding vote on it.",
    "Locked gateways": "Decisions pass through agreed stages, each with its own sign-off.",
    "Majority decisions": (
        "Each member agrees to carry out what most members support, rather than waiting for "
        "everyone to agree."
    ),
    "Dispute resolution": (
        "An agreed procedure for settling disagreements, including when a member will not carry "
        "out a majority decision."
    ),
}

ORGANISATION_TYPES: tuple[str, ...] = (
    "Acute trust",
    "Mental health trust",
    "Community trust",
    "Ambulance trust",
    "Specialist trust",
    "Independent sector provider",
    "Voluntary, community or social enterprise",
    "Primary care",
    "Local authority",
    "Integrated care board",
    "Other",
)

RESPONDENT_ROLES: dict[str, str] = {
    "Executive director": (
        "A chief executive or other executive board member of a member organisation."
    ),
    "Non-executive director": (
        "An independent board member (a NED) or chair of a member organisation."
    ),
    "Clinical lead": "A doctor, nurse or other clinician leading work in the collaborative.",
    "Collaborative programme team": "Staff who run the collaborative's programmes day to day.",
    "Partner organisation": (
        "Someone from a partner outside the member organisations, such as an ICB, council or "
        "charity."
    ),
    "Other": "Anyone else taking part.",
    "Prefer not to say": "You would rather not give your role.",
}
