"""Fixed lists the app offers as choices: NHS England regions and ICSs, collaborative types,
governance models, decision-making mechanisms, organisation types and respondent roles.

Governance models, decision-making mechanisms and provider types come from NHS England's
*Working together at scale* (2021) as summarised in ../shared/seeds/001_f629cfe9f896f09b.txt
(sections 'Form and governance', 'Options for strengthening decision-making' and 'The roles of
different organisations and services'). Regions and ICSs are NHS England's seven regions and the
integrated care systems in each, read from data/icss.toml with the date the list is correct at
(the 42 ICSs established on 1 July 2022), so a boundary change is a data edit.

Integrated care boards are dated records (data/icbs.toml): the 42 ICBs of 1 July 2022, one per ICS
and named after it, and each ICB created since, with the date it took effect and the 2022 ICBs
(whole or in part) it replaced. `icbs_on(day)` lists the ICBs in force on a day and
`icbs_covering(icss, day)` names those covering a collaborative's ICSs on the date of a round. A
collaborative's profile keeps the 2022 ICS names it was saved with; the ICBs are worked out from
them, so a merger never changes saved data.
"""

from __future__ import annotations

import tomllib
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from collab_assess.content.sources import documents
from collab_assess.errors import DataFileError

ICS_LIST_FILE = Path(__file__).resolve().parents[2] / "data" / "icss.toml"
ICB_FILE = Path(__file__).resolve().parents[2] / "data" / "icbs.toml"


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


# -- integrated care boards as dated records ------------------------------------------------------


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    ics: str = Field(min_length=1)
    """A 2022 ICS (data/icss.toml), whose ICB had the same area."""
    part: str | None = Field(default=None, min_length=1)
    """The part of it this ICB took; None for the whole."""


class _Change(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    region: str
    effective: date
    sources: list[str] = Field(min_length=1)
    replaces: list[_Part] = Field(min_length=1)


class _ICBFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_icbs_from: date
    first_icbs_source: str
    announced: list[_Change] = Field(default_factory=list)
    changes: list[_Change] = Field(default_factory=list)


@dataclass(frozen=True)
class ICBPart:
    """Where part (or all) of a 2022 ICB's area went."""

    ics: str
    part: str | None
    """None: the whole of it."""

    def __str__(self) -> str:
        return f"{self.part} (from {self.ics})" if self.part else self.ics


@dataclass(frozen=True)
class ICBRecord:
    """One integrated care board and the dates it is in force (until: the day it stopped, or None
    while it still is). `replaces` is empty for the 42 ICBs of 1 July 2022."""

    name: str
    region: str
    in_force_from: date
    in_force_until: date | None
    replaces: tuple[ICBPart, ...]
    sources: tuple[str, ...]
    announced: bool = False
    """True for a merger announced but not yet confirmed in force."""

    @property
    def title(self) -> str:
        """"NHS Essex Integrated Care Board"."""
        return f"NHS {self.name} Integrated Care Board"

    def in_force_on(self, day: date) -> bool:
        return (not self.announced and self.in_force_from <= day
                and (self.in_force_until is None or day < self.in_force_until))


def _change_faults(raw: dict, checked: _ICBFile, by_region: dict[str, tuple[str, ...]],
                   known_sources: set[str]) -> list[str]:
    region_of = {ics: region for region, icss in by_region.items() for ics in icss}
    faults = []
    names = Counter(change.name for change in [*checked.changes, *checked.announced])
    faults += [f"ICB {name!r}: listed {count} times" for name, count in names.items() if count > 1]
    if checked.first_icbs_source not in known_sources:
        faults.append(f"first_icbs_source: {checked.first_icbs_source!r} is not in "
                      "data/sources.toml")
    given: dict[str, list[str | None]] = {}
    for change in [*checked.changes, *checked.announced]:
        where = f"ICB {change.name!r}"
        if change.region not in by_region:
            faults.append(f"{where}: unknown region {change.region!r}")
        if change.effective <= checked.first_icbs_from:
            faults.append(f"{where}: effective {change.effective} is not after the first ICBs "
                          f"({checked.first_icbs_from})")
        faults += [f"{where}: source {key!r} is not in data/sources.toml"
                   for key in change.sources if key not in known_sources]
        for part in change.replaces:
            if part.ics not in region_of:
                faults.append(f"{where}: replaces {part.ics!r}, which is not one of the 2022 ICSs "
                              "in data/icss.toml")
            elif region_of[part.ics] != change.region:
                faults.append(f"{where}: replaces {part.ics!r} of {region_of[part.ics]}, but is "
                              f"in {change.region} (regions do not change)")
            if change in checked.changes:
                given.setdefault(part.ics, []).append(part.part)
    for ics, parts in given.items():
        if len(parts) != len(set(parts)):
            faults.append(f"ICS {ics!r}: the same part is given to two ICBs")
        if None in parts and len(parts) > 1:
            faults.append(f"ICS {ics!r}: given whole to one ICB and in part to another")
        if len({c.effective for c in checked.changes
                if any(p.ics == ics for p in c.replaces)}) > 1:
            faults.append(f"ICS {ics!r}: its parts go to new ICBs on different dates")
    return faults


def load_icbs(path: Path = ICB_FILE, icss_by_region: dict[str, tuple[str, ...]] | None = None,
              ) -> tuple[ICBRecord, ...]:
    """Every ICB record: the 42 of July 2022 (from data/icss.toml), then each one created since,
    then those announced. A fault stops the app naming the file, the entry and what is wrong."""
    by_region = ICSS_BY_REGION if icss_by_region is None else icss_by_region
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), [f"cannot be read: {error}"]) from error
    try:
        checked = _ICBFile.model_validate(raw)
    except ValidationError as error:
        faults = []
        for detail in error.errors():
            location = [str(part) for part in detail["loc"]]
            where = "the file"
            if location[:1] in (["changes"], ["announced"]) and len(location) > 1:
                entries = raw.get(location[0]) or []
                index = int(location[1])
                name = entries[index].get("name") if index < len(entries) else None
                where = f"ICB {name!r}" if name else f"{location[0]} entry {index + 1}"
                location = location[2:]
            field = ".".join(location)
            message = ("not a field the file knows (a typo?)"
                       if detail["type"] == "extra_forbidden" else detail["msg"])
            faults.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        raise DataFileError(str(path), faults) from error
    faults = _change_faults(raw, checked, by_region, set(documents()))
    if faults:
        raise DataFileError(str(path), faults)
    ended: dict[str, date] = {}
    for change in checked.changes:
        for part in change.replaces:
            ended[part.ics] = change.effective
    first = tuple(
        ICBRecord(name=ics, region=region, in_force_from=checked.first_icbs_from,
                  in_force_until=ended.get(ics), replaces=(),
                  sources=(checked.first_icbs_source,))
        for region, icss in by_region.items() for ics in icss)
    later = tuple(
        ICBRecord(name=change.name, region=change.region, in_force_from=change.effective,
                  in_force_until=None,
                  replaces=tuple(ICBPart(part.ics, part.part) for part in change.replaces),
                  sources=tuple(change.sources), announced=is_announced)
        for is_announced, changes in ((False, checked.changes), (True, checked.announced))
        for change in changes)
    return first + later


