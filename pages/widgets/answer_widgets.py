"""One statement on screen: what to look for, its choices, an optional target level and evidence
note.

Every change is saved by its callback the moment it is made, and only the field that changed: the
Store builds the new answer on what is saved at that moment, so a page left open in another tab can
never put back a value its user did not touch. Before drawing, each widget is set to what is saved;
if that moved since this page last drew it (another tab or device saved it), the page says so. If a
save fails (say the round has just been closed), the widget goes back to what is saved and the
reason is shown, so the screen never shows an answer the database does not hold.

Each statement is a fragment (st.fragment): a click on an answer reruns that statement alone, not
the page, so an answer costs the server a few milliseconds instead of a whole page run. After its
own save the statement reads its answer back, says it is saved, and redraws the page's progress bar
in the slot the page made for it. (COLLAB_ASSESS_ANSWER_RERUN=page turns this off, so that
`make bench` can measure the whole-page rerun beside it in the same run.)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from collab_assess.assessment.walk import (
    ANSWER_OPTIONS,
    SOURCES_LABEL,
    evidence_prompt,
    option_captions,
    option_label,
    option_of,
    progress,
    statement_sources,
)
from collab_assess.content.bank import QuestionBank, Statement
from collab_assess.content.baseline import load_baseline
from collab_assess.content.scale import LEVELS, level_label
from collab_assess.errors import CollabAssessError
from collab_assess.store import Respondent, Round
from collab_assess.store.inputs import NOTE_MAX, AnswerChange, StageInput, validated
from collab_assess.store.view import StoreView
from collab_assess.text import as_text, clipped
from pages.widgets.messages import flash, show_flash

NO_TARGET = 0
ANSWER_RERUN_SETTING = "COLLAB_ASSESS_ANSWER_RERUN"
FIELDS = ("choice", "target", "note")
FIELD_NAMES = {"choice": "answer", "target": "target", "note": "evidence note"}


def _keys(respondent: Respondent, statement: Statement) -> dict[str, str]:
    stem = f"{respondent.round_id}-{respondent.id}-{statement.id}"
    return {field: f"{field}-{stem}" for field in FIELDS}


def _shown(key: str) -> str:
    """Where the page remembers the saved value a widget was last set to."""
    return f"{key}-saved"


def _saved_values(current: pd.Series | None) -> dict:
    target = current["target_level"] if current is not None else None
    return {
        "choice": option_of(current),
        "target": int(target) if target is not None and pd.notna(target) else NO_TARGET,
        "note": str(current["note"]) if current is not None else "",
    }


def _show_saved(keys: dict[str, str], saved: dict) -> list[str]:
    """Set each widget to the saved value before it is drawn. Returns the fields whose saved value
    had changed under a widget that was showing something else (saved from another tab)."""
    changed_elsewhere = []
    state = st.session_state
    for field, key in keys.items():
        value = saved[field]
        if key in state and state.get(_shown(key)) == value:
            continue  # unchanged since last drawn: keep whatever the widget shows
        if key in state and _shown(key) in state and state[key] != value:
            changed_elsewhere.append(field)
        state[key] = value
        state[_shown(key)] = value
    return changed_elsewhere


def _change_from(field: str, value) -> dict:
    if field == "choice":
        is_level = isinstance(value, int)
        return {"level": value if is_level else None, "unscored": None if is_level else value}
    if field == "target":
        return {"target_level": value or None}
    return {"note": value}


def _just_saved(respondent: Respondent, statement: Statement) -> str:
    """Where a save leaves word for its statement's fragment to read the answer back."""
    return f"just-saved-{respondent.round_id}-{respondent.id}-{statement.id}"


def _save(store: StoreView, respondent: Respondent, statement: Statement, field: str) -> None:
    key = _keys(respondent, statement)[field]
    state = st.session_state
    value = state.get(key)
    if field == "choice" and value is None:
        return
    state[_just_saved(respondent, statement)] = True
    if field == "note":
        value, cut = clipped(value or "", NOTE_MAX)
        if cut:
            flash("warning", f"Your note on {statement.id} was {NOTE_MAX + cut:,} characters long; "
                  f"the first {NOTE_MAX:,} were saved and the last {cut:,} were not. Shorten it, "
                  "or put the rest in a note on another statement.")
    try:
        store.change_answer(
            respondent.round_id, respondent.id, statement.id,
            validated(AnswerChange, **_change_from(field, value), recorded_by=respondent.label,
                      source="self-assessment"),
        )
    except CollabAssessError as error:
        state[key] = state.get(_shown(key))
        flash("error", as_text(f"{statement.id} was not saved: {error}"))
    else:
        state[key] = value
        state[_shown(key)] = value


