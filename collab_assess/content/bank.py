"""The question bank: pydantic models, and loading the versioned TOML files in question_bank/.

A bank that does not validate stops the app at start-up with a BankError whose every line names the
file, the item (area, statement, board question or mapping entry) and the fault, so whoever edited
the file can mend it at once.

From version 2 on, a bank also carries what version 1 did not: a rating rule shown beside the scale,
for every statement a prompt of what evidence to look for and a step from each level to the next,
the board questions its statements answer, and a mapping from the previous version's statement ids.
Version 1 stays valid without them (rounds opened on it keep their copy), and its stored copy is
unchanged: fields a bank does not use are left out of its JSON.

From version 3, a bank also says the date its policy content is correct at (`policy_as_at`, the
"policy as at" stamp on Results and in the report), and may drop a statement outright ("dropped",
with its reason). Every `source` names documents the register in data/sources.toml lists, so the
app can show each one by its public title ("Where this comes from").
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections import Counter
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from collab_assess.content.scale import LEVELS, Level
from collab_assess.content.sources import unknown_documents
from collab_assess.errors import BankError

BANK_DIRECTORY = Path(__file__).resolve().parents[2] / "question_bank"
BANK_DIR_ENV_VAR = "COLLAB_ASSESS_BANK_DIR"
BANK_FILE_PATTERN = "bank-v*.toml"
STATEMENTS_PER_AREA = (3, 7)
FIRST_VERSION_WITH_GUIDANCE = 2
"""From this version on, every bank needs a rating rule, evidence prompts, next steps, board
questions and a mapping from the previous version."""
FIRST_VERSION_WITH_POLICY_DATE = 3
"""From this version on, every bank says the date its policy content is correct at."""

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
AreaId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}$")]
StatementId = Annotated[str, StringConstraints(pattern=r"^[A-Z]{2}-[0-9]+$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LevelDescriptors(_Strict):
    """What a collaborative looks like at each of the four levels, for one statement."""

    emerging: Text
    developing: Text
    maturing: Text
    thriving: Text

    def for_level(self, level: int) -> str:
        return getattr(self, LEVELS[level - 1].key)


class NextSteps(_Strict):
    """For each level below the top one, a short step that would reach the level above it."""

    emerging: Text
    developing: Text
    maturing: Text

    def from_level(self, level: int) -> str | None:
        """The step from `level` to the next one; None from the top level."""
        if Level(level) is Level.THRIVING:
            return None
        return getattr(self, Level(level).key)


class Area(_Strict):
    id: AreaId
    name: Text
    group: Literal["core capability", "enabler", "governance basics"]
    """The guidance's six core capabilities and five enablers; from version 3, the governance
    basics of a lawful, well-governed vehicle as well."""
    summary: Text
    source: Text


class Statement(_Strict):
    id: StatementId
    area: AreaId
    statement: Text
    help: Text
    levels: LevelDescriptors
    source: Text
    evidence: Text | None = None
    """What to look for: shown under the statement (required from version 2)."""
    next_step: NextSteps | None = None
    """From each level below Thriving, the step to the next (required from version 2)."""


class BoardQuestion(_Strict):
    """One of the high-level questions NHS Providers suggests trust boards ask about a
    collaborative, in our words, with the statements whose scores answer it."""

    number: int = Field(ge=1)
    question: Text
    statements: list[StatementId] = Field(min_length=1)
    source: Text


Change = Literal["reworded", "moved", "replaced", "split", "dropped"]
CHANGES_KEEPING_THE_ID: frozenset[str] = frozenset({"reworded"})
CHANGES_KEEPING_THE_MEANING: frozenset[str] = frozenset({"reworded", "moved"})


class StatementMapping(_Strict):
    """Where one statement of the previous version went."""

    old: StatementId
    new: list[StatementId] = Field(default_factory=list)
    """Empty only for a statement that was dropped."""
    change: Change
    why: Text | None = None


class VersionMapping(_Strict):
    """Every statement of the previous version, and where it went in this one."""

    from_version: int = Field(ge=1)
    statements: list[StatementMapping] = Field(min_length=1)

    @cached_property
    def by_old_id(self) -> dict[str, StatementMapping]:
        return {entry.old: entry for entry in self.statements}


class QuestionBank(_Strict):
    version: int = Field(ge=1)
    title: Text
    released: date
    about: Text
    areas: list[Area] = Field(min_length=1)
    statements: list[Statement] = Field(min_length=1)
    rating_rule: Text | None = None
    """How to choose a level when a statement only partly fits one (required from version 2)."""
    board_questions: list[BoardQuestion] = Field(default_factory=list)
    mapping: VersionMapping | None = None
    policy_as_at: date | None = None
    """The date the bank's policy content is correct at (required from version 3): shown as
    "policy as at ..." on Results and in the report, so a reader knows what it cannot know."""

    @cached_property
    def statements_by_id(self) -> dict[str, Statement]:
        return {s.id: s for s in self.statements}

    @cached_property
    def areas_by_id(self) -> dict[str, Area]:
        return {a.id: a for a in self.areas}

    def statements_in(self, area_id: str) -> list[Statement]:
        return [s for s in self.statements if s.area == area_id]

    @property
    def has_next_steps(self) -> bool:
        return all(statement.next_step is not None for statement in self.statements)

    def to_json(self) -> str:
        """The bank as stored with each round. Fields left at their defaults are left out, so a
        bank that does not use the newer fields keeps exactly the copy stored before they
        existed."""
        return self.model_dump_json(exclude_defaults=True)

    @classmethod
    def from_json(cls, text: str) -> QuestionBank:
        return cls.model_validate(json.loads(text))


# -- naming the item a fault is in ----------------------------------------------------------------


def _id_at(raw: Any, *path: Any) -> Any:
    try:
        for step in path:
            raw = raw[step]
        return raw
    except (KeyError, IndexError, TypeError):
        return None


def _field_suffix(parts: tuple[Any, ...]) -> str:
    field = ".".join(str(part) for part in parts)
    return f", field '{field}'" if field else ""


def _item_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into the item it points at."""
    if len(loc) >= 2 and loc[0] in ("areas", "statements") and isinstance(loc[1], int):
        kind = "area" if loc[0] == "areas" else "statement"
        item_id = _id_at(raw, loc[0], loc[1], "id")
        name = f"{kind} {item_id}" if item_id else f"{kind} number {loc[1] + 1} (it has no id)"
        return name + _field_suffix(loc[2:])
    if len(loc) >= 2 and loc[0] == "board_questions" and isinstance(loc[1], int):
        number = _id_at(raw, "board_questions", loc[1], "number")
        name = f"board question {number}" if number is not None else (
            f"board question in place {loc[1] + 1} (it has no number)")
        return name + _field_suffix(loc[2:])
    if loc and loc[0] == "mapping":
        if len(loc) >= 3 and loc[1] == "statements" and isinstance(loc[2], int):
            old = _id_at(raw, "mapping", "statements", loc[2], "old")
            name = (f"mapping entry for {old}" if old
                    else f"mapping entry number {loc[2] + 1} (it has no old id)")
            return name + _field_suffix(loc[3:])
        return "the mapping" + _field_suffix(loc[1:])
    return ("the bank's header" if not loc
            else f"the bank's header, field '{'.'.join(map(str, loc))}'")


