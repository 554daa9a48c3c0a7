"""Synthetic demo peers: a deterministic, clearly-labelled set of made-up collaboratives.

Nothing here describes a real collaborative. Every demo collaborative's name starts with DEMO_PREFIX
and is stored with is_demo = true, so pages can label it synthetic and `collab-assess remove-demo`
can delete all of it at once. Place names are invented; regions, ICSs, types and roles are the real
choice lists from collab_assess.content.reference so the demo peers can be filtered like real ones.

The answers come from a simple model rather than uniform noise, so benchmarks look plausible: each
collaborative has a latent maturity that grows from round to round, some areas are weaker everywhere
(data sharing, interoperable digital) and some stronger (partnership building, relationships), roles
rate a little differently, and some statements split the room.

Rounds are submitted (status "closed") except the newest round of about one collaborative in five,
which is still open; only collaboratives with an earlier round get an open one, so every
collaborative has a submitted round to count as a peer. Each collaborative's latest submitted round
is calibrated so that about 70% of them score in an early stage (Emerging or Developing), matching
the 70% of responding collaboratives that described themselves that way in the November 2022 NHS
Confederation / NHS Providers survey (../shared/seeds/004_038cedfb7b8e7b4e.txt). The demo is made to
match that figure, so it can never be evidence for it.

Given an earlier bank as well, a collaborative's older rounds ask the earlier bank's statements and
its newest round the current bank's, as they would after a new bank version is released.

The same seed always gives the same tables; nothing depends on today's date.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from collab_assess.content.bank import QuestionBank
from collab_assess.content.reference import (
    DECISION_MECHANISMS,
    GOVERNANCE_MODELS,
    ICSS_BY_REGION,
)
from collab_assess.content.scale import (
    HIGHEST_LEVEL,
    LOWEST_LEVEL,
    STAGE_BANDS,
    Level,
    Unscored,
    stage_of,
)
from collab_assess.errors import DataFileError
from collab_assess.store.demo_data import DemoDataset

DEMO_PREFIX = "Synthetic: "
DEMO_SEED = 2022

COLLABORATIVE_COUNT = 64

DEMO_NAMES_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_names.toml"


# -- the peers' profiles ---------------------------------------------------------------------------

# How many of the 64 collaboratives are of each type: acute and mental health collaboratives are the
# most common, as every acute and mental health trust was expected to join one by April 2022.
TYPE_COUNTS: dict[str, int] = {
    "Acute": 22,
    "Mental health": 16,
    "Community": 7,
    "Ambulance": 3,
    "Specialist": 5,
    "Mixed (several types of provider)": 11,
}

class DemoNames(BaseModel):
    """The made-up names of data/demo_names.toml, checked when the demo is generated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    place_words: tuple[str, ...] = Field(min_length=64)
    """Invented places: at least one for each of the 64 collaboratives."""
    place_qualifiers: tuple[str, ...] = Field(min_length=1)
    partner_name_patterns: tuple[str, ...] = Field(min_length=1)
    first_names: tuple[str, ...] = Field(min_length=1)
    notes: tuple[str, ...] = Field(min_length=1)
    dont_know_notes: tuple[str, ...] = Field(min_length=1)
    type_name_words: dict[str, tuple[str, ...]]

    @model_validator(mode="after")
    def _every_type_named_and_patterns_take_a_place(self) -> DemoNames:
        missing = set(TYPE_COUNTS) - set(self.type_name_words)
        if missing:
            raise ValueError(f"type_name_words has no names for {sorted(missing)}")
        if any(pattern.count("{}") != 1 for pattern in self.partner_name_patterns):
            raise ValueError("each partner_name_pattern needs exactly one {} for the place word")
        return self


