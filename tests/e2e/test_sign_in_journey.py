"""Signing in (issue 10), in a real browser: in shared mode nobody sees anything before signing in
through the organisation's OpenID Connect provider (here oidc-provider-mock, see oidc.py); an
admin grants roles; what a person sees follows their roles. In local mode there is no sign-in."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    create_collaborative,
    go_to_sidebar_page,
    open_start,
    wait_for_rerun,
    wait_until_settled,
)
from tests.e2e.oidc import (  # noqa: F401 - fixtures are found in the module's namespace
    ADMIN_EMAIL,
    OWN_COLLABORATIVES,
    SIGN_IN_BUTTON,
    SIGN_IN_HEADING,
    SIGN_OUT_BUTTON,
    as_seen,
    expand_sidebar_navigation,
    offered,
    oidc_provider,
    page_text,
    shared_app_server,
    shared_page,
    shared_screenshot,
    sidebar_page_titles,
    sidebar_text,
    sign_in,
    sign_out,
    wait_for_sign_in_page,
    wait_for_text,
)

pytestmark = pytest.mark.browser

LEAD_EMAIL = "lead@example.org"
NOBODY_EMAIL = "nobody@example.org"
LEADS_COLLABORATIVE, OTHER_COLLABORATIVE = OWN_COLLABORATIVES
PEOPLE_PAGE = "People and roles"
# Every page a signed-out visitor must not be offered.
APP_PAGES = ("Start", "Collaborative", "Self-assessment", "Import responses", "Run a workshop",
             "Join a workshop", "Workshop summary", "Results", "Benchmark", "Glossary",
             "Back up and restore", PEOPLE_PAGE, "Admin")
DEEP_LINKS = ("/results", "/benchmark", "/admin", "/collaborative", "/workshop_summary")


def names_shown(page, names) -> list[str]:
    text = page_text(page)
    return [name for name in names if name in text]


def collaborative_choices(page) -> list[str]:
    """The options of the Start page's "Collaborative" select box."""
    box = page.get_by_role("combobox", name="Collaborative", exact=True)
    box.click()
    page.get_by_role("option").first.wait_for(timeout=10_000)
    page.wait_for_timeout(300)
    options = [as_seen(option.inner_text()).strip() for option in page.get_by_role("option").all()]
    page.keyboard.press("Escape")
    return options


def assert_only_the_sign_in_page(page, names) -> None:
    page.get_by_role("heading", name=SIGN_IN_HEADING).wait_for()
    assert page.get_by_role("button", name=SIGN_IN_BUTTON).is_visible()
    titles = sidebar_page_titles(page)
    shown_pages = [title for title in APP_PAGES if title in titles]
    assert not shown_pages, f"a signed-out visitor is offered {shown_pages}"
    leaked = names_shown(page, names)
    assert not leaked, f"a signed-out visitor sees collaboratives' names: {leaked[:5]}"
    assert_no_app_error(page)


def test_a_signed_out_visitor_sees_only_the_sign_in_page(shared_page, shared_app_server,
                                                          shared_screenshot):
    page, names = shared_page, shared_app_server.collaborative_names
    assert LEADS_COLLABORATIVE in names
    page.goto(shared_app_server.url)
    wait_for_sign_in_page(page)
    shared_screenshot(page, "signed out")
    assert_only_the_sign_in_page(page, names)
    print(f"\n[e2e] signed-out sidebar offers: {sidebar_page_titles(page)}")

    for link in DEEP_LINKS:
        page.goto(shared_app_server.url + link)
        wait_for_sign_in_page(page)
        shared_screenshot(page, f"signed out deep link {link}")
        assert_only_the_sign_in_page(page, names)
        # Streamlit's own "Page not found ... Running the app's main page." would tell someone
        # following a bookmark that the page does not exist, when they only need to sign in.
        assert "Page not found" not in page_text(page), (
            f"{link} opens the sign-in page under Streamlit's 'Page not found' dialog")
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"


