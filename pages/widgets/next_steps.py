"""One of the weakest statements on Results, with what its next level looks like and one step
towards it (collab_assess/next_steps.py works them out from the round's bank)."""

from __future__ import annotations

import streamlit as st

from collab_assess.content.next_steps import NextStep
from collab_assess.content.scale import level_label
from collab_assess.text import WORD_JOINER, as_text


def statement_reference(statement_id: str, area: str) -> str:
    """"(PB-1, Partnership building)" as Markdown, the id kept on one line: an invisible word
    joiner after its hyphen stops a narrow screen breaking it into "(PB-" and "1, ...)"."""
    unbroken = as_text(statement_id).replace("\\-", "\\-" + WORD_JOINER)
    return f"*({unbroken}, {as_text(area)})*"


def statement_line(figure: str, row) -> str:
    """One statement as Markdown: the figure that matters, the statement, where it comes from.
    The bank's text is escaped like any other text."""
    return (f"**{as_text(figure)}** · {as_text(row.statement)} "
            f"{statement_reference(row.statement_id, row.area)}")


def show_with_next_step(figure: str, row, step: NextStep | None) -> None:
    """The statement line, and under it (when the bank gives one) the next level and the step."""
    if step is None:
        st.markdown(statement_line(figure, row))
        return
    with st.container(border=True, key=f"next-step-{row.statement_id}"):
        st.markdown(
            f"{statement_line(figure, row)}\n\n"
            f"**Next level, {level_label(step.next_level)}:** {as_text(step.looks_like)}  \n"
            f"**To get there:** {as_text(step.step)}"
        )
