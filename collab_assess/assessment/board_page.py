"""The board's page: what a board needs first, gathered once for the Results page's first screen
and the board report's second page, so the two can never disagree.

- the three weakest areas, each with one next step (the bank's step for the area's weakest
  statement: content/next_steps.py, ranked by results.weakest_statements);
- the splits to discuss (results.disagreements, with how many people chose each level);
- the levels a workshop agreed, and why;
- the actions, the open ones first by due date, with owner and date;
- the matrix: each area's level now, any level a workshop agreed in it, and where people want it
  to be (the targets they set), with its splits and open actions.

Every score and stage comes from the same functions and rounding as the rest of Results
(round_results, scale.stage_of, scale.score_text); nothing here rounds or bands on its own. Only a
round whose statement detail may be shown has a board page (results.detail_hidden is False).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from collab_assess.assessment.results import (
    RoundResults,
    disagreements,
    target_gaps,
    weakest_statements,
)
from collab_assess.content.next_steps import NextStep, next_step
from collab_assess.content.scale import LEVELS, Level, stage_of
from collab_assess.store.view import StoreView
from collab_assess.text import clipped

FIRST_SHOWN = 3
"""How many weakest areas, splits, agreed levels and open actions the first screen lists; the rest
are folded below it, each list under a label with its count."""
OPEN_STATUSES = ("open", "in progress")
"""Action statuses (store.inputs.ACTION_STATUSES) that still need doing."""


@dataclass(frozen=True)
class SplitStatement:
    """A statement where the room is split (the rule in scoring._split_gaps), with how many people
    chose each level."""

    statement_id: str
    statement: str
    area: str
    score: float | None
    level_counts: dict[Level, int]
    """Every level, in order, with how many people chose it (0 included)."""
    agreed: Level | None = None
    """The level a workshop agreed for it since, if any."""


@dataclass(frozen=True)
class AgreedLevel:
    """The level a workshop agreed for a statement, and why (the rationale is typed text)."""

    statement_id: str
    statement: str
    level: Level
    rationale: str
    area_id: str = ""
    area: str = ""


@dataclass(frozen=True)
class Action:
    description: str
    owner: str
    due_on: date | None
    status: str
    statement_id: str | None
    area_id: str | None
    area: str | None
    """The area's name, from the statement when the action names only a statement."""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


@dataclass(frozen=True)
class WeakArea:
    """One of the weakest areas, with the step the bank gives for its weakest statement."""

    area_id: str
    area: str
    score: float
    stage: Level
    statement_id: str
    """The area's weakest statement (results.weakest_statements' order)."""
    statement: str
    statement_score: float
    next_step: NextStep | None
    """None when the bank gives no steps (version 1)."""
    thin: bool = False
    """Few of the answers people could have given in this area were given (participation.py)."""


@dataclass(frozen=True)
class AreaLevels:
    """One row of the board's matrix."""

    area_id: str
    area: str
    score: float | None
    stage: Level | None
    agreed: tuple[AgreedLevel, ...]
    target: float | None
    """The average of the middle target set for each of its statements that has one
    (results.target_gaps), as an area's score is the average of its statements' scores."""
    targets_set: int
    """How many targets, over all its statements, the target rests on."""
    splits: tuple[str, ...]
    """Ids of its split statements."""
    open_actions: int

    @property
    def target_stage(self) -> Level | None:
        return stage_of(self.target) if self.target is not None else None


@dataclass(frozen=True)
class BoardPage:
    weakest_areas: tuple[WeakArea, ...]
    splits: tuple[SplitStatement, ...]
    """Every split statement, widest split first."""
    agreed: tuple[AgreedLevel, ...]
    """Every agreed level, in the bank's order."""
    actions: tuple[Action, ...]
    """Every action, in the order they were recorded."""
    matrix: tuple[AreaLevels, ...]
    """Every area, in the bank's order."""

    @property
    def open_actions(self) -> tuple[Action, ...]:
        """Actions still to do, soonest due first (those with no date last), then as recorded."""
        still_to_do = [action for action in self.actions if action.is_open]
        return tuple(sorted(still_to_do, key=lambda action: (action.due_on is None,
                                                             action.due_on or date.min)))


def board_page(store: StoreView, results: RoundResults) -> BoardPage:
    """The board's page of a round whose statement detail the caller may see."""
    if results.detail_hidden:
        raise ValueError("a round shown as its summary only has no board page")
    round_id = results.round.id
    actions = round_actions(store.actions(round_id), results)
    agreed = agreed_levels(store.current_consensus([round_id]), results)
    splits = split_statements(results, agreed)
    return BoardPage(
        weakest_areas=weakest_areas(results),
        splits=splits,
        agreed=agreed,
        actions=actions,
        matrix=area_matrix(results, agreed, splits, actions),
    )


