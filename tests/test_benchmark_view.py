"""The Benchmark page's figures on hand-worked data: who is selected, the threshold, stage shares
by both measures, mixed bank versions, trends by financial year, stage moves, and the downloads."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.benchmark.exports import benchmark_excel, table_csv
from collab_assess.benchmark.view import benchmark_view, period_label
from collab_assess.content.bank import QuestionBank
from collab_assess.store import RoundFilter, Store
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception, texts
from tests.helpers.factories import bank_data
from tests.helpers.rounds import submitted


@pytest.fixture
def region(store: Store, small_bank: QuestionBank) -> Store:
    """Five London collaboratives (levels 1, 1, 2, 3, 4; each described as 2) and two in the
    North West; "Alpha" also submitted a round a year earlier, at level 3."""
    submitted(store, small_bank, "Alpha", 3, opens_on="2025-05-01", described=2)
    for name, level in zip(["Alpha", "Bravo", "Charlie", "Delta", "Echo"], [1, 1, 2, 3, 4],
                           strict=True):
        submitted(store, small_bank, name, level, described=2)
    for name in ["Foxtrot", "Golf"]:
        submitted(store, small_bank, name, 2, region="North West")
    return store


def test_each_selected_collaborative_counts_once_on_its_latest_submitted_round(region, small_bank):
    view = benchmark_view(region, RoundFilter(regions=("London",)), small_bank)
    assert view.rounds["collaborative"].tolist() == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    alpha = view.area_scores[view.area_scores["collaborative"] == "Alpha"]
    assert set(alpha["score"]) == {1.0}  # the 2026 round, not the 2025 one
    rounds = view.rounds.set_index("collaborative")
    assert rounds.loc["Echo", "overall"] == 4.0 and rounds.loc["Echo", "stage"] == "4 Thriving"
    assert rounds.loc["Alpha", "people_took_part"] >= 1
    assert str(rounds.loc["Alpha", "opened_on"]) == "2026-05-01"


def test_stage_shares_by_both_measures(region, small_bank):
    shares = benchmark_view(region, RoundFilter(regions=("London",)), small_bank).stage_shares
    computed = shares[shares["measure"].str.startswith("Stage worked out")].set_index("stage")
    assert computed["collaboratives"].to_dict() == {"1 Emerging": 2, "2 Developing": 1,
                                                    "3 Maturing": 1, "4 Thriving": 1}
    assert computed.loc["1 Emerging", "share"] == pytest.approx(0.4)
    described = shares[shares["measure"].str.startswith("Stage respondents")]
    assert described["collaboratives"].tolist() == [5] and described["share"].tolist() == [1.0]


def test_figures_over_collaboratives_the_viewer_sees_are_shown_with_their_n(
    region, small_bank
):
    """Two North West collaboratives, both named on the page: hiding their median would protect
    nobody, so it is shown, saying it covers 2."""
    view = benchmark_view(region, RoundFilter(regions=("North West",)), small_bank)
    assert len(view.rounds) == 2
    assert view.stage_shares["collaboratives"].tolist() == [2]  # nobody described a stage
    overall = view.selected[view.selected["area"] == "Overall"].iloc[0]
    assert overall["group"] == "North West" and overall["collaboratives"] == 2
    assert "Stage shares" in pd.ExcelFile(io.BytesIO(benchmark_excel(view))).sheet_names


def test_filters_that_select_nothing_give_an_empty_view(region, small_bank):
    view = benchmark_view(region, RoundFilter(regions=("London",), periods=(2019,)), small_bank)
    assert view.empty


def test_trends_by_financial_year_say_how_many_each_year_covers(region, small_bank):
    trends = benchmark_view(region, RoundFilter(), small_bank).trends
    assert trends["period"].unique().tolist() == ["2025/26", "2026/27"]
    assert set(trends[trends["period"] == "2025/26"]["collaboratives"]) == {1}  # only Alpha
    pb = trends[(trends["area"] == "Area PB") & (trends["period"] == "2026/27")].iloc[0]
    assert pb["collaboratives"] == 7 and pb["median"] == 2.0
    assert period_label(2025) == "2025/26" and period_label(2099) == "2099/00"


def test_stage_moves_list_each_change_between_consecutive_rounds(region, small_bank):
    moved = benchmark_view(region, RoundFilter(), small_bank).moved
    assert moved[["collaborative", "from_round", "from_stage", "to_round", "to_stage",
                  "direction"]].values.tolist() == [
        ["Alpha", "R 2025-05-01", "3 Maturing", "R 2026-05-01", "1 Emerging", "Down"]]
    assert benchmark_view(region, RoundFilter(periods=(2026,)), small_bank).moved.empty


def test_mixed_bank_versions_compare_on_shared_statements(store, small_bank):
    v2_data = bank_data(version=2)
    v2_data["statements"] = [s for s in v2_data["statements"] if s["id"] != "DS-3"]
    v2 = QuestionBank.model_validate(v2_data)
    for n in range(3):
        submitted(store, small_bank, f"Old {n}", 2)
        submitted(store, v2, f"New {n}", 3)
    view = benchmark_view(store, RoundFilter(), v2)
    assert view.versions == (1, 2) and view.statements_compared == 8
    assert "versions 1 and 2" in view.versions_note and "8 statements" in view.versions_note


def test_the_downloads_explain_every_column_and_run_no_formulas(store, small_bank):
    for n in range(5):
        submitted(store, small_bank, f"=HYPERLINK(\"x\") {n}", 2)
    view = benchmark_view(store, RoundFilter(), small_bank)
    workbook = openpyxl.load_workbook(io.BytesIO(benchmark_excel(view)))
    assert workbook.sheetnames[0] == "Read me"
    notes = {row[0]: row[1] for row in workbook["Read me"].iter_rows(min_row=2, values_only=True)}
    assert all(notes[column] for column in notes), "every column is explained"
    names = [row[1] for row in workbook["Collaboratives"].iter_rows(min_row=2, values_only=True)]
    assert all(name.startswith("'=HYPERLINK") for name in names)
    first_cell = pd.read_csv(io.BytesIO(table_csv(view.rounds)))["collaborative"].iloc[0]
    assert first_cell.startswith("'=HYPERLINK")


def test_the_benchmark_page_filters_and_explains(app_db, small_bank):
    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    store = Store(app_db)
    for n in range(5):
        submitted(store, bank, f"London {n}", n % 4 + 1)
    submitted(store, bank, "Lonely", 2, region="North West")
    store.close()
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.switch_page("pages/benchmark.py").run()
    assert_no_exception(page)
    assert "**6** collaboratives selected" in texts(page.markdown)
    assert len(page.get("vega_lite_chart")) + len(page.get("arrow_vega_lite_chart")) >= 4
    next(m for m in page.multiselect if m.label == "NHS England region").select("North West")
    page.run()
    assert "**1** collaboratives selected" in texts(page.markdown)
    assert page.query_params["region"] in ("North West", ["North West"])  # a shareable link
    next(m for m in page.multiselect if m.label == "Type of collaborative").select("Acute")
    next(m for m in page.multiselect if m.label == "NHS England region").unselect("North West")
    page.run()
    assert_no_exception(page)


def test_results_compare_with_a_chosen_peer_group_naming_no_peer(app_db):
    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    store = Store(app_db)
    mine = submitted(store, bank, "Mine", 2, region="North West")
    for n in range(5):
        submitted(store, bank, f"London peer {n}", n % 4 + 1)
    mine_collaborative = store.get_round(mine).collaborative_id
    store.close()
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.session_state["collaborative_id"] = mine_collaborative
    page.switch_page("pages/results.py").run()
    assert_no_exception(page)
    assert "the middle half of 5 peer collaboratives" in texts(page.markdown)
    assert not any("London peer" in text for text in (texts(page.markdown), texts(page.caption)))
    from collab_assess.store.peer_comparison import PeerGroup

    next(box for box in page.selectbox if box.label == "Compare with").select(
        PeerGroup.SAME_REGION).run()
    assert_no_exception(page)
    assert "at least 5 collaboratives in this group have submitted a round (there are 0)" in texts(
        page.caption)
