"""The room's votes on a workshop statement: the live count, and the votes each reveal may show
(content/anonymity.reveal_discloses). Votes are answers in the workshop's round (source
"workshop"), so the round's results include them once revealed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from collab_assess.assessment.scoring import DISAGREEMENT_GAP, split_size
from collab_assess.assessment.small_groups import group_roles_for_counts
from collab_assess.content.anonymity import MIN_GROUP_SIZE
from collab_assess.content.scale import (
    LEVELS,
    STATEMENT_PLACES,
    Unscored,
    level_label,
    score_text,
    stage_of,
)
from collab_assess.content.workshop_phases import Workshop
from collab_assess.store.view import StoreView

CHOICES = [*(level_label(level) for level in LEVELS), Unscored.DONT_KNOW.label]


class Shown(StrEnum):
    """What a statement's reveals have let the room see (anonymity.reveal_discloses)."""

    NOT_REVEALED = "not_revealed"
    SHOWN = "shown"
    TOO_FEW = "too_few"
    """Revealed, but fewer than MIN_GROUP_SIZE people voted: no votes are shown."""
    EARLIER_SHOWN = "earlier_shown"
    """Revealed again after voting reopened, with fewer than MIN_GROUP_SIZE new votes: the
    earlier reveal's votes are shown, and the newer ones are not (comparing the two would give
    them away)."""

    def describe(self, held_back: int = 0) -> str:
        return {
            "not_revealed": "Not revealed yet: no votes are shown.",
            "shown": "Shown.",
            "too_few": f"Fewer than {MIN_GROUP_SIZE} people voted, so no votes are shown.",
            "earlier_shown": (
                f"The votes shown are those of the earlier reveal: {held_back} later "
                f"vote{'s' if held_back != 1 else ''} will show once at least {MIN_GROUP_SIZE} "
                "new votes have come in, so that nobody's vote can be worked out by comparing "
                "the two."),
        }[self.value]


@dataclass(frozen=True)
class RevealState:
    shown: Shown
    held_back: int = 0
    """Votes since the last reveal that was shown, not shown (EARLIER_SHOWN only)."""

    @property
    def any_shown(self) -> bool:
        return self.shown in (Shown.SHOWN, Shown.EARLIER_SHOWN)

    def describe(self) -> str:
        return self.shown.describe(self.held_back)


def reveal_state(reveals: pd.DataFrame, statement_id: str) -> RevealState:
    """What the latest reveal of a statement allows to be shown (reveals:
    Store.workshop_reveals)."""
    mine = reveals[reveals["statement_id"] == statement_id].sort_values("reveal_version")
    if mine.empty:
        return RevealState(Shown.NOT_REVEALED)
    latest = mine.iloc[-1]
    if bool(latest["disclosed"]):
        return RevealState(Shown.SHOWN)
    if bool(mine["disclosed"].any()):
        return RevealState(Shown.EARLIER_SHOWN, held_back=int(latest["new_voters"]))
    return RevealState(Shown.TOO_FEW)


@dataclass(frozen=True)
class Tally:
    """The room on one statement: how many joined and voted (counts only, shown live), and the
    votes its reveals have shown. Never who voted what."""

    participants: int
    voted: int
    """People who have voted on the statement so far (live; never split by choice)."""
    state: RevealState
    shown_votes: int
    """Votes the reveals have shown (0 unless state.any_shown)."""
    counts: pd.DataFrame
    """choice (the four levels then Don't know), votes: always all five rows (zeros when none
    is shown)."""
    median: float | None
    split: bool
    roles: pd.DataFrame
    """role (a role group: see small_groups.group_roles_for_counts), choice, votes; largest group
    first. Never a group of fewer than MIN_GROUP_SIZE voters, nor one whose votes the room's counts
    minus the other groups' would give away."""
    roles_hidden: int
    """Voters not shown in any role group (only when even together they are too few)."""


def choice_of(level, unscored) -> str | None:
    if level is not None and not pd.isna(level):
        return level_label(int(level))
    if unscored == Unscored.DONT_KNOW.value:
        return Unscored.DONT_KNOW.label
    return None  # Not applicable is not offered in a workshop


def room_is_split(levels: list[int]) -> bool:
    """The same rule as the round's results (scoring.py): at least a quarter of the room, and at
    least two people once four have voted, two or more levels below as many others."""
    if not levels:
        return False
    ordered = sorted(levels)
    k = int(split_size(pd.Series([len(ordered)])).iloc[0])
    return ordered[-k] - ordered[k - 1] >= DISAGREEMENT_GAP


def tally(shown_votes: pd.DataFrame, state: RevealState, participants: int = 0,
          voted: int = 0) -> Tally:
    """The tally of one statement. shown_votes: Store.shown_workshop_votes rows of that statement
    (role, level, unscored, votes); state: its reveal_state. Nothing of the votes is in the tally
    unless the state lets them be shown."""
    votes = shown_votes[shown_votes["votes"] > 0].copy() if state.any_shown else (
        shown_votes.iloc[0:0].copy())
    votes["choice"] = [choice_of(level, unscored)
                       for level, unscored in zip(votes["level"], votes["unscored"], strict=True)]
    votes = votes.dropna(subset=["choice"])
    counts = votes.groupby("choice")["votes"].sum().reindex(CHOICES, fill_value=0)
    counts = counts.rename_axis("choice").reset_index()
    levels = [int(level) for level, n in zip(votes["level"], votes["votes"], strict=True)
              if not pd.isna(level) for _ in range(int(n))]
    voters_by_role = votes.groupby("role")["votes"].sum()
    groups = group_roles_for_counts({str(role): int(n) for role, n in voters_by_role.items()})
    grouped = votes.assign(role=votes["role"].map(groups.group_of)).dropna(subset=["role"])
    order = {group: i for i, group in enumerate(groups.sizes)}
    roles = (grouped.groupby(["role", "choice"], as_index=False)["votes"].sum()
             .sort_values("role", key=lambda column: column.map(order), kind="stable"))
    return Tally(
        participants=participants,
        voted=voted,
        state=state,
        shown_votes=int(votes["votes"].sum()),
        counts=counts.astype({"votes": "int64"}),
        median=float(pd.Series(levels).median()) if levels else None,
        split=room_is_split(levels),
        roles=roles[["role", "choice", "votes"]].reset_index(drop=True),
        roles_hidden=groups.not_shown,
    )


def statement_tally(store: StoreView, workshop: Workshop, statement_id: str | None = None) -> Tally:
    """The tally of a workshop statement (the one on screen by default), read from the store."""
    statement_id = statement_id or workshop.statement_id
    shown = store.shown_workshop_votes(workshop.id)
    joined, voted = store.workshop_room(workshop.id)
    state = reveal_state(store.workshop_reveals(workshop.id), statement_id)
    return tally(shown[shown["statement_id"] == statement_id], state, joined,
                 voted if statement_id == workshop.statement_id else 0)


def median_label(median: float | None) -> str:
    """The room's middle vote in words. A middle between two levels reads as the lower one, as a
    statement's score does (scale.ON_THE_LINE)."""
    if median is None:
        return "no levels given"
    if median == math.floor(median):
        return level_label(int(median))
    return (f"{score_text(median, STATEMENT_PLACES)}, between {level_label(math.floor(median))} "
            f"and {level_label(math.ceil(median))}: read as {stage_of(median).label}")
