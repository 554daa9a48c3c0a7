"""Each role through the pages (AppTest), in shared mode with the signed-in identity injected: a
page offers only what its role may see, and what it must not see never reaches the screen."""

from __future__ import annotations

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

import pages.widgets.signed_in as signed_in
from collab_assess.content.bank import load_current_bank
from collab_assess.store import Store
from collab_assess.store.grants import Role
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.apptest import APP, TIMEOUT, texts
from tests.helpers.factories import answer

NORTH, SOUTH = "Northern Partnership", "Southern Alliance"


@pytest.fixture
def shared(app_db, monkeypatch) -> dict:
    """Two collaboratives in a shared deployment whose only settings-named admin is boss@x.org."""
    monkeypatch.setenv("COLLAB_ASSESS_MODE", "shared")
    monkeypatch.setenv("COLLAB_ASSESS_ADMINS", "boss@x.org")
    bank = load_current_bank()
    store = Store(app_db)
    made = {}
    try:
        for key, name, region in (("north", NORTH, "North West"), ("south", SOUTH, "London")):
            collaborative = store.create_collaborative(
                CollaborativeProfile(name=name, region=region), "setup")
            round_id = store.open_round(collaborative, RoundInput(
                label=f"{name} round", opens_on=date(2026, 4, 1)), bank, "setup")
            person = store.add_respondent(round_id, RespondentInput(
                role="Clinical lead", organisation=f"{name} Trust"))
            for statement in bank.statements_in("PB"):
                store.record_answer(round_id, person, statement.id, answer(2))
            made[key] = {"collaborative": collaborative, "round": round_id,
                         "invite": store.invite_token(round_id)}
        store.grant_role("lead@x.org", Role.LEAD, "setup", collaborative_id=made["north"][
            "collaborative"])
        store.grant_role("region@x.org", Role.REGIONAL, "setup", region="London")
    finally:
        store.close()
    return made


def as_person(monkeypatch, email: str | None, page: str | None = None, query: dict | None = None,
              **choices) -> AppTest:
    monkeypatch.setattr(signed_in, "signed_in_email", lambda: email)
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in choices.items():
        test.session_state[name] = value
    for name, value in (query or {}).items():
        test.query_params[name] = value
    if page:
        test.switch_page(f"pages/{page}.py")
    return test.run()


def everything_shown(test: AppTest) -> str:
    parts = [texts(test.markdown), texts(test.caption), texts(test.title), texts(test.header),
             texts(test.subheader), texts(test.info), texts(test.warning), texts(test.error),
             texts(test.success)]
    for box in test.selectbox:
        parts.append(" ".join(map(str, box.options)))  # AppTest gives the options as shown
    parts.extend(str(frame.value.to_dict()) for frame in test.dataframe)
    return " ".join(parts)


@pytest.mark.parametrize("page", [None, "start", "results", "benchmark", "collaborative",
                                  "people", "audit", "admin", "workshop", "import_responses"])
def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_page(shared, monkeypatch, page):
    test = as_person(monkeypatch, None, page, collaborative_id=shared["north"]["collaborative"])
    assert not test.exception, [e.message for e in test.exception]
    assert [t.value for t in test.title] == ["Sign in to collab-assess"]
    shown = everything_shown(test)
    assert NORTH not in shown and SOUTH not in shown


def test_sign_in_says_plainly_when_it_is_not_set_up(shared, monkeypatch):
    test = as_person(monkeypatch, None)
    assert "lacks redirect_uri, cookie_secret, client_id, client_secret" in texts(test.error)


def test_someone_signed_in_with_no_role_is_told_so(shared, monkeypatch):
    test = as_person(monkeypatch, "nobody@x.org", "results",
                     collaborative_id=shared["north"]["collaborative"])
    assert [t.value for t in test.title] == ["You are signed in, but have no access yet"]
    shown = everything_shown(test)
    assert "nobody@x.org" in shown and NORTH not in shown and SOUTH not in shown


