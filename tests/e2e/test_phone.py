"""The app on a phone (390 x 844, touch, a mobile browser), and the sidebar on a desktop.

On a phone the sidebar must start closed, so the page is readable the moment it opens; a new
collaborative can be set up; the Results page of a demo collaborative fits the screen's width,
charts included, with nothing to scroll sideways (a wide table may scroll sideways inside its own
box; the test output lists any that do). On a desktop the sidebar stays open beside the page.
Screenshots: tests/artifacts/test-*-phone-*.png.
"""

from __future__ import annotations

import pytest

from tests.e2e.helpers import (
    APP_ERROR,
    PHONE,
    assert_no_app_error,
    choose_demo_collaborative,
    choose_option,
    create_collaborative,
    open_start,
    wait_until_settled,
)

pytestmark = pytest.mark.browser

NEW_COLLABORATIVE = "Pocket Test Mental Health Collaborative"


SIDEBAR_AND_HEADING_JS = """() => {
    const box = (el) => { if (!el) return null; const r = el.getBoundingClientRect();
        return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,
                height: r.height}; };
    const sidebar = document.querySelector('[data-testid="stSidebar"]');
    const heading = document.querySelector('[data-testid="stMain"] h1');
    const result = {sidebar: box(sidebar), heading: box(heading),
                    headingText: heading ? heading.innerText.trim() : null,
                    collapsed: sidebar ? sidebar.getAttribute('data-collapsed') : null,
                    covered: []};
    if (heading) {  // what a finger would hit at points along the heading's first line
        const r = heading.getBoundingClientRect(), y = r.top + Math.min(r.height / 2, 20);
        for (const x of [r.left + 4, r.left + r.width / 2, r.right - 4]) {
            const hit = document.elementFromPoint(x, y);
            if (!hit || !heading.contains(hit))
                result.covered.push(`at (${Math.round(x)}, ${Math.round(y)}): ` +
                    (hit ? (hit.closest('[data-testid]')?.dataset.testid || hit.tagName)
                         : 'nothing'));
        }
    }
    return result;
}"""

OVERFLOW_JS = """() => {
    const width = window.innerWidth;
    const main = document.querySelector('[data-testid="stMain"]');
    const name = (el) => {
        const own = el.dataset.testid ? `[${el.dataset.testid}]` : '';
        const place = el.closest('[data-testid="stExpander"]')?.querySelector('summary')
            ?.innerText.trim().split('\\n').pop();
        return el.tagName.toLowerCase() + own + (place ? ` in the expander '${place}'` : '');
    };
    const problems = [], sideways = [], reported = [];
    for (const el of main.querySelectorAll('*')) {
        if (reported.some(outer => outer.contains(el))) continue;  // the outermost is enough
        if (el.ownerSVGElement) continue;  // a drawing is judged by its <svg> box, not its parts
        if (!el.checkVisibility({visibilityProperty: true})) continue;
        const r = el.getBoundingClientRect();
        if (r.width < 2 || r.height < 2) continue;
        const chart = el.tagName === 'CANVAS' || el.tagName === 'svg';
        const line = `${name(el)}: ${Math.round(r.width)}px wide, ` +
            `from x=${Math.round(r.left)} to ${Math.round(r.right)}`;
        let verdict = null;
        if (r.width > width + 1) verdict = `wider than the ${width}px screen`;
        // Does a box around it cut it off, or let it scroll sideways?
        for (let box = el.parentElement; !verdict && box && box !== main.parentElement;
             box = box.parentElement) {
            const overflow = getComputedStyle(box).overflowX;
            if (overflow === 'visible') continue;
            const b = box.getBoundingClientRect();
            if (r.right <= b.right + 1 && r.left >= b.left - 1) continue;
            const scrolls = (overflow === 'auto' || overflow === 'scroll') &&
                box.scrollWidth > box.clientWidth + 1;
            if (scrolls && !chart) {
                sideways.push(`${line}: scrolls sideways inside ${name(box)}`); reported.push(el);
            }
            else verdict = scrolls ? `a chart that needs sideways scrolling in ${name(box)}`
                                   : `cut off by ${name(box)} (overflow: ${overflow})`;
            break;
        }
        if (!verdict && !reported.includes(el) && (r.right > width + 1 || r.left < -1))
            verdict = 'sticks out past the screen edge';
        if (verdict) { problems.push(`${line}: ${verdict}`); reported.push(el); }
    }
    return {width, documentScrollWidth: document.documentElement.scrollWidth,
            mainScrollWidth: main.scrollWidth, mainClientWidth: main.clientWidth,
            charts: [...main.querySelectorAll('[data-testid="stVegaLiteChart"] canvas, ' +
                                              '[data-testid="stVegaLiteChart"] svg.marks')]
                .map(el => Math.round(el.getBoundingClientRect().width)),
            problems, sideways};
}"""


