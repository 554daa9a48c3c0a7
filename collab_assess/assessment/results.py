"""A round's results, ready to show: scores with the words of the bank beside them."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import pandas as pd

from collab_assess.assessment.participation import (
    SELF,
    Headcount,
    RoundParticipation,
    participation_of,
)
from collab_assess.assessment.scoring import (
    DISAGREEMENT_GAP,
    area_scores,
    area_scores_by_group,
    completeness_by_respondent,
    overall_scores,
    statement_scores,
)
from collab_assess.assessment.small_groups import (  # noqa: F401 - pages and the report import from here
    ANOTHER_ROLE,
    MIN_GROUP_SIZE,
    OTHER_ROLES,
    RoleGroups,
    people_count,
)
from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level
from collab_assess.store import Round
from collab_assess.store.view import StoreView

SPLIT_RULE = (
    "at least a quarter of the people who gave a level (and at least two, once four or more "
    f"answered) sit {DISAGREEMENT_GAP} or more levels below at least as many others"
)
"""When a statement counts as split (scoring.split_size), in the words Results and the report
use."""

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
    participation: RoundParticipation
    """Who took part (participation.py): the headcount, role groups and completeness every
    output shows."""
    by_role: pd.DataFrame
    """Area scores per role group (see role_view): area_id, area, area_position, role (the group's
    name), people (in the group), role_label ("Clinical lead (4 people)"), score (missing where
    fewer than MIN_GROUP_SIZE of the group gave a level in the area)."""
    respondent_completeness: pd.DataFrame
    answers: pd.DataFrame
    """Every respondent's answers that count (workshop votes once revealed), as scored."""
    detail_hidden: bool = False
    """Only the overall and area scores are here: fewer than MIN_GROUP_SIZE people took part and
    the viewer is not the collaborative's lead (anonymity.statement_detail_visible)."""

    @property
    def headcount(self) -> Headcount:
        return self.participation.headcount

    @property
    def roles(self) -> RoleGroups:
        """How self-assessors are grouped by role for showing (small roles are never shown
        alone)."""
        return self.participation.roles

    @property
    def area_completeness(self) -> pd.DataFrame:
        return self.participation.areas

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


def round_results(store: StoreView, round_id: int) -> RoundResults:
    """A round's results as the caller may see them: in full, or (a round with fewer than
    MIN_GROUP_SIZE people, seen by anyone but its lead) its overall and area scores only."""
    if not store.statement_detail_allowed(round_id):
        return round_summary(store, round_id)
    assessment_round = store.get_round(round_id)
    bank = store.bank(assessment_round.bank_version)
    asked = store.round_statements([round_id])
    answers = store.current_answers([round_id])
    consensus = store.current_consensus([round_id])
    stages = store.self_described_stages([round_id])

    statement_text, area_names = bank_tables(bank)
    participation = participation_of(store, round_id, dict(zip(area_names["area_id"],
                                                               area_names["area"], strict=True)))
    statements = statement_scores(answers, asked, consensus)
    areas = area_scores(statements)
    overall = overall_scores(areas)
    overall_score = overall["score"].iloc[0] if len(overall) else float("nan")
    has_score = pd.notna(overall_score)

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
        participation=participation,
        by_role=role_view(answers, asked, participation.roles).merge(area_names, on="area_id"),
        respondent_completeness=completeness_by_respondent(answers, asked),
        answers=answers,
    )


def round_summary(store: StoreView, round_id: int) -> RoundResults:
    """A round's overall and area scores only, worked out in the database, with its headcount:
    what anyone but its lead sees of a round where fewer than MIN_GROUP_SIZE people took part."""
    assessment_round = store.get_round(round_id)
    bank = store.bank(assessment_round.bank_version)
    statement_text, area_names = bank_tables(bank)
    participation = participation_of(store, round_id, dict(zip(area_names["area_id"],
                                                               area_names["area"], strict=True)))
    areas = store.round_area_scores([round_id])
    areas["disagreements"] = 0
    overall = overall_scores(areas)
    overall_score = overall["score"].iloc[0] if len(overall) else float("nan")
    has_score = pd.notna(overall_score)
    no_statements = statement_text.iloc[0:0].assign(score=pd.Series(dtype="float64"))
    return RoundResults(
        round=assessment_round,
        bank=bank,
        statements=no_statements,
        areas=areas.merge(area_names, on="area_id").sort_values("area_position",
                                                                ignore_index=True),
        overall=float(overall_score) if has_score else None,
        stage=Level(int(overall["stage"].iloc[0])) if has_score else None,
        self_described=None,
        self_described_counts={},
        participation=participation,
        by_role=pd.DataFrame(columns=["round_id", "area_id", "role", "people", "role_label",
                                      "score", "area", "group", "area_position"]),
        respondent_completeness=pd.DataFrame(),
        answers=pd.DataFrame(),
        detail_hidden=True,
    )


