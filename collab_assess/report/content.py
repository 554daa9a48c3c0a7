"""What goes into a board report: everything about one round, gathered once, as plain data.

Nothing here draws anything or knows about Streamlit. The figures come from the same functions the
Results page uses (round_results, disagreements, weakest_statements, next_steps_for, board_answers,
peer_comparison, compare_with_baseline), so the report and the page can never disagree. Small role
groups are folded exactly as Results folds them (results.RoleGroups): no role of one or two people
is ever named with its own figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from collab_assess.assessment.board_page import (
    Action,
    AgreedLevel,
    BoardPage,
    SplitStatement,
    board_page,
)
from collab_assess.assessment.board_questions import BoardAnswer, board_answers
from collab_assess.assessment.participation import Headcount
from collab_assess.assessment.results import (
    RoundResults,
    round_results,
    tied_beyond,
    weakest_statements,
)
from collab_assess.benchmark.peers import (
    BaselineComparison,
    compare_with_baseline,
    position_in_words,
)
from collab_assess.content.anonymity import SMALL_ROUND_NOTE
from collab_assess.content.baseline import Baseline, load_baseline
from collab_assess.content.next_steps import NextStep, next_steps_for
from collab_assess.content.scale import Level, stage_of
from collab_assess.content.sources import documents, parse_citations
from collab_assess.errors import CollabAssessError
from collab_assess.store import Collaborative, Round
from collab_assess.store.peer_comparison import PeerComparison, PeerGroup
from collab_assess.store.view import StoreView

WEAKEST_SHOWN = 6
"""How many of the weakest statements get a next step. Results lists ten; a board paper keeps to the
few the board can act on, and says how many more share the last score."""
PER_AREA = 2
"""How many strongest and weakest statements each area section names."""


class NothingToReport(CollabAssessError):
    """The round has no scores yet, so there is nothing a board could read."""


@dataclass(frozen=True)
class StatementScore:
    statement_id: str
    statement: str
    area: str
    score: float
    stage: Level


@dataclass(frozen=True)
class PeerFigures:
    median: float
    q1: float
    q3: float


@dataclass(frozen=True)
class AreaReport:
    area_id: str
    name: str
    group: str
    position: int
    score: float | None
    stage: Level | None
    statements_asked: int
    statements_scored: int
    peers: PeerFigures | None
    strongest: tuple[StatementScore, ...]
    weakest: tuple[StatementScore, ...]
    strongest_more: int
    """How many more statements share the strongest score than are named."""
    weakest_more: int
    all_level: bool
    """Every scored statement in the area has the same score, so none is strongest or weakest."""
    disagreements: tuple[SplitStatement, ...]
    agreed: tuple[AgreedLevel, ...]
    actions: tuple[Action, ...]


@dataclass(frozen=True)
class WeakStatement:
    statement: StatementScore
    next_step: NextStep | None


@dataclass(frozen=True)
class StatementSources:
    """One statement's sources: for each document it cites, the document's number in the
    report's list of documents (BoardReport.documents) and the sections or parts used."""

    statement_id: str
    sources: tuple[tuple[int, str], ...]


def cited_documents(bank_statements: list) -> tuple[tuple[str, ...], tuple[StatementSources, ...]]:
    """The documents a bank's statements cite, each once, by public title (numbered from 1 in
    the order first cited), and each statement's citations by those numbers."""
    register = documents()
    order: list[str] = []
    per_statement = []
    for statement in bank_statements:
        parts: dict[str, list[str]] = {}
        for citation in parse_citations(statement.source):
            if citation.document not in order:
                order.append(citation.document)
            part = f"'{citation.section}'" if citation.section else ""
            if citation.note:
                part = f"{part} ({citation.note})" if part else citation.note
            listed = parts.setdefault(citation.document, [])
            if part and part not in listed:
                listed.append(part)
        per_statement.append(StatementSources(statement.id, tuple(
            (order.index(key) + 1, ", ".join(found)) for key, found in parts.items())))
    titles = tuple(register[key].reference if key in register else key for key in order)
    return titles, tuple(per_statement)


