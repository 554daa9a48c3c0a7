"""The question bank: pydantic models, and loading the versioned TOML files in question_bank/.

A bank that does not validate stops the app at start-up with a BankError whose every line names the
file, the item (area or statement id) and the fault, so whoever edited the file can mend it at once.
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

from collab_assess.errors import BankError
from collab_assess.scale import LEVELS

BANK_DIRECTORY = Path(__file__).resolve().parent.parent / "question_bank"
BANK_DIR_ENV_VAR = "COLLAB_ASSESS_BANK_DIR"
BANK_FILE_PATTERN = "bank-v*.toml"
STATEMENTS_PER_AREA = (3, 5)

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


class Area(_Strict):
    id: AreaId
    name: Text
    group: Literal["core capability", "enabler"]
    summary: Text
    source: Text


class Statement(_Strict):
    id: StatementId
    area: AreaId
    statement: Text
    help: Text
    levels: LevelDescriptors
    source: Text


class QuestionBank(_Strict):
    version: int = Field(ge=1)
    title: Text
    released: date
    about: Text
    areas: list[Area] = Field(min_length=1)
    statements: list[Statement] = Field(min_length=1)

    @cached_property
    def statements_by_id(self) -> dict[str, Statement]:
        return {s.id: s for s in self.statements}

    @cached_property
    def areas_by_id(self) -> dict[str, Area]:
        return {a.id: a for a in self.areas}

    def statements_in(self, area_id: str) -> list[Statement]:
        return [s for s in self.statements if s.area == area_id]

    def to_json(self) -> str:
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str) -> "QuestionBank":
        return cls.model_validate(json.loads(text))


def _item_name(raw: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into the area or statement it points at."""
    if len(loc) >= 2 and loc[0] in ("areas", "statements") and isinstance(loc[1], int):
        kind = "area" if loc[0] == "areas" else "statement"
        try:
            item_id = raw[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            item_id = None
        name = f"{kind} {item_id}" if item_id else f"{kind} number {loc[1] + 1} (it has no id)"
        field = ".".join(str(part) for part in loc[2:])
        return f"{name}, field '{field}'" if field else name
    return "the bank's header" if not loc else f"the bank's header, field '{'.'.join(map(str, loc))}'"


def _describe_validation_error(raw: Any, error: ValidationError) -> list[str]:
    faults = []
    for detail in error.errors():
        where = _item_name(raw, tuple(detail["loc"]))
        message = detail["msg"]
        if detail["type"] == "missing":
            message = "missing (every statement needs all four levels and every field)"
        elif detail["type"] == "extra_forbidden":
            message = "not a field the bank knows (a typo?)"
        faults.append(f"{where}: {message}")
    return faults


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
                f"statement {statement.id}: its id must start with its area's id '{statement.area}-'"
            )
    low, high = STATEMENTS_PER_AREA
    per_area = Counter(statement.area for statement in bank.statements)
    for area in bank.areas:
        if not low <= per_area[area.id] <= high:
            faults.append(
                f"area {area.id}: has {per_area[area.id]} statements; each area needs {low} to {high}"
            )
    return faults


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
    """Every bank version in the folder, keyed by version number."""
    directory = directory or bank_directory()
    paths = sorted(directory.glob(BANK_FILE_PATTERN))
    if not paths:
        raise BankError(str(directory), [f"no question bank files ({BANK_FILE_PATTERN}) found"])
    return {bank.version: bank for bank in map(load_bank_file, paths)}


def load_current_bank(directory: Path | None = None) -> QuestionBank:
    """The newest bank version: the one new assessment rounds are opened with."""
    banks = load_banks(directory)
    return banks[max(banks)]
