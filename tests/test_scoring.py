"""The scoring rules, one test per rule, plus properties that must hold for any answers."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from collab_assess.assessment.scoring import (
    DISAGREEMENT_GAP,
    area_scores,
    area_scores_by_group,
    completeness_by_respondent,
    overall_scores,
    split_size,
    statement_scores,
)
from collab_assess.content.scale import STAGE_BANDS, Level, describe_bands, score_text, stage_of

STATEMENTS = pd.DataFrame(
    {
        "round_id": 1,
        "statement_id": ["A-1", "A-2", "B-1", "B-2", "B-3"],
        "area_id": ["A", "A", "B", "B", "B"],
    }
)


def answers(rows: list[tuple]) -> pd.DataFrame:
    """rows of (respondent, statement, level or 'dont_know'/'not_applicable'[, role])."""
    records = []
    for row in rows:
        respondent, statement, value, *role = row
        records.append(
            {
                "round_id": 1,
                "respondent_id": respondent,
                "statement_id": statement,
                "level": value if isinstance(value, int) else None,
                "unscored": value if isinstance(value, str) else None,
                "role": role[0] if role else "Executive director",
            }
        )
    frame = pd.DataFrame(records, columns=["round_id", "respondent_id", "statement_id", "level",
                                           "unscored", "role"])
    return frame


def by_statement(table: pd.DataFrame) -> pd.DataFrame:
    return table.set_index("statement_id")


def test_statement_score_is_the_median_of_levels():
    table = by_statement(statement_scores(answers([(1, "A-1", 1), (2, "A-1", 2), (3, "A-1", 4)]),
                                          STATEMENTS))
    assert table.loc["A-1", "score"] == 2
    assert table.loc["A-1", "levels_given"] == 3


def test_median_of_an_even_number_of_levels_is_the_midpoint():
    table = by_statement(statement_scores(answers([(1, "A-1", 2), (2, "A-1", 3)]), STATEMENTS))
    assert table.loc["A-1", "score"] == 2.5


def test_consensus_level_replaces_the_median():
    consensus = pd.DataFrame({"round_id": [1], "statement_id": ["A-1"], "level": [4]})
    table = by_statement(
        statement_scores(answers([(1, "A-1", 1), (2, "A-1", 1)]), STATEMENTS, consensus)
    )
    assert table.loc["A-1", "score"] == 4
    assert table.loc["A-1", "median"] == 1


def test_unanswered_statement_has_no_score_and_does_not_drag_its_area_down():
    table = statement_scores(answers([(1, "A-1", 3)]), STATEMENTS)
    assert math.isnan(by_statement(table).loc["A-2", "score"])
    areas = area_scores(table).set_index("area_id")
    assert areas.loc["A", "score"] == 3
    assert areas.loc["A", "statements_scored"] == 1
    assert areas.loc["A", "statements"] == 2


def test_area_score_is_the_mean_of_statement_scores_and_overall_the_mean_of_areas():
    rows = [(1, "A-1", 1), (1, "A-2", 2), (1, "B-1", 4), (1, "B-2", 4), (1, "B-3", 1)]
    areas = area_scores(statement_scores(answers(rows), STATEMENTS)).set_index("area_id")
    assert areas.loc["A", "score"] == 1.5
    assert areas.loc["B", "score"] == 3
    overall = overall_scores(areas.reset_index()).iloc[0]
    assert overall["score"] == 2.25
    assert overall["stage"] == Level.DEVELOPING


def test_spread_range_and_interquartile_range():
    rows = [(r, "A-1", level) for r, level in enumerate([1, 2, 2, 3, 4])]
    row = by_statement(statement_scores(answers(rows), STATEMENTS)).loc["A-1"]
    assert (row["low"], row["high"], row["range"]) == (1, 4, 3)
    assert (row["q1"], row["q3"], row["iqr"]) == (2, 3, 1)


@pytest.mark.parametrize(
    ("levels", "flagged"),
    [
        ([2, 3], False),
        ([1, 3], True),  # two people, two levels apart: half the room each side
        ([1, 4], True),
        ([2, 2, 4], True),  # with three, one person is a third of the room
        ([3, 3, 3], False),
        ([1], False),
        ([1, 1, 3, 3], True),  # two against two, two levels apart
        ([2, 2, 2, 4], False),  # one person out of step among four
        ([1, 2, 2, 2, 3], False),  # the range is 2, but only one person at each end
        ([1, 1, 2, 2, 3], False),  # two low, but only one two levels above them
        ([1, 1, 2, 3, 3], True),
        ([1] * 3 + [2] * 6 + [4] * 3, True),  # 12 people: three at each end, k = 3
        ([1] * 2 + [2] * 4 + [3] * 4 + [4] * 2, False),  # only two at each end of twelve
    ],
)
def test_disagreement_needs_a_quarter_of_the_room_on_each_side_of_a_two_level_gap(levels, flagged):
    rows = [(r, "A-1", level) for r, level in enumerate(levels)]
    assert (by_statement(statement_scores(answers(rows), STATEMENTS)).loc["A-1", "disagreement"]
            == flagged)


@pytest.mark.parametrize(("given", "size"), [(1, 1), (2, 1), (3, 1), (4, 2), (5, 2), (8, 2),
                                             (9, 3), (12, 3), (13, 4), (40, 10)])
def test_each_side_of_a_split_is_a_quarter_rounded_up_and_two_from_four_people(given, size):
    assert split_size(pd.Series([given])).iloc[0] == size


def test_split_gap_is_the_kth_highest_minus_the_kth_lowest_level():
    rows = [(r, "A-1", level) for r, level in enumerate([1, 1, 1, 2, 3, 4, 4, 4, 4])]  # k = 3
    rows += [(r, "A-2", level) for r, level in enumerate([1, 4])]
    table = by_statement(statement_scores(answers(rows), STATEMENTS))
    assert table.loc["A-1", "split_gap"] == 4 - 1
    assert table.loc["A-2", "split_gap"] == 3
    assert math.isnan(table.loc["B-1", "split_gap"])
    assert not table.loc["B-1", "disagreement"]


def test_dont_know_does_not_count_towards_a_split():
    rows = [(1, "A-1", 1), (2, "A-1", 1), (3, "A-1", 3), (4, "A-1", 3),
            *[(r, "A-1", "dont_know") for r in range(5, 20)]]
    assert by_statement(statement_scores(answers(rows), STATEMENTS)).loc["A-1", "disagreement"]


def test_splits_are_found_separately_in_each_round():
    one = answers([(1, "A-1", 1), (2, "A-1", 1), (3, "A-1", 3), (4, "A-1", 3)])
    two = answers([(1, "A-1", 2), (2, "A-1", 2), (3, "A-1", 2), (4, "A-1", 4)]).assign(round_id=2)
    statements = pd.concat([STATEMENTS, STATEMENTS.assign(round_id=2)])
    table = statement_scores(pd.concat([one, two]), statements).set_index(
        ["round_id", "statement_id"])
    assert table.loc[(1, "A-1"), "disagreement"]
    assert not table.loc[(2, "A-1"), "disagreement"]


def test_information_gap_when_a_quarter_or_more_say_dont_know():
    rows = [(1, "A-1", "dont_know"), (2, "A-1", 2), (3, "A-1", 3), (4, "A-1", 3),
            (1, "A-2", "dont_know"), *[(r, "A-2", 2) for r in range(2, 6)]]
    table = by_statement(statement_scores(answers(rows), STATEMENTS))
    assert table.loc["A-1", "dont_know_share"] == 0.25
    assert bool(table.loc["A-1", "information_gap"])
    assert not bool(table.loc["A-2", "information_gap"])


def test_completeness_counts_dont_know_as_answered():
    rows = [(1, "A-1", 2), (1, "A-2", "dont_know"), (2, "B-1", "not_applicable")]
    table = completeness_by_respondent(answers(rows), STATEMENTS).set_index("respondent_id")
    assert table.loc[1, "answered"] == 2
    assert table.loc[1, "completeness"] == pytest.approx(2 / 5)
    assert table.loc[2, "completeness"] == pytest.approx(1 / 5)


def test_role_scores_use_only_that_roles_answers():
    rows = [(1, "A-1", 4, "Executive director"), (2, "A-1", 1, "Non-executive director")]
    table = area_scores_by_group(answers(rows), STATEMENTS, "role")
    scores = table[table["area_id"] == "A"].set_index("role")["score"]
    assert scores.to_dict() == {"Executive director": 4, "Non-executive director": 1}


def test_rounds_are_scored_independently():
    both = pd.concat([answers([(1, "A-1", 1)]), answers([(2, "A-1", 4)]).assign(round_id=2)])
    statements = pd.concat([STATEMENTS, STATEMENTS.assign(round_id=2)])
    overall = overall_scores(area_scores(statement_scores(both, statements))).set_index("round_id")
    assert overall["score"].to_dict() == {1: 1, 2: 4}


# -- stages -------------------------------------------------------------------------------------

HAIR = 1e-6
EDGES = [(1.75, Level.EMERGING, Level.DEVELOPING), (2.5, Level.DEVELOPING, Level.MATURING),
         (3.25, Level.MATURING, Level.THRIVING)]
"""Each edge between two stages, with the stage below it and the one above."""
EDGE_CASES = [(edge + offset, below if offset <= 0 else above)
              for edge, below, above in EDGES for offset in (-HAIR, 0.0, HAIR)]


@pytest.mark.parametrize(("score", "stage"), [(1.0, Level.EMERGING), *EDGE_CASES,
                                              (4.0, Level.THRIVING)])
def test_a_score_on_an_edge_is_the_lower_stage_and_a_hair_above_it_the_higher(score, stage):
    # The bank's best-fit rule: "if only part of a level is true, choose the level below". A room
    # split evenly between Developing and Maturing has a middle of 2.5: Developing.
    assert stage_of(score) is stage


@pytest.mark.parametrize(("score", "stage"), [(1.0, Level.EMERGING), *EDGE_CASES,
                                              (4.0, Level.THRIVING)])
def test_the_sql_stage_rule_is_the_same_as_pythons(score, stage):
    import duckdb

    from collab_assess.store.kept_scores_sql import stage_case

    with duckdb.connect() as connection:
        (sql_stage,) = connection.execute(
            f"SELECT {stage_case('x')} FROM (SELECT ?::DOUBLE AS x)", [score]).fetchone()
    assert sql_stage == int(stage)


@pytest.mark.parametrize("places", [1, 2])
@pytest.mark.parametrize("score", [score for score, _ in EDGE_CASES] + [
    1.125, 1.25, 2.125, 2.45, 2.4954, 2.55, 3.125, 3.245, 3.2501, 3.625, 1.7449, 2.5049])
def test_every_score_shown_reads_as_its_own_stage(score, places):
    shown = score_text(score, places)
    assert len(shown.split(".")[1]) == places
    assert stage_of(float(shown)) is stage_of(score), f"{score} shown as {shown}"
    assert abs(float(shown) - score) <= 10 ** -places + 1e-9


@pytest.mark.parametrize(("score", "places", "shown"), [
    (3.25, 1, "3.2"),   # on the edge, so Maturing: never "3.3" (Thriving)
    (3.25, 2, "3.25"),
    (3.2500001, 1, "3.3"),
    (2.125, 2, "2.13"),  # half up, as the charts and Excel round, never Python's half-to-even 2.12
    (1.125, 2, "1.13"),
    (2.5000001, 2, "2.51"),  # just Maturing: "2.50" would read as Developing
    (2.4954, 2, "2.50"),
    (2.5, 1, "2.5"),
])
def test_scores_round_half_up_and_stay_inside_their_stage(score, places, shown):
    assert score_text(score, places) == shown


def test_a_score_on_an_edge_is_not_moved_off_it_by_rounding_noise():
    areas = [4, 12 / 5, 7 / 3, 7 / 3, 3, 11 / 5, 7 / 5, 2, 2, 5 / 2, 10 / 3]  # sums to 27.5
    mean = pd.Series(areas).mean()
    assert mean != 2.5 and abs(mean - 2.5) < 1e-12  # the floating-point noise is real
    assert stage_of(mean) is Level.DEVELOPING
    assert stage_of(2.5 + 4e-16) is Level.DEVELOPING


def test_a_room_split_evenly_reads_as_the_lower_level():
    statements = pd.DataFrame({"round_id": [1], "statement_id": ["A-1"], "area_id": ["A"]})
    table = statement_scores(answers([(1, "A-1", 2), (2, "A-1", 2), (3, "A-1", 3),
                                      (4, "A-1", 3)]), statements)
    assert table["score"].iloc[0] == 2.5
    assert stage_of(table["score"].iloc[0]) is Level.DEVELOPING


def test_bands_are_four_equal_widths_covering_one_to_four():
    assert [round(b.upper - b.lower, 9) for b in STAGE_BANDS] == [0.75] * 4
    assert STAGE_BANDS[0].lower == 1 and STAGE_BANDS[-1].upper == 4


def test_bands_are_described_with_their_edges():
    assert describe_bands() == (
        "Emerging from 1.00 to 1.75, Developing above 1.75 up to 2.50, "
        "Maturing above 2.50 up to 3.25, Thriving above 3.25 up to 4.00"
    )


@pytest.mark.parametrize("score", [0.99, 4.01, float("nan")])
def test_scores_outside_the_scale_have_no_stage(score):
    with pytest.raises(ValueError):
        stage_of(score)


# -- properties ---------------------------------------------------------------------------------

answer_value = st.one_of(st.integers(1, 4), st.sampled_from(["dont_know", "not_applicable"]))
answer_rows = st.lists(
    st.tuples(st.integers(1, 12), st.sampled_from(list(STATEMENTS["statement_id"])), answer_value),
    min_size=1,
    max_size=60,
    unique_by=lambda row: (row[0], row[1]),
)


def scores_of(rows: list[tuple]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    statements = statement_scores(answers(rows), STATEMENTS)
    areas = area_scores(statements)
    return statements, areas, overall_scores(areas)


@given(answer_rows)
def test_every_score_stays_within_one_to_four(rows):
    statements, areas, overall = scores_of(rows)
    for values in (statements["score"], areas["score"], overall["score"]):
        present = values.dropna()
        assert ((present >= 1) & (present <= 4)).all()


@given(answer_rows, st.lists(st.tuples(st.sampled_from(list(STATEMENTS["statement_id"])),
                                       st.sampled_from(["dont_know", "not_applicable"])),
                             max_size=20))
def test_dont_know_and_not_applicable_never_move_a_score(rows, unscored):
    extra = [(100 + i, statement, value) for i, (statement, value) in enumerate(unscored)]
    before = scores_of(rows)
    after = scores_of(rows + extra)
    pd.testing.assert_series_equal(before[0]["score"], after[0]["score"])
    pd.testing.assert_series_equal(before[1]["score"], after[1]["score"])
    pd.testing.assert_series_equal(before[2]["score"], after[2]["score"])


@given(answer_rows)
def test_a_flagged_split_always_spans_at_least_the_gap(rows):
    statements, _, _ = scores_of(rows)
    flagged = statements[statements["disagreement"]]
    assert (flagged["range"] >= DISAGREEMENT_GAP).all()
    assert (flagged["split_gap"] <= flagged["range"]).all()


@given(st.integers(3, 20), st.integers(1, 4), st.integers(1, 4))
def test_one_person_out_of_step_never_flags_a_room_of_four_or_more(agreeing, level, outlier):
    rows = [(r, "A-1", value) for r, value in enumerate([*[level] * agreeing, outlier])]
    assert not by_statement(statement_scores(answers(rows), STATEMENTS)).loc["A-1", "disagreement"]


@given(answer_rows, st.randoms(use_true_random=False))
def test_order_of_answers_does_not_matter(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    for before, after in zip(scores_of(rows), scores_of(shuffled), strict=True):
        pd.testing.assert_frame_equal(before, after)
