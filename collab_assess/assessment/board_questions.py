"""The board's own answers to the five high-level questions NHS Providers suggests trust boards ask
about a collaborative (../shared/seeds/000_14819e0e06ef0d46.txt, section 'Risk management and
oversight for trust boards').

The questions, in our words, and the statements that answer each live in the question bank (from
version 2), so they always point at statements the round actually asked. A question's answer is
scored like an area: the mean of its statements' scores, leaving out any statement nobody has rated,
placed on the same four stages.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.assessment.results import RoundResults
from collab_assess.content.scale import Level, stage_of

HEADING = "Questions your trust board should ask"


def statements_counted(scored: int, asked: int) -> str:
    """"from ..." in words: "both statements", "all 3 statements", "2 of its 3 statements"."""
    if scored < asked:
        return f"{scored} of its {asked} statements"
    return {1: "its one statement", 2: "both statements"}.get(asked, f"all {asked} statements")


INTRODUCTION = (
    "NHS Providers suggests five questions for the board of any trust working in a provider "
    "collaborative; they suit the boards of other member organisations too. Here is what this "
    "round's answers say about each. A question's score is the average of the scores of the "
    "statements that bear on it."
)


@dataclass(frozen=True)
class BoardAnswer:
    number: int
    question: str
    source: str
    statements: pd.DataFrame
    """statement_id, statement, area, score (missing when not yet rated), stage (Level or None),
    in the order the bank lists them for the question."""
    score: float | None
    stage: Level | None

    @property
    def asked(self) -> int:
        return len(self.statements)

    @property
    def scored(self) -> int:
        return int(self.statements["score"].notna().sum())


def board_answers(results: RoundResults) -> list[BoardAnswer]:
    """Each of the bank's board questions with its statements' scores and stages, in number order.
    Empty for a bank without board questions (version 1)."""
    table = results.statements.set_index("statement_id")
    answers = []
    for question in sorted(results.bank.board_questions, key=lambda q: q.number):
        rows = table.loc[question.statements, ["statement", "area", "score"]].reset_index()
        rows["stage"] = pd.Series([stage_of(score) if pd.notna(score) else None
                                   for score in rows["score"]], dtype=object)
        scored = rows["score"].dropna()
        score = float(scored.mean()) if len(scored) else None
        answers.append(BoardAnswer(
            number=question.number,
            question=question.question,
            source=question.source,
            statements=rows,
            score=score,
            stage=stage_of(score) if score is not None else None,
        ))
    return answers
