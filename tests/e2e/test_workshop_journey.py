"""A board workshop in real browsers: a facilitator on a laptop and six participants on phones.

The facilitator starts a workshop, six people join by the code, vote (one reloads mid-vote and
changes their mind), the live count fills in by itself, the facilitator closes voting, reveals,
records the agreed level and an action, and the Results page shows them. Then the database is
checked: one workshop answer per person, each with its final vote.
"""

from __future__ import annotations

import re
import time

import duckdb
import pytest

from collab_assess.content.bank import load_current_bank
from collab_assess.content.scale import level_label
from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    create_collaborative,
    go_to_sidebar_page,
    phone_context,
    wait_for_rerun,
)

pytestmark = pytest.mark.browser

PEOPLE = 6
VOTES = (2, 2, 3, 4, 1, 2)  # the fifth person first votes 1, then changes to 3 after a reload
CHANGED_VOTE = 3
AGREED = 2


def test_a_room_votes_from_phones_and_the_round_shows_the_workshop(
    browser, app_server, page, screenshot
):
    bank = load_current_bank()
    first = bank.statements_in("PB")[0]

    # The facilitator sets up a collaborative and starts a workshop on its first area.
    create_collaborative(page, app_server.url, f"Workshop {time.time():.0f}")
    go_to_sidebar_page(page, "Run a workshop")
    page.get_by_role("heading", name="Run a board workshop").wait_for()
    wait_for_rerun(page)
    choose_option(page, "Areas to cover", "Partnership building")
    page.keyboard.press("Escape")
    page.get_by_role("button", name="Start the workshop").click()
    page.get_by_text("Code to join").wait_for()
    wait_for_rerun(page)
    assert_no_app_error(page)
    code = page.locator('[data-testid="stMetricValue"]').first.inner_text().replace(" ", "")
    link = page.locator('[data-testid="stMain"] a[href$="/join"]').first.get_attribute("href")
    assert link == f"{app_server.url}/join"

    # Six people join on their phones, with no account; they wait for voting to open.
    phones = []
    for index in range(PEOPLE):
        context = phone_context(browser)
        screen = context.new_page()
        screen.goto(f"{app_server.url}/join?code={code}")
        screen.get_by_role("button", name="Join").wait_for(timeout=60_000)
        wait_for_rerun(screen)
        if index < 3:
            choose_option(screen, "Your role (optional)", "Non-executive director")
        screen.get_by_role("button", name="Join").click()
        screen.get_by_text("Voting has not opened yet").wait_for()
        phones.append((context, screen))
    screenshot(phones[0][1], "participant waiting", full_page=False)

    # Voting opens: every phone follows by itself; the facilitator's count fills in by itself.
    page.get_by_role("button", name="Open voting").click()
    wait_for_rerun(page)
    for (_, screen), level in zip(phones, VOTES, strict=True):
        screen.get_by_text("Voting is open").wait_for(timeout=15_000)
        wait_for_rerun(screen)
        screen.get_by_role("radiogroup").get_by_text(level_label(level), exact=True).click()
        screen.get_by_text(f"Your vote is saved: {level_label(level)}.").wait_for()
    changer = phones[4][1]
    changer.reload()  # a locked phone, a dropped connection...
    changer.get_by_text(f"Your vote is saved: {level_label(VOTES[4])}.").wait_for()
    wait_for_rerun(changer)
    changer.get_by_role("radiogroup").get_by_text(level_label(CHANGED_VOTE), exact=True).click()
    changer.get_by_text(f"Your vote is saved: {level_label(CHANGED_VOTE)}.").wait_for()
    screenshot(changer, "participant voted", full_page=False)
    page.get_by_text(f"{PEOPLE} of {PEOPLE} have voted").wait_for(timeout=15_000)
    assert page.locator('[data-testid="stVegaLiteChart"]').count() == 0, "results shown early"

    # Close, reveal, agree a level and an action.
    page.get_by_role("button", name="Close voting").click()
    wait_for_rerun(page)
    page.get_by_role("button", name="Reveal results").click()
    wait_for_rerun(page)
    page.get_by_text("Middle vote:").wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    for _, screen in phones:
        screen.get_by_text("The results are on the big screen").wait_for(timeout=15_000)
    page.get_by_text("Presenter view").first.click()
    wait_for_rerun(page)
    screenshot(page, "presenter view revealed")
    page.get_by_text("Presenter view").first.click()
    wait_for_rerun(page)
    group = page.get_by_role("radiogroup", name="Agreed level")
    group.get_by_text(level_label(AGREED), exact=True).click()
    page.get_by_role("textbox", name=re.compile(r"^Why")).fill(
        "A draft purpose, not yet agreed by all")
    page.get_by_role("button", name="Record the agreed level").click()
    page.get_by_text("Agreed level recorded.").wait_for()
    wait_for_rerun(page)
    page.get_by_role("textbox", name=re.compile(r"^What will be done")).fill("Agree the purpose at "
                                                                            "every member board")
    page.get_by_role("textbox", name=re.compile(r"^Owner")).fill("Chair")
    page.get_by_role("button", name="Add action").click()
    page.get_by_text("Action added.").wait_for()
    wait_for_rerun(page)
    assert_no_app_error(page)

    # The Results page includes the workshop: the agreed level is the statement's score.
    go_to_sidebar_page(page, "Results")
    page.get_by_role("heading", name=re.compile(r"^Results"), level=1).wait_for()
    wait_for_rerun(page)
    assert_no_app_error(page)
    people = page.locator('[data-testid="stMetric"]').filter(has_text="People who took part")
    assert people.locator('[data-testid="stMetricValue"]').inner_text().strip() == str(PEOPLE)
    page.get_by_text("Agree the purpose at every member board").first.wait_for(state="attached")
    screenshot(page, "results after the workshop")
    for context, _ in phones:
        context.close()

    app_server.stop()
    with duckdb.connect(str(app_server.db_path), read_only=True) as connection:
        votes = connection.execute(
            "SELECT a.level, a.source FROM current_answers a JOIN workshop_seats p "
            "ON p.respondent_id = a.respondent_id WHERE a.statement_id = ?", [first.id]).fetchall()
        agreed = connection.execute(
            "SELECT level FROM consensus_records WHERE statement_id = ?", [first.id]).fetchall()
    wanted = sorted([*VOTES[:4], CHANGED_VOTE, VOTES[5]])
    assert sorted(level for level, _ in votes) == wanted
    assert {source for _, source in votes} == {"workshop"}
    assert agreed == [(AGREED,)]
