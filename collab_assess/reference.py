"""Fixed lists the app offers as choices: NHS England regions and ICSs, collaborative types,
governance models, decision-making mechanisms, organisation types and respondent roles.

Governance models, decision-making mechanisms and provider types come from NHS England's
*Working together at scale* (2021) as summarised in ../shared/seeds/001_f629cfe9f896f09b.txt
(sections 'Form and governance', 'Options for strengthening decision-making' and 'The roles of
different organisations and services'). Regions and ICSs are NHS England's seven regions and the 42
integrated care systems established on 1 July 2022.
"""

from __future__ import annotations

ICSS_BY_REGION: dict[str, tuple[str, ...]] = {
    "North East and Yorkshire": (
        "North East and North Cumbria",
        "Humber and North Yorkshire",
        "South Yorkshire",
        "West Yorkshire",
    ),
    "North West": (
        "Cheshire and Merseyside",
        "Greater Manchester",
        "Lancashire and South Cumbria",
    ),
    "Midlands": (
        "Birmingham and Solihull",
        "Black Country",
        "Coventry and Warwickshire",
        "Derby and Derbyshire",
        "Herefordshire and Worcestershire",
        "Leicester, Leicestershire and Rutland",
        "Lincolnshire",
        "Northamptonshire",
        "Nottingham and Nottinghamshire",
        "Shropshire, Telford and Wrekin",
        "Staffordshire and Stoke-on-Trent",
    ),
    "East of England": (
        "Bedfordshire, Luton and Milton Keynes",
        "Cambridgeshire and Peterborough",
        "Hertfordshire and West Essex",
        "Mid and South Essex",
        "Norfolk and Waveney",
        "Suffolk and North East Essex",
    ),
    "London": (
        "North Central London",
        "North East London",
        "North West London",
        "South East London",
        "South West London",
    ),
    "South East": (
        "Buckinghamshire, Oxfordshire and Berkshire West",
        "Frimley",
        "Hampshire and Isle of Wight",
        "Kent and Medway",
        "Surrey Heartlands",
        "Sussex",
    ),
    "South West": (
        "Bath and North East Somerset, Swindon and Wiltshire",
        "Bristol, North Somerset and South Gloucestershire",
        "Cornwall and the Isles of Scilly",
        "Devon",
        "Dorset",
        "Gloucestershire",
        "Somerset",
    ),
}

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
        "Chief executives or other directors of the member trusts meet as a board, each acting on "
        "responsibilities their own trust board has delegated to them."
    ),
    "Lead provider": (
        "One trust is the contract holder for a set of services on behalf of all the members, and "
        "passes parts of the work on to other members as needed."
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
        "Each member agrees to carry out what most members support, rather than waiting for everyone "
        "to agree."
    ),
    "Dispute resolution": (
        "An agreed procedure for settling disagreements, including when a member will not carry out a "
        "majority decision."
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
    "Executive director": "A chief executive or other executive board member of a member organisation.",
    "Non-executive director": "An independent board member (a NED) or chair of a member organisation.",
    "Clinical lead": "A doctor, nurse or other clinician leading work in the collaborative.",
    "Collaborative programme team": "Staff who run the collaborative's programmes day to day.",
    "Partner organisation": (
        "Someone from a partner outside the member trusts, such as an ICB, council or charity."
    ),
    "Other": "Anyone else taking part.",
    "Prefer not to say": "You would rather not give your role.",
}
