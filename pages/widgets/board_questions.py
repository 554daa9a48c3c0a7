"""The board questions on Results: each question with the round's own answer and the statements
behind it (collab_assess/board_questions.py works them out)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collab_assess.assessment.board_questions import (
    HEADING,
    INTRODUCTION,
    BoardAnswer,
    statements_counted,
)
from collab_assess.content.scale import AREA_PLACES, STATEMENT_PLACES, level_label, score_text
from collab_assess.text import as_text
from pages.widgets.next_steps import statement_reference


def _statement_line(row) -> str:
    figure = (f"{score_text(row.score, STATEMENT_PLACES)}, {row.stage.label}"
              if pd.notna(row.score) else "not rated yet")
    return (f"- **{as_text(figure)}** · {as_text(row.statement)} "
            f"{statement_reference(row.statement_id, row.area)}")


def show_board_questions(answers: list[BoardAnswer]) -> None:
    """Every question together, each with its answer in words and figures, then its statements."""
    st.header(HEADING)
    st.markdown(INTRODUCTION)
    for answer in answers:
        with st.container(border=True, key=f"board-question-{answer.number}"):
            st.markdown(f"**{answer.number}. {as_text(answer.question)}**")
            if answer.score is None or answer.stage is None:  # one is None only with the other
                summary = "No answer yet: none of its statements has a score."
            else:
                of = statements_counted(answer.scored, answer.asked)
                summary = (f"Your answer: **{level_label(answer.stage)}**, score "
                           f"{score_text(answer.score, AREA_PLACES)} of 4, from {of}:")
            lines = "\n".join(_statement_line(row) for row in answer.statements.itertuples())
            st.markdown(f"{summary}\n\n{lines}")