def load_demo_names(path: Path = DEMO_NAMES_FILE) -> DemoNames:
    """The demo's names, checked; a fault names the file and what is wrong."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return DemoNames.model_validate(raw)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), [f"cannot be read: {error}"]) from error
    except ValidationError as error:
        raise DataFileError(str(path), [
            f"{'.'.join(str(part) for part in detail['loc']) or 'the file'}: {detail['msg']}"
            for detail in error.errors()]) from error


NAMES = load_demo_names()
PLACE_WORDS = NAMES.place_words
TYPE_NAME_WORDS = NAMES.type_name_words
PLACE_QUALIFIERS = NAMES.place_qualifiers
PARTNER_NAME_PATTERNS = NAMES.partner_name_patterns
FIRST_NAMES = NAMES.first_names
NOTES = NAMES.notes
DONT_KNOW_NOTES = NAMES.dont_know_notes


# Mental health collaboratives mostly use a lead provider, as the NHS-led collaboratives for
# specialised mental health services do; the others mostly a provider leadership board.
GOVERNANCE_WEIGHTS: dict[str, dict[str, float]] = {
    "Mental health": {
        "Provider leadership board": 0.2,
        "Lead provider": 0.65,
        "Shared leadership": 0.05,
        "Other or not yet decided": 0.1,
    },
}
DEFAULT_GOVERNANCE_WEIGHTS: dict[str, float] = {
    "Provider leadership board": 0.6,
    "Lead provider": 0.12,
    "Shared leadership": 0.13,
    "Other or not yet decided": 0.15,
}
MECHANISM_COUNT_WEIGHTS = (0.2, 0.3, 0.25, 0.15, 0.1)  # 0, 1, 2, 3 or 4 decision mechanisms
SECOND_ICS_SHARE = 0.12

# The organisation types a collaborative of each type draws its members from, and how often.
MEMBER_TYPE_WEIGHTS: dict[str, dict[str, float]] = {
    "Acute": {"Acute trust": 0.88, "Specialist trust": 0.08, "Independent sector provider": 0.04},
    "Mental health": {
        "Mental health trust": 0.75,
        "Independent sector provider": 0.13,
        "Voluntary, community or social enterprise": 0.12,
    },
    "Community": {
        "Community trust": 0.7,
        "Acute trust": 0.1,
        "Voluntary, community or social enterprise": 0.1,
        "Primary care": 0.1,
    },
    "Ambulance": {"Ambulance trust": 1.0},
    "Specialist": {"Specialist trust": 0.65, "Acute trust": 0.35},
    "Mixed (several types of provider)": {
        "Acute trust": 0.3,
        "Mental health trust": 0.2,
        "Community trust": 0.2,
        "Primary care": 0.1,
        "Local authority": 0.1,
        "Voluntary, community or social enterprise": 0.1,
    },
}
MEMBER_COUNT_RANGE: dict[str, tuple[int, int]] = {"Ambulance": (2, 4)}
DEFAULT_MEMBER_COUNT_RANGE = (2, 8)

ORGANISATION_NAME_PATTERNS: dict[str, tuple[str, ...]] = {
    "Acute trust": (
        "{} Hospitals NHS Trust",
        "{} University Hospitals NHS Foundation Trust",
        "{} Teaching Hospitals NHS Trust",
    ),
    "Mental health trust": (
        "{} Mental Health NHS Foundation Trust",
        "{} Partnership NHS Foundation Trust",
    ),
    "Community trust": ("{} Community Health NHS Trust", "{} Community Healthcare NHS Trust"),
    "Ambulance trust": ("{} Ambulance Service NHS Trust",),
    "Specialist trust": (
        "{} Children's Hospital NHS Foundation Trust",
        "{} Orthopaedic Hospital NHS Foundation Trust",
        "{} Heart and Lung NHS Foundation Trust",
    ),
    "Independent sector provider": ("{} Healthcare Ltd", "{} Clinics Ltd"),
    "Voluntary, community or social enterprise": (
        "{} Wellbeing Network",
        "{} Community Interest Company",
    ),
    "Primary care": ("{} Primary Care Network", "{} GP Federation"),
    "Local authority": ("{} County Council", "{} City Council"),
}

# -- rounds and respondents ----------------------------------------------------------------------

# Rounds open each spring and autumn from spring 2023 to autumn 2026: fixed dates, never "today".
SEASON_OPENING_MONTH = {"Spring": 3, "Autumn": 9}
ROUND_SLOTS: tuple[tuple[str, int], ...] = tuple(
    (season, year) for year in range(2023, 2027) for season in SEASON_OPENING_MONTH
)
LATEST_SLOT_CHOICES = range(len(ROUND_SLOTS) - 4, len(ROUND_SLOTS))  # spring 2025 to autumn 2026
ROUND_COUNT_WEIGHTS = (0.3, 0.4, 0.3)  # 1, 2 or 3 rounds
SLOT_GAP_WEIGHTS = (0.6, 0.4)  # the next round six or twelve months later
# About one collaborative in five has its newest round still open; the most recent rounds first.
OPEN_LATEST_SHARE = 0.2
RESPONDENT_RANGE = (5, 15)

ROLE_WEIGHTS: dict[str, float] = {
    "Executive director": 0.3,
    "Non-executive director": 0.18,
    "Clinical lead": 0.22,
    "Collaborative programme team": 0.12,
    "Partner organisation": 0.1,
    "Other": 0.08,
}
DISPLAY_NAME_SHARE = 0.12
# -- the answer model ------------------------------------------------------------------------------

# Share of collaboratives whose latest submitted round is meant to land in each stage. 70% early
# (Emerging or Developing) mirrors the November 2022 survey.
STAGE_SHARES: dict[Level, float] = {
    Level.EMERGING: 0.22,
    Level.DEVELOPING: 0.48,
    Level.MATURING: 0.24,
    Level.THRIVING: 0.06,
}
# Each collaborative's intended score stays this far inside its stage's band, so that the noise of
# individual answers seldom tips it into the neighbouring stage.
BAND_MARGIN = 0.15
GROWTH_PER_SLOT = (0.06, 0.18)  # how much more mature a collaborative gets every six months

# How far each area sits above or below a collaborative's overall maturity, by area id (the eleven
# areas of NHS England's guidance: six core capabilities, then five enablers). Common purpose and
# relationships come first; shared data and interoperable digital systems lag almost everywhere.
# Areas a bank adds later default to 0.
AREA_TENDENCY: dict[str, float] = {
    "PB": 0.35,  # partnership building
    "PD": 0.0,  # programme delivery
    "SG": 0.1,  # shared governance
    "PS": -0.05,  # peer support and mutual accountability
    "JW": 0.05,  # joined-up working
    "QI": -0.1,  # quality improvement
    "RE": 0.3,  # relationships
    "CL": 0.15,  # clinical leadership
    "PC": -0.2,  # people and communities
    "DS": -0.4,  # data sharing
    "DI": -0.5,  # interoperable digital
}
AREA_SPREAD = 0.2  # how much one collaborative's areas differ from the usual pattern
STATEMENT_SPREAD = 0.1  # statements that are harder everywhere
LOCAL_STATEMENT_SPREAD = 0.15  # statements one collaborative happens to find harder or easier

# Executives a little more optimistic than non-executives and partners looking in from outside.
ROLE_BIAS: dict[str, float] = {
    "Executive director": 0.15,
    "Non-executive director": -0.12,
    "Clinical lead": -0.05,
    "Collaborative programme team": 0.05,
    "Partner organisation": -0.1,
    "Other": 0.0,
}
RESPONDENT_SPREAD = 0.15
ANSWER_NOISE = 0.35
# Statements on which a round splits into two camps about two levels apart: a real split, flagged
# as disagreement by the rule in scoring.py (a quarter of the room two levels below another
# quarter).
CONTESTED_SHARE = 0.1
CONTESTED_SPLIT = 1.0

DONT_KNOW_SHARE = 0.05
# Board members and partners see less of the day-to-day work, so they answer "Don't know" more
# often.
DONT_KNOW_BY_ROLE: dict[str, float] = {
    "Executive director": 0.6,
    "Non-executive director": 1.6,
    "Clinical lead": 0.8,
    "Collaborative programme team": 0.5,
    "Partner organisation": 1.8,
    "Other": 1.2,
}
NOT_APPLICABLE_SHARE = 0.015
TARGET_SETTER_SHARE = 0.35
TARGET_SHARE = 0.4
NOTE_SHARE = 0.03
DONT_KNOW_NOTE_SHARE = 0.12

# Self-described stages: most people place their collaborative about right, some see it rosier.
OPTIMIST_SHARE = 0.3
OPTIMISM = (0.4, 1.0)
STAGE_NOISE = 0.3


def generate_demo(
    bank: QuestionBank, seed: int = DEMO_SEED, earlier_bank: QuestionBank | None = None
) -> DemoDataset:
    """Made-up peer collaboratives with rounds, respondents, answers to every statement of each
    round's bank and self-described stages. Each collaborative's newest round asks `bank`; its older
    rounds ask `earlier_bank` when one is given, else `bank` too. The same banks and seed always
    give identical tables."""
    if earlier_bank is not None and earlier_bank.version >= bank.version:
        raise ValueError(f"the earlier bank (version {earlier_bank.version}) must be older than "
                         f"the current one (version {bank.version})")
    rng = np.random.default_rng(seed)
    collaboratives = _collaboratives(rng)
    members = _members(collaboratives, rng)
    rounds = _rounds(collaboratives, rng, bank.version,
                     (earlier_bank or bank).version)
    respondents = _respondents(rounds, collaboratives, members, rng)
    maturity = _round_maturity(collaboratives, rounds, rng)
    banks = {each.version: each for each in (earlier_bank, bank) if each is not None}
    answers = _answers(banks, collaboratives, rounds, respondents, maturity, rng)
    stages = _stages(respondents, maturity, rng)
    return DemoDataset(
        collaboratives=collaboratives.drop(columns="place"),
        members=members,
        rounds=rounds.drop(columns="slot"),
        respondents=respondents,
        answers=answers,
        stages=stages,
    )


def demo_banks(banks: Mapping[int, QuestionBank]) -> tuple[QuestionBank, QuestionBank | None]:
    """The banks a demo is generated on, from every version loaded: the newest, and the version it
    maps from (else the one before it), or None when there is only one."""
    current = banks[max(banks)]
    wanted = current.mapping.from_version if current.mapping else None
    older = [version for version in banks if version < current.version]
    earlier = wanted if wanted in banks else (max(older) if older else None)
    return current, (banks[earlier] if earlier is not None else None)


# -- collaboratives and members --------------------------------------------------------------------


def _collaboratives(rng: np.random.Generator) -> pd.DataFrame:
    places = rng.permutation(PLACE_WORDS)[:COLLABORATIVE_COUNT]
    types = rng.permutation([t for t, count in TYPE_COUNTS.items() for _ in range(count)])
    icss = _ics_lists(rng)
    models = _cover_every_option(
        [_weighted_choice(rng, GOVERNANCE_WEIGHTS.get(t, DEFAULT_GOVERNANCE_WEIGHTS))
         for t in types],
        tuple(GOVERNANCE_MODELS),
        rng,
    )
    rows = []
    for index, (place, kind, ics_list, model) in enumerate(zip(places, types, icss, models,
                                                               strict=True)):
        title = TYPE_NAME_WORDS[kind][rng.integers(len(TYPE_NAME_WORDS[kind]))]
        rows.append(
            {
                "key": f"C{index + 1:02d}",
                "name": f"{DEMO_PREFIX}{place} {title}",
                "region": _region_of(ics_list[0]),
                "icss": ics_list,
                "collaborative_type": str(kind),
                "governance_model": model,
                "decision_mechanisms": _decision_mechanisms(rng),
                "place": str(place),
            }
        )
    return pd.DataFrame(rows)


def _ics_lists(rng: np.random.Generator) -> list[list[str]]:
    """Each collaborative's ICSs. Every ICS is some collaborative's main one before any repeats, so
    the peers cover every region and ICS; a few collaboratives span a neighbouring ICS too."""
    all_icss = [ics for icss in ICSS_BY_REGION.values() for ics in icss]
    repeats = rng.choice(all_icss, size=COLLABORATIVE_COUNT - len(all_icss))
    main_icss = rng.permutation([*all_icss, *repeats])
    lists = []
    for ics in main_icss:
        neighbours = [other for other in ICSS_BY_REGION[_region_of(ics)] if other != ics]
        if neighbours and rng.random() < SECOND_ICS_SHARE:
            lists.append([str(ics), str(neighbours[rng.integers(len(neighbours))])])
        else:
            lists.append([str(ics)])
    return lists


def _region_of(ics: str) -> str:
    return next(region for region, icss in ICSS_BY_REGION.items() if ics in icss)


def _decision_mechanisms(rng: np.random.Generator) -> list[str]:
    count = rng.choice(len(MECHANISM_COUNT_WEIGHTS), p=MECHANISM_COUNT_WEIGHTS)
    chosen = set(rng.choice(list(DECISION_MECHANISMS), size=count, replace=False))
    return [mechanism for mechanism in DECISION_MECHANISMS if mechanism in chosen]


def _weighted_choice(rng: np.random.Generator, weights: dict[str, float]) -> str:
    options = list(weights)
    return options[rng.choice(len(options),
                              p=np.array(list(weights.values())) / sum(weights.values()))]


def _cover_every_option(values: list[str], options: tuple[str, ...],
                        rng: np.random.Generator) -> list[str]:
    """Make sure every option appears, so every filter on the peers page has something to show, by
    relabelling a collaborative that holds the most common option."""
    values = list(values)
    for option in options:
        if option not in values:
            commonest = max(options, key=values.count)
            positions = [i for i, value in enumerate(values) if value == commonest]
            values[positions[rng.integers(len(positions))]] = option
    return values


def _members(collaboratives: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    spare_places = [word for word in PLACE_WORDS if word not in set(collaboratives["place"])]
    for collaborative in collaboratives.itertuples():
        low, high = MEMBER_COUNT_RANGE.get(collaborative.collaborative_type,
                                           DEFAULT_MEMBER_COUNT_RANGE)
        count = int(rng.integers(low, high + 1))
        # Members are named after the collaborative's own place or a neighbouring invented one.
        places = [collaborative.place, *rng.choice(spare_places, size=2, replace=False)]
        names: set[str] = set()
        while len(names) < count:
            kind = _weighted_choice(rng, MEMBER_TYPE_WEIGHTS[collaborative.collaborative_type])
            name = _organisation_name(kind, places, rng)
            if name not in names:
                names.add(name)
                rows.append(
                    {"collaborative_key": collaborative.key, "organisation": name,
                     "organisation_type": kind}
                )
    return pd.DataFrame(rows, columns=["collaborative_key", "organisation", "organisation_type"])


def _organisation_name(kind: str, places: list[str], rng: np.random.Generator) -> str:
    patterns = ORGANISATION_NAME_PATTERNS[kind]
    qualifier = PLACE_QUALIFIERS[rng.integers(len(PLACE_QUALIFIERS))]
    place = places[rng.integers(len(places))]
    return patterns[rng.integers(len(patterns))].format(f"{qualifier}{place}")


# -- rounds and respondents ------------------------------------------------------------------------


def _rounds(
    collaboratives: pd.DataFrame, rng: np.random.Generator, latest_version: int, older_version: int
) -> pd.DataFrame:
    """Each collaborative's rounds, oldest first: all submitted ("closed") but the newest round of
    about OPEN_LATEST_SHARE of the collaboratives, and the newest round on `latest_version`."""
    slots_by_key = {key: _round_slots(rng) for key in collaboratives["key"]}
    open_keys = _with_open_latest_round(slots_by_key, rng)
    rows = []
    for key, slots in slots_by_key.items():
        for number, slot in enumerate(slots, start=1):
            season, year = ROUND_SLOTS[slot]
            opens_on = date(year, SEASON_OPENING_MONTH[season], int(rng.integers(1, 22)))
            is_latest = number == len(slots)
            rows.append(
                {
                    "key": f"{key}-R{number}",
                    "collaborative_key": key,
                    "label": f"{season} {year}",
                    "opens_on": opens_on,
                    "closes_on": opens_on + timedelta(days=int(rng.integers(21, 43))),
                    "status": "open" if is_latest and key in open_keys else "closed",
                    "bank_version": latest_version if is_latest else older_version,
                    "slot": slot,
                }
            )
    return pd.DataFrame(rows)


def _with_open_latest_round(slots_by_key: dict[str, list[int]],
                            rng: np.random.Generator) -> set[str]:
    """The collaboratives whose newest round is still open: OPEN_LATEST_SHARE of them, chosen among
    those with an earlier (submitted) round, most recent newest rounds first, ties at random."""
    candidates = [key for key, slots in slots_by_key.items() if len(slots) > 1]
    tie_break = rng.permutation(len(candidates))
    ranked = sorted(zip(candidates, tie_break, strict=True),
                    key=lambda pair: (-slots_by_key[pair[0]][-1], pair[1]))
    wanted = round(OPEN_LATEST_SHARE * len(slots_by_key))
    return {key for key, _ in ranked[:wanted]}


def _round_slots(rng: np.random.Generator) -> list[int]:
    """The half-year slots a collaborative's rounds fall in, oldest first."""
    count = 1 + rng.choice(len(ROUND_COUNT_WEIGHTS), p=ROUND_COUNT_WEIGHTS)
    slots = [int(rng.choice(LATEST_SLOT_CHOICES))]
    while len(slots) < count:
        slots.insert(0, slots[0] - 1 - int(rng.choice(len(SLOT_GAP_WEIGHTS), p=SLOT_GAP_WEIGHTS)))
    return slots