@dataclass(frozen=True)
class ProgressSlot:
    """The page's progress bar, which a statement redraws after its own save. Streamlit lets a
    fragment fill a slot outside itself on its own reruns only if it also filled it on the page's
    last run, so every statement draws it on every run (the last one drawn is what shows)."""

    slot: DeltaGenerator
    bank: QuestionBank
    answered_ids: frozenset[str]
    """What was answered when the page last ran."""

    def draw(self, answered_ids: set[str] | frozenset[str] | None = None) -> None:
        walk = progress(self.bank, set(self.answered_ids if answered_ids is None
                                       else answered_ids))
        self.slot.progress(walk.share,
                           text=f"{walk.answered} of {walk.total} statements answered")


def _rerun_only_the_statement(draw: Callable[..., None]) -> Callable[..., None]:
    if os.environ.get(ANSWER_RERUN_SETTING, "statement") == "page":
        return draw
    return st.fragment(draw)


@_rerun_only_the_statement
def show_statement(
    store: StoreView, assessment_round: Round, respondent: Respondent, statement: Statement,
    current: pd.Series | None, progress_slot: ProgressSlot,
) -> None:
    """One statement. On the page's run, `current` is its saved answer (None: unanswered). On the
    statement's own rerun, after a save, the answer is read back from the store instead: a
    fragment gets the arguments of the page's last run, which predate the save."""
    saved_now = st.session_state.pop(_just_saved(respondent, statement), False)
    if saved_now:
        mine = store.own_answers(assessment_round.id, respondent.id).set_index("statement_id")
        current = mine.loc[statement.id] if statement.id in mine.index else None
        progress_slot.draw(set(mine.index))
    else:
        progress_slot.draw()
    keys = _keys(respondent, statement)
    saved = _saved_values(current)
    changed_elsewhere = _show_saved(keys, saved)
    locked = not assessment_round.is_open
    # The key gives the container a CSS class, so the review list can scroll straight to it.
    with st.container(border=True, key=f"statement-{statement.id}"):
        st.caption(statement.id)
        st.markdown(f"### {statement.statement}")
        prompt = evidence_prompt(statement)
        if prompt:
            st.markdown(prompt)
        with st.expander(SOURCES_LABEL):
            st.markdown("\n".join(f"- {as_text(line)}" for line in statement_sources(statement)))
        if changed_elsewhere:
            what = " and ".join(FIELD_NAMES[field] for field in changed_elsewhere)
            st.info(f"Your {what} here was changed in another tab or on another device. This "
                    "shows what is saved now.", icon=":material/sync:")
        choice = st.radio(
            f"How mature is this today? ({statement.id})",
            ANSWER_OPTIONS,
            format_func=option_label,
            captions=option_captions(statement),
            key=keys["choice"],
            help=statement.help,
            args=(store, respondent, statement, "choice"),
            on_change=_save,
            disabled=locked,
        )
        if saved_now:
            show_flash()  # what the save said (cut short, refused), here beside the statement
        if choice is None:
            st.caption("Not answered yet.")
            return
        if saved_now:
            st.caption("Saved.", help="Every change is saved the moment you make it.")
        with st.expander("Add a target or evidence (optional)",
                         expanded=bool(saved["note"] or saved["target"])):
            st.selectbox(
                f"Where should this be in a year? ({statement.id})",
                [NO_TARGET, *(int(level) for level in LEVELS)],
                format_func=lambda v: "No target set" if v == NO_TARGET else level_label(v),
                key=keys["target"],
                args=(store, respondent, statement, "target"),
                on_change=_save,
                disabled=locked,
            )
            st.text_area(
                f"Evidence or rationale, up to {NOTE_MAX:,} characters ({statement.id})",
                key=keys["note"],
                args=(store, respondent, statement, "note"),
                placeholder="What shows this? e.g. a board paper, an agreed plan, a recent "
                "example.",
                help=f"Saved when you click outside the box. Up to {NOTE_MAX:,} characters: "
                "anything longer is cut to fit, and you are told.",
                on_change=_save,
                disabled=locked,
            )


def show_stage_question(store: StoreView, assessment_round: Round, respondent: Respondent,
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
            flash("error", as_text(f"Your view of the stage was not saved: {error}"))

    st.radio(
        "In a word, how would you describe it today?",
        [int(level) for level in LEVELS],
        index=current_stage - 1 if current_stage else None,
        format_func=level_label,
        key=key,
        on_change=save,
        disabled=not assessment_round.is_open,
        horizontal=True,
        help=stage_question_help(),
    )


def stage_question_help() -> str:
    """What the stage question is for, and the survey Results sets it beside, with its caveats."""
    baseline = load_baseline()
    return (f"Your own overall impression, separate from the statements. Results sets the middle "
            f"of everyone's answers beside a survey. {baseline.summary} "
            f"{baseline.not_the_same_question}")