def test_an_admin_grants_a_lead_who_then_sees_only_their_collaborative(
        shared_page, shared_app_server, shared_screenshot):
    page, app = shared_page, shared_app_server

    sign_in(page, app, ADMIN_EMAIL)
    wait_for_text(page, f"Signed in as {ADMIN_EMAIL}")
    shared_screenshot(page, "admin signed in")
    assert f"Signed in as {ADMIN_EMAIL}" in sidebar_text(page), "the sidebar says who is signed in"
    assert page.locator('[data-testid="stSidebar"]').get_by_role(
        "button", name=SIGN_OUT_BUTTON).is_visible()
    assert offered(page, PEOPLE_PAGE), f"an admin is offered {sidebar_page_titles(page)}"
    assert offered(page, "Results"), f"an admin is offered {sidebar_page_titles(page)}"
    assert_no_app_error(page)

    expand_sidebar_navigation(page)
    go_to_sidebar_page(page, PEOPLE_PAGE)
    page.get_by_role("textbox", name="E-mail address", exact=True).wait_for()
    wait_until_settled(page)
    shared_screenshot(page, "people and roles")
    page.get_by_role("textbox", name="E-mail address", exact=True).fill(LEAD_EMAIL)
    choose_option(page, "Role", "Collaborative lead")
    wait_for_rerun(page)
    choose_option(page, "Collaborative", re.compile(re.escape(LEADS_COLLABORATIVE)),
                  typed=LEADS_COLLABORATIVE)
    wait_for_rerun(page)
    page.get_by_role("button", name="Grant", exact=True).click()
    wait_for_rerun(page)
    # The grants table is a canvas-drawn st.dataframe, so its cells are not in the page's text.
    wait_for_text(page, "Role given")
    assert_no_app_error(page)
    shared_screenshot(page, "lead granted")

    sign_out(page, app)
    shared_screenshot(page, "admin signed out")
    assert_only_the_sign_in_page(page, app.collaborative_names)

    sign_in(page, app, LEAD_EMAIL)
    wait_for_text(page, f"Signed in as {LEAD_EMAIL}")
    shared_screenshot(page, "lead signed in")
    assert f"Signed in as {LEAD_EMAIL}" in sidebar_text(page)
    titles = sidebar_page_titles(page)
    assert offered(page, "Results"), f"a lead is offered {titles}"
    assert not offered(page, PEOPLE_PAGE), f"a lead is offered the admin page: {titles}"
    assert not offered(page, "Benchmark"), f"a lead is offered the named benchmark: {titles}"
    assert_no_app_error(page)

    expand_sidebar_navigation(page)
    go_to_sidebar_page(page, "Start")
    page.get_by_role("combobox", name="Collaborative", exact=True).wait_for()
    wait_until_settled(page)
    choices = collaborative_choices(page)
    shared_screenshot(page, "lead start page")
    assert len(choices) == 1 and LEADS_COLLABORATIVE in choices[0], (
        f"a lead of {LEADS_COLLABORATIVE!r} may choose from {choices}")
    others = [name for name in app.collaborative_names if name != LEADS_COLLABORATIVE]
    leaked = names_shown(page, others)
    assert not leaked, f"a lead sees other collaboratives' names: {leaked[:5]}"
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"


def test_someone_signed_in_without_a_role_is_told_so(shared_page, shared_app_server,
                                                      shared_screenshot):
    page, app = shared_page, shared_app_server
    sign_in(page, app, NOBODY_EMAIL)
    wait_for_text(page, "You are signed in, but have no access yet")
    shared_screenshot(page, "no access yet")
    assert NOBODY_EMAIL in page_text(page)
    assert page.get_by_role("button", name=SIGN_OUT_BUTTON).first.is_visible()
    titles = sidebar_page_titles(page)
    shown_pages = [title for title in APP_PAGES if title in titles]
    assert not shown_pages, f"someone without a role is offered {shown_pages}"
    leaked = names_shown(page, app.collaborative_names)
    assert not leaked, f"someone without a role sees collaboratives' names: {leaked[:5]}"
    assert_no_app_error(page)

    sign_out(page, app)
    shared_screenshot(page, "signed out again")
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"


def test_local_mode_has_no_sign_in(page, app_server, screenshot):
    open_start(page, app_server.url)
    screenshot(page, "local start")
    assert page.get_by_role("heading", name=SIGN_IN_HEADING).count() == 0
    assert page.get_by_role("button", name=SIGN_IN_BUTTON).count() == 0
    assert "Local mode: no sign-in." in sidebar_text(page), "the sidebar says there is no sign-in"
    titles = sidebar_page_titles(page)
    for admin_page in ("Back up and restore", PEOPLE_PAGE):
        assert offered(page, admin_page), f"local mode offers {titles}, not {admin_page!r}"
    assert offered(page, "Benchmark") and offered(page, "Results"), f"local mode offers {titles}"

    create_collaborative(page, app_server.url, "Local Mode Sign-in Journey")
    screenshot(page, "local collaborative created")
    assert_no_app_error(page)
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"
