"""The guided walk through the areas: answer choices, progress, and where to resume."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.content.bank import QuestionBank, Statement
from collab_assess.content.scale import LEVELS, Unscored, level_label
from collab_assess.content.sources import where_this_comes_from
from collab_assess.store.inputs import AnswerInput, validated

AnswerOption = int | str
ANSWER_OPTIONS: tuple[AnswerOption, ...] = (
    *(int(level) for level in LEVELS),
    Unscored.DONT_KNOW.value,
    Unscored.NOT_APPLICABLE.value,
)


def option_label(option: AnswerOption) -> str:
    if isinstance(option, int):
        return level_label(option)
    return Unscored(option).label


def option_captions(statement: Statement) -> list[str]:
    """What each choice means for this statement: the level descriptors, then the two non-levels."""
    return [
        *(statement.levels.for_level(int(level)) for level in LEVELS),
        "You cannot judge this. Recorded, but not scored.",
        "This does not fit your collaborative. Recorded, but not scored.",
    ]


EVIDENCE_LABEL = "What to look for:"
RATING_RULE_LABEL = "How to choose a level:"


def evidence_prompt(statement: Statement) -> str | None:
    """The statement's "what to look for", as Markdown to show under it; None for a bank without
    evidence prompts (version 1 puts them in the help text)."""
    if statement.evidence is None:
        return None
    return f"**{EVIDENCE_LABEL}** {statement.evidence}"


SOURCES_LABEL = "Where this comes from"


def statement_sources(statement: Statement) -> list[str]:
    """Where the statement's facts come from, one line per document: publisher, public title and
    date (the register in data/sources.toml), then the sections. Never a file name or a key:
    shown under the statement as "Where this comes from"."""
    return where_this_comes_from(statement.source)


def rating_guide(bank: QuestionBank) -> str | None:
    """The bank's rule for choosing a level, as Markdown to show beside the scale; None for a bank
    without one (version 1)."""
    if bank.rating_rule is None:
        return None
    return f"**{RATING_RULE_LABEL}** {bank.rating_rule}"


def option_of(answer: pd.Series | None) -> AnswerOption | None:
    """The choice a saved answer corresponds to (None when there is no answer)."""
    if answer is None:
        return None
    if pd.notna(answer["level"]):
        return int(answer["level"])
    return str(answer["unscored"])


def answer_from(
    option: AnswerOption, target_level: int | None, note: str, recorded_by: str, source: str
) -> AnswerInput:
    """Build a checked answer from what the respondent chose."""
    is_level = isinstance(option, int)
    return validated(
        AnswerInput,
        level=option if is_level else None,
        unscored=None if is_level else option,
        target_level=target_level,
        note=note or "",
        recorded_by=recorded_by,
        source=source,
    )


@dataclass(frozen=True)
class Progress:
    answered: int
    total: int
    answered_by_area: dict[str, int]
    statements_by_area: dict[str, int]

    @property
    def share(self) -> float:
        return self.answered / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.answered >= self.total

    def area_complete(self, area_id: str) -> bool:
        return self.answered_by_area.get(area_id, 0) >= self.statements_by_area[area_id]


def progress(bank: QuestionBank, answered_ids: set[str]) -> Progress:
    statements_by_area = {area.id: len(bank.statements_in(area.id)) for area in bank.areas}
    answered_by_area = {
        area.id: sum(1 for s in bank.statements_in(area.id) if s.id in answered_ids)
        for area in bank.areas
    }
    return Progress(
        answered=sum(answered_by_area.values()),
        total=len(bank.statements),
        answered_by_area=answered_by_area,
        statements_by_area=statements_by_area,
    )


def resume_step(bank: QuestionBank, answered_ids: set[str]) -> int:
    """Where a returning respondent picks up: the first area with an unanswered statement, or the
    review step (numbered len(bank.areas)) when everything is answered."""
    for index, area in enumerate(bank.areas):
        if any(s.id not in answered_ids for s in bank.statements_in(area.id)):
            return index
    return len(bank.areas)


def unanswered(bank: QuestionBank, answered_ids: set[str]) -> list[Statement]:
    return [s for s in bank.statements if s.id not in answered_ids]