def weakest_areas(results: RoundResults, count: int = FIRST_SHOWN) -> tuple[WeakArea, ...]:
    """The `count` lowest-scoring areas (among equal scores, the bank's order), each with its
    weakest statement and the bank's next step from it."""
    areas = results.areas.dropna(subset=["score"]).sort_values(["score", "area_position"],
                                                               kind="stable")
    ranked = weakest_statements(results)
    thin = set(results.participation.thin_areas)
    found = []
    for area in areas.itertuples():
        in_area = ranked[ranked["area_id"] == area.area_id]
        if in_area.empty:
            continue
        weakest = in_area.iloc[0]
        found.append(WeakArea(
            area_id=str(area.area_id), area=str(area.area), score=float(area.score),
            stage=stage_of(float(area.score)), statement_id=str(weakest["statement_id"]),
            statement=str(weakest["statement"]), statement_score=float(weakest["score"]),
            next_step=next_step(results.bank, str(weakest["statement_id"]),
                                float(weakest["score"])),
            thin=str(area.area) in thin))
        if len(found) == count:
            break
    return tuple(found)


def split_statements(results: RoundResults,
                     agreed: tuple[AgreedLevel, ...] = ()) -> tuple[SplitStatement, ...]:
    """Split statements, widest split first, each with its count of people per level."""
    answers = results.answers
    levels = answers.assign(level=pd.to_numeric(answers["level"], errors="coerce")).dropna(
        subset=["level"])
    agreed_at = {each.statement_id: each.level for each in agreed}
    split = []
    for row in disagreements(results).itertuples():
        chosen = levels.loc[levels["statement_id"] == row.statement_id, "level"].astype(int)
        counts = chosen.value_counts()
        split.append(SplitStatement(
            statement_id=str(row.statement_id), statement=str(row.statement),
            area=str(row.area), score=float(row.score) if pd.notna(row.score) else None,
            level_counts={level: int(counts.get(int(level), 0)) for level in LEVELS},
            agreed=agreed_at.get(str(row.statement_id))))
    return tuple(split)


def counts_in_words(level_counts: dict[Level, int]) -> str:
    """"6 Emerging, 7 Thriving": how many people chose each level somebody chose, lowest
    first."""
    return ", ".join(f"{count} {level.label}" for level, count in level_counts.items() if count)


def agreed_levels(consensus: pd.DataFrame, results: RoundResults) -> tuple[AgreedLevel, ...]:
    """Agreed levels in the bank's order of statements."""
    text = results.statements.set_index("statement_id")
    rows = consensus[consensus["statement_id"].isin(text.index)].copy()
    rows["position"] = rows["statement_id"].map(text["position"])
    return tuple(
        AgreedLevel(statement_id=str(row.statement_id),
                    statement=str(text.at[row.statement_id, "statement"]),
                    level=Level(int(row.level)), rationale=text_of(row.rationale),
                    area_id=str(text.at[row.statement_id, "area_id"]),
                    area=str(text.at[row.statement_id, "area"]))
        for row in rows.sort_values("position").itertuples())


def round_actions(actions: pd.DataFrame, results: RoundResults) -> tuple[Action, ...]:
    """The round's actions in the order they were recorded, each placed in its area: the one it
    names, or else the area of the statement it names."""
    bank = results.bank
    gathered = []
    for row in actions.itertuples():
        statement_id = text_of(row.statement_id) or None
        area_id = text_of(row.area_id) or None
        if area_id is None and statement_id in bank.statements_by_id:
            area_id = bank.statements_by_id[statement_id].area
        area = bank.areas_by_id.get(area_id) if area_id else None
        gathered.append(Action(
            description=text_of(row.description), owner=text_of(row.owner),
            due_on=pd.Timestamp(row.due_on).date() if pd.notna(row.due_on) else None,
            status=text_of(row.status), statement_id=statement_id, area_id=area_id,
            area=area.name if area else None))
    return tuple(gathered)


def area_matrix(results: RoundResults, agreed: tuple[AgreedLevel, ...],
                splits: tuple[SplitStatement, ...],
                actions: tuple[Action, ...]) -> tuple[AreaLevels, ...]:
    """Each area in the bank's order: its score and stage now, the levels agreed in it, its
    target, its split statements and how many of its actions are still open."""
    targets = target_gaps(results).merge(results.statements[["statement_id", "area_id"]],
                                         on="statement_id")
    area_of = dict(zip(results.statements["statement_id"], results.statements["area_id"],
                       strict=True))
    rows = []
    for area in results.areas.itertuples():
        in_area = targets[targets["area_id"] == area.area_id]
        target = float(in_area["target"].mean()) if not in_area.empty else None
        score = float(area.score) if pd.notna(area.score) else None
        rows.append(AreaLevels(
            area_id=str(area.area_id), area=str(area.area), score=score,
            stage=stage_of(score) if score is not None else None,
            agreed=tuple(each for each in agreed if each.area_id == area.area_id),
            target=target, targets_set=int(in_area["targets_set"].sum()),
            splits=tuple(s.statement_id for s in splits
                         if area_of.get(s.statement_id) == area.area_id),
            open_actions=sum(1 for action in actions
                             if action.is_open and action.area_id == area.area_id)))
    return tuple(rows)


def text_of(value: object) -> str:
    """A stored text field as a string; a missing value (None or NaN) as ""."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def shortened(text: str, limit: int) -> str:
    """The text on one line, cut at a word before `limit` characters with "…" when longer."""
    kept, cut = clipped(" ".join(text.split()), limit)
    if not cut:
        return kept
    if " " in kept:
        kept = kept.rsplit(" ", 1)[0]
    return kept.rstrip(" ,;:.") + "…"
