"""Stage moves on the Benchmark page: every change of stage between one submitted round and the
next of the same collaborative, among the rounds the filter selects (periods included), worked
out in DuckDB; on hand-built rounds, on the demo data, in the downloads and on the page.

Each hand-built round has everyone answer one level to every statement, so its overall score is
that whole level and its stage is unambiguous whatever rule puts a score on a band's edge."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.benchmark.exports import COLUMN_NOTES, table_csv
from collab_assess.benchmark.view import benchmark_view
from collab_assess.content.bank import QuestionBank, load_banks
from collab_assess.operations.demo import demo_banks, generate_demo
from collab_assess.store import RoundFilter, Store
from collab_assess.store.inputs import RespondentInput, RoundInput
from tests.helpers.apptest import APP, TIMEOUT, assert_no_exception, texts
from tests.helpers.factories import answer
from tests.helpers.rounds import submitted

MOVE_COLUMNS = ["collaborative_id", "collaborative", "region", "from_round", "from_date",
                "from_stage", "from_score", "to_round", "to_date", "to_stage", "to_score",
                "direction"]
EVERY_ROUND = RoundFilter()  # no filter (frozen, so one can be the default)


@pytest.fixture
def climbing(store: Store, small_bank: QuestionBank) -> Store:
    """"Climber": Emerging (2024/25), Developing (2025/26), Maturing (2026/27). "Steady":
    Developing twice. "Faller": Thriving then Developing."""
    for opens_on, level in [("2024-05-01", 1), ("2025-05-01", 2), ("2026-05-01", 3)]:
        submitted(store, small_bank, "Climber", level, opens_on=opens_on)
    for opens_on in ["2025-05-01", "2026-05-01"]:
        submitted(store, small_bank, "Steady", 2, opens_on=opens_on)
    for opens_on, level in [("2025-06-01", 4), ("2026-06-01", 2)]:
        submitted(store, small_bank, "Faller", level, opens_on=opens_on, region="North West")
    return store


def moves_of(store: Store, name: str, selection: RoundFilter = EVERY_ROUND) -> pd.DataFrame:
    moves = store.stage_moves(selection)
    return moves[moves["collaborative"] == name]


def test_each_change_between_consecutive_rounds_is_a_move(climbing):
    moves = moves_of(climbing, "Climber")
    assert moves.columns.tolist() == MOVE_COLUMNS
    assert (moves[["from_round", "from_stage", "to_round", "to_stage", "direction"]].values.tolist()
            == [["R 2024-05-01", 1, "R 2025-05-01", 2, "up"],
                ["R 2025-05-01", 2, "R 2026-05-01", 3, "up"]])
    assert [d.date() for d in moves["from_date"]] == [date(2024, 5, 1), date(2025, 5, 1)]
    assert [d.date() for d in moves["to_date"]] == [date(2025, 5, 1), date(2026, 5, 1)]
    assert moves["from_score"].tolist() == [1.0, 2.0] and moves["to_score"].tolist() == [2.0, 3.0]


def test_a_collaborative_that_stays_at_one_stage_has_no_move(climbing):
    assert moves_of(climbing, "Steady").empty
    moves = climbing.stage_moves(RoundFilter())
    assert moves["collaborative"].value_counts().to_dict() == {"Climber": 2, "Faller": 1}


def test_a_move_to_a_lower_stage_is_down(climbing):
    moves = moves_of(climbing, "Faller")
    assert moves[["from_stage", "to_stage", "direction", "region"]].values.tolist() == [
        [4, 2, "down", "North West"]]


def test_moves_are_ordered_by_name_then_date_never_by_score(climbing):
    moves = climbing.stage_moves(RoundFilter())
    assert moves["collaborative"].tolist() == ["Climber", "Climber", "Faller"]
    climber = moves[moves["collaborative"] == "Climber"]
    assert climber["to_date"].is_monotonic_increasing


def test_the_period_filter_keeps_moves_within_the_years_chosen(climbing):
    assert moves_of(climbing, "Climber", RoundFilter(periods=(2026,))).empty
    within = moves_of(climbing, "Climber", RoundFilter(periods=(2025, 2026)))
    assert within[["from_round", "to_round"]].values.tolist() == [["R 2025-05-01", "R 2026-05-01"]]
    # 2024/25 and 2026/27 chosen: the rounds selected are consecutive within that choice
    apart = moves_of(climbing, "Climber", RoundFilter(periods=(2024, 2026)))
    assert apart[["from_stage", "to_stage"]].values.tolist() == [[1, 3]]


def test_the_profile_filter_selects_whose_moves_count(climbing):
    moves = climbing.stage_moves(RoundFilter(regions=("North West",)))
    assert moves[["collaborative", "direction"]].values.tolist() == [["Faller", "down"]]


def test_a_round_not_scored_is_skipped_not_counted_as_a_move(store, small_bank):
    submitted(store, small_bank, "Gappy", 1, opens_on="2024-05-01")
    collaborative = int(store.collaboratives().set_index("name").loc["Gappy", "id"])
    gap = store.open_round(collaborative, RoundInput(label="R 2025-05-01", opens_on="2025-05-01"),
                           small_bank, "t")
    person = store.add_respondent(gap, RespondentInput(role="Clinical lead"))
    for statement in small_bank.statements:
        store.record_answer(gap, person, statement.id, answer(unscored="dont_know"))
    store.close_round(gap, "t")
    submitted(store, small_bank, "Gappy", 2, opens_on="2026-05-01")
    kept = store.submitted_rounds(RoundFilter(), latest_only=False)
    assert kept["stage"].isna().tolist() == [False, True, False]
    moves = store.stage_moves(RoundFilter())
    assert moves[["from_round", "from_stage", "to_round", "to_stage"]].values.tolist() == [
        ["R 2024-05-01", 1, "R 2026-05-01", 2]]


def test_the_view_labels_stages_and_directions_and_keeps_raw_scores(climbing, small_bank):
    moved = benchmark_view(climbing, RoundFilter(), small_bank).moved
    assert moved.columns.tolist() == MOVE_COLUMNS  # with the id, for an analyst's joins
    assert moved[["collaborative", "from_stage", "to_stage", "direction"]].values.tolist() == [
        ["Climber", "1 Emerging", "2 Developing", "Up"],
        ["Climber", "2 Developing", "3 Maturing", "Up"],
        ["Faller", "4 Thriving", "2 Developing", "Down"]]
    assert moved["from_score"].tolist() == [1.0, 2.0, 4.0]
    assert moved["to_date"].tolist() == [date(2025, 5, 1), date(2026, 5, 1), date(2026, 6, 1)]
    assert all(COLUMN_NOTES.get(column) for column in moved.columns)
    csv = pd.read_csv(io.BytesIO(table_csv(moved)), dtype=str)
    assert csv["from_date"].tolist() == ["2024-05-01", "2025-05-01", "2025-06-01"]


def test_scores_in_the_view_are_rounded_to_two_places():
    from collab_assess.benchmark.view import _moves

    raw = pd.DataFrame([{"collaborative_id": 1, "collaborative": "A", "region": "London",
                         "from_round": "R1", "from_date": pd.Timestamp("2025-05-01"),
                         "from_stage": 2, "from_score": 2.494697, "to_round": "R2",
                         "to_date": pd.Timestamp("2026-05-01"), "to_stage": 3,
                         "to_score": 2.645455, "direction": "up"}])
    shown = _moves(raw).iloc[0]
    assert (shown["from_score"], shown["to_score"]) == (2.49, 2.65)
    assert shown["direction"] == "Up"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory) -> Store:
    store = Store(tmp_path_factory.mktemp("demo") / "demo.duckdb")
    bank, earlier = demo_banks(load_banks())
    store.import_demo(generate_demo(bank, earlier_bank=earlier),
                      [each for each in (bank, earlier) if each is not None])
    yield store
    store.close()


def count_moves(rounds: pd.DataFrame) -> int:
    """Changes of stage between consecutive scored rounds of each collaborative, in Python."""
    count = 0
    ordered = rounds.sort_values(["collaborative_id", "opens_on", "round_id"])
    for _, rows in ordered.groupby("collaborative_id"):
        stages = [int(s) for s in rows["stage"] if pd.notna(s)]
        count += sum(1 for before, after in zip(stages, stages[1:], strict=False)
                     if before != after)
    return count


@pytest.mark.parametrize("selection", [RoundFilter(), RoundFilter(periods=(2024,)),
                                       RoundFilter(periods=(2023, 2024)),
                                       RoundFilter(regions=("North West",))])
def test_on_demo_data_every_consecutive_change_is_counted(demo_store, selection):
    expected = count_moves(demo_store.submitted_rounds(selection, latest_only=False))
    moves = demo_store.stage_moves(selection)
    assert len(moves) == expected
    assert set(moves["direction"]) <= {"up", "down"}
    assert (moves["from_stage"] != moves["to_stage"]).all()
    order = list(zip(moves["collaborative"].str.lower(), moves["to_date"], strict=True))
    assert order == sorted(order)


def test_on_demo_data_more_than_the_last_two_rounds_count(demo_store):
    moves = demo_store.stage_moves(RoundFilter())
    assert len(moves) == count_moves(demo_store.submitted_rounds(RoundFilter(), latest_only=False))
    assert len(moves) > 1
    by_region = {region: demo_store.stage_moves(RoundFilter(regions=(region,)))
                 for region in moves["region"].unique()}
    assert sum(len(found) for found in by_region.values()) == len(moves)  # a filter narrows
    for found in by_region.values():
        for move in found.itertuples():
            assert move.direction == ("up" if move.to_stage > move.from_stage else "down")


def test_the_page_lists_every_move_and_offers_it_as_csv(app_db):
    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    store = Store(app_db)
    for opens_on, level in [("2024-05-01", 1), ("2025-05-01", 2), ("2026-05-01", 3)]:
        submitted(store, bank, "Climber", level, opens_on=opens_on)
    submitted(store, bank, "Steady", 2, opens_on="2025-05-01")
    submitted(store, bank, "Steady", 2, opens_on="2026-05-01")
    store.close()
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.switch_page("pages/benchmark.py").run()
    assert_no_exception(page)
    assert "Every change of stage between one submitted round and the next, within the years " \
           "chosen" in texts(page.markdown)
    # A plain table (st.table), which a reader cannot sort by score into a league table.
    table = next(frame.value for frame in page.table if "Moved" in frame.value.columns)
    assert table["Moved"].tolist() == ["Up", "Up"]
    assert table.index.tolist() == ["Climber", "Climber"]
    assert table["Stage then"].tolist() == ["1 Emerging", "2 Developing"]
    assert "Download stage moves as CSV" in [b.label for b in page.get("download_button")]


def test_the_page_says_when_nobody_moved(app_db):
    from collab_assess.content.bank import load_current_bank

    bank = load_current_bank()
    store = Store(app_db)
    submitted(store, bank, "Steady", 2, opens_on="2025-05-01")
    submitted(store, bank, "Steady", 2, opens_on="2026-05-01")
    store.close()
    page = AppTest.from_file(APP, default_timeout=TIMEOUT)
    page.switch_page("pages/benchmark.py").run()
    assert_no_exception(page)
    assert "None of the selected collaboratives changed stage between consecutive submitted " \
           "rounds in the years chosen." in texts(page.markdown)
