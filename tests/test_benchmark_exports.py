"""The Benchmark page's new pieces on hand-worked data: the heatmap a page at a time (by name or
region, never by score) with the medians above it, summaries by region beside England, two
collaboratives compared, stamped downloads read back with pandas, slides, and a page whose reruns
never build the workbook."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.benchmark import view as bench
from collab_assess.benchmark.charts import area_heatmap, slide
from collab_assess.benchmark.exports import Stamp, benchmark_excel, stamp_for, table_csv
from collab_assess.content.bank import QuestionBank
from collab_assess.store import RoundFilter, Store
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception, texts
from tests.helpers.rounds import submitted

MADE = datetime(2026, 6, 1, 9, 30)


@pytest.fixture
def region(store: Store, small_bank: QuestionBank) -> Store:
    """Echo (level 4) comes last by name and first by score; two in the North West."""
    for name, level in zip(["Alpha", "Bravo", "Charlie", "Delta", "Echo"], [2, 1, 3, 1, 4],
                           strict=True):
        submitted(store, small_bank, name, level)
    for name, level in (("Foxtrot", 2), ("Golf", 3)):
        submitted(store, small_bank, name, level, region="North West")
    return store


def test_the_heatmap_pages_rows_by_name_never_by_score(region, small_bank, monkeypatch):
    monkeypatch.setattr(bench, "ROWS_PER_PAGE", 3)
    core = bench.benchmark_core(region, RoundFilter(), small_bank)
    england = bench.england_summary(region, core)
    first = bench.heatmap_page(core, "collaborative", references=(england.figures,))
    assert (first.rows, first.pages, first.first, first.last) == (7, 3, 1, 3)
    assert first.cells["row"].drop_duplicates().tolist() == ["Alpha", "Bravo", "Charlie"]
    assert first.reference["row"].drop_duplicates().tolist() == ["England median (n=7)"]
    last = bench.heatmap_page(core, "collaborative", page=99)
    assert last.page == 3 and last.cells["row"].drop_duplicates().tolist() == ["Golf"]
    by_region = bench.heatmap_page(core, "collaborative", order_by="region")
    assert by_region.cells["row"].drop_duplicates().tolist() == ["Alpha", "Bravo", "Charlie"]
    assert bench.page_holding(core, int(core.rounds["collaborative_id"].iloc[-1]),
                              "region") == 3
    overall = first.cells[first.cells["area"] == bench.OVERALL]
    assert overall["area_order"].tolist() == [0, 0, 0]
    assert "took part" in overall["detail"].iloc[0]
    # Drawn a page at a time: the chart holds only the page's rows and the medians.
    spec = area_heatmap(pd.concat([first.reference, first.cells])).to_dict()
    rows = {row["row"] for rows in spec["datasets"].values() for row in rows}
    assert rows == {"England median (n=7)", "Alpha", "Bravo", "Charlie"}


def test_regions_are_rows_with_their_median_and_n_beside_england(region, small_bank):
    core = bench.benchmark_core(region, RoundFilter(), small_bank)
    groups = bench.group_summary(region, core, "region")
    overall = groups[groups["area"] == bench.OVERALL].set_index("group")
    assert overall["collaboratives"].to_dict() == {"London": 5, "North West": 2}
    assert overall.loc["North West", "median"] == 2.5
    page = bench.heatmap_page(core, "region", groups=groups,
                              references=(bench.selection_summary(region, core),))
    assert page.cells["row"].drop_duplicates().tolist() == ["London (n=5)", "North West (n=2)"]
    assert page.cells["row_key"].iloc[0] == "region:London"
    assert page.reference["row"].iloc[0] == "All selected median (n=7)"
    london = bench.benchmark_core(region, RoundFilter(regions=("London",)), small_bank)
    assert bench.selection_summary(region, london)["group"].iloc[0] == "London"
    england = bench.england_summary(region, london)
    assert england.figures is not None and "England" in england.note
    assert england.figures[england.figures["area"] == bench.OVERALL][
        "collaboratives"].tolist() == [7]
    assert bench.default_grouping(core) == "collaborative"


def test_two_collaboratives_compared_area_by_area(region, small_bank):
    core = bench.benchmark_core(region, RoundFilter(), small_bank)
    ids = dict(zip(core.rounds["collaborative"], core.rounds["collaborative_id"], strict=True))
    compared = bench.compare_two(core, ids["Alpha"], ids["Echo"])
    assert compared["area"].iloc[0] == bench.OVERALL
    assert set(compared["collaborative"]) == {"Alpha", "Echo"}
    scores = compared[compared["area"] == bench.OVERALL].set_index("collaborative")["score"]
    assert scores.to_dict() == {"Alpha": 2.0, "Echo": 4.0}
    assert bench.compare_two(core, ids["Alpha"], 999_999).empty


def stamped(view: bench.BenchmarkView) -> Stamp:
    return stamp_for(view, view.core.selection, made_at=MADE, scope="the London region")


def test_each_csv_is_stamped_and_reads_back_with_pandas(region, small_bank):
    view = bench.benchmark_view(region, RoundFilter(regions=("London",)), small_bank)
    stamp = stamped(view)
    for table in (view.rounds, view.area_scores, view.regions, view.trends):
        back = pd.read_csv(io.BytesIO(table_csv(table, stamp)))
        assert len(back) == len(table)
        assert set(back["filters"]) == {"Region: London; ICS: any; Type: any; Governance "
                                        "model: any; NHS financial year: any"}
        assert set(back["made_at"]) == {"2026-06-01 09:30:00"}
        assert set(back["collaboratives_selected"]) == {5}
        assert back["threshold"].nunique() == 1
    rounds = pd.read_csv(io.BytesIO(table_csv(view.rounds, stamp)), parse_dates=["opened_on"])
    assert {"collaborative_id", "icss", "overall", "stage", "people_took_part"} <= set(rounds)
    assert rounds["overall"].dtype == "float64"
    assert rounds["opened_on"].dt.year.tolist() == [2026] * 5
    areas = pd.read_csv(io.BytesIO(table_csv(view.area_scores, stamp)))
    assert {"area_order", "area_group", "stage"} <= set(areas)
    assert areas["area_order"].min() == 0  # the overall score, first


def test_the_workbook_says_what_it_holds_and_keeps_numbers_and_dates(region, small_bank):
    view = bench.benchmark_view(region, RoundFilter(regions=("London",)), small_bank)
    workbook = benchmark_excel(view, stamped(view))
    read_me = pd.read_excel(io.BytesIO(workbook), sheet_name="Read me")
    notes = dict(zip(read_me["Item"], read_me["What it means"], strict=True))
    assert notes["Filters"].startswith("Region: London")
    assert notes["Made"] == "2026-06-01 09:30" and notes["Collaboratives selected"] == "5"
    assert "Threshold" in notes and notes["Role covers"] == "the London region"
    sheets = pd.read_excel(io.BytesIO(workbook), sheet_name=None)
    assert list(sheets)[:3] == ["Read me", "Collaboratives", "Area scores"]
    assert "By region" in sheets and "Stage moves" in sheets
    assert pd.api.types.is_numeric_dtype(sheets["Collaboratives"]["overall"])
    cell = openpyxl.load_workbook(io.BytesIO(workbook))["Collaboratives"]
    header = [c.value for c in cell[1]]
    opened = cell.cell(row=2, column=header.index("opened_on") + 1)
    assert opened.is_date
    overall = cell.cell(row=2, column=header.index("overall") + 1)
    assert overall.number_format == "0.00"


def test_a_slide_carries_its_title_filters_n_and_date(region, small_bank):
    view = bench.benchmark_view(region, RoundFilter(), small_bank)
    stamp = stamped(view)
    page = bench.heatmap_page(view.core, "collaborative")
    spec = slide(area_heatmap(page.cells), "Area by area",
                 [stamp.filters, f"n=7 · made {stamp.made_at:%Y-%m-%d}"]).to_dict()
    assert spec["title"]["text"] == "Area by area"
    assert spec["title"]["subtitle"][1] == "n=7 · made 2026-06-01"
    from collab_assess.report.chart_images import chart_png

    png = chart_png(slide(area_heatmap(page.cells), "Area by area", ["x"]))
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_rerun_builds_the_workbook(app_db, monkeypatch):
    """The page offers the workbook (and every CSV and slide) as a deferred download: built only
    when its button is pressed, never by a run of the page."""
    from collab_assess.content.bank import load_current_bank
    from pages.widgets import benchmark_data

    bank = load_current_bank()
    store = Store(app_db)
    for n in range(4):
        submitted(store, bank, f"London {n}", n % 4 + 1)
    submitted(store, bank, "Northern", 2, region="North West")
    store.close()
    built = []
    from collab_assess.benchmark import exports

    for module in (benchmark_data, exports):
        monkeypatch.setattr(module, "benchmark_excel",
                            lambda *args, **kwargs: built.append(1) or b"")
    before = benchmark_data.KEPT.builds
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.switch_page("pages/benchmark.py").run()
    assert_no_exception(page)
    assert "**5** collaboratives selected" in texts(page.markdown)
    next(r for r in page.radio if r.label == "One row for each").set_value("region").run()
    assert_no_exception(page)
    next(m for m in page.multiselect if m.label == "NHS England region").select("London").run()
    assert_no_exception(page)
    assert "**4** collaboratives selected" in texts(page.markdown)
    page.run()
    assert built == [] and benchmark_data.KEPT.builds == before
    assert any(b.label == "Download every table (Excel)" for b in page.get("download_button"))


def test_a_copied_link_opens_the_same_view_within_the_viewers_reach(app_db):
    """Every filter and choice is in the address; a value this person is not offered (another
    region's name typed in, say) is dropped rather than obeyed."""
    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    store = Store(app_db)
    for n in range(3):
        submitted(store, bank, f"London {n}", n % 4 + 1)
    submitted(store, bank, "Northern", 2, region="North West")
    store.close()
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.query_params.update({"region": ["London", "Atlantis"], "rows": "collaborative",
                              "order": "region", "page": "1"})
    page.switch_page("pages/benchmark.py").run()
    assert_no_exception(page)
    region = next(m for m in page.multiselect if m.label == "NHS England region")
    assert region.value == ["London"]
    assert "**3** collaboratives selected" in texts(page.markdown)
    assert next(r for r in page.radio if r.label == "One row for each").value == "collaborative"
    assert next(r for r in page.radio if r.label == "Rows in order of").value == "region"
    assert page.query_params["region"] in ("London", ["London"])
    charts = [*page.get("arrow_vega_lite_chart"), *page.get("vega_lite_chart")]
    assert any("London median (n=3)" in str(chart.proto) for chart in charts)


def test_the_page_bench_reports_medians_beside_its_goals(monkeypatch):
    from benchmarks import benchmark_page

    visits = [{"first_chart": 4.0, "settled": 5.0, "regroup": 0.9, "reorder": 0.5, "change": 1.0},
              {"first_chart": 2.0, "settled": 3.0, "regroup": 0.7, "reorder": 0.3, "change": 1.2},
              {"first_chart": 2.4, "settled": 3.4, "regroup": 0.5, "reorder": 0.4, "change": 1.4}]
    lines: list[tuple] = []
    benchmark_page.report_lines("demo", {"visits": visits, "load": (1.0, 2.0)},
                                lambda *parts: lines.append(parts))
    found = {what.strip(): figure for what, figure, *_ in lines}
    assert found["demo: first chart drawn, first visit (nothing cached)"] == "4.00 s"
    assert found["first chart drawn, later visits (median)"] == "2.20 s"
    assert found["a filter change (England to a region) settled (median)"] == "1.20 s"
    monkeypatch.setenv(benchmark_page.PORT_ENV_VAR, "8629")
    fixed = benchmark_page._fixed_port()
    assert fixed is not None and fixed() == 8629
