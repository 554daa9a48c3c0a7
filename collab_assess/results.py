"""A round's results, ready to show: scores with the words of the bank beside them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd

from collab_assess.bank import QuestionBank
from collab_assess.scale import Level
from collab_assess.scoring import (
    area_scores,
    area_scores_by_group,
    completeness_by_area,
    completeness_by_respondent,
    overall_scores,
    statement_scores,
)
from collab_assess.store import Round, Store


@dataclass(frozen=True)
class RoundResults:
    round: Round
    bank: QuestionBank
    statements: pd.DataFrame
    """statement_scores, plus statement text, area name and position, in bank order."""
    areas: pd.DataFrame
    """area_scores, plus area name and group, in bank order."""
    overall: float | None
    stage: Level | None
    self_described: Level | None
    self_described_counts: dict[int, int]
    respondents: int
    by_role: pd.DataFrame
    respondent_completeness: pd.DataFrame
    area_completeness: pd.DataFrame
    answers: pd.DataFrame
    """Every respondent's current answers, as scored."""

    @property
    def has_scores(self) -> bool:
        return self.overall is not None

    @property
    def statements_scored(self) -> int:
        return int(self.statements["score"].notna().sum())

    @property
    def provisional(self) -> bool:
        """Fewer than half the statements have a score: the headline may move a lot."""
        return self.statements_scored < len(self.statements) / 2


def bank_tables(bank: QuestionBank) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The bank's statements and areas as tables, in the bank's order."""
    statements = pd.DataFrame(
        [
            {"statement_id": s.id, "area_id": s.area, "statement": s.statement, "position": i}
            for i, s in enumerate(bank.statements)
        ]
    )
    areas = pd.DataFrame(
        [
            {"area_id": a.id, "area": a.name, "group": a.group, "area_position": i}
            for i, a in enumerate(bank.areas)
        ]
    )
    return statements, areas


def self_described_stage(stages: pd.Series) -> Level | None:
    """The stage the collaborative describes itself at: the lower median of respondents' answers,
    so an even split never produces a stage nobody chose."""
    values = [int(s) for s in stages.dropna()]
    return Level(statistics.median_low(values)) if values else None


def round_results(store: Store, round_id: int) -> RoundResults:
    assessment_round = store.get_round(round_id)
    bank = store.bank(assessment_round.bank_version)
    asked = store.round_statements([round_id])
    answers = store.current_answers([round_id])
    consensus = store.current_consensus([round_id])
    respondents = store.respondents([round_id])
    stages = store.self_described_stages([round_id])

    statement_text, area_names = bank_tables(bank)
    statements = statement_scores(answers, asked, consensus)
    areas = area_scores(statements)
    overall = overall_scores(areas)
    overall_score = overall["score"].iloc[0] if len(overall) else None
    has_score = overall_score is not None and pd.notna(overall_score)

    return RoundResults(
        round=assessment_round,
        bank=bank,
        statements=statements.drop(columns="area_id")
        .merge(statement_text, on="statement_id")
        .merge(area_names, on="area_id")
        .sort_values("position", ignore_index=True),
        areas=areas.merge(area_names, on="area_id").sort_values("area_position", ignore_index=True),
        overall=float(overall_score) if has_score else None,
        stage=Level(int(overall["stage"].iloc[0])) if has_score else None,
        self_described=self_described_stage(stages["stage"]),
        self_described_counts={int(k): int(v) for k, v in stages["stage"].value_counts().items()},
        respondents=len(respondents),
        by_role=area_scores_by_group(answers, asked, "role").merge(area_names, on="area_id"),
        respondent_completeness=completeness_by_respondent(answers, asked),
        area_completeness=completeness_by_area(answers, asked, respondents).merge(
            area_names, on="area_id"
        ),
        answers=answers,
    )


WEAKEST_ORDER = ["score", "q1", "mean", "position"]
"""Lowest score first; among equal scores, the one with more low answers (lower quartile, then lower
average level) first, so a cut-off through a tie is not just the bank's order."""


def weakest_statements(results: RoundResults) -> pd.DataFrame:
    """Every statement with a score, weakest first (see WEAKEST_ORDER)."""
    scored = results.statements.dropna(subset=["score"])
    return scored.sort_values(WEAKEST_ORDER, kind="stable", na_position="last")


def tied_beyond(ranked: pd.DataFrame, count: int) -> int:
    """How many statements after the first `count` share the last shown statement's score."""
    if len(ranked) <= count:
        return 0
    cut_score = ranked["score"].iloc[count - 1]
    return int((ranked["score"].iloc[count:] == cut_score).sum())


def disagreements(results: RoundResults) -> pd.DataFrame:
    """Statements where respondents were two or more levels apart, widest spread first."""
    flagged = results.statements[results.statements["disagreement"]]
    return flagged.sort_values(["range", "iqr", "position"], ascending=[False, False, True])


def information_gaps(results: RoundResults) -> pd.DataFrame:
    """Statements many respondents could not answer ("Don't know"), most unknown first."""
    flagged = results.statements[results.statements["information_gap"]]
    return flagged.sort_values(["dont_know_share", "position"], ascending=[False, True])


def target_gaps(results: RoundResults) -> pd.DataFrame:
    """Statements where respondents set a target: the median target, how many set one, and the gap
    between that and today's score, biggest gap first."""
    answers = results.answers.assign(
        target_level=pd.to_numeric(results.answers["target_level"], errors="coerce")
    ).dropna(subset=["target_level"])
    if answers.empty:
        return pd.DataFrame(columns=["statement_id", "target", "targets_set", "score", "gap"])
    grouped = answers.groupby("statement_id")["target_level"]
    table = pd.DataFrame({"target": grouped.median(), "targets_set": grouped.size()}).reset_index()
    table = table.merge(
        results.statements[["statement_id", "statement", "area", "score", "position"]],
        on="statement_id",
    )
    table["gap"] = table["target"] - table["score"]
    return table.sort_values(["gap", "position"], ascending=[False, True], ignore_index=True)


def evidence_notes(results: RoundResults) -> pd.DataFrame:
    """The evidence or rationale people gave, by statement in bank order, with the answering role
    (never the name)."""
    notes = results.answers[results.answers["note"].fillna("").str.strip() != ""]
    notes = notes[["statement_id", "role", "level", "unscored", "note"]].merge(
        results.statements[["statement_id", "statement", "area", "position"]], on="statement_id"
    )
    return notes.sort_values(["position", "role"], ignore_index=True)
