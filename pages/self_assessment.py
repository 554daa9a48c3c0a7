"""Self-assessment: say who you are, then walk area by area; every answer is saved as it is
given."""

from __future__ import annotations

import streamlit as st

from collab_assess.assessment.walk import progress, rating_guide, resume_step, unanswered
from collab_assess.content.reference import RESPONDENT_ROLES
from collab_assess.store.inputs import NAME_MAX, RespondentInput, validated
from collab_assess.text import as_text
from pages.widgets.address_bar import (
    choose,
    choose_respondent,
    chosen,
    keep_choices_in_address_bar,
)
from pages.widgets.answer_widgets import ProgressSlot, show_stage_question, show_statement
from pages.widgets.glossary import show_glossary_link
from pages.widgets.keys import accept_invitation, current_respondent, resume_from_address
from pages.widgets.messages import (
    flash,
    save_and_rerun,
    show_demo_warning,
    show_flash,
    show_sidebar,
)
from pages.widgets.page_paths import COLLABORATIVE_PAGE, RESULTS_PAGE, START_PAGE, link_to
from pages.widgets.pickers import current_collaborative, require_collaborative, round_picker
from pages.widgets.resume import show_resume_form
from pages.widgets.scroll import request_scroll_to, request_scroll_to_top, scroll_if_requested
from pages.widgets.store_access import app_store

store = app_store()
accept_invitation(store)
resume_from_address(store)
keep_choices_in_address_bar(with_resume_code=True)
if current_collaborative(store) is None:
    # A fresh browser with no link in hand: the ways in a person has.
    st.title("Self-assessment")
    show_flash()
    st.markdown("To answer, open the **invitation link** you were sent. To come back to your own "
                "answers, type the **resume code** you were given when you started.")
    show_resume_form(store)
    if store.caller.has_access:
        st.markdown("To start a new self-assessment, choose your collaborative first.")
        link_to(START_PAGE, label="Choose it on Start", icon=":material/home:")
    st.stop()
collaborative = require_collaborative(store)
show_sidebar(collaborative)

st.title("Self-assessment")
st.caption(f"For **{as_text(collaborative.name)}**")  # on a phone the sidebar starts closed
scroll_if_requested()
show_flash()

rounds = store.rounds(collaborative.id)
if rounds.empty:
    st.info(f"{as_text(collaborative.name)} has no assessment round yet. Open one on the "
            "Collaborative page.")
    link_to(COLLABORATIVE_PAGE, label="Open a round", icon=":material/add_circle:")
    st.stop()

show_demo_warning(collaborative)
open_rounds = rounds[rounds["status"] == "open"]
if len(open_rounds) > 1:
    st.info(f"{len(open_rounds)} rounds are open at once. Check you are answering in the right "
            "one: answers in different rounds are scored separately.", icon=":material/info:")
assessment_round = round_picker(store, collaborative, rounds)
bank = store.bank(assessment_round.bank_version)
if not assessment_round.is_open:
    st.warning("This round is closed: you can read the answers but not change them.",
               icon=":material/lock:")

# -- who is answering ---------------------------------------------------------------------------
respondent = current_respondent(store, assessment_round.id)

if respondent is None:
    st.subheader("Who is answering?")
    st.markdown(
        "The results show your answers only as part of the group's figures, by role, and a "
        "role is shown on its own only when at least three people gave it. The collaborative's "
        "lead can also download everyone's answers for its records, with their role and "
        "organisation, but never your resume code. Your name is optional. When you start you "
        "get a **resume code**: it brings you back to your own answers, from any device."
    )
    returning, new = st.columns(2, gap="large")
    with returning:
        st.markdown("**Carry on where you stopped**")
        show_resume_form(store)
    with new:
        st.markdown("**Start for the first time**")
        if not assessment_round.is_open:
            st.caption("This round is closed to new people.")
        else:
            with st.form("new-respondent"):
                role = st.selectbox(
                    "Your role", list(RESPONDENT_ROLES), index=None,
                    placeholder="Choose your role",
                    help="  \n".join(f"**{role}**: {text}"
                                     for role, text in RESPONDENT_ROLES.items()),
                )
                organisation = st.text_input(
                    "Your organisation (optional)", max_chars=NAME_MAX,
                    help=f"Up to {NAME_MAX} characters. Used only to describe who took part.")
                display_name = st.text_input(
                    "Your name (optional)", max_chars=NAME_MAX,
                    help=f"Up to {NAME_MAX} characters. Leave blank to take part anonymously.",
                )
                start = st.form_submit_button("Start the assessment", type="primary")
            if start:
                def add_me() -> None:
                    new_id = store.add_respondent(
                        assessment_round.id,
                        validated(RespondentInput, role=role, organisation=organisation,
                                  display_name=display_name),
                    )
                    me = store.get_respondent(new_id)
                    choose_respondent(me)
                    choose("area_index", None)
                    flash("info", f"Your resume code is **{me.resume_code}**. Note it down: it "
                          "brings you back to your answers from any device. Each answer is saved "
                          "the moment you choose it.")
                    request_scroll_to_top()

                save_and_rerun(add_me, "")  # add_me leaves the message with the resume code
    st.stop()