def role_view(answers: pd.DataFrame, statements: pd.DataFrame, roles: RoleGroups) -> pd.DataFrame:
    """Area scores for each role group that can be shown, by the same rules as the whole round.

    People in no showable group are left out. A group's score for an area is also left out (missing)
    when fewer than MIN_GROUP_SIZE of its people gave a level there: a group of three where only
    one got as far as an area would otherwise show that one person's answers."""
    columns = ["round_id", "area_id", "role", "people", "role_label", "score"]
    own = answers[answers["kind"] == SELF]  # anonymous workshop seats are never grouped by role
    grouped = own.assign(role=own["role"].map(roles.group_of)).dropna(subset=["role"])
    if grouped.empty:
        return pd.DataFrame(columns=columns)
    scores = area_scores_by_group(grouped, statements, "role")
    rated = _scored(grouped).merge(statements[["round_id", "statement_id", "area_id"]],
                                   on=["round_id", "statement_id"])
    raters = (rated.groupby(["round_id", "area_id", "role"])["respondent_id"].nunique()
              .rename("raters"))
    scores = scores.join(raters, on=["round_id", "area_id", "role"])
    scores["score"] = scores["score"].where(scores["raters"].fillna(0) >= MIN_GROUP_SIZE)
    scores["people"] = scores["role"].map(roles.sizes).astype("int64")
    scores["role_label"] = scores["role"].map(roles.label)
    order = {group: i for i, group in enumerate(roles.sizes)}  # largest first, "Other roles" last
    scores = scores.sort_values(["round_id", "role", "area_id"], key=lambda column: (
        column.map(order) if column.name == "role" else column), ignore_index=True)
    return scores[columns]


def _scored(answers: pd.DataFrame) -> pd.DataFrame:
    """Answers that gave a level (Don't know and Not applicable give none)."""
    return answers[pd.to_numeric(answers["level"], errors="coerce").notna()]


WEAKEST_ORDER = ["score", "q1", "mean", "position"]
"""Lowest score first; among equal scores, the one with more low answers (lower quartile, then lower
average level) first, so a cut-off through a tie is not just the bank's order."""


def weakest_statements(results: RoundResults) -> pd.DataFrame:
    """Every statement with a score, weakest first (see WEAKEST_ORDER)."""
    scored = results.statements.dropna(subset=["score"])
    return scored.sort_values(WEAKEST_ORDER, kind="stable", na_position="last")


MANY_TIED = 5
"""More statements than this sharing the lowest score are summarised by area, not listed."""


def lowest_tied(ranked: pd.DataFrame) -> pd.DataFrame:
    """The statements sharing the lowest score, weakest first (ranked: from weakest_statements)."""
    if ranked.empty:
        return ranked
    return ranked[ranked["score"] == ranked["score"].min()]


@dataclass(frozen=True)
class AreaGroup:
    area: str
    statements: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.statements)


def group_by_area(statements: pd.DataFrame) -> list[AreaGroup]:
    """Statements put together by area: the area with the most first (then in bank order), each
    area's statements in the order given."""
    groups = [
        AreaGroup(area=str(area), statements=rows)
        for area, rows in statements.groupby("area", sort=False)
    ]
    first_place = {area: i for i, area in enumerate(
        statements.sort_values("area_position", kind="stable")["area"].drop_duplicates())}
    return sorted(groups, key=lambda group: (-group.count, first_place[group.area]))


def tied_beyond(ranked: pd.DataFrame, count: int) -> int:
    """How many statements after the first `count` share the last shown statement's score."""
    if len(ranked) <= count:
        return 0
    cut_score = ranked["score"].iloc[count - 1]
    return int((ranked["score"].iloc[count:] == cut_score).sum())


def disagreements(results: RoundResults) -> pd.DataFrame:
    """Statements where the room is split (see scoring._split_gaps), widest split first."""
    flagged = results.statements[results.statements["disagreement"]]
    return flagged.sort_values(["split_gap", "range", "iqr", "position"],
                               ascending=[False, False, False, True])


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
    (never the name). The role is shown only for a group of at least MIN_GROUP_SIZE people (see
    RoleGroups.note_label); otherwise the note says it came from "another role", and its answer
    is left out (answer_shown False): "another role" is only ever one or two people, so the level
    beside their note would be their own answer."""
    notes = results.answers[results.answers["note"].fillna("").str.strip() != ""]
    notes = notes[["statement_id", "role", "level", "unscored", "note"]].merge(
        results.statements[["statement_id", "statement", "area", "position"]], on="statement_id"
    )
    notes["role"] = notes["role"].map(results.roles.note_label)
    notes["answer_shown"] = notes["role"] != ANOTHER_ROLE
    notes.loc[~notes["answer_shown"], ["level", "unscored"]] = None
    return notes.sort_values(["position", "role"], ignore_index=True)
