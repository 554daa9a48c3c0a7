"""The board questions on Results: each question with the statements that answer it, each with its
score, how people answered and the evidence they gave (collab_assess/assessment/board_questions.py
works them out). No question gets an average: the board reads the answers themselves."""

from __future__ import annotations

from datetime import date

import streamlit as st

from collab_assess.assessment.board_questions import (
    HEADING,
    INTRODUCTION,
    BoardAnswer,
    StatementAnswer,
    statements_counted,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import STATEMENT_PLACES, score_text
from collab_assess.content.sources import where_this_comes_from
from collab_assess.text import as_text
from pages.widgets.next_steps import statement_reference


def statement_answer(row: StatementAnswer) -> str:
    """One statement under a question, as Markdown: its figure, the words, how people answered,
    what to look for and the notes people gave. Every text is escaped."""
    figure = (f"{score_text(row.score, STATEMENT_PLACES)}, {row.stage.label}"
              if row.score is not None and row.stage is not None else "not rated yet")
    lines = [f"**{as_text(figure)}** · {as_text(row.statement)} "
             f"{statement_reference(row.statement_id, row.area)}",
             f"Answers: {as_text(row.answered)}"]
    if row.look_for:
        lines.append(f"What to look for: {as_text(row.look_for)}")
    if row.evidence:
        lines.append("Evidence given:")
        lines += [f"- *{as_text(note.role + (', ' + note.answer if note.answer else ''))}*: "
                  f"{as_text(note.note)}" for note in row.evidence]
    else:
        lines.append("Evidence given: none yet.")
    return "  \n".join(lines[:3]) + "\n\n" + "\n".join(lines[3:])


def show_board_questions(answers: list[BoardAnswer], policy_as_at: date | None = None, *,
                         heading: bool = True) -> None:
    """Every question together, each with the statements that answer it and their evidence, and
    the bank's "policy as at" stamp (version 3 on). heading False: the caller labels them (an
    expander on Results)."""
    if heading:
        st.header(HEADING)
    st.markdown(INTRODUCTION)
    stamp = policy_stamp(policy_as_at)
    if stamp:
        st.caption(f"{stamp}: the statements reflect NHS policy up to that date. See “Where this "
                   "comes from” at the foot of the page for every source.")
    for answer in answers:
        with st.container(border=True, key=f"board-question-{answer.number}"):
            st.markdown(f"**{answer.number}. {as_text(answer.question)}**")
            if answer.scored == 0:
                st.markdown("None of its statements has a score yet.")
            else:
                st.markdown(f"Answered by {statements_counted(answer.scored, answer.asked)}:")
            for row in answer.statements:
                st.markdown(statement_answer(row))


def policy_stamp(policy_as_at: date | None) -> str | None:
    """"Policy as at 31 January 2026" for a bank that says (version 3 on); None before."""
    return f"Policy as at {policy_as_at.day} {policy_as_at:%B %Y}" if policy_as_at else None


def show_sources(bank: QuestionBank) -> None:
    """"Where this comes from": every statement of the round's bank with its sources by public
    title, publisher and date (never a file name), and the bank's policy stamp."""
    with st.expander("Where this comes from"):
        stamp = policy_stamp(bank.policy_as_at)
        st.markdown(
            f"The statements of this round's question bank (version {bank.version}) rest on these "
            "documents. " + (f"**{stamp}**: nothing published after that date is reflected."
                             if stamp else "This version carries no policy date."))
        for area in bank.areas:
            lines = []
            for statement in bank.statements_in(area.id):
                cited = "; ".join(where_this_comes_from(statement.source))
                lines.append(f"- **{as_text(statement.id)}**: {as_text(cited)}")
            st.markdown(f"**{as_text(area.name)}**\n\n" + "\n".join(lines))
