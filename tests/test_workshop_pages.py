"""The workshop pages through AppTest: the facilitator runs a statement from start to agreement, a
participant joins by code and votes, wrong codes are slowed, stale facilitator tabs are refused,
and free text stays text. (AppTest runs the live fragment once per run; the refreshing itself is
covered in the browser test.)"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.access.throttle import (
    FREE_TRIES,
    FREE_TRIES_PER_ADDRESS,
    CodeAttempts,
    NetworkPace,
    Throttle,
    join_attempts,
)
from collab_assess.content.bank import load_current_bank
from collab_assess.store.inputs import CollaborativeProfile, RoundInput
from collab_assess.workshop.summary import summary_csv, workshop_summary
from tests.helpers.apptest import APP, TIMEOUT, app, assert_no_exception, reopen, texts

FIRST = load_current_bank().statements_in("PB")[0].id
"""The first statement a workshop on Partnership building runs."""
MARKUP = "**bold** [link](http://outside.example) =HYPERLINK(1)"


@pytest.fixture
def round_ready(app_db: Path) -> dict:
    from collab_assess.store import Store

    store = Store(app_db)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Northshire"), "lead")
        round_id = store.open_round(collaborative,
                                    RoundInput(label="Spring", opens_on="2026-03-01"),
                                    load_current_bank(), "lead")
    finally:
        store.close()
    return {"collaborative": collaborative, "round": round_id}


@pytest.fixture(autouse=True)
def fresh_throttle(monkeypatch):
    monkeypatch.setattr(join_attempts, "by_browser", Throttle())
    monkeypatch.setattr(join_attempts, "by_address", NetworkPace(FREE_TRIES_PER_ADDRESS))


def button(test: AppTest, label: str):
    return next(b for b in test.button if b.label == label)


def facilitator(round_ready: dict, workshop_id: int | None = None) -> AppTest:
    choices = {"collaborative_id": round_ready["collaborative"], "round_id": round_ready["round"]}
    if workshop_id is not None:
        choices["workshop_id"] = workshop_id
    return app("workshop", **choices)


def start_workshop(round_ready: dict, title: str = "Board workshop") -> AppTest:
    test = facilitator(round_ready)
    next(t for t in test.text_input if t.label.startswith("Workshop name")).input(title)
    next(m for m in test.multiselect if m.label == "Areas to cover").select("PB")
    button(test, "Start the workshop").click()
    return test.run()


def join(code: str, role: str | None = None) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    test.query_params["code"] = code
    test.switch_page("pages/join.py").run()
    if role:
        next(s for s in test.selectbox if s.label == "Your role (optional)").select(role)
    button(test, "Join").click()
    return test.run()


def join_code(test: AppTest) -> str:
    return next(m.value for m in test.metric if m.label == "Code to join").replace(" ", "")


def votes_line(test: AppTest) -> str:
    return next(m.value for m in test.metric if m.label == "Votes")


def test_a_facilitator_runs_a_statement_from_vote_to_agreement(round_ready, app_db):
    lead = start_workshop(round_ready)
    assert_no_exception(lead)
    code = join_code(lead)
    assert lead.header[0].value == load_current_bank().statements_in("PB")[0].statement
    people = [join(code, "Non-executive director") for _ in range(3)]
    assert all("who" in person.query_params for person in people)
    button(lead, "Open voting").click()
    lead.run()
    for person, level in zip(people, (2, 2, 4), strict=True):
        person.run()  # follows the facilitator: voting is now open
        person.radio[0].set_value(level).run()
        assert_no_exception(person)
    lead.run()
    assert votes_line(lead) == "3 of 3 have voted"
    assert "results stay hidden" in texts(lead.caption)
    assert not lead.get("arrow_vega_lite_chart") and not lead.get("vega_lite_chart")

    button(lead, "Close voting").click()
    lead.run()
    button(lead, "Reveal results").click()
    lead.run()
    assert "**Middle vote:** 2 Developing" in texts(lead.markdown)
    assert "The room is split" in texts(lead.warning)
    assert "By role" in texts(lead.markdown)  # three non-executives voted

    next(r for r in lead.radio if r.label == "Agreed level").set_value(2)
    next(t for t in lead.text_area if t.label.startswith("Why")).input(MARKUP)
    button(lead, "Record the agreed level").click()
    lead.run()
    next(t for t in lead.text_input if t.label.startswith("What will be done")).input(MARKUP)
    next(t for t in lead.text_input if t.label.startswith("Owner")).input("Chair")
    button(lead, "Add action").click()
    lead.run()
    assert_no_exception(lead)
    assert "**bold**" not in " ".join(str(m.value) for m in lead.markdown)  # escaped
    assert MARKUP in texts(lead.markdown)

    store = reopen(app_db)
    agreed = store.current_consensus([round_ready["round"]]).set_index("statement_id")
    assert agreed.loc[FIRST, "level"] == 2 and agreed.loc[FIRST, "rationale"] == MARKUP
    assert store.actions(round_ready["round"])["description"].tolist() == [MARKUP]
    answers = store.current_answers([round_ready["round"]])
    assert sorted(answers["level"].tolist()) == [2, 2, 4]
    assert set(answers["source"]) == {"workshop"}


def test_a_reveal_with_fewer_than_three_votes_shows_no_votes(round_ready):
    lead = start_workshop(round_ready)
    code = join_code(lead)
    people = [join(code) for _ in range(2)]
    button(lead, "Open voting").click()
    lead.run()
    for person, level in zip(people, (1, 4), strict=True):
        person.run()
        person.radio[0].set_value(level).run()
    button(lead, "Close voting").click()
    lead.run()
    button(lead, "Reveal results").click()
    lead.run()
    assert_no_exception(lead)
    assert "Fewer than 3 people voted, so the votes are not shown" in texts(lead.info)
    assert not lead.get("arrow_vega_lite_chart") and not lead.get("vega_lite_chart")
    assert "Middle vote" not in texts(lead.markdown)


def test_a_participant_coming_back_to_their_address_keeps_their_vote(round_ready):
    lead = start_workshop(round_ready)
    person = join(join_code(lead))
    button(lead, "Open voting").click()
    lead.run()
    person.run()
    person.radio[0].set_value(3).run()
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["who"] = person.query_params["who"]
    again.switch_page("pages/join.py").run()
    assert_no_exception(again)
    assert again.radio[0].value == 3
    assert "Your vote is saved: 3 Maturing." in texts(again.success)


def test_a_late_vote_is_refused_with_a_message_the_participant_sees(round_ready, app_db):
    lead = start_workshop(round_ready)
    person = join(join_code(lead))
    button(lead, "Open voting").click()
    lead.run()
    person.run()  # the phone shows voting open...
    button(lead, "Close voting").click()
    lead.run()    # ...but the facilitator closes it before the vote arrives
    person.radio[0].set_value(4).run()
    assert "was not counted" in texts(person.error)
    assert reopen(app_db).current_answers([round_ready["round"]]).empty


def test_wrong_codes_say_nothing_about_other_workshops_and_are_slowed(round_ready):
    lead = start_workshop(round_ready)
    browser = AppTest.from_file(APP, default_timeout=TIMEOUT)
    browser.switch_page("pages/join.py").run()
    for attempt in range(FREE_TRIES + 1):
        next(t for t in browser.text_input if t.label == "Workshop code").input("ZZZZZZ")
        button(browser, "Join").click()
        browser.run()
        if attempt < FREE_TRIES:
            assert "does not match a workshop that is running" in texts(browser.error)
    assert "Too many wrong codes" in texts(browser.error)
    assert join_code(lead)  # the workshop was there all along


def test_the_throttle_waits_longer_after_each_wrong_try():
    now = [100.0]
    throttle = Throttle(clock=lambda: now[0])
    room = CodeAttempts(clock=lambda: now[0])
    for _ in range(FREE_TRIES + 1):
        room.failed("phone 1", "192.0.2.10")
    assert room.wait_needed("phone 1", "192.0.2.10") > 0
    # Others in the room, on the same hospital network, are not slowed by one person's typos.
    assert room.wait_needed("phone 2", "192.0.2.10") == 0
    for _ in range(FREE_TRIES):
        assert throttle.wait_needed("a") == 0
        throttle.failed("a")
    assert throttle.wait_needed("a") == pytest.approx(2.0)
    throttle.failed("a")
    assert throttle.wait_needed("a") == pytest.approx(4.0)
    assert throttle.wait_needed("b") == 0  # another browser is not slowed
    now[0] += 4.0
    assert throttle.wait_needed("a") == 0
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.wait_needed("a") == 0


def test_a_second_facilitator_tab_on_an_old_screen_changes_nothing(round_ready, app_db):
    first = start_workshop(round_ready)
    workshop_id = first.session_state["workshop_id"]
    second = facilitator(round_ready, workshop_id)
    button(first, "Open voting").click()
    first.run()
    button(second, "Next →").click()  # its screen still shows the workshop before voting opened
    second.run()
    assert "moved on since this screen was drawn" in texts(second.error)
    assert reopen(app_db).get_workshop(workshop_id).version == 2


def test_presenter_view_hides_the_sidebar_and_enlarges_type(round_ready):
    lead = start_workshop(round_ready)
    next(t for t in lead.toggle if t.label == "Presenter view").set_value(True)
    lead.run()
    styles = " ".join(str(element.proto.body) for element in lead.get("html"))
    assert "stSidebar" in styles and "font-size" in styles


def test_the_summary_lists_votes_agreement_and_actions_and_its_csv_cannot_run_formulas(
    round_ready, app_db
):
    lead = start_workshop(round_ready, title=MARKUP[:60])
    workshop_id = lead.session_state["workshop_id"]
    people = [join(join_code(lead)) for _ in range(3)]
    button(lead, "Open voting").click()
    lead.run()
    for person, level in zip(people, (1, 1, 2), strict=True):
        person.run()
        person.radio[0].set_value(level).run()
    next(t for t in lead.text_input if t.label.startswith("What will be done")).input(
        "=HYPERLINK(\"http://outside.example\")")
    button(lead, "Add action").click()
    lead.run()

    def summary() -> pd.DataFrame:
        page = facilitator(round_ready, workshop_id)
        page.switch_page("pages/workshop_summary.py").run()
        assert_no_exception(page)
        return page.dataframe[0].value

    # While voting is open, no vote shows in the summary: not by choice, not the middle vote.
    during = summary()
    assert during.loc[0, "Votes"] == "Not revealed yet: no votes are shown."
    assert during.loc[0, "1 Emerging"] == "" and during.loc[0, "Votes shown"] == ""
    assert during.loc[0, "Middle vote"] == ""

    for step in ("Close voting", "Reveal results"):
        button(lead, step).click()
        lead.run()
    table = summary()
    assert int(table.loc[0, "1 Emerging"]) == 2 and int(table.loc[0, "Votes shown"]) == 3
    page = facilitator(round_ready, workshop_id)
    page.switch_page("pages/workshop_summary.py").run()
    # outcomes first, wording wrapped, counts folded below; cells escaped for Markdown
    outcomes = page.table[0].value.map(lambda cell: str(cell).replace("\\", ""))
    assert list(outcomes.columns)[:4] == ["No.", "Statement", "Agreed level", "Why"]
    assert outcomes.iloc[0]["The room's votes"].startswith("3 shown; middle vote")
    assert "HYPERLINK" in outcomes.iloc[0]["Actions (owner, due)"]

    store = reopen(app_db)
    csv = pd.read_csv(io.BytesIO(summary_csv(workshop_summary(store, store.get_workshop(
        workshop_id)))))
    assert csv.loc[0, "Actions (owner, due)"].startswith("'=HYPERLINK")
    assert csv.loc[0, "2 Developing"] == 1
    assert len(csv) == len(load_current_bank().statements_in("PB"))


def test_a_workshop_needs_an_open_round(app_db):
    from collab_assess.store import Store

    store = Store(app_db)
    collaborative = store.create_collaborative(CollaborativeProfile(name="No rounds"), "lead")
    store.close()
    test = app("workshop", collaborative_id=collaborative)
    assert "needs an open assessment round" in texts(test.info)
