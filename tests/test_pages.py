"""Every page, driven through Streamlit's AppTest against a temporary database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import BANK_DIR_ENV_VAR, load_current_bank
from collab_assess.operations.demo import generate_demo
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.apptest import APP, TIMEOUT, app, assert_no_exception, reopen, texts
from tests.helpers.banks import to_toml
from tests.helpers.factories import answer, bank_data


@pytest.fixture
def seeded(app_db: Path) -> dict:
    """A real collaborative with an open round and one respondent who has answered two areas."""
    bank = load_current_bank()
    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(
            CollaborativeProfile(name="Northshire Collaborative", region="North West"), "lead")
        round_id = store.open_round(collaborative, RoundInput(label="Spring 2026",
                                                             opens_on="2026-03-01"), bank, "lead")
        respondent = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        for statement in bank.statements_in("PB") + bank.statements_in("PD"):
            store.record_answer(round_id, respondent, statement.id, answer(2))
        code = store.get_respondent(respondent).resume_code
    finally:
        store.close()
    return {"collaborative": collaborative, "round": round_id, "respondent": respondent,
            "bank": bank, "code": code}


# -- start ----------------------------------------------------------------------------------------

def test_start_page_says_what_the_tool_is(app_db):
    test = app()
    assert_no_exception(test)
    assert test.title[0].value == "How mature is your provider collaborative?"
    shown = texts(test.markdown)
    # It leads with what the collaborative is for, not the survey's 70%, and never "national".
    intro = test.markdown[0].value
    assert intro.startswith("collab-assess helps the boards and leaders of a provider "
                            "collaborative")
    assert "12 areas" in intro and "61 statements" in intro and "70%" not in intro
    assert "common purpose" in intro and "lawfully" in intro
    assert "national" not in shown.lower()


def test_creating_a_collaborative_opens_its_first_round(app_db):
    test = app()
    test.text_input(key="create-name").input("Westmoor Acute Collaborative")
    test.selectbox(key="create-region").select("South West")
    test.button[0].click()
    test.run()
    assert_no_exception(test)
    assert ("Created **Westmoor Acute Collaborative** and opened its first assessment round"
            in texts(test.success))
    store = reopen(app_db)
    collaboratives = store.collaboratives()
    assert collaboratives["name"].tolist() == ["Westmoor Acute Collaborative"]
    assert collaboratives["region"].tolist() == ["South West"]
    assert len(store.rounds(int(collaboratives["id"][0]))) == 1
    assert test.session_state["collaborative_id"] == int(collaboratives["id"][0])
    assert test.query_params["c"] == str(collaboratives["id"][0])


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "Name cannot be empty."), ("Northshire Collaborative", "already exists")],
)
def test_bad_names_are_refused_with_a_message(seeded, app_db, name, message):
    test = app()
    test.text_input(key="create-name").input(name)
    test.button[0].click()
    test.run()
    assert message in texts(test.error)
    assert len(reopen(app_db).collaboratives()) == 1


@pytest.mark.parametrize("page", ["collaborative", "results"])
def test_pages_point_back_to_start_until_a_collaborative_is_chosen(app_db, page):
    test = app(page)
    assert_no_exception(test)
    assert "Choose or create a collaborative first." in texts(test.info)


@pytest.mark.parametrize("page", ["start", "self_assessment", "join"])
def test_a_fresh_browser_can_type_a_resume_code_wherever_a_person_arrives(app_db, page):
    test = app(page)
    assert_no_exception(test)
    boxes = [box.label for box in test.text_input]
    assert any(label.startswith("Your resume code") for label in boxes), boxes


def test_a_resume_code_typed_on_start_opens_your_own_answers(seeded):
    code = seeded["code"]
    test = app("start")
    next(box for box in test.text_input if box.label == "Your resume code").input(code)
    next(button for button in test.button if button.label == "Continue").click()
    test.run()
    assert_no_exception(test)
    assert test.query_params.get("who") == code


# -- collaborative --------------------------------------------------------------------------------

def test_collaborative_page_shows_the_profile_and_opens_a_round(seeded, app_db):
    test = app("collaborative", collaborative_id=seeded["collaborative"])
    assert_no_exception(test)
    assert test.title[0].value == "Northshire Collaborative"
    assert test.selectbox(key=f"edit-{seeded['collaborative']}-region").value == "North West"
    round_name = next(t for t in test.text_input if t.label == "Round name")
    round_name.input("Board workshop 2027")
    next(b for b in test.button if b.label == "Open round").click()
    test.run()
    assert "Opened Board workshop 2027." in texts(test.success)
    labels = reopen(app_db).rounds(seeded["collaborative"])["label"].tolist()
    assert sorted(labels) == ["Board workshop 2027", "Spring 2026"]


def test_collaborative_page_closes_a_round(seeded, app_db):
    test = app("collaborative", collaborative_id=seeded["collaborative"])
    next(b for b in test.button if b.label == "Submit and close this round").click()
    test.run()
    assert "Submitted and closed Spring 2026." in texts(test.success)
    assert reopen(app_db).get_round(seeded["round"]).status == "closed"


def test_profile_edits_are_validated(seeded, app_db):
    test = app("collaborative", collaborative_id=seeded["collaborative"])
    test.text_input(key=f"edit-{seeded['collaborative']}-name").input("")
    next(b for b in test.button if b.label == "Save profile").click()
    test.run()
    assert "Name cannot be empty." in texts(test.error)
    assert (reopen(app_db).get_collaborative(seeded["collaborative"]).name
            == "Northshire Collaborative")


# -- self-assessment ------------------------------------------------------------------------------

def test_a_new_respondent_joins_and_each_answer_is_saved_as_given(seeded, app_db):
    test = app("self_assessment", collaborative_id=seeded["collaborative"])
    assert_no_exception(test)
    assert test.subheader[0].value == "Who is answering?"
    role = next(s for s in test.selectbox if s.label == "Your role")
    role.select("Non-executive director")
    next(b for b in test.button if b.label == "Start the assessment").click()
    test.run()
    assert_no_exception(test)
    me = test.session_state["respondent_id"]
    assert me != seeded["respondent"]
    assert "Your resume code is **" in texts(test.info)
    assert test.header[0].value == "Partnership building"  # a new respondent starts at area 1

    first = seeded["bank"].statements_in("PB")[0]
    test.radio(key=f"choice-{seeded['round']}-{me}-{first.id}").set_value(3)
    test.run()
    assert_no_exception(test)
    saved = reopen(app_db).answer_history(seeded["round"], me)
    assert saved[["statement_id", "level", "source"]].values.tolist() == [
        [first.id, 3, "self-assessment"]]
    assert (f"1 of {len(seeded['bank'].statements)} statements answered"
            in test.get("progress")[0].proto.text)


def test_a_returning_respondent_resumes_at_the_first_unanswered_area(seeded):
    """A browser refresh loses the session; the address bar brings the respondent back."""
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.query_params.update(c=str(seeded["collaborative"]), round=str(seeded["round"]),
                             who=seeded["code"])
    test.switch_page("pages/self_assessment.py").run()
    assert_no_exception(test)
    bank = seeded["bank"]
    assert test.header[0].value == bank.areas[2].name  # PB and PD were answered
    answered = len(bank.statements_in("PB")) + len(bank.statements_in("PD"))
    assert test.get("progress")[0].proto.text.startswith(f"{answered} of {len(bank.statements)}")


def test_others_are_never_listed_and_a_resume_code_brings_you_back(seeded):
    test = app("self_assessment", collaborative_id=seeded["collaborative"])
    assert not [box for box in test.selectbox if box.label == "I am"]
    assert "Clinical lead" not in texts(test.markdown)
    code_box = next(box for box in test.text_input if box.label == "Your resume code")
    code_box.input("ZZZZ-ZZZZ")
    next(b for b in test.button if b.label == "Continue").click()
    test.run()
    assert "That resume code is not recognised" in texts(test.error)
    code_box = next(box for box in test.text_input if box.label == "Your resume code")
    code_box.input(seeded["code"].lower().replace("-", " "))
    next(b for b in test.button if b.label == "Continue").click()
    test.run()
    assert_no_exception(test)
    assert test.session_state["respondent_id"] == seeded["respondent"]
    assert test.query_params["who"] == seeded["code"]


def test_a_row_number_in_the_address_does_not_open_someone_elses_answers(seeded):
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.query_params.update(c=str(seeded["collaborative"]), who=str(seeded["respondent"]))
    test.switch_page("pages/self_assessment.py").run()
    assert test.subheader[0].value == "Who is answering?"


def test_earlier_answers_are_shown_when_going_back(seeded):
    test = app("self_assessment", collaborative_id=seeded["collaborative"],
               round_id=seeded["round"], respondent_id=seeded["respondent"], area_index=0)
    first = seeded["bank"].statements_in("PB")[0]
    assert test.radio(key=f"choice-{seeded['round']}-{seeded['respondent']}-{first.id}").value == 2


def test_a_closed_round_shows_answers_read_only(seeded, app_db):
    store = reopen(app_db)
    store.close_round(seeded["round"], "lead")
    store.close()
    test = app("self_assessment", collaborative_id=seeded["collaborative"],
               respondent_id=seeded["respondent"], area_index=0)
    assert "This round is closed" in texts(test.warning)
    assert all(radio.disabled for radio in test.radio)


def test_review_lists_what_is_unanswered_and_records_the_stage(seeded, app_db):
    bank = seeded["bank"]
    test = app("self_assessment", collaborative_id=seeded["collaborative"],
               respondent_id=seeded["respondent"], area_index=len(bank.areas))
    assert test.header[0].value == "Review and finish"
    answered = len(bank.statements_in("PB")) + len(bank.statements_in("PD"))
    assert (f"{len(bank.statements) - answered} statement(s) still need an answer"
            in texts(test.warning))
    test.radio(key=f"stage-{seeded['round']}-{seeded['respondent']}").set_value(2)
    test.run()
    stages = reopen(app_db).self_described_stages([seeded["round"]])
    assert stages["stage"].tolist() == [2]


# -- results --------------------------------------------------------------------------------------

def test_results_compare_with_peers_and_the_baseline(seeded, app_db):
    store = reopen(app_db)
    store.import_demo(generate_demo(seeded["bank"]), seeded["bank"])
    store.close()
    test = app("results", collaborative_id=seeded["collaborative"])
    assert_no_exception(test)
    metrics = {metric.label: metric.value for metric in test.metric}
    assert metrics["Overall stage"] == "2 Developing"
    assert metrics["People who took part"] == "1"
    assert "is at an **early stage**" in texts(test.markdown)
    assert "**70%**" in texts(test.markdown)
    charts = test.get("vega_lite_chart")
    assert len(charts) >= 2  # areas with peers, and the national picture
    assert "peer_median" in charts[0].proto.spec
    described = re.search(r"(\d+) peer collaboratives, \*\*(\d+) of them synthetic demo data\*\*",
                          texts(test.markdown))
    assert described and described[1] == described[2]  # every peer here is synthetic
    assert 5 <= int(described[1]) <= 64  # those demo collaboratives with a submitted round
    bank = seeded["bank"]
    answered = len(bank.statements_in("PB")) + len(bank.statements_in("PD"))
    assert (f"Provisional: only {answered} of {len(bank.statements)} statements have a score so far"
            in texts(test.warning))


def test_results_without_peers_say_why_there_is_no_comparison(seeded):
    test = app("results", collaborative_id=seeded["collaborative"])
    assert_no_exception(test)
    assert "Peer figures appear once at least 5 collaboratives" in texts(test.caption)
    assert "peer_median" not in test.get("vega_lite_chart")[0].proto.spec


def test_results_before_any_answer_say_so(app_db):
    store = Store(app_db)
    collaborative = store.create_collaborative(CollaborativeProfile(name="Empty"), "lead")
    store.open_round(collaborative, RoundInput(label="R1", opens_on="2026-01-01"),
                     load_current_bank(), "lead")
    store.close()
    test = app("results", collaborative_id=collaborative)
    assert_no_exception(test)
    assert "Nobody has given a level in this round yet" in texts(test.info)


# -- failures at start-up -------------------------------------------------------------------------

def test_a_broken_question_bank_stops_the_app_naming_the_fault(app_db, tmp_path, monkeypatch):
    broken = bank_data()
    broken["statements"][1]["id"] = "PB-1"
    bank_dir = tmp_path / "bank"
    bank_dir.mkdir()
    (bank_dir / "bank-v1.toml").write_text(to_toml(broken))
    monkeypatch.setenv(BANK_DIR_ENV_VAR, str(bank_dir))
    test = app()
    assert "statement PB-1: duplicate id" in texts(test.error)
    assert "bank-v1.toml" in texts(test.error)
    assert not test.title  # nothing else drawn


def test_a_corrupt_database_file_is_reported_and_kept(app_db):
    app_db.write_bytes(b"not a database" * 50)
    test = app()
    assert "not a readable collab-assess database" in texts(test.error)
    assert app_db.read_bytes() == b"not a database" * 50
