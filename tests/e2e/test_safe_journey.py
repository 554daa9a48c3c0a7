"""The self-assessment journey made safe, in a real browser: user text stays text (and fetches
nothing), invitation links carry nobody's code, two tabs on one person never overwrite each other,
the review list lands on the statement itself, and Back goes to the previous area."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from collab_assess.content.bank import load_current_bank
from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    create_collaborative,
    go_to_sidebar_page,
    new_context,
    wait_for_rerun,
)
from tests.e2e.test_journey import area_heading, radio_group

pytestmark = pytest.mark.browser

OUTSIDE_HOST = "outside.example"
MARKUP = (f"**bold** [link](http://{OUTSIDE_HOST}/a) ![img](http://{OUTSIDE_HOST}/p.png) "
          "<img src=x> :smile: www.nhs.uk")


def query(page) -> dict:
    return parse_qs(urlparse(page.url).query)


def new_tab(browser, watch: list[str]):
    context = new_context(browser, viewport={"width": 1400, "height": 900})
    context.on("request", lambda request: watch.append(request.url)
               if OUTSIDE_HOST in request.url else None)
    return context, context.new_page()


def no_live_markup(page) -> None:
    """Nothing the user typed became a link, an image or bold text."""
    main = page.locator('[data-testid="stMain"], [data-testid="stSidebar"]')
    assert main.locator(f'a[href*="{OUTSIDE_HOST}"]').count() == 0, "a live link to the outside"
    assert main.locator(f'img[src*="{OUTSIDE_HOST}"], img[src="x"]').count() == 0, "an image"
    assert main.locator('a[href*="nhs.uk"]').count() == 0, "a bare address became a link"


def join_as(page, role: str, organisation: str = "") -> str:
    page.get_by_role("heading", name="Who is answering?").wait_for()
    wait_for_rerun(page)
    choose_option(page, "Your role", role)
    if organisation:
        page.get_by_role("textbox", name="Your organisation (optional)").fill(organisation)
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_text(re.compile(r"^0 of \d+ statements answered$")).wait_for()
    wait_for_rerun(page)
    return query(page)["who"][0]


def test_markup_is_text_links_carry_no_code_and_back_goes_back(browser, app_server, screenshot):
    bank = load_current_bank()
    outside: list[str] = []
    lead_context, lead = new_tab(browser, outside)
    name = f"Northshire {MARKUP}"[:120]

    create_collaborative(lead, app_server.url, name)
    assert name in lead.get_by_text("You are working on").inner_text().replace("\u2060", "")
    no_live_markup(lead)

    # The lead's invitation: the round's walk, nobody's code.
    go_to_sidebar_page(lead, "Collaborative")
    lead.get_by_role("tab", name="Invite and track").click()
    wait_for_rerun(lead)
    title = lead.locator('[data-testid="stMain"] h1').first.inner_text()
    assert title.replace("\u2060", "") == name
    invitation = lead.locator('[data-testid="stCode"]').first.inner_text().strip()
    assert "/self_assessment?" in invitation and "who=" not in invitation
    assert lead.get_by_role("img", name=re.compile("Scan to join")).count() + lead.locator(
        '[data-testid="stImage"]').count() >= 1
    screenshot(lead, "invite and track")
    no_live_markup(lead)

    # A colleague opens the invitation in their own browser: the start of the walk.
    guest_context, guest = new_tab(browser, outside)
    guest.goto(invitation)
    code = join_as(guest, "Clinical lead", organisation=MARKUP)
    assert guest.get_by_text(f"Your resume code: {code}").count() >= 1  # without the sidebar
    group = radio_group(guest, bank.statements[0].id)
    group.get_by_text("2 Developing", exact=True).click()
    wait_for_rerun(guest)
    guest.get_by_text("Add a target or evidence (optional)").first.click()
    note = guest.get_by_role("textbox", name=re.compile(rf"\({bank.statements[0].id}\)$"))
    note.fill(MARKUP)
    note.press("Tab")
    wait_for_rerun(guest)
    no_live_markup(guest)

    # Back goes to the previous area.
    guest.get_by_role("button", name="Next area →").click()
    area_heading(guest, bank.areas[1].name).wait_for()
    wait_for_rerun(guest)
    guest.go_back()
    area_heading(guest, bank.areas[0].name).wait_for()
    wait_for_rerun(guest)

    # Results: no code in the address; notes shown as text.
    go_to_sidebar_page(guest, "Results")
    guest.get_by_role("heading", name=re.compile(r"^Results"), level=1).wait_for()
    wait_for_rerun(guest)
    assert_no_app_error(guest)
    assert "who" not in query(guest)
    guest.get_by_text(re.compile(r"^Evidence and rationale given")).first.click()
    wait_for_rerun(guest)
    no_live_markup(guest)
    screenshot(guest, "results with markup")
    assert not outside, f"the browser fetched outside addresses: {outside}"
    guest_context.close()
    lead_context.close()


def test_two_tabs_on_one_person_never_overwrite_each_other(browser, app_server, screenshot):
    bank = load_current_bank()
    statement = bank.statements[0].id
    first_context, first = new_tab(browser, [])
    create_collaborative(first, app_server.url, f"Two tabs {time.time():.0f}")
    go_to_sidebar_page(first, "Self-assessment")
    code = join_as(first, "Executive director")
    radio_group(first, statement).get_by_text("2 Developing", exact=True).click()
    wait_for_rerun(first)

    second = first_context.new_page()  # the same person in a second tab
    second.goto(first.url)
    radio_group(second, statement).wait_for()
    wait_for_rerun(second)

    radio_group(first, statement).get_by_text("4 Thriving", exact=True).click()  # tab 1: level
    wait_for_rerun(first)
    second.get_by_text("Add a target or evidence (optional)").first.click()     # tab 2: note
    note = second.get_by_role("textbox", name=re.compile(rf"\({statement}\)$"))
    note.fill("Board paper, May")
    note.press("Tab")
    wait_for_rerun(second)
    second.get_by_text("changed in another tab or on another device").wait_for()
    assert radio_group(second, statement).get_by_role("radio", name="4 Thriving").is_checked()
    screenshot(second, "second tab after the note", full_page=False)

    # The review list lands on the unanswered statement itself.
    wanted = bank.statements_in(bank.areas[4].id)[2]
    second.get_by_role("combobox", name="Go to").click()
    second.keyboard.type("Review")  # the list is long: filter it
    second.get_by_role("option", name=re.compile(r"^Review and finish")).click()
    second.get_by_role("heading", name="Review and finish", level=2).wait_for()
    wait_for_rerun(second)
    second.get_by_role("button", name=f"{wanted.id}: {wanted.statement}").click()
    area_heading(second, bank.areas[4].name).wait_for()
    wait_for_rerun(second)
    second.wait_for_timeout(800)
    box = second.locator(f".st-key-statement-{wanted.id}").bounding_box()
    assert box is not None and 0 <= box["y"] < 900 / 2, f"{wanted.id} is not in view: {box}"
    first_context.close()

    app_server.stop()  # DuckDB lets one process open the file
    with duckdb.connect(str(app_server.db_path), read_only=True) as connection:
        level, saved_note = connection.execute(
            "SELECT a.level, a.note FROM current_answers a JOIN respondents p "
            "ON p.id = a.respondent_id WHERE p.resume_code = ? AND a.statement_id = ?",
            [code, statement]).fetchone()
    assert (level, saved_note) == (4, "Board paper, May")