def test_a_lead_sees_their_own_collaborative_only(shared, monkeypatch):
    test = as_person(monkeypatch, "lead@x.org", "start")
    choice = next(box for box in test.selectbox if box.label == "Collaborative")
    assert choice.options == [NORTH]
    assert not any(f.label == "Create collaborative" for f in test.button)
    results = as_person(monkeypatch, "lead@x.org", "results",
                        collaborative_id=shared["north"]["collaborative"])
    assert not results.exception, [e.message for e in results.exception]
    assert NORTH in everything_shown(results)


def test_a_lead_who_opens_another_collaboratives_link_sees_none_of_it(shared, monkeypatch):
    for page in ("results", "collaborative", "self_assessment", "workshop_summary",
                 "import_responses"):
        test = as_person(monkeypatch, "lead@x.org", page,
                         collaborative_id=shared["south"]["collaborative"],
                         round_id=shared["south"]["round"])
        assert not test.exception, (page, [e.message for e in test.exception])
        shown = everything_shown(test)
        assert SOUTH not in shown and "Southern Alliance Trust" not in shown, page


def test_a_regional_team_reads_its_region_and_is_offered_no_changes(shared, monkeypatch, app_db):
    test = as_person(monkeypatch, "region@x.org", "start")
    choice = next(box for box in test.selectbox if box.label == "Collaborative")
    assert choice.options == [SOUTH]
    results = as_person(monkeypatch, "region@x.org", "results",
                        collaborative_id=shared["south"]["collaborative"])
    assert not results.exception, [e.message for e in results.exception]
    assert SOUTH in everything_shown(results)
    store = Store(app_db)
    try:  # both submitted, so both would be in the filters without the role's scope
        for key in ("north", "south"):
            store.close_round(shared[key]["round"], "setup")
    finally:
        store.close()
    benchmark = as_person(monkeypatch, "region@x.org", "benchmark")
    assert not benchmark.exception, [e.message for e in benchmark.exception]
    assert "Your role covers the London region" in texts(benchmark.info)
    region_box = next(m for m in benchmark.multiselect if m.label == "NHS England region")
    assert region_box.options == ["London"]
    assert NORTH not in everything_shown(benchmark)
    # The Collaborative page (profile, rounds, imports) is not offered: Start is shown instead.
    managing = as_person(monkeypatch, "region@x.org", "collaborative",
                         collaborative_id=shared["south"]["collaborative"])
    assert "Edit profile" not in " ".join(t.label for t in managing.tabs)
    assert not any(b.label in ("Close this round", "Save profile") for b in managing.button)


def test_an_invitation_link_lets_a_visitor_answer_in_that_round_only(shared, monkeypatch):
    test = as_person(monkeypatch, None, "self_assessment",
                     query={"invite": shared["north"]["invite"]})
    assert not test.exception, [e.message for e in test.exception]
    assert "Who is answering?" in texts(test.subheader)
    shown = everything_shown(test)
    assert SOUTH not in shown and "Northern Partnership Trust" not in shown
    round_box = next(box for box in test.selectbox if box.label == "Assessment round")
    assert round_box.options == ["Northern Partnership round (open)"]
    next(box for box in test.selectbox if box.label == "Your role").select("Clinical lead")
    next(b for b in test.button if b.label == "Start the assessment").click()
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert test.session_state["respondent_code"]


def test_a_wrong_invitation_opens_nothing(shared, monkeypatch):
    test = as_person(monkeypatch, None, "self_assessment",
                     query={"invite": shared["north"]["invite"][:-2] + "zz"})
    assert not test.exception, [e.message for e in test.exception]
    shown = everything_shown(test)
    assert NORTH not in shown and SOUTH not in shown


def test_an_admin_gives_and_takes_away_roles_on_the_people_page(shared, monkeypatch, app_db):
    test = as_person(monkeypatch, "boss@x.org", "people")
    assert not test.exception, [e.message for e in test.exception]
    next(t for t in test.text_input if t.label == "E-mail address").input("New.Lead@X.org")
    next(b for b in test.selectbox if b.label == "Role").select(Role.FACILITATOR)
    collaborative_box = next(b for b in test.selectbox if b.label == "Collaborative")
    collaborative_box.select(shared["south"]["collaborative"])
    next(b for b in test.button if b.label == "Grant").click()
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert "Role given" in texts(test.success)
    store = Store(app_db)
    try:
        grants = store.role_grants()
        assert grants.loc[grants["email"] == "new.lead@x.org", "granted_by"].tolist() == [
            "boss@x.org"]
    finally:
        store.close()


