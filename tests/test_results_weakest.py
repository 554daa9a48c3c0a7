"""The weakest statements: a long tie for the lowest score is summarised by area, not listed."""

from __future__ import annotations

import pandas as pd

from collab_assess.assessment.results import (
    group_by_area,
    lowest_tied,
    round_results,
    weakest_statements,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.store import Store
from tests.helpers.rounds import make_round


def ranked(rows: list[tuple[str, str, int, float]]) -> pd.DataFrame:
    """(statement_id, area, area_position, score) rows, already weakest first."""
    return pd.DataFrame(rows, columns=["statement_id", "area", "area_position", "score"])


def test_lowest_tied_keeps_every_statement_at_the_lowest_score_in_order():
    table = ranked([("A-1", "A", 0, 1.5), ("B-2", "B", 1, 1.5), ("A-2", "A", 0, 2.0)])
    assert lowest_tied(table)["statement_id"].tolist() == ["A-1", "B-2"]


def test_lowest_tied_of_nothing_is_nothing():
    assert lowest_tied(ranked([])).empty


def test_a_tie_is_grouped_by_area_most_statements_first_then_bank_order():
    table = ranked([
        ("C-1", "Data sharing", 2, 2.0), ("A-1", "Partnership", 0, 2.0),
        ("C-2", "Data sharing", 2, 2.0), ("B-1", "Governance", 1, 2.0),
        ("A-2", "Partnership", 0, 2.0),
    ])
    groups = group_by_area(table)
    assert [(group.area, group.count) for group in groups] == [
        ("Partnership", 2), ("Data sharing", 2), ("Governance", 1)]
    # Inside an area the statements keep the weakest-first order they came in.
    assert groups[1].statements["statement_id"].tolist() == ["C-1", "C-2"]


def test_a_round_where_most_statements_tie_at_the_bottom(store: Store, small_bank: QuestionBank):
    # Everyone gives 2 to everything except PB-1 (4): eight of nine statements tie at 2.0.
    round_id = make_round(store, small_bank, "Ties", [{"PB-1": 4}, {"PB-1": 4}, {"PB-1": 4}])
    lowest = lowest_tied(weakest_statements(round_results(store, round_id)))
    assert len(lowest) == 8 and set(lowest["score"]) == {2.0}
    assert [(group.area, group.count) for group in group_by_area(lowest)] == [
        ("Area SG", 3), ("Area DS", 3), ("Area PB", 2)]