MISSING_BECAUSE = {
    "next_step": "each of Emerging, Developing and Maturing needs a step to the next level",
}


def _describe_validation_error(raw: Any, error: ValidationError) -> list[str]:
    faults = []
    for detail in error.errors():
        loc = tuple(detail["loc"])
        where = _item_name(raw, loc)
        message = detail["msg"]
        if detail["type"] == "missing":
            reason = next((why for field, why in MISSING_BECAUSE.items() if field in loc),
                          "every statement needs all four levels and every field")
            message = f"missing ({reason})"
        elif detail["type"] == "extra_forbidden":
            message = "not a field the bank knows (a typo?)"
        faults.append(f"{where}: {message}")
    return faults


# -- checks across items --------------------------------------------------------------------------


def _cross_item_faults(bank: QuestionBank) -> list[str]:
    faults = []
    for item_kind, items in (("area", bank.areas), ("statement", bank.statements)):
        for item_id, count in Counter(item.id for item in items).items():
            if count > 1:
                faults.append(f"{item_kind} {item_id}: duplicate id (used {count} times)")
    known_areas = {area.id for area in bank.areas}
    for statement in bank.statements:
        if statement.area not in known_areas:
            faults.append(f"statement {statement.id}: unknown area '{statement.area}'")
        elif not statement.id.startswith(statement.area + "-"):
            faults.append(
                f"statement {statement.id}: its id must start with its area's id "
                f"'{statement.area}-'"
            )
    low, high = STATEMENTS_PER_AREA
    per_area = Counter(statement.area for statement in bank.statements)
    for area in bank.areas:
        if not low <= per_area[area.id] <= high:
            faults.append(
                f"area {area.id}: has {per_area[area.id]} statements; each area needs {low} to "
                f"{high}"
            )
    faults += _guidance_faults(bank)
    faults += _policy_date_faults(bank)
    faults += _source_faults(bank)
    faults += _board_question_faults(bank)
    faults += _mapping_faults(bank)
    return faults