@dataclass(frozen=True)
class BoardReport:
    """One round's board report as plain data; pdf_layout and html_layout draw it."""

    collaborative: Collaborative
    assessment_round: Round
    bank_title: str
    bank_version: int
    rating_rule: str | None
    made_on: date
    overall: float
    stage: Level
    self_described: Level | None
    self_described_views: int
    statements_asked: int
    statements_scored: int
    provisional: bool
    headcount: Headcount
    """Who took part (participation.py), as Results counts them."""
    role_groups: dict[str, int]
    """Role groups that may be shown (at least MIN_GROUP_SIZE people) and their head-counts, in
    the order Results shows them ("Other roles" last)."""
    roles_not_shown: int
    """People whose roles are too small to show even when folded together."""
    peer_group: PeerGroup
    peers: PeerComparison
    peer_position: str | None
    """Where the round sits among its peers, in words (benchmark.position_in_words)."""
    comparison: BaselineComparison
    baseline: Baseline
    areas: tuple[AreaReport, ...]
    weakest: tuple[WeakStatement, ...]
    weakest_more: int
    """How many statements after the listed ones share the last listed score."""
    statements_ranked: int
    actions: tuple[Action, ...]
    board: BoardPage
    """The board's page (assessment/board_page.py), as Results' first screen shows it."""
    board_answers: tuple[BoardAnswer, ...]
    role_scores: pd.DataFrame
    """results.by_role: area scores per role group that may be shown (see role_view)."""
    has_next_steps: bool
    policy_as_at: date | None = None
    """The date the round's bank says its policy content is correct at (version 3 on)."""
    documents: tuple[str, ...] = ()
    """Every document the round's bank cites, by publisher, public title and date, numbered
    from 1: the method section's list of sources."""
    sources: tuple[StatementSources, ...] = ()
    """Where each statement comes from, by those numbers, for the method section."""

    @property
    def peer_label(self) -> str:
        """The peers' row name in the survey chart, as Results names it."""
        all_synthetic = self.peers.peers and self.peers.synthetic == self.peers.peers
        return "Peers here" + (" (synthetic)" if all_synthetic else "")


def build_board_report(store: StoreView, round_id: int, *, peer_group: PeerGroup = PeerGroup.ALL,
                       today: date | None = None) -> BoardReport:
    """Everything the board report of round `round_id` shows. Raises NothingToReport when nobody
    has given a level in the round yet, and NotFoundError for a round that does not exist."""
    results = round_results(store, round_id)
    assessment_round = results.round
    if results.detail_hidden:
        raise NothingToReport(SMALL_ROUND_NOTE + " The board report is statement by statement, "
                              "so it is not offered for this round.")
    overall, stage = results.overall, results.stage
    if overall is None or stage is None:  # a round with no score yet has neither
        raise NothingToReport(
            f"Nobody has given a level in the round '{assessment_round.label}' yet, so there is no "
            "report to make. The report can be made once at least one person has answered.")
    collaborative = store.get_collaborative(assessment_round.collaborative_id)
    baseline = load_baseline()
    peers = store.peer_comparison(collaborative, assessment_round, tuple(baseline.early_stages),
                                  peer_group, today=today)
    comparison = compare_with_baseline(overall, stage, peers, baseline)

    board = board_page(store, results)
    actions, agreed, split = board.actions, board.agreed, board.splits
    ranked = weakest_statements(results)
    weakest = ranked.head(WEAKEST_SHOWN)
    steps = next_steps_for(results.bank, weakest)
    cited, sources = cited_documents(results.bank.statements)

    return BoardReport(
        collaborative=collaborative,
        assessment_round=assessment_round,
        bank_title=results.bank.title,
        bank_version=results.bank.version,
        rating_rule=results.bank.rating_rule,
        made_on=today or date.today(),
        overall=overall,
        stage=stage,
        self_described=results.self_described,
        self_described_views=sum(results.self_described_counts.values()),
        statements_asked=len(results.statements),
        statements_scored=results.statements_scored,
        provisional=results.provisional,
        headcount=results.headcount,
        role_groups=results.roles.sizes,
        roles_not_shown=results.roles.not_shown,
        peer_group=peer_group,
        peers=peers,
        peer_position=position_in_words(results.statements, peers,
                                        provisional=results.provisional),
        comparison=comparison,
        baseline=baseline,
        areas=tuple(_area_report(area, results, peers, split, agreed, actions)
                    for area in results.areas.itertuples()),
        weakest=tuple(WeakStatement(_statement_score(row), steps.get(row.statement_id))
                      for row in weakest.itertuples()),
        weakest_more=tied_beyond(ranked, WEAKEST_SHOWN),
        statements_ranked=len(ranked),
        actions=actions,
        board=board,
        board_answers=tuple(board_answers(results)),
        role_scores=results.by_role,
        has_next_steps=results.bank.has_next_steps,
        policy_as_at=results.bank.policy_as_at,
        documents=cited,
        sources=sources,
    )