def _respondents(
    rounds: pd.DataFrame,
    collaboratives: pd.DataFrame,
    members: pd.DataFrame,
    rng: np.random.Generator,
) -> pd.DataFrame:
    member_names = members.groupby("collaborative_key")["organisation"].apply(list)
    partner_names = _partner_names(collaboratives, member_names)
    low, high = RESPONDENT_RANGE
    rows = []
    for round_ in rounds.itertuples():
        own_partners = partner_names[round_.collaborative_key]
        own_members = member_names[round_.collaborative_key]
        for number in range(1, int(rng.integers(low, high + 1)) + 1):
            role = _weighted_choice(rng, ROLE_WEIGHTS)
            organisations = own_partners if role == "Partner organisation" else own_members
            organisation = organisations[rng.integers(len(organisations))]
            rows.append(
                {
                    "key": f"{round_.key}-P{number:02d}",
                    "round_key": round_.key,
                    "role": role,
                    "organisation": organisation,
                    "display_name": _display_name(rng),
                }
            )
    return pd.DataFrame(rows)


def _partner_names(collaboratives: pd.DataFrame, member_names: pd.Series) -> dict[str, list[str]]:
    """Organisations outside each collaborative that take part as partners. A council that is
    already a member is left out, so a partner is never mistaken for a member."""
    partners = {}
    for key, place in zip(collaboratives["key"], collaboratives["place"], strict=True):
        names = (pattern.format(place) for pattern in PARTNER_NAME_PATTERNS)
        partners[key] = [name for name in names if name not in member_names[key]]
    return partners