def _guidance_faults(bank: QuestionBank) -> list[str]:
    """From version 2, the rating rule, every evidence prompt and every next step are required."""
    if bank.version < FIRST_VERSION_WITH_GUIDANCE:
        return []
    since = f"required from version {FIRST_VERSION_WITH_GUIDANCE} on"
    faults = []
    if bank.rating_rule is None:
        faults.append(f"the bank's header, field 'rating_rule': missing (the rule for choosing a "
                      f"level when a statement partly fits one; {since})")
    for statement in bank.statements:
        if statement.evidence is None:
            faults.append(f"statement {statement.id}, field 'evidence': missing (what to look for, "
                          f"shown under the statement; {since})")
        if statement.next_step is None:
            faults.append(f"statement {statement.id}, field 'next_step': missing (a step from "
                          f"Emerging, Developing and Maturing to the next level; {since})")
    if not bank.board_questions:
        faults.append(f"the bank's header, field 'board_questions': missing (the questions for "
                      f"boards that Results answers; {since})")
    if bank.mapping is None:
        faults.append(f"the bank's header, field 'mapping': missing (where each statement of the "
                      f"previous version went; {since})")
    return faults


def _policy_date_faults(bank: QuestionBank) -> list[str]:
    if bank.version < FIRST_VERSION_WITH_POLICY_DATE or bank.policy_as_at is not None:
        return []
    return [f"the bank's header, field 'policy_as_at': missing (the date its policy content is "
            f"correct at, shown as 'policy as at'; required from version "
            f"{FIRST_VERSION_WITH_POLICY_DATE} on)"]


def _source_faults(bank: QuestionBank) -> list[str]:
    """Every document a source cites must be in data/sources.toml, so a reader can be shown its
    public title."""
    items = ([(f"area {a.id}", a.source) for a in bank.areas]
             + [(f"statement {s.id}", s.source) for s in bank.statements]
             + [(f"board question {q.number}", q.source) for q in bank.board_questions])
    return [f"{item}, field 'source': cites '{key}', which data/sources.toml does not list"
            for item, source in items for key in unknown_documents(source)]


def _board_question_faults(bank: QuestionBank) -> list[str]:
    faults = []
    for number, count in Counter(q.number for q in bank.board_questions).items():
        if count > 1:
            faults.append(f"board question {number}: duplicate number (used {count} times)")
    for question in bank.board_questions:
        for statement_id in question.statements:
            if statement_id not in bank.statements_by_id:
                faults.append(f"board question {question.number}: names '{statement_id}', which "
                              "is not a statement in this bank")
    return faults