mine = store.own_answers(assessment_round.id, respondent.id).set_index("statement_id")
answered_ids = set(mine.index)
walk = progress(bank, answered_ids)

with st.sidebar:
    st.caption("Answering as")
    st.markdown(f"**{as_text(respondent.label)}**")
    st.caption(f"Your resume code: **{respondent.resume_code}**")
    if st.button("Not you? Switch person", icon=":material/switch_account:"):
        choose_respondent(None)
        choose("area_index", None)
        st.rerun()

# On a phone the sidebar starts closed, so the code is shown here too.
with st.container(border=True):
    st.markdown(f"Your resume code: **{respondent.resume_code}**")
    st.caption("It brings you back to your own answers from any device. This page's address "
               "contains it, so keep the address to yourself: to invite colleagues, send them the "
               "invitation link you were sent (a lead finds it on the Collaborative page).")

review_step = len(bank.areas)
finished_step = review_step + 1
chosen_step = chosen("area_index")
if chosen_step is None or not 0 <= chosen_step <= finished_step:
    step = resume_step(bank, answered_ids)
    choose("area_index", step)
else:
    step = chosen_step

if step == finished_step:
    st.header("Thank you", anchor=False)
    if walk.complete:
        st.success("You have answered every statement, and every answer is saved. You can close "
                   "this page.", icon=":material/task_alt:")
    else:
        st.warning(f"Your answers are saved. {walk.total - walk.answered} statement(s) are still "
                   "unanswered: they do not count against the collaborative, and you can come "
                   "back to them with your resume code while the round is open.",
                   icon=":material/pending:")
    link_to(RESULTS_PAGE, label="See the results so far", icon=":material/bar_chart:")
    if st.button("Change an answer", icon=":material/edit:"):
        choose("area_index", review_step)
        st.rerun()
    st.stop()

progress_slot = ProgressSlot(st.empty(), bank, frozenset(answered_ids))
progress_slot.draw()


def step_name(index: int) -> str:
    if index == review_step:
        return "Review and finish" + (" ✓" if walk.complete else "")
    area = bank.areas[index]
    mark = " ✓" if walk.area_complete(area.id) else ""
    return (f"{index + 1}. {area.name} ({walk.answered_by_area[area.id]} of "
            f"{walk.statements_by_area[area.id]}){mark}")


def go_to(index: int) -> None:
    choose("area_index", index)
    request_scroll_to_top()
    st.rerun()


jump = st.selectbox("Go to", range(review_step + 1), index=step, format_func=step_name,
                    key=f"jump-{respondent.id}-{step}",
                    help="Areas marked ✓ are fully answered. You can come back to any area.")
if jump != step:
    go_to(jump)


def step_buttons(position: str) -> None:
    back, _, forward = st.columns([1, 2, 1])
    if step > 0 and back.button("← Previous area", key=f"back-{position}", width="stretch"):
        go_to(step - 1)
    if step < review_step and forward.button(
        "Next area →" if step < review_step - 1 else "Review and finish →",
        key=f"next-{position}", type="primary", width="stretch",
    ):
        go_to(step + 1)


if step < review_step:
    area = bank.areas[step]
    st.header(area.name, anchor=False)
    st.caption(f"{area.group.capitalize()} · {walk.statements_by_area[area.id]} statements")
    st.markdown(area.summary)
    show_glossary_link(" ".join([area.summary,
                                 *(s.statement for s in bank.statements_in(area.id))]))
    guide = rating_guide(bank)
    if guide:
        st.info(guide, icon=":material/rule:")
    for statement in bank.statements_in(area.id):
        current = mine.loc[statement.id] if statement.id in answered_ids else None
        show_statement(store, assessment_round, respondent, statement, current, progress_slot)
    step_buttons("bottom")
else:
    st.header("Review and finish", anchor=False)
    missing = unanswered(bank, answered_ids)
    if missing:
        st.warning(f"{len(missing)} statement(s) still need an answer. Choose “Don't know” if you "
                   "cannot judge one. Select a statement to go straight to it.",
                   icon=":material/pending:")
        area_numbers = {area.id: index for index, area in enumerate(bank.areas)}
        for statement in missing:
            if st.button(f"{statement.id}: {statement.statement}", key=f"goto-{statement.id}",
                         icon=":material/edit:"):
                choose("area_index", area_numbers[statement.area])
                request_scroll_to(f"statement-{statement.id}")
                st.rerun()
    else:
        st.success("You have answered every statement.", icon=":material/task_alt:")

    st.subheader("Overall, what stage is the collaborative at?")
    stages = store.self_described_stages([assessment_round.id])
    my_stage = stages.loc[stages["respondent_id"] == respondent.id, "stage"]
    show_stage_question(store, assessment_round, respondent,
                        int(my_stage.iloc[0]) if len(my_stage) else None)
    st.subheader("Finish")
    st.markdown("Your answers are already saved. Finish when you are done; you can come back "
                "with your resume code while the round is open.")
    if st.button("Finish", type="primary", icon=":material/done_all:", key="finish"):
        go_to(finished_step)
    step_buttons("review")