def _display_name(rng: np.random.Generator) -> str:
    """Most people take part anonymously; a few give a first name and an initial."""
    if rng.random() >= DISPLAY_NAME_SHARE:
        return ""
    return f"{FIRST_NAMES[rng.integers(len(FIRST_NAMES))]} {chr(ord('A') + int(rng.integers(26)))}."


# -- maturity and answers --------------------------------------------------------------------------


def _round_maturity(
    collaboratives: pd.DataFrame, rounds: pd.DataFrame, rng: np.random.Generator
) -> pd.Series:
    """Each round's latent maturity on the 1-4 scale, indexed by round key: the collaborative's
    intended score on its latest submitted round (the one peers are judged on), moved by what it
    grows every half-year slot before or after that round."""
    anchored = pd.Series(_latest_maturities(rng), index=collaboratives["key"])
    growth = pd.Series(rng.uniform(*GROWTH_PER_SLOT, size=len(anchored)), index=anchored.index)
    submitted_slot = rounds["slot"].where(rounds["status"] == "closed")
    anchor_slot = submitted_slot.groupby(rounds["collaborative_key"]).transform("max")
    owner = rounds["collaborative_key"]
    maturity = anchored[owner].to_numpy() + growth[owner].to_numpy() * (
        rounds["slot"] - anchor_slot).to_numpy()
    return pd.Series(np.clip(maturity, LOWEST_LEVEL, HIGHEST_LEVEL), index=rounds["key"])


