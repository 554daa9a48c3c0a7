"""What a user may save, checked before anything is written.

Each model turns bad input into an InputError whose message says, in plain words, which field is
wrong and why, so the page or the command line can show it as it is.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails

from collab_assess.content.names import clean_name, clean_text
from collab_assess.content.reference import (
    COLLABORATIVE_TYPES,
    DECISION_MECHANISMS,
    GOVERNANCE_MODELS,
    ICSS,
    ORGANISATION_TYPES,
    REGIONS,
    RESPONDENT_ROLES,
)
from collab_assess.content.scale import HIGHEST_LEVEL, LOWEST_LEVEL, Unscored
from collab_assess.errors import InputError

NAME_MAX = 120
LABEL_MAX = 80
NOTE_MAX = 4000
ACTION_MAX = 1000
ID_MAX = 20
"""Statement and area ids ("PB-1", "PB") come from the question bank, never from typing; the bound
only stops a forged request from storing a long string."""
ANSWER_SOURCES = ("self-assessment", "workshop", "import", "demo")



def _as_name(value: Any) -> Any:
    """Names are kept as a reader sees them (content/names.py: no control, zero-width or bidi
    characters, NFC); notes keep what was typed but control characters."""
    return clean_name(value) if isinstance(value, str) else value


def _as_text(value: Any) -> Any:
    return clean_text(value) if isinstance(value, str) else value


AsName = BeforeValidator(_as_name)
AsText = BeforeValidator(_as_text)
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=NAME_MAX),
                 AsName]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=LABEL_MAX),
                  AsName]
OptionalName = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NAME_MAX), AsName]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX), AsText]
Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                              max_length=ID_MAX), AsName]
LevelNumber = Annotated[int, Field(ge=LOWEST_LEVEL, le=HIGHEST_LEVEL)]
RECORDED_BY_MAX = 3 * NAME_MAX
RecordedBy = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=RECORDED_BY_MAX), AsName
]
"""Who made a change: room for a respondent's whole label (name, role and organisation)."""

FIELD_LABELS = {
    "name": "Name",
    "region": "NHS England region",
    "icss": "Integrated care system(s)",
    "collaborative_type": "Type of collaborative",
    "governance_model": "Governance model",
    "decision_mechanisms": "Decision-making mechanisms",
    "organisation": "Organisation",
    "organisation_type": "Organisation type",
    "label": "Round name",
    "opens_on": "Opening date",
    "closes_on": "Closing date",
    "role": "Role",
    "display_name": "Your name",
    "level": "Level",
    "unscored": "Answer",
    "target_level": "Target level",
    "note": "Evidence or rationale",
    "recorded_by": "Recorded by",
    "started_by": "Started by",
    "changed_by": "Changed by",
    "source": "Source",
    "stage": "Stage",
    "title": "Workshop name",
    "statement_ids": "Statements to cover",
    "description": "Action",
    "owner": "Owner",
    "due_on": "Due date",
    "statement_id": "Statement",
    "area_id": "Area",
    "rationale": "Rationale",
    "status": "Status",
}

_Model = TypeVar("_Model", bound=BaseModel)
_Choice = TypeVar("_Choice", bound=str | None)


def _friendly(detail: ErrorDetails) -> str:
    message = str(detail["msg"]).removeprefix("Value error, ")
    if not detail["loc"]:  # a rule about several fields together
        return message[:1].upper() + message[1:]
    field = detail["loc"][0]
    label = FIELD_LABELS.get(str(field), str(field))
    kind = detail["type"]
    if detail.get("input") is None and kind != "missing":
        return f"{label}: please choose or fill this in."
    if kind == "string_too_short":
        return f"{label} cannot be empty."
    if kind == "string_too_long":
        limit = detail.get("ctx", {}).get("max_length")
        return f"{label} is too long: keep it to {limit} characters or fewer."
    if kind == "missing":
        return f"{label} is required."
    return f"{label}: {message}"


def validated(model: type[_Model], **values: Any) -> _Model:
    """Build a model from user input, or raise InputError listing what is wrong in plain words."""
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise InputError(" ".join(_friendly(detail) for detail in error.errors())) from error


def name_key(name: str) -> str:
    """How names are compared for duplicates: case and repeated spaces do not make a new name."""
    return " ".join(name.split()).casefold()


