"""The board's own answers to the five high-level questions NHS Providers suggests trust boards ask
about a collaborative (../shared/seeds/000_14819e0e06ef0d46.txt, section 'Risk management and
oversight for trust boards').

The questions, in our words, and the statements that answer each live in the question bank (from
version 2), so they always point at statements the round actually asked. A question is answered by
its statements, each with its score and stage, how people answered it and the evidence they gave:
never by an average, because "what options would our organisation have?" needs an answer and its
evidence, not a number. The evidence notes follow the same anonymity rule as everywhere on
Results (assessment/results.evidence_notes).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.assessment.results import RoundResults, evidence_notes
from collab_assess.content.scale import LEVELS, Level, stage_of
from collab_assess.content.sources import where_this_comes_from

HEADING = "Questions your trust board should ask"


def statements_counted(scored: int, asked: int) -> str:
    """"from ..." in words: "both statements", "all 3 statements", "2 of its 3 statements"."""
    if scored < asked:
        return f"{scored} of its {asked} statements"
    return {1: "its one statement", 2: "both statements"}.get(asked, f"all {asked} statements")


INTRODUCTION = (
    "NHS Providers suggests five questions for the board of any trust working in a provider "
    "collaborative; they suit the boards of other member organisations too. Each question is "
    "answered here by the statements that bear on it: for each, its score and stage, how people "
    "answered it, and the evidence they gave. There is no single score for a question: the board "
    "needs the answers and their evidence, not an average."
)


@dataclass(frozen=True)
class EvidenceNote:
    role: str
    """The role the note is shown under (or "another role", see results.evidence_notes)."""
    answer: str | None
    """The answer given with it, when it may be shown."""
    note: str


@dataclass(frozen=True)
class StatementAnswer:
    statement_id: str
    statement: str
    area: str
    score: float | None
    stage: Level | None
    answered: str
    """How people answered, in words: "2 Developing, 3 Maturing, 1 Don't know"."""
    look_for: str | None
    """The bank's "what to look for" (version 2 on)."""
    evidence: tuple[EvidenceNote, ...]


@dataclass(frozen=True)
class BoardAnswer:
    number: int
    question: str
    source: str
    statements: tuple[StatementAnswer, ...]
    """In the order the bank lists them for the question."""

    @property
    def asked(self) -> int:
        return len(self.statements)

    @property
    def scored(self) -> int:
        return sum(1 for row in self.statements if row.score is not None)

    @property
    def sources(self) -> list[str]:
        """Where the question comes from, by public title."""
        return where_this_comes_from(self.source)


def answered_in_words(levels: pd.Series, unscored: pd.Series) -> str:
    """The answers to one statement as counts in words, lowest level first, then Don't know and
    Not applicable: "2 Developing, 3 Maturing, 1 Don't know"; "no answers yet"."""
    parts = []
    counts = levels.dropna().astype(int).value_counts()
    for level in LEVELS:
        if counts.get(int(level), 0):
            parts.append(f"{counts[int(level)]} {level.label}")
    for value, label in (("dont_know", "Don't know"), ("not_applicable", "Not applicable")):
        count = int((unscored.astype("object") == value).sum())
        if count:
            parts.append(f"{count} {label}")
    return ", ".join(parts) if parts else "no answers yet"


def board_answers(results: RoundResults) -> list[BoardAnswer]:
    """Each of the bank's board questions with its statements' answers and evidence, in number
    order. Empty for a bank without board questions (version 1)."""
    table = results.statements.set_index("statement_id")
    answers = results.answers
    notes = evidence_notes(results) if not answers.empty else pd.DataFrame(
        columns=["statement_id", "role", "level", "unscored", "note", "answer_shown"])
    found = []
    for question in sorted(results.bank.board_questions, key=lambda q: q.number):
        rows = []
        for statement_id in question.statements:
            row = table.loc[statement_id]
            score = float(row["score"]) if pd.notna(row["score"]) else None
            given = answers[answers["statement_id"] == statement_id] if not answers.empty \
                else answers
            statement = results.bank.statements_by_id.get(statement_id)
            rows.append(StatementAnswer(
                statement_id=statement_id,
                statement=str(row["statement"]),
                area=str(row["area"]),
                score=score,
                stage=stage_of(score) if score is not None else None,
                answered=(answered_in_words(given["level"], given["unscored"])
                          if not given.empty else "no answers yet"),
                look_for=statement.evidence if statement is not None else None,
                evidence=tuple(_notes_for(notes, statement_id)),
            ))
        found.append(BoardAnswer(number=question.number, question=question.question,
                                 source=question.source, statements=tuple(rows)))
    return found


def _notes_for(notes: pd.DataFrame, statement_id: str) -> list[EvidenceNote]:
    found = []
    for row in notes[notes["statement_id"] == statement_id].itertuples():
        answer = None
        if row.answer_shown:
            answer = (Level(int(row.level)).label if pd.notna(row.level)
                      else "Don't know / Not applicable")
        found.append(EvidenceNote(role=str(row.role), answer=answer, note=str(row.note)))
    return found