def assert_sidebar_not_covering_the_heading(page) -> dict:
    found = page.evaluate(SIDEBAR_AND_HEADING_JS)
    heading, sidebar = found["heading"], found["sidebar"]
    assert heading, "the page has no h1 in its main content"
    viewport = page.viewport_size
    assert heading["left"] >= 0 and heading["right"] <= viewport["width"] + 1, (
        f"the heading '{found['headingText']}' does not fit across the screen: {heading}")
    assert 0 <= heading["top"] < viewport["height"], (
        f"the heading '{found['headingText']}' is not on the first screen: {heading}")
    if sidebar and sidebar["width"] > 0 and sidebar["right"] > 0:
        overlap = min(sidebar["right"], heading["right"]) - max(sidebar["left"], heading["left"])
        assert overlap <= 0, (f"the open sidebar ({sidebar['left']:.0f} to "
                              f"{sidebar['right']:.0f}px) "
                              f"lies over the heading '{found['headingText']}' "
                              f"({heading['left']:.0f} to {heading['right']:.0f}px)")
    assert not found["covered"], (
        f"something lies over the heading '{found['headingText']}': {found['covered']}")
    return found


def test_start_page_opens_with_the_sidebar_closed_on_a_phone(phone_page, app_server, screenshot):
    open_start(phone_page, app_server.url)
    assert_no_app_error(phone_page)
    shot = screenshot(phone_page, "phone start first screen", full_page=False)
    found = assert_sidebar_not_covering_the_heading(phone_page)
    assert found["collapsed"] == "true", f"the sidebar starts open on a phone (see {shot})"
    expand = phone_page.locator('[data-testid="stExpandSidebarButton"]')
    assert expand.is_visible(), "there is no button to open the sidebar"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "phone start whole page")

    # The menu is still there when wanted, and gets out of the way once a page is picked.
    expand.tap()
    nav = phone_page.locator('[data-testid="stSidebarNav"]')
    nav.get_by_role("link", name="Glossary", exact=True).wait_for()
    screenshot(phone_page, "phone sidebar opened", full_page=False)
    nav.get_by_role("link", name="Glossary", exact=True).tap()
    phone_page.get_by_role("heading", name="Glossary", level=1).wait_for()
    wait_until_settled(phone_page)
    phone_page.wait_for_function(
        """() => document.querySelector('[data-testid="stSidebar"]')
                     ?.getAttribute('data-collapsed') === 'true'""", timeout=5_000)
    assert_sidebar_not_covering_the_heading(phone_page)
    screenshot(phone_page, "phone glossary first screen", full_page=False)


def test_sidebar_stays_open_beside_the_page_on_a_desktop(page, app_server, screenshot):
    open_start(page, app_server.url)
    found = assert_sidebar_not_covering_the_heading(page)
    assert found["collapsed"] == "false" and found["sidebar"]["width"] > 150, (
        f"the sidebar should be open on a {page.viewport_size['width']}px screen: "
        f"{found['sidebar']}")
    assert page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Results", exact=True).is_visible()
    screenshot(page, "desktop start", full_page=False)


def test_a_new_collaborative_can_be_set_up_on_a_phone(phone_page, app_server, screenshot):
    open_start(phone_page, app_server.url)
    name_box = phone_page.get_by_role("textbox", name="Name of the collaborative", exact=True)
    name_box.tap()
    name_box.fill(NEW_COLLABORATIVE)
    choose_option(phone_page, "NHS England region", "London")
    choose_option(phone_page, "Type of collaborative", "Mental health")
    create = phone_page.get_by_role("button", name="Create collaborative")
    create.scroll_into_view_if_needed()
    screenshot(phone_page, "phone start filled in")
    create.tap()
    phone_page.get_by_text(f"You are working on {NEW_COLLABORATIVE}.").wait_for()
    wait_until_settled(phone_page)
    assert_no_app_error(phone_page)
    assert phone_page.get_by_text(
        f"Created {NEW_COLLABORATIVE} and opened its first assessment round").count() >= 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "phone start created")
    assert not phone_page.console_errors, f"JavaScript errors: {phone_page.console_errors}"


