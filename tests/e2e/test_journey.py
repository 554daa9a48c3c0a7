"""A new collaborative lead's first visit, in a real browser, from set-up to results.

Set up a collaborative on Start, look at it on the Collaborative page, take the self-assessment
area by area (reloading the browser part way to check the walk resumes where it stopped), finish
and give an overall stage, then read the Results. Finally the database file is opened to check that
every answer the browser gave is really stored.

Screenshots of every page land in tests/artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from statistics import mean
from urllib.parse import parse_qs, urlparse

import duckdb
import pytest

from collab_assess.content.bank import QuestionBank, load_current_bank
from collab_assess.content.scale import Level, level_label, stage_of
from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    go_to_sidebar_page,
    wait_until_idle,
)

pytestmark = pytest.mark.browser

COLLABORATIVE = "Northshire Acute Provider Collaborative"
REGION = "North East and Yorkshire"
ICS = "West Yorkshire"
COLLABORATIVE_TYPE = "Acute"
ROLE = "Executive director"
DONT_KNOW = "Don't know"
STAGE_NAMES = [level_label(level) for level in Level]
OWN_VIEW = 2  # the stage the respondent says the collaborative is at, overall
AREAS_BEFORE_RELOAD = 3
LEVEL_CYCLE = (2, 3, 1, 2, 4, 2, 3, 1, 2)


def answer_plan(bank: QuestionBank) -> dict[str, int | str]:
    """What the lead answers to each statement: a spread of levels and two "Don't know"s."""
    plan: dict[str, int | str] = {
        statement.id: LEVEL_CYCLE[index % len(LEVEL_CYCLE)]
        for index, statement in enumerate(bank.statements)
    }
    plan[bank.statements_in(bank.areas[1].id)[1].id] = DONT_KNOW
    plan[bank.statements_in(bank.areas[6].id)[2].id] = DONT_KNOW
    return plan


def expected_stage(bank: QuestionBank, plan: dict[str, int | str]) -> str:
    """One respondent: a statement scores its level, an area the mean of its scored statements,
    the collaborative the mean of the area scores; "Don't know" never counts."""
    area_scores = []
    for area in bank.areas:
        levels = [plan[s.id] for s in bank.statements_in(area.id) if isinstance(plan[s.id], int)]
        if levels:
            area_scores.append(mean(levels))
    return level_label(stage_of(mean(area_scores)))


def option_text(choice: int | str) -> str:
    return level_label(choice) if isinstance(choice, int) else choice


# -- page helpers -----------------------------------------------------------------------------


def radio_group(page, statement_id: str):
    return page.get_by_role("radiogroup", name=f"How mature is this today? ({statement_id})",
                            exact=True)


def progress_line(page, answered: int, total: int):
    return page.get_by_text(f"{answered} of {total} statements answered", exact=True)


def answered_so_far(page, total: int) -> int:
    text = page.get_by_text(re.compile(rf"^\d+ of {total} statements answered$")).inner_text()
    return int(text.split()[0])


def area_heading(page, name: str):
    return page.get_by_role("heading", name=name, exact=True, level=2)


def answer_statement(page, statement_id: str, choice: int | str, answered_after: int,
                     total: int) -> None:
    group = radio_group(page, statement_id)
    group.get_by_text(option_text(choice), exact=True).click()
    # Each answer is saved by a callback and the page runs again: wait for the new count.
    progress_line(page, answered_after, total).wait_for()
    wait_until_idle(page)
    expect_checked(page, statement_id, choice)


def expect_checked(page, statement_id: str, choice: int | str) -> None:
    radio = radio_group(page, statement_id).get_by_role("radio", name=option_text(choice),
                                                        exact=True)
    assert radio.is_checked(), f"{statement_id}: '{option_text(choice)}' should be selected"


def answer_area(page, bank: QuestionBank, index: int, plan: dict, answered: int, *,
                skip: int = 0) -> int:
    """Answer the area on screen (from its `skip`-th statement on); returns the new count."""
    area = bank.areas[index]
    area_heading(page, area.name).wait_for()
    for statement in bank.statements_in(area.id)[skip:]:
        answered += 1
        answer_statement(page, statement.id, plan[statement.id], answered, len(bank.statements))
    return answered


def press_next(page, bank: QuestionBank, index: int) -> None:
    """From area `index`, press the forward button and wait for the next step."""
    last = index == len(bank.areas) - 1
    page.get_by_role("button", name="Review and finish →" if last else "Next area →").click()
    next_heading = "Review and finish" if last else bank.areas[index + 1].name
    area_heading(page, next_heading).wait_for()
    wait_until_idle(page)


# -- the journey ------------------------------------------------------------------------------


def test_new_lead_sets_up_assesses_and_sees_results(page, app_server, screenshot):
    bank = load_current_bank()
    total = len(bank.statements)
    plan = answer_plan(bank)

    # 1. Start: set up a new collaborative with its first round.
    page.goto(app_server.url)
    name_box = page.get_by_role("textbox", name="Name of the collaborative", exact=True)
    name_box.wait_for(timeout=60_000)
    wait_until_idle(page)
    assert_no_app_error(page)
    if app_server.peers_loaded:
        assert page.get_by_text("synthetic demo collaboratives").count() >= 1
    name_box.fill(COLLABORATIVE)
    choose_option(page, "NHS England region", REGION)
    choose_option(page, "Integrated care system(s) it works across", ICS)
    page.keyboard.press("Escape")  # close the multiselect's list
    choose_option(page, "Type of collaborative", COLLABORATIVE_TYPE)
    first_round = page.get_by_role("checkbox", name="Open a first assessment round now")
    assert first_round.is_checked(), "a first round should be opened by default"
    screenshot(page, "start filled in")
    page.get_by_role("button", name="Create collaborative").click()
    page.get_by_text(f"Created {COLLABORATIVE} and opened its first assessment round").wait_for()
    page.get_by_text(f"You are working on {COLLABORATIVE}.").wait_for()
    wait_until_idle(page)
    assert_no_app_error(page)
    screenshot(page, "start created")

    # 2. Collaborative page: the profile as entered, and the round that was opened.
    go_to_sidebar_page(page, "Collaborative")
    page.get_by_role("heading", name=COLLABORATIVE, level=1).wait_for()
    wait_until_idle(page)
    assert_no_app_error(page)
    assert page.get_by_role("combobox", name="NHS England region").input_value() == REGION
    screenshot(page, "collaborative profile")
    page.get_by_role("tab", name="Assessment rounds").click()
    page.get_by_role("link", name="Go to the self-assessment").wait_for()
    screenshot(page, "collaborative rounds")

    # 3. Self-assessment: say who is answering.
    go_to_sidebar_page(page, "Self-assessment")
    page.get_by_role("heading", name="Who is answering?").wait_for()
    wait_until_idle(page)
    assert_no_app_error(page)
    screenshot(page, "self-assessment who is answering")
    choose_option(page, "Your role", ROLE)
    page.get_by_role("button", name="Start the assessment").click()
    progress_line(page, 0, total).wait_for()
    area_heading(page, bank.areas[0].name).wait_for()
    wait_until_idle(page)
    resume_code = parse_qs(urlparse(page.url).query)["who"][0]
    assert page.get_by_text(f"Your resume code is {resume_code}").count() >= 1

    # 4. Answer the first areas, then one statement of the next, and reload the browser.
    answered = 0
    for index in range(AREAS_BEFORE_RELOAD):
        answered = answer_area(page, bank, index, plan, answered)
        if index == 1:
            screenshot(page, "self-assessment mid-walk")
        press_next(page, bank, index)
        if index == 0:
            screenshot(page, "self-assessment window after next area", full_page=False)
    stop_area = bank.areas[AREAS_BEFORE_RELOAD]
    first_of_stop_area = bank.statements_in(stop_area.id)[0]
    answered += 1
    answer_statement(page, first_of_stop_area.id, plan[first_of_stop_area.id], answered, total)

    page.reload()
    area_heading(page, stop_area.name).wait_for()  # resumes where it stopped, not at area 1
    wait_until_idle(page)
    assert_no_app_error(page)
    assert answered_so_far(page, total) == answered
    expect_checked(page, first_of_stop_area.id, plan[first_of_stop_area.id])
    assert not area_heading(page, bank.areas[0].name).is_visible()
    screenshot(page, "self-assessment after reload")

    # Earlier answers are still selected when going back.
    page.get_by_role("button", name="← Previous area").click()
    previous = bank.areas[AREAS_BEFORE_RELOAD - 1]
    area_heading(page, previous.name).wait_for()
    wait_until_idle(page)
    for statement in bank.statements_in(previous.id):
        expect_checked(page, statement.id, plan[statement.id])
    press_next(page, bank, AREAS_BEFORE_RELOAD - 1)

    # 5. The rest of the walk.
    answered = answer_area(page, bank, AREAS_BEFORE_RELOAD, plan, answered, skip=1)
    press_next(page, bank, AREAS_BEFORE_RELOAD)
    for index in range(AREAS_BEFORE_RELOAD + 1, len(bank.areas)):
        answered = answer_area(page, bank, index, plan, answered)
        press_next(page, bank, index)
    assert answered == total

    # 6. Review and finish: nothing left, then the lead's own view of the stage.
    page.get_by_text("You have answered every statement.", exact=True).wait_for()
    assert page.get_by_text("still need an answer").count() == 0
    assert answered_so_far(page, total) == total
    stage_group = page.get_by_role("radiogroup", name="In a word, how would you describe it today?")
    stage_group.get_by_text(level_label(OWN_VIEW), exact=True).click()
    wait_until_idle(page)
    assert stage_group.get_by_role("radio", name=level_label(OWN_VIEW)).is_checked()
    assert_no_app_error(page)
    screenshot(page, "review and finish")
    page.get_by_role("button", name="Finish", exact=True).click()
    page.get_by_role("heading", name="Thank you", level=2).wait_for()
    page.get_by_text("You have answered every statement, and every answer is saved.").wait_for()

    # 7. Results: the area chart and the overall stage.
    go_to_sidebar_page(page, "Results")
    page.get_by_role("heading", name=re.compile(r"^Results"), level=1).wait_for()
    assert "who" not in parse_qs(urlparse(page.url).query), "a shareable address holds a code"
    page.locator('[data-testid="stMain"]').get_by_text(COLLABORATIVE).first.wait_for()
    overall = page.locator('[data-testid="stMetric"]').filter(has_text="Overall stage")
    overall.wait_for()
    chart = page.locator('[data-testid="stVegaLiteChart"]').first
    chart.locator("canvas, svg").first.wait_for()
    wait_until_idle(page)
    assert_no_app_error(page)
    box = chart.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100, f"area chart too small: {box}"
    stage_shown = overall.locator('[data-testid="stMetricValue"]').inner_text().strip()
    assert stage_shown in STAGE_NAMES
    assert stage_shown == expected_stage(bank, plan)
    described = page.locator('[data-testid="stMetric"]').filter(
        has_text="How respondents describe it")
    assert (described.locator('[data-testid="stMetricValue"]').inner_text().strip()
            == level_label(OWN_VIEW))
    people = page.locator('[data-testid="stMetric"]').filter(has_text="People who took part")
    assert people.locator('[data-testid="stMetricValue"]').inner_text().strip() == "1"
    if app_server.peers_loaded:
        page.get_by_text("of them synthetic demo data").first.wait_for()
    else:
        page.get_by_text(re.compile(r"^Peer comparison appears once at least")).wait_for()
    screenshot(page, "results")
    assert not page.console_errors, f"JavaScript errors in the page: {page.console_errors}"

    # 8. The database holds exactly what was given (DuckDB allows one process: stop the app).
    app_server.stop()
    with duckdb.connect(str(app_server.db_path), read_only=True) as connection:
        (respondent_id,) = connection.execute(
            "SELECT id FROM respondents WHERE resume_code = ?", [resume_code]).fetchone()
        rows = connection.execute(
            "SELECT statement_id, level, unscored FROM current_answers WHERE respondent_id = ?",
            [respondent_id],
        ).fetchall()
        stages = connection.execute(
            "SELECT stage FROM self_described_stages WHERE respondent_id = ? ORDER BY id",
            [respondent_id],
        ).fetchall()
    stored = {sid: (int(level) if level is not None else unscored) for sid, level, unscored in rows}
    wanted = {sid: ("dont_know" if choice == DONT_KNOW else choice) for sid, choice in plan.items()}
    assert stored == wanted
    assert [stage for (stage,) in stages][-1:] == [OWN_VIEW]
