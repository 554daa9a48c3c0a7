"""The self-assessment journey made safe: codes stay out of shared addresses, codes work in any
round, stale pages never overwrite, user text stays text, long notes are never dropped silently,
and the lead can invite people and follow progress. Driven through AppTest against a temporary
database."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import load_current_bank
from collab_assess.store import Store
from collab_assess.store.inputs import (
    NOTE_MAX,
    CollaborativeProfile,
    MemberInput,
    RespondentInput,
    RoundInput,
)
from tests.helpers.apptest import APP, TIMEOUT, app, assert_no_exception, reopen, texts
from tests.helpers.factories import answer

MARKUP = "**bold** [link](http://x) ![img](http://x/p.png) <b>tag</b>"


@pytest.fixture
def two_rounds(app_db: Path) -> dict:
    """A collaborative with two open rounds and one respondent in the older one."""
    bank = load_current_bank()
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Northshire"), "lead")
        older = store.open_round(collaborative, RoundInput(label="Spring", opens_on="2026-03-01"),
                                 bank, "lead")
        newer = store.open_round(collaborative, RoundInput(label="Autumn", opens_on="2026-09-01"),
                                 bank, "lead")
        person = store.add_respondent(older, RespondentInput(role="Clinical lead"))
        store.record_answer(older, person, bank.statements[0].id, answer(3))
        code = store.get_respondent(person).resume_code
    finally:
        store.close()
    return {"collaborative": collaborative, "older": older, "newer": newer, "respondent": person,
            "code": code, "bank": bank}


def walk_as(code: str, **params) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.query_params.update(who=code, **params)
    return test.switch_page("pages/self_assessment.py").run()


# -- resume codes ---------------------------------------------------------------------------------

def test_a_code_in_the_address_resumes_in_its_own_round_whatever_round_is_chosen(two_rounds):
    test = walk_as(two_rounds["code"], c=str(two_rounds["collaborative"]),
                   round=str(two_rounds["newer"]))
    assert_no_exception(test)
    assert test.session_state["respondent_id"] == two_rounds["respondent"]
    assert test.session_state["round_id"] == two_rounds["older"]
    assert "Who is answering?" not in [s.value for s in test.subheader]


def test_a_code_alone_finds_its_collaborative_and_round(two_rounds):
    test = walk_as(two_rounds["code"])
    assert_no_exception(test)
    assert test.session_state["collaborative_id"] == two_rounds["collaborative"]
    assert test.session_state["round_id"] == two_rounds["older"]


def test_a_typed_code_from_the_other_open_round_resumes_without_a_new_respondent(
    two_rounds, app_db
):
    test = app("self_assessment", collaborative_id=two_rounds["collaborative"],
               round_id=two_rounds["newer"])
    next(box for box in test.text_input if box.label == "Your resume code").input(
        two_rounds["code"])
    next(b for b in test.button if b.label == "Continue").click()
    test.run()
    assert_no_exception(test)
    assert test.session_state["respondent_id"] == two_rounds["respondent"]
    assert test.session_state["round_id"] == two_rounds["older"]
    store = reopen(app_db)
    assert len(store.respondents([two_rounds["older"], two_rounds["newer"]])) == 1


def test_an_unknown_code_in_the_address_opens_nothing_and_says_so(two_rounds):
    test = walk_as("ZZZZ-ZZZZ", c=str(two_rounds["collaborative"]))
    assert "Who is answering?" in [s.value for s in test.subheader]
    assert "not recognised" in texts(test.warning)
    assert "who" not in test.query_params


@pytest.mark.parametrize("page", ["results", "collaborative", "start"])
def test_no_page_but_the_owners_walk_puts_the_code_in_its_address(two_rounds, page):
    test = walk_as(two_rounds["code"])
    assert "who" in test.query_params
    test.switch_page(f"pages/{page}.py").run()
    assert_no_exception(test)
    assert "who" not in test.query_params
    # ...and a code pasted into a shareable address is taken out of it
    pasted = AppTest.from_file(APP, default_timeout=TIMEOUT)
    pasted.query_params.update(c=str(two_rounds["collaborative"]), who=two_rounds["code"])
    pasted.switch_page(f"pages/{page}.py").run()
    assert "who" not in pasted.query_params
    assert ("respondent_id" not in pasted.session_state
            or pasted.session_state["respondent_id"] is None)


def test_the_walk_shows_the_code_and_says_to_keep_the_address_private(two_rounds):
    test = walk_as(two_rounds["code"])
    main_text = texts(test.main.markdown) + texts(test.main.caption)
    assert f"Your resume code: **{two_rounds['code']}**" in main_text
    assert "keep the address to yourself" in main_text


# -- stale pages ----------------------------------------------------------------------------------

def test_a_note_added_in_a_stale_tab_keeps_the_level_set_in_the_other(two_rounds, app_db):
    statement = two_rounds["bank"].statements[0].id
    tab_a = walk_as(two_rounds["code"])
    tab_b = walk_as(two_rounds["code"])
    key = f"{two_rounds['older']}-{two_rounds['respondent']}-{statement}"
    assert tab_b.radio(key=f"choice-{key}").value == 3

    tab_a.radio(key=f"choice-{key}").set_value(1).run()
    tab_b.text_area(key=f"note-{key}").input("Agreed plan, board paper May").run()
    assert_no_exception(tab_b)

    store = reopen(app_db)
    saved = store.current_answers([two_rounds["older"]]).set_index("statement_id").loc[statement]
    assert (saved["level"], saved["note"]) == (1, "Agreed plan, board paper May")
    # tab B now shows what is saved, and says why it changed
    assert tab_b.radio(key=f"choice-{key}").value == 1
    assert "changed in another tab or on another device" in texts(tab_b.info)


def test_an_untouched_page_rerun_saves_nothing(two_rounds, app_db):
    walk_as(two_rounds["code"]).run()
    history = reopen(app_db).answer_history(two_rounds["older"])
    assert len(history) == 1


# -- long text ------------------------------------------------------------------------------------

def test_a_note_over_the_limit_keeps_what_fits_and_says_so(two_rounds, app_db):
    statement = two_rounds["bank"].statements[0].id
    test = walk_as(two_rounds["code"])
    key = f"note-{two_rounds['older']}-{two_rounds['respondent']}-{statement}"
    note_box = test.text_area(key=key)
    assert f"up to {NOTE_MAX:,} characters" in note_box.label
    note_box.input("x" * (NOTE_MAX + 250)).run()
    saved = reopen(app_db).current_answers([two_rounds["older"]]).set_index("statement_id")
    assert saved.loc[statement, "note"] == "x" * NOTE_MAX
    assert "the last 250 were not" in texts(test.warning)


# -- user text is text ----------------------------------------------------------------------------

def test_markup_in_names_and_notes_is_shown_literally(app_db):
    bank = load_current_bank()
    store = Store(app_db)
    collaborative = store.create_collaborative(CollaborativeProfile(name=MARKUP[:100]), "lead")
    round_id = store.open_round(collaborative, RoundInput(label="R " + MARKUP[:60],
                                                          opens_on="2026-03-01"), bank, "lead")
    store.add_member(collaborative, MemberInput(organisation=MARKUP[:100],
                                                organisation_type="Acute trust"), "lead")
    person = store.add_respondent(round_id, RespondentInput(role="Clinical lead",
                                                           organisation=MARKUP[:100],
                                                           display_name=MARKUP[:100]))
    store.record_answer(round_id, person, bank.statements[0].id, answer(2, note=MARKUP))
    code = store.get_respondent(person).resume_code
    store.close()

    pages = [app("collaborative", collaborative_id=collaborative), walk_as(code)]
    pages[0].switch_page("pages/start.py").run()
    for test in pages:
        assert_no_exception(test)
        every_text = [str(e.value) for kind in ("title", "markdown", "caption", "success", "info",
                                                 "warning", "error", "subheader", "header")
                      for e in getattr(test, kind)]
        shown_markup = [t for t in every_text if "link" in t or "bold" in t]
        assert shown_markup, "the user's text should appear somewhere on the page"
        for source in shown_markup:
            assert "](" not in source and "**bold**" not in source and "<b>" not in source, source
    assert texts(pages[1].sidebar.markdown).count("**bold** [link](http://x)") >= 1


# -- finishing ------------------------------------------------------------------------------------

def test_finish_thanks_the_respondent_and_says_what_is_left(two_rounds):
    bank = two_rounds["bank"]
    test = app("self_assessment", collaborative_id=two_rounds["collaborative"],
               round_id=two_rounds["older"], respondent_id=two_rounds["respondent"],
               area_index=len(bank.areas))
    next(b for b in test.button if b.label == "Finish").click()
    test.run()
    assert_no_exception(test)
    assert test.header[0].value == "Thank you"
    assert f"{len(bank.statements) - 1} statement(s) are still unanswered" in texts(test.warning)


def test_the_review_list_jumps_to_the_statement_itself(two_rounds):
    bank = two_rounds["bank"]
    test = app("self_assessment", collaborative_id=two_rounds["collaborative"],
               round_id=two_rounds["older"], respondent_id=two_rounds["respondent"],
               area_index=len(bank.areas))
    target = bank.statements_in(bank.areas[3].id)[1]
    next(b for b in test.button if b.key == f"goto-{target.id}").click()
    test.run()
    assert test.header[0].value == bank.areas[3].name
    assert test.session_state["scroll_request"][1] == f"st-key-statement-{target.id}"


# -- the lead's page ------------------------------------------------------------------------------

def test_the_invitation_link_carries_the_round_and_nobodys_code(two_rounds, app_db):
    test = app("collaborative", collaborative_id=two_rounds["collaborative"],
               round_id=two_rounds["older"])
    assert_no_exception(test)
    links = [c.value for c in test.code]
    token = reopen(app_db).invite_token(two_rounds["older"])
    assert links == [f"/self_assessment?invite={token}"]
    assert len(token) >= 20, "long enough that nobody guesses another round's invitation"
    assert two_rounds["code"] not in " ".join(links)
    assert test.get("image"), "a QR code is shown"
    assert ("1 person took part: 1 in the self-assessment. **0** of the self-assessors have "
            "answered every statement") in texts(test.markdown)


def test_adding_a_member_empties_the_form(two_rounds, app_db):
    test = app("collaborative", collaborative_id=two_rounds["collaborative"])
    name_box = next(t for t in test.text_input if t.label == "Organisation name")
    name_box.input("Westmoor Community Trust")
    next(b for b in test.button if b.label == "Add member").click()
    test.run()
    assert "Added Westmoor Community Trust." in texts(test.success)
    assert next(t for t in test.text_input if t.label == "Organisation name").value == ""
    assert reopen(app_db).members(two_rounds["collaborative"])["organisation"].tolist() == [
        "Westmoor Community Trust"]


def test_a_name_over_the_limit_never_gets_past_its_box(app_db):
    """The box holds at most 120 characters (the model's limit, which refuses more with a message:
    tests/test_input_limits.py); a longer value sent by a client that ignores the box is cut to
    120 before the page sees it."""
    test = app()
    test.text_input(key="create-name").input("Westmoor")
    name_box = next(t for t in test.text_input if t.label == "Your name (optional)")
    assert name_box.max_chars == 120
    name_box.input("N" * 121)
    assert name_box.value == ""  # as in the browser: a change over the limit is not taken
    name_box.set_value("N" * 121)
    test.button[0].click()
    test.run()
    assert_no_exception(test)
    assert not test.error
    created = reopen(app_db).collaboratives()
    assert created["name"].tolist() == ["Westmoor"]
    assert test.session_state["actor_name"] == "N" * 120