def test_results_fit_the_width_of_a_phone(phone_page, app_server, screenshot):
    choose_demo_collaborative(phone_page, app_server.url)
    phone_page.locator('[data-testid="stExpandSidebarButton"]').tap()
    phone_page.locator('[data-testid="stSidebarNav"]').get_by_role(
        "link", name="Results", exact=True).tap()
    phone_page.locator(f'[data-testid="stMetric"], {APP_ERROR}').first.wait_for()
    assert_no_app_error(phone_page)
    phone_page.locator(".st-key-first-screen").wait_for()
    wait_until_settled(phone_page)
    screenshot(phone_page, "phone results first screen", full_page=False)
    # Open every expander ("In detail": the statement lists, the charts folded under their
    # counts, "The figures behind this chart"): what is inside must fit as well.
    closed = phone_page.locator(
        '[data-testid="stMain"] [data-testid="stExpander"] details:not([open]) > summary:visible')
    for _ in range(100):  # opening one can show more inside it
        if not closed.count():
            break
        closed.first.tap()
    charts = phone_page.locator('[data-testid="stVegaLiteChart"]')
    charts.first.wait_for()
    for index in range(charts.count()):
        charts.nth(index).locator("canvas, svg").first.wait_for()
    wait_until_settled(phone_page)
    phone_page.wait_for_timeout(1_000)  # charts size themselves to their box after drawing
    assert_no_app_error(phone_page)
    screenshot(phone_page, "phone results expanders open")

    fit = phone_page.evaluate(OVERFLOW_JS)
    print(f"\n[phone] results: chart widths {fit['charts']}px; sideways scrolling inside a box: "
          f"{fit['sideways'] or 'none'}")
    assert fit["charts"], "no chart was drawn on Results"
    assert fit["documentScrollWidth"] <= PHONE["width"], (
        f"the page is {fit['documentScrollWidth']}px wide on a {PHONE['width']}px screen")
    assert fit["mainScrollWidth"] <= fit["mainClientWidth"], (
        f"the main area scrolls sideways: {fit['mainScrollWidth']}px of content in "
        f"{fit['mainClientWidth']}px")
    assert not fit["problems"], (
        f"{len(fit['problems'])} element(s) do not fit a {PHONE['width']}px screen:\n  "
        + "\n  ".join(fit["problems"][:25]))
    assert not phone_page.console_errors, f"JavaScript errors: {phone_page.console_errors}"


def test_the_self_assessment_walk_on_a_phone(phone_page, app_server, screenshot):
    """Join as a respondent, see the resume code without opening the menu, answer an area by
    touch, move on, jump to the review and finish: all within the phone's width."""
    import re

    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    create_collaborative(phone_page, app_server.url, "Pocket Walk Collaborative", region=None)
    phone_page.get_by_role("link", name="Start or resume the self-assessment").tap()
    phone_page.get_by_role("heading", name="Who is answering?").wait_for()
    wait_until_settled(phone_page)
    choose_option(phone_page, "Your role", "Clinical lead")
    phone_page.get_by_role("button", name="Start the assessment").tap()
    progress = phone_page.get_by_text(re.compile(
        rf"^\d+ of {len(bank.statements)} statements answered$"))
    progress.wait_for()
    wait_until_settled(phone_page)
    code = phone_page.get_by_text(re.compile(r"^Your resume code: [A-Z0-9]{4}-[A-Z0-9]{4}$")).first
    assert code.is_visible(), "the resume code should show without opening the menu"
    assert phone_page.locator('[data-testid="stSidebar"]').get_attribute("data-collapsed") == "true"
    screenshot(phone_page, "phone walk first screen", full_page=False)

    first_area = bank.areas[0]
    for answered, statement in enumerate(bank.statements_in(first_area.id), start=1):
        group = phone_page.get_by_role("radiogroup",
                                       name=f"How mature is this today? ({statement.id})")
        group.get_by_text("2 Developing", exact=True).tap()
        phone_page.get_by_text(f"{answered} of {len(bank.statements)} statements answered",
                               exact=True).wait_for()
        wait_until_settled(phone_page)
    fit = phone_page.evaluate(OVERFLOW_JS)  # (its "problems" list flags the progress bar and
    # radio buttons, whose insides are clipped on purpose: here nothing may scroll sideways)
    assert fit["documentScrollWidth"] <= PHONE["width"], fit
    assert fit["mainScrollWidth"] <= fit["mainClientWidth"], fit
    screenshot(phone_page, "phone walk area answered")
    phone_page.get_by_role("button", name="Next area →").tap()
    phone_page.get_by_role("heading", name=bank.areas[1].name, level=2).wait_for()
    wait_until_settled(phone_page)
    first_on_screen = phone_page.get_by_role("heading", name=bank.areas[1].name, level=2)
    assert first_on_screen.bounding_box()["y"] < PHONE["height"], (
        "the next area should open at its top")

    phone_page.get_by_role("combobox", name="Go to").tap()
    phone_page.keyboard.type("Review")
    phone_page.get_by_role("option", name=re.compile(r"^Review and finish")).tap()
    phone_page.get_by_role("heading", name="Review and finish", level=2).wait_for()
    wait_until_settled(phone_page)
    screenshot(phone_page, "phone walk review")
    phone_page.get_by_role("button", name="Finish", exact=True).tap()
    phone_page.get_by_role("heading", name="Thank you", level=2).wait_for()
    wait_until_settled(phone_page)
    assert_no_app_error(phone_page)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(phone_page, "phone walk thank you", full_page=False)
    assert not phone_page.console_errors, f"JavaScript errors: {phone_page.console_errors}"