def _statement_score(row) -> StatementScore:
    return StatementScore(statement_id=str(row.statement_id), statement=str(row.statement),
                          area=str(row.area), score=float(row.score), stage=stage_of(row.score))


def _area_report(area, results: RoundResults, peers: PeerComparison,
                 split: tuple[SplitStatement, ...], agreed: tuple[AgreedLevel, ...],
                 actions: tuple[Action, ...]) -> AreaReport:
    in_area = results.statements[results.statements["area_id"] == area.area_id]
    scored = in_area.dropna(subset=["score"])
    # When every scored statement has the same score, none is strongest or weakest.
    all_level = not scored.empty and scored["score"].nunique() == 1
    if all_level:
        highest = lowest = scored.iloc[0:0]
    else:
        weakest_first = weakest_statements(results)
        weakest_first = weakest_first[weakest_first["area_id"] == area.area_id]
        lowest = weakest_first[weakest_first["score"] == weakest_first["score"].min()]
        # Strongest: the highest score; among equals, the one with more high answers first.
        strongest_first = scored.sort_values(["score", "q3", "mean", "position"],
                                             ascending=[False, False, False, True], kind="stable")
        highest = strongest_first[strongest_first["score"] == strongest_first["score"].max()]
    ids = set(in_area["statement_id"])
    score = float(area.score) if pd.notna(area.score) else None
    return AreaReport(
        area_id=str(area.area_id),
        name=str(area.area),
        group=str(area.group),
        position=int(area.area_position),
        score=score,
        stage=stage_of(score) if score is not None else None,
        statements_asked=len(in_area),
        statements_scored=len(scored),
        peers=_peer_figures(peers, area.area_id),
        strongest=_first_named(highest),
        weakest=_first_named(lowest),
        strongest_more=max(0, len(highest) - PER_AREA),
        weakest_more=max(0, len(lowest) - PER_AREA),
        all_level=all_level,
        disagreements=tuple(s for s in split if s.statement_id in ids),
        agreed=tuple(a for a in agreed if a.statement_id in ids),
        actions=tuple(a for a in actions if a.area_id == area.area_id),
    )


def _first_named(statements: pd.DataFrame) -> tuple[StatementScore, ...]:
    return tuple(_statement_score(row) for row in statements.head(PER_AREA).itertuples())


def _peer_figures(peers: PeerComparison, area_id: str) -> PeerFigures | None:
    if not peers.shown or peers.areas.empty:
        return None
    row = peers.areas[peers.areas["area_id"] == area_id]
    if row.empty or pd.isna(row["peer_median"].iloc[0]):
        return None
    return PeerFigures(median=float(row["peer_median"].iloc[0]), q1=float(row["peer_q1"].iloc[0]),
                       q3=float(row["peer_q3"].iloc[0]))
