"""A regional analyst on the Benchmark page, in a real browser, on the demo data: filter to one
region and download the stamped workbook; open a filtered view from a copied link (the address
holds every filter) and drill down from a heatmap row to that collaborative's Results; download a
chart as a slide."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlparse

import openpyxl
import pytest

from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    go_to_sidebar_page,
    open_start,
    wait_for_rerun,
    wait_until_settled,
)

pytestmark = pytest.mark.browser
REGION = "London"
CHART = '[data-testid="stVegaLiteChart"]'


def selected_count(page) -> int:
    return int(page.get_by_text("collaboratives selected").first.inner_text().split()[0])


def table_row_names(page) -> list[str]:
    """The row names of the table behind the heatmap, once it has drawn: a page's run can end a
    moment before a long table is on screen."""
    rows = page.locator('[data-testid="stTable"]').first.locator("tbody th")
    rows.first.wait_for()
    return rows.all_inner_texts()


def test_a_regional_user_filters_reads_and_downloads(page, app_server, screenshot):
    if not app_server.peers_loaded:
        pytest.fail("this journey needs the demo peers (COLLAB_E2E_DEMO_PEERS=yes)")
    open_start(page, app_server.url)
    go_to_sidebar_page(page, "Benchmark")
    page.get_by_role("heading", name="Benchmark", level=1).wait_for()
    page.locator(CHART).first.wait_for()
    wait_for_rerun(page)
    everyone = selected_count(page)
    page.get_by_text("England median (n=").first.wait_for(state="attached")

    choose_option(page, "NHS England region", REGION)
    page.keyboard.press("Escape")
    wait_for_rerun(page)
    in_region = selected_count(page)
    assert 0 < in_region < everyone
    assert parse_qs(urlparse(page.url).query)["region"] == [REGION], "the filter is in the address"
    assert_no_app_error(page)

    heatmap = page.locator(CHART).first
    heatmap.locator("canvas, svg").first.wait_for()
    box = heatmap.bounding_box()
    assert box and box["height"] < 1200, "one page of rows, never a canvas taller than a screen"
    page.get_by_text("Survey, Nov 2022").first.wait_for(state="attached")
    page.get_by_text("Three different measures").wait_for()
    screenshot(page, "benchmark one region")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download every table (Excel)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert workbook.sheetnames[:2] == ["Read me", "Collaboratives"]
    notes = {row[0]: row[1] for row in workbook["Read me"].iter_rows(values_only=True)}
    assert f"Region: {REGION}" in notes["Filters"]
    header = next(workbook["Collaboratives"].iter_rows(max_row=1, values_only=True))
    rows = list(workbook["Collaboratives"].iter_rows(min_row=2, values_only=True))
    assert {row[header.index("region")] for row in rows} == {REGION}
    assert len(rows) == in_region
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"


def test_a_copied_link_opens_the_view_and_a_row_opens_its_results(page, app_server, screenshot):
    if not app_server.peers_loaded:
        pytest.fail("this journey needs the demo peers (COLLAB_E2E_DEMO_PEERS=yes)")
    page.goto(f"{app_server.url}/benchmark?region={REGION}&rows=collaborative&order=region")
    page.locator(CHART).first.locator("svg.marks, canvas").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    assert_no_app_error(page)
    chosen = page.locator('[data-testid="stMultiSelect"]').first
    assert REGION in chosen.inner_text(), "the region chosen in the link is chosen on the page"
    assert page.get_by_role("radiogroup", name="One row for each").get_by_role(
        "radio", name="Collaborative").is_checked()
    count = selected_count(page)
    names = table_row_names(page)
    assert 0 < len(names) <= min(count, 20), "one row per collaborative, a page at a time"
    screenshot(page, "benchmark from a copied link", full_page=False)

    with page.expect_download() as download:
        page.get_by_role("button", name="Slide (PNG)").first.click()
    assert open(download.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"

    # The first collaborative's row follows the two median rows (England, London); a click on
    # any of its cells opens that collaborative's Results, on the round the Benchmark shows.
    areas = len(page.locator(CHART).first.locator("g.mark-rect path").all()) // (len(names) + 2)
    page.locator(CHART).first.locator("g.mark-rect path").nth(2 * areas + 1).click()
    page.get_by_role("heading", name="Results", level=1).wait_for(timeout=30_000)
    wait_until_settled(page)
    assert_no_app_error(page)
    assert "c=" in page.url and "round=" in page.url
    page.get_by_text(names[0].strip(), exact=False).first.wait_for()
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"


def test_a_region_row_opens_that_regions_collaboratives(page, app_server, screenshot):
    """England a row per region (the demo's 64 collaboratives are too many for a page of their
    own): a click on a region's row filters to that region, a row per collaborative, and the
    address says so."""
    if not app_server.peers_loaded:
        pytest.fail("this journey needs the demo peers (COLLAB_E2E_DEMO_PEERS=yes)")
    page.goto(f"{app_server.url}/benchmark?rows=region")
    page.locator(CHART).first.locator("svg.marks, canvas").first.wait_for(timeout=60_000)
    wait_until_settled(page)
    everyone = selected_count(page)
    regions = table_row_names(page)
    first_region = regions[0].split(" (n=")[0].strip()
    # One median row (England) heads the page, then a row per region.
    cells = page.locator(CHART).first.locator("g.mark-rect path")
    areas = cells.count() // (len(regions) + 1)
    cells.nth(areas + 1).click()
    page.wait_for_function(
        "region => new URL(location.href).searchParams.get('region') === region", arg=first_region)
    wait_until_settled(page)
    assert_no_app_error(page)
    assert 0 < selected_count(page) < everyone
    assert parse_qs(urlparse(page.url).query)["rows"] == ["collaborative"]
    assert page.get_by_role("radiogroup", name="One row for each").get_by_role(
        "radio", name="Collaborative").is_checked()
    screenshot(page, "benchmark a region opened from its row", full_page=False)