def _latest_maturities(rng: np.random.Generator) -> np.ndarray:
    """Intended latest scores: stage quotas from STAGE_SHARES, each score drawn inside its band."""
    quotas = _largest_remainder(STAGE_SHARES, COLLABORATIVE_COUNT)
    scores: list[float] = []
    for band in STAGE_BANDS:
        low, high = band.lower + BAND_MARGIN, band.upper - BAND_MARGIN
        scores.extend(rng.uniform(low, high, size=quotas[band.stage]))
    return rng.permutation(np.array(scores))


def _largest_remainder(shares: dict[Level, float], total: int) -> dict[Level, int]:
    """Whole counts in proportion to shares that add up to total exactly."""
    exact = {key: share * total / sum(shares.values()) for key, share in shares.items()}
    counts = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(exact, key=lambda key: exact[key] - counts[key], reverse=True)
    for key in by_remainder[: total - sum(counts.values())]:
        counts[key] += 1
    return counts


def _answers(
    banks: dict[int, QuestionBank],
    collaboratives: pd.DataFrame,
    rounds: pd.DataFrame,
    respondents: pd.DataFrame,
    maturity: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """One answer per respondent per statement of their round's bank, respondent by respondent.

    A collaborative's strong and weak areas are the same whichever bank a round asks, so the area
    offsets are drawn once, over every area of every bank."""
    area_ids = list(dict.fromkeys(area.id for bank in banks.values() for area in bank.areas))
    area_offsets = _area_offsets(area_ids, len(collaboratives), rng)
    version_of = respondents["round_key"].map(rounds.set_index("key")["bank_version"])
    frames = []
    for version, bank in sorted(banks.items()):
        asking = respondents[(version_of == version).to_numpy()]
        if len(asking):
            frames.append(_answers_on(bank, area_ids, area_offsets, collaboratives, rounds,
                                      asking, maturity, rng))
    answers = pd.concat(frames, ignore_index=True)
    order = pd.Index(respondents["key"]).get_indexer(answers["respondent_key"])
    return answers.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def _answers_on(
    bank: QuestionBank,
    area_ids: list[str],
    area_offsets: np.ndarray,
    collaboratives: pd.DataFrame,
    rounds: pd.DataFrame,
    respondents: pd.DataFrame,
    maturity: pd.Series,
    rng: np.random.Generator,
) -> pd.DataFrame:
    """The answers of respondents whose rounds ask this bank. Worked out as whole arrays with a row
    per respondent and a column per statement, then flattened, so tens of thousands of answers take
    milliseconds."""
    statement_ids = np.array([statement.id for statement in bank.statements])
    round_codes = pd.Index(rounds["key"]).get_indexer(respondents["round_key"])
    collaborative_codes = pd.Index(collaboratives["key"]).get_indexer(
        rounds["collaborative_key"].to_numpy()[round_codes]
    )
    statement_areas = np.array([area_ids.index(statement.area) for statement in bank.statements])
    levels = _levels(bank, respondents, maturity.to_numpy(), round_codes, collaborative_codes,
                     area_offsets[:, statement_areas], rng)

    shape: tuple[int, int] = levels.shape
    dont_know_share = (DONT_KNOW_SHARE
                       * respondents["role"].map(DONT_KNOW_BY_ROLE).to_numpy()[:, None])
    draw = rng.random(shape)
    dont_know = draw < dont_know_share
    not_applicable = ~dont_know & (draw < dont_know_share + NOT_APPLICABLE_SHARE)
    scored = ~dont_know & ~not_applicable
    unscored = np.full(shape, None, dtype=object)
    unscored[dont_know] = Unscored.DONT_KNOW.value
    unscored[not_applicable] = Unscored.NOT_APPLICABLE.value

    # A minority of respondents set targets, and then only for some statements: one level up.
    sets_targets = rng.random(shape[0])[:, None] < TARGET_SETTER_SHARE
    has_target = scored & sets_targets & (rng.random(shape) < TARGET_SHARE)
    targets = np.minimum(levels + 1, HIGHEST_LEVEL)

    return pd.DataFrame(
        {
            "round_key": np.repeat(respondents["round_key"].to_numpy(), shape[1]),
            "respondent_key": np.repeat(respondents["key"].to_numpy(), shape[1]),
            "statement_id": np.tile(statement_ids, shape[0]),
            "level": _where_present(levels, scored),
            "unscored": unscored.ravel(),
            "target_level": _where_present(targets, has_target),
            "note": _notes(scored, dont_know, rng).ravel(),
        }
    )


def _levels(
    bank: QuestionBank,
    respondents: pd.DataFrame,
    round_maturity: np.ndarray,
    round_codes: np.ndarray,
    collaborative_codes: np.ndarray,
    area_offsets: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """The level each respondent would give each statement (rows: respondents, columns: statements):
    their round's maturity, shifted by area (area_offsets: a row per collaborative, a column per
    statement), statement, role and person, with some statements splitting the round into two
    camps, then rounded onto the 1-4 scale."""
    people, statements = len(respondents), len(bank.statements)
    collaboratives = len(area_offsets)
    statement_offsets = rng.normal(0, STATEMENT_SPREAD, statements) + rng.normal(
        0, LOCAL_STATEMENT_SPREAD, (collaboratives, statements)
    )
    person_offsets = (respondents["role"].map(ROLE_BIAS).to_numpy()
                      + rng.normal(0, RESPONDENT_SPREAD, people))
    contested = rng.random((len(round_maturity), statements)) < CONTESTED_SHARE
    camps = rng.choice([-CONTESTED_SPLIT, CONTESTED_SPLIT], size=(people, statements))
    latent = (
        round_maturity[round_codes][:, None]
        + area_offsets[collaborative_codes]
        + statement_offsets[collaborative_codes]
        + person_offsets[:, None]
        + np.where(contested[round_codes], camps, 0.0)
        + rng.normal(0, ANSWER_NOISE, (people, statements))
    )
    return np.clip(np.floor(latent + 0.5), LOWEST_LEVEL, HIGHEST_LEVEL).astype("int64")


def _where_present(values: np.ndarray, present: np.ndarray) -> pd.arrays.IntegerArray:
    """values flattened into a nullable integer column, missing wherever present is False."""
    return pd.arrays.IntegerArray(values.ravel().astype("int64"), ~present.ravel())


def _area_offsets(area_ids: list[str], collaborative_count: int,
                  rng: np.random.Generator) -> np.ndarray:
    """Each collaborative's areas around its overall maturity (rows: collaboratives, columns: the
    areas in area_ids).

    Every row averages zero, so the spread between areas moves no collaborative's overall score and
    the stage calibration holds whatever areas the bank has."""
    tendency = np.array([AREA_TENDENCY.get(area_id, 0.0) for area_id in area_ids])
    offsets = tendency + rng.normal(0, AREA_SPREAD, (collaborative_count, len(area_ids)))
    return offsets - offsets.mean(axis=1, keepdims=True)


def _notes(scored: np.ndarray, dont_know: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Mostly empty; now and then a short piece of evidence, or why someone does not know."""
    notes = np.full(scored.shape, "", dtype=object)
    evidence = scored & (rng.random(scored.shape) < NOTE_SHARE)
    notes[evidence] = rng.choice(NOTES, size=int(evidence.sum()))
    explained = dont_know & (rng.random(scored.shape) < DONT_KNOW_NOTE_SHARE)
    notes[explained] = rng.choice(DONT_KNOW_NOTES, size=int(explained.sum()))
    return notes


def _stages(respondents: pd.DataFrame, maturity: pd.Series,
            rng: np.random.Generator) -> pd.DataFrame:
    """Each respondent's own view of the stage: close to the round's real maturity, seen through
    their role, with some optimists placing it higher."""
    count = len(respondents)
    optimism = np.where(rng.random(count) < OPTIMIST_SHARE, rng.uniform(*OPTIMISM, count), 0.0)
    seen = (
        maturity[respondents["round_key"]].to_numpy()
        + respondents["role"].map(ROLE_BIAS).to_numpy()
        + optimism
        + rng.normal(0, STAGE_NOISE, count)
    )
    seen = np.clip(seen, LOWEST_LEVEL, HIGHEST_LEVEL)
    return pd.DataFrame(
        {
            "round_key": respondents["round_key"].to_numpy(),
            "respondent_key": respondents["key"].to_numpy(),
            "stage": np.array([int(stage_of(value)) for value in seen], dtype="int64"),
        }
    )
