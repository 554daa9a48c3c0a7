"""The next level for a statement, and one step towards it: what Results shows under each of the
weakest statements.

A statement's stage comes from its score by the same bands as every other stage on Results
(scale.stage_of), so the "next level" is always the one above the stage the page shows. The words
come from the round's own bank: the descriptor of the next level, and the step the bank gives from
the current one. Banks before version 2 have no steps, and then there is nothing to show.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level, stage_of


@dataclass(frozen=True)
class NextStep:
    statement_id: str
    stage: Level
    """The stage the statement's score is in now."""
    next_level: Level
    looks_like: str
    """The bank's description of the next level for this statement."""
    step: str
    """The bank's step from the current stage to the next."""


def next_step(bank: QuestionBank, statement_id: str, score: float | None) -> NextStep | None:
    """The next level and the step to it; None when the statement has no score, is already at the
    top level, or the bank gives no steps."""
    statement = bank.statements_by_id.get(statement_id)
    if statement is None or statement.next_step is None or score is None or pd.isna(score):
        return None
    stage = stage_of(float(score))
    step = statement.next_step.from_level(stage)
    if step is None:
        return None
    following = Level(stage + 1)
    return NextStep(statement_id=statement_id, stage=stage, next_level=following,
                    looks_like=statement.levels.for_level(following), step=step)


def next_steps_for(bank: QuestionBank, statements: pd.DataFrame) -> dict[str, NextStep]:
    """Next steps for the rows of a statements table (statement_id, score), by statement id; rows
    with no step are left out."""
    steps = (next_step(bank, row.statement_id, row.score) for row in statements.itertuples())
    return {step.statement_id: step for step in steps if step is not None}
