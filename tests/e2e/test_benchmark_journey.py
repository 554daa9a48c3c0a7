"""A regional user on the Benchmark page, in a real browser, on the demo data: filter to one
region, read the heatmap and the comparison with the survey, and download the Excel workbook."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tests.e2e.helpers import (
    assert_no_app_error,
    choose_option,
    go_to_sidebar_page,
    open_start,
    wait_for_rerun,
)

pytestmark = pytest.mark.browser
REGION = "London"


def test_a_regional_user_filters_reads_and_downloads(page, app_server, screenshot):
    if not app_server.peers_loaded:
        pytest.fail("this journey needs the demo peers (COLLAB_E2E_DEMO_PEERS=yes)")
    open_start(page, app_server.url)
    go_to_sidebar_page(page, "Benchmark")
    page.get_by_role("heading", name="Benchmark", level=1).wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    wait_for_rerun(page)
    everyone = int(page.get_by_text("collaboratives selected").first.inner_text().split()[0])

    choose_option(page, "NHS England region", REGION)
    page.keyboard.press("Escape")
    wait_for_rerun(page)
    selected = page.get_by_text("collaboratives selected").first
    in_region = int(selected.inner_text().split()[0])
    assert 0 < in_region < everyone
    assert_no_app_error(page)

    heatmap = page.locator('[data-testid="stVegaLiteChart"]').first
    heatmap.locator("canvas, svg").first.wait_for()
    box = heatmap.bounding_box()
    assert box and box["height"] > 24 * in_region, "a row per collaborative in the heatmap"
    if in_region >= 5:
        page.get_by_text("Survey, Nov 2022").first.wait_for(state="attached")
        page.get_by_text("Three different measures").wait_for()
    else:
        page.get_by_text("appear once at least 5 are selected").first.wait_for()
    screenshot(page, "benchmark one region")

    with page.expect_download() as download:
        page.get_by_role("button", name="Download every table (Excel)").click()
    workbook = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))
    assert workbook.sheetnames[:2] == ["Read me", "Collaboratives"]
    regions = {row[1] for row in workbook["Collaboratives"].iter_rows(min_row=2, values_only=True)}
    assert regions == {REGION}
    rows = list(workbook["Collaboratives"].iter_rows(min_row=2, values_only=True))
    assert len(rows) == in_region
    assert not page.console_errors, f"JavaScript errors: {page.console_errors}"