ICBS: tuple[ICBRecord, ...] = load_icbs()
"""Every ICB record, in force or not (see data/icbs.toml)."""


def icbs_on(day: date, records: tuple[ICBRecord, ...] = ICBS) -> list[ICBRecord]:
    """The ICBs in force on `day`, in region order."""
    return [record for record in records if record.in_force_on(day)]


@dataclass(frozen=True)
class CoveringICB:
    """An ICB covering one of a collaborative's 2022 ICSs on a day, and how."""

    icb: ICBRecord
    ics: str
    part: str | None
    """The part of the ICS this ICB covers; None for the whole."""


def icbs_covering(icss: tuple[str, ...] | list[str], day: date,
                  records: tuple[ICBRecord, ...] = ICBS) -> list[CoveringICB]:
    """For each of a collaborative's ICSs (the 2022 names its profile holds), the ICB or ICBs
    covering it on `day`: the ICS's own 2022 ICB until it was replaced, then the new ICB(s), part
    by part. An ICS split between new ICBs gives one entry per part. Names not in the 2022 list
    are left out."""
    found = []
    for ics in icss:
        for record in records:
            if not record.in_force_on(day):
                continue
            if not record.replaces and record.name == ics:
                found.append(CoveringICB(record, ics, None))
            for part in record.replaces:
                if part.ics == ics:
                    found.append(CoveringICB(record, ics, part.part))
    return found


def icbs_in_words(icss: tuple[str, ...] | list[str], day: date,
                  records: tuple[ICBRecord, ...] = ICBS) -> str:
    """The ICBs covering a collaborative's ICSs on `day`, as one line: "NHS Essex Integrated Care
    Board (west Essex, from Hertfordshire and West Essex); ..."; "" when there are none."""
    names: dict[str, list[str]] = {}
    for covering in icbs_covering(icss, day, records):
        notes = names.setdefault(covering.icb.title, [])
        if covering.icb.replaces:
            note = (f"{covering.part}, from {covering.ics}" if covering.part
                    else f"from {covering.ics}")
            notes.append(note)
    return "; ".join(f"{title} ({', '.join(notes)})" if notes else title
                     for title, notes in names.items())


def icb_sources(icss: tuple[str, ...] | list[str], days: list[date],
                records: tuple[ICBRecord, ...] = ICBS) -> list[str]:
    """The documents behind the ICBs covering a collaborative's ICSs on any of `days`, each once,
    as a reader would look it up (publisher, public title, date; never a key or file name)."""
    register = documents()
    keys = dict.fromkeys(key for day in days for covering in icbs_covering(icss, day, records)
                         for key in covering.icb.sources)
    return [register[key].reference if key in register else key for key in keys]

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