def test_only_admins_are_offered_the_admin_pages(shared, monkeypatch):
    for email in ("lead@x.org", "region@x.org"):
        for page in ("people", "audit", "admin"):
            test = as_person(monkeypatch, email, page)
            assert not test.exception, [e.message for e in test.exception]
            assert "People and roles" not in texts(test.title)
            assert "Give someone a role" not in texts(test.header)
            assert "Back up and restore" not in texts(test.title)


@pytest.mark.parametrize("email, role", [("lead@x.org", Role.LEAD), ("facilitator@x.org",
                                          Role.FACILITATOR), ("region@x.org", Role.REGIONAL)])
def test_every_page_a_role_is_offered_works_for_it(shared, monkeypatch, app_db, email, role):
    from collab_assess.access.identity import Caller
    from collab_assess.access.navigation import pages_for
    from collab_assess.store.grants import Grant

    key = "south" if role is Role.REGIONAL else "north"
    store = Store(app_db)
    try:
        if role is Role.FACILITATOR:
            store.grant_role(email, role, "setup", collaborative_id=shared[key]["collaborative"])
        grants = store.grants_for(email)
    finally:
        store.close()
    offered, _ = pages_for(Caller.signed_in_as(email, grants))
    assert offered == pages_for(Caller.signed_in_as(email, (Grant(role, 1),)))[0]
    for page in sorted(offered):
        test = as_person(monkeypatch, email, page.value,
                         collaborative_id=shared[key]["collaborative"],
                         round_id=shared[key]["round"])
        assert not test.exception, (page, [e.message for e in test.exception])
        assert "does not allow" not in texts(test.error), page


def test_the_invitation_stays_in_the_address_until_the_person_starts(shared, monkeypatch):
    test = as_person(monkeypatch, None, "self_assessment",
                     query={"invite": shared["north"]["invite"]})
    assert test.query_params["invite"] == shared["north"]["invite"]  # a refresh keeps it


def test_a_visitor_comes_back_with_a_resume_code_from_the_sign_in_page(shared, monkeypatch,
                                                                       app_db):
    store = Store(app_db)
    try:
        respondent = store.respondents([shared["north"]["round"]])["respondent_id"].iloc[0]
        code = store.get_respondent(int(respondent)).resume_code
    finally:
        store.close()
    test = as_person(monkeypatch, None)
    next(t for t in test.text_input if t.label == "Your resume code").input(code.lower())
    next(b for b in test.button if b.label == "Continue").click()
    test.run()
    assert not test.exception, [e.message for e in test.exception]
    assert "Self-assessment" in texts(test.title)
    assert NORTH in everything_shown(test) and SOUTH not in everything_shown(test)


def test_a_code_whose_round_has_closed_says_so_and_is_not_counted_as_a_guess(shared, monkeypatch,
                                                                           app_db):
    store = Store(app_db)
    try:
        respondent = store.respondents([shared["north"]["round"]])["respondent_id"].iloc[0]
        code = store.get_respondent(int(respondent)).resume_code
        store.close_round(shared["north"]["round"], "setup")
    finally:
        store.close()
    test = as_person(monkeypatch, None, "self_assessment", query={"who": code})
    assert not test.exception, [e.message for e in test.exception]
    assert "round has closed" in texts(test.info)
    assert NORTH not in everything_shown(test)
    for _ in range(5):  # a right but expired code, typed again and again, is never slowed down
        next(t for t in test.text_input if t.label == "Your resume code").input(code)
        next(b for b in test.button if b.label == "Continue").click()
        test.run()
    assert "round has closed" in texts(test.info)
    assert "Too many wrong codes" not in texts(test.error)


def test_an_admin_reads_the_audit_log_with_each_change_in_words(shared, monkeypatch):
    test = as_person(monkeypatch, "boss@x.org", "audit")
    assert not test.exception, [e.message for e in test.exception]
    table = test.dataframe[0].value
    grant = table[table["record_kind"] == "role"]
    assert "email: region@x.org; region: London; role: regional" in grant["what_changed"].tolist()
    assert (table["actor"] == "setup").any()