def _one_of(value: _Choice, allowed: Any, what: str) -> _Choice:
    if value is not None and value not in allowed:
        raise ValueError(f"'{value}' is not a known {what}.")
    return value


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CollaborativeProfile(_Input):
    name: Name
    region: str | None = None
    icss: tuple[str, ...] = ()
    collaborative_type: str | None = None
    governance_model: str | None = None
    decision_mechanisms: tuple[str, ...] = ()

    @field_validator("name")
    @classmethod
    def _fold_spaces(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return _one_of(value, REGIONS, "NHS England region")

    @field_validator("icss")
    @classmethod
    def _known_icss(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for ics in value:
            _one_of(ics, ICSS, "integrated care system")
        return tuple(dict.fromkeys(value))

    @field_validator("collaborative_type")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        return _one_of(value, COLLABORATIVE_TYPES, "type of collaborative")

    @field_validator("governance_model")
    @classmethod
    def _known_model(cls, value: str | None) -> str | None:
        return _one_of(value, GOVERNANCE_MODELS, "governance model")

    @field_validator("decision_mechanisms")
    @classmethod
    def _known_mechanisms(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for mechanism in value:
            _one_of(mechanism, DECISION_MECHANISMS, "decision-making mechanism")
        return tuple(dict.fromkeys(value))


class MemberInput(_Input):
    organisation: Name
    organisation_type: str

    @field_validator("organisation_type")
    @classmethod
    def _known_type(cls, value: str) -> str:
        return _one_of(value, ORGANISATION_TYPES, "organisation type")


class RoundInput(_Input):
    label: Label
    opens_on: date
    closes_on: date | None = None

    @model_validator(mode="after")
    def _closes_after_opening(self) -> RoundInput:
        if self.closes_on is not None and self.closes_on < self.opens_on:
            raise ValueError("the closing date must not be before the opening date.")
        return self


class RespondentInput(_Input):
    role: str
    organisation: OptionalName = ""
    display_name: OptionalName = ""

    @field_validator("role")
    @classmethod
    def _known_role(cls, value: str) -> str:
        return _one_of(value, RESPONDENT_ROLES, "role")


class ActorInput(_Input):
    """The name someone gives for the record beside what they change (optional)."""

    display_name: OptionalName = ""


class AnswerInput(_Input):
    """One answer to one statement: a level of 1-4, or Don't know / Not applicable."""

    level: LevelNumber | None = None
    unscored: Unscored | None = None
    target_level: LevelNumber | None = None
    note: Note = ""
    recorded_by: RecordedBy
    source: str = "self-assessment"

    @field_validator("source")
    @classmethod
    def _known_source(cls, value: str) -> str:
        return _one_of(value, ANSWER_SOURCES, "answer source")

    @model_validator(mode="after")
    def _exactly_one_answer(self) -> AnswerInput:
        if (self.level is None) == (self.unscored is None):
            raise ValueError("choose exactly one of the four levels, Don't know or Not applicable.")
        return self


class AnswerChange(_Input):
    """What a respondent changed on one answer: the choice (a level, or Don't know / Not
    applicable), the target level, or the note. Only the fields given are changed; the Store takes
    the rest from the answer as it is saved now, so a stale page can never put back an old value
    the respondent did not touch."""

    level: LevelNumber | None = None
    unscored: Unscored | None = None
    target_level: LevelNumber | None = None
    note: Note = ""
    recorded_by: RecordedBy
    source: str = "self-assessment"

    @property
    def changes_choice(self) -> bool:
        return bool({"level", "unscored"} & self.model_fields_set)

    def applied_to(self, saved: dict[str, Any] | None) -> AnswerInput:
        """The whole answer after this change, on top of the saved one (None if there is none)."""
        if saved is None and not self.changes_choice:
            raise InputError("Choose a level for this statement before adding a target or a note.")
        merged = dict(saved or {})
        if self.changes_choice:
            merged.update(level=self.level, unscored=self.unscored)
        for field in ("target_level", "note"):
            if field in self.model_fields_set:
                merged[field] = getattr(self, field)
        merged.update(recorded_by=self.recorded_by, source=self.source)
        return validated(AnswerInput, **{key: merged.get(key) for key in
                                         ("level", "unscored", "target_level", "recorded_by",
                                          "source")}, note=merged.get("note") or "")


class StageInput(_Input):
    stage: LevelNumber
    recorded_by: RecordedBy


class ConsensusInput(_Input):
    level: LevelNumber
    rationale: Note = ""
    recorded_by: RecordedBy


class WorkshopInput(_Input):
    title: Label
    statement_ids: tuple[Identifier, ...] = Field(min_length=1)
    started_by: RecordedBy

    @field_validator("statement_ids")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(value))


ACTION_STATUSES = ("open", "in progress", "done", "dropped")


class ActionInput(_Input):
    description: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=ACTION_MAX), AsText]
    owner: OptionalName = ""
    due_on: date | None = None
    statement_id: Identifier | None = None
    area_id: Identifier | None = None
    recorded_by: RecordedBy


class ActionStatusInput(_Input):
    status: str
    changed_by: RecordedBy

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: str) -> str:
        return _one_of(value, ACTION_STATUSES, "action status")
