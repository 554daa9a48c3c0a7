"""One statement on screen: its choices, an optional target level and evidence note.

Every change is saved by its callback the moment it is made. If a save fails (say the round has just
been closed), the widget is put back to what is actually saved and the reason is shown, so the screen
never shows an answer the database does not hold.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from collab_assess.bank import Statement
from collab_assess.errors import CollabAssessError
from collab_assess.models import NOTE_MAX, StageInput, validated
from collab_assess.scale import LEVELS, level_label
from collab_assess.store import Respondent, Round, Store
from collab_assess.walk import (
    ANSWER_OPTIONS,
    answer_from,
    option_captions,
    option_label,
    option_of,
)
from pages.widgets.context import flash

NO_TARGET = 0


def _keys(respondent: Respondent, statement: Statement) -> dict[str, str]:
    stem = f"{respondent.round_id}-{respondent.id}-{statement.id}"
    return {"choice": f"choice-{stem}", "target": f"target-{stem}", "note": f"note-{stem}"}


def _save(store: Store, respondent: Respondent, statement: Statement, saved: dict) -> None:
    keys = _keys(respondent, statement)
    state = st.session_state
    option = state.get(keys["choice"])
    if option is None:
        return
    target = state.get(keys["target"], saved["target"]) or None
    note = state.get(keys["note"], saved["note"])
    try:
        store.record_answer(
            respondent.round_id,
            respondent.id,
            statement.id,
            answer_from(option, target, note, respondent.label, "self-assessment"),
        )
    except CollabAssessError as error:
        state[keys["choice"]] = saved["choice"]
        state[keys["target"]] = saved["target"] or NO_TARGET
        state[keys["note"]] = saved["note"]
        flash("error", f"{statement.id} was not saved: {error}")


def show_statement(
    store: Store, assessment_round: Round, respondent: Respondent, statement: Statement,
    current: pd.Series | None,
) -> None:
    keys = _keys(respondent, statement)
    saved = {
        "choice": option_of(current),
        "target": int(current["target_level"]) if current is not None
        and pd.notna(current["target_level"]) else None,
        "note": str(current["note"]) if current is not None else "",
    }
    locked = not assessment_round.is_open
    with st.container(border=True):
        st.caption(statement.id)
        st.markdown(f"##### {statement.statement}")
        choice = st.radio(
            f"How mature is this today? ({statement.id})",
            ANSWER_OPTIONS,
            index=ANSWER_OPTIONS.index(saved["choice"]) if saved["choice"] is not None else None,
            format_func=option_label,
            captions=option_captions(statement),
            key=keys["choice"],
            help=statement.help,
            on_change=_save,
            args=(store, respondent, statement, saved),
            disabled=locked,
        )
        if choice is None:
            st.caption("Not answered yet.")
            return
        with st.expander("Add a target or evidence (optional)",
                         expanded=bool(saved["note"] or saved["target"])):
            st.selectbox(
                f"Where should this be in a year? ({statement.id})",
                [NO_TARGET, *(int(level) for level in LEVELS)],
                index=saved["target"] or NO_TARGET,
                format_func=lambda v: "No target set" if v == NO_TARGET else level_label(v),
                key=keys["target"],
                on_change=_save,
                args=(store, respondent, statement, saved),
                disabled=locked,
            )
            st.text_area(
                f"Evidence or rationale ({statement.id})",
                value=saved["note"],
                max_chars=NOTE_MAX,
                key=keys["note"],
                on_change=_save,
                args=(store, respondent, statement, saved),
                disabled=locked,
                placeholder="What shows this? e.g. a board paper, an agreed plan, a recent example.",
                help="Saved when you click outside the box.",
            )


def show_stage_question(store: Store, assessment_round: Round, respondent: Respondent,
                        current_stage: int | None) -> None:
    """The respondent's own overall view of the collaborative's stage, saved on change."""
    key = f"stage-{respondent.round_id}-{respondent.id}"

    def save() -> None:
        try:
            store.record_self_described_stage(
                assessment_round.id, respondent.id,
                validated(StageInput, stage=st.session_state[key], recorded_by=respondent.label),
            )
        except CollabAssessError as error:
            st.session_state[key] = current_stage
            flash("error", f"Your view of the stage was not saved: {error}")

    st.radio(
        "In a word, how would you describe it today?",
        [int(level) for level in LEVELS],
        index=current_stage - 1 if current_stage else None,
        format_func=level_label,
        key=key,
        on_change=save,
        disabled=not assessment_round.is_open,
        horizontal=True,
        help="Your own overall impression, separate from the statements. The national survey in "
        "November 2022 asked collaboratives the same kind of question: 70% said they were at an "
        "early stage.",
    )