def _mapping_faults(bank: QuestionBank) -> list[str]:
    """The mapping's own rules; whether its old ids exist is checked in load_banks, which has the
    previous version to hand."""
    mapping = bank.mapping
    if mapping is None:
        return []
    faults = []
    if mapping.from_version >= bank.version:
        faults.append(f"the mapping, field 'from_version': {mapping.from_version} is not an "
                      f"earlier version than this bank's ({bank.version})")
    for old, count in Counter(entry.old for entry in mapping.statements).items():
        if count > 1:
            faults.append(f"mapping entry for {old}: listed {count} times")
    for entry in mapping.statements:
        where = f"mapping entry for {entry.old}"
        for new_id in entry.new:
            if new_id not in bank.statements_by_id:
                faults.append(f"{where}: names '{new_id}', which is not a statement in this bank")
        keeps_id = entry.change in CHANGES_KEEPING_THE_ID
        if keeps_id and entry.new != [entry.old]:
            faults.append(f"{where}: a '{entry.change}' statement keeps its id, so 'new' must be "
                          f"['{entry.old}']")
        if not keeps_id and entry.old in entry.new:
            faults.append(f"{where}: a '{entry.change}' statement needs a new id; '{entry.old}' "
                          "may not be used again")
        if not keeps_id and entry.old in bank.statements_by_id:
            faults.append(f"{where}: '{entry.old}' is still a statement in this bank, so its "
                          "meaning must hold ('reworded'); give the changed statement a new id")
        if entry.change == "dropped" and entry.new:
            faults.append(f"{where}: a 'dropped' statement has no new id; leave 'new' empty")
        if entry.change != "dropped" and not entry.new:
            faults.append(f"{where}, field 'new': empty (only a 'dropped' statement has no new "
                          "id)")
        if entry.change == "split" and len(entry.new) < 2:
            faults.append(f"{where}: a 'split' needs two or more new ids")
        if entry.change in ("moved", "replaced") and len(entry.new) != 1:
            faults.append(f"{where}: a '{entry.change}' statement has exactly one new id")
        if entry.change != "reworded" and entry.why is None:
            faults.append(f"{where}, field 'why': missing (say why a statement was "
                          f"{entry.change})")
    return faults


def mapping_faults_against(bank: QuestionBank, previous: QuestionBank) -> list[str]:
    """Faults in `bank`'s mapping that need the previous version to see: an old id that version
    does not have, or one of its statements left out of the mapping."""
    mapping = bank.mapping
    if mapping is None or mapping.from_version != previous.version:
        return []
    faults = []
    for entry in mapping.statements:
        if entry.old not in previous.statements_by_id:
            faults.append(f"mapping entry for {entry.old}: '{entry.old}' is not a statement of "
                          f"version {previous.version}")
    for statement in previous.statements:
        if statement.id not in mapping.by_old_id:
            faults.append(f"the mapping: statement {statement.id} of version {previous.version} "
                          "is missing (every statement of that version needs an entry)")
    return faults


# -- loading --------------------------------------------------------------------------------------


def parse_bank(text: str, file_name: str) -> QuestionBank:
    """Validate the text of one bank file; raise BankError naming every fault found."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise BankError(file_name, [f"not valid TOML: {error}"]) from error
    try:
        bank = QuestionBank.model_validate(raw)
    except ValidationError as error:
        raise BankError(file_name, _describe_validation_error(raw, error)) from error
    faults = _cross_item_faults(bank)
    if faults:
        raise BankError(file_name, faults)
    return bank


def load_bank_file(path: Path) -> QuestionBank:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BankError(str(path), [f"cannot be read: {error}"]) from error
    bank = parse_bank(text, str(path))
    expected = re.fullmatch(r"bank-v(\d+)\.toml", path.name)
    if expected and int(expected.group(1)) != bank.version:
        raise BankError(
            str(path), [f"the bank's header: version {bank.version} does not match the file name"]
        )
    return bank


def bank_directory() -> Path:
    """The folder of bank files: $COLLAB_ASSESS_BANK_DIR when set, else question_bank/."""
    return Path(os.environ.get(BANK_DIR_ENV_VAR) or BANK_DIRECTORY)


def load_banks(directory: Path | None = None) -> dict[int, QuestionBank]:
    """Every bank version in the folder, keyed by version number, each mapping checked against the
    version it maps from."""
    directory = directory or bank_directory()
    paths = sorted(directory.glob(BANK_FILE_PATTERN))
    if not paths:
        raise BankError(str(directory), [f"no question bank files ({BANK_FILE_PATTERN}) found"])
    banks = {path: load_bank_file(path) for path in paths}
    by_version = {bank.version: bank for bank in banks.values()}
    for path, bank in banks.items():
        if bank.mapping is None:
            continue
        previous = by_version.get(bank.mapping.from_version)
        if previous is None:
            raise BankError(str(path), [
                f"the mapping, field 'from_version': there is no version "
                f"{bank.mapping.from_version} (bank-v{bank.mapping.from_version}.toml) in "
                f"{directory} to map from"])
        faults = mapping_faults_against(bank, previous)
        if faults:
            raise BankError(str(path), faults)
    return dict(sorted(by_version.items()))


def load_current_bank(directory: Path | None = None) -> QuestionBank:
    """The newest bank version: the one new assessment rounds are opened with."""
    banks = load_banks(directory)
    return banks[max(banks)]
