"""The rules of a facilitated board workshop: its phases, what the facilitator may do in each, and
the live tally of the room's votes.

A workshop walks through chosen statements one at a time. On each, the facilitator opens voting,
closes it, and only then reveals the results, so early votes cannot sway later ones. Votes are
answers in the workshop's round (source "workshop"), so the round's results include them.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from collab_assess.errors import InputError
from collab_assess.resume_code import ALPHABET
from collab_assess.scale import LEVELS, Unscored, level_label
from collab_assess.scoring import DISAGREEMENT_GAP, split_size
from collab_assess.small_groups import group_roles_for_counts

JOIN_CODE_LENGTH = 6


class Phase(StrEnum):
    WAITING = "waiting"
    """The statement is on screen; voting has not opened."""
    VOTING = "voting"
    CLOSED = "closed"
    """Voting has closed; the results are still hidden."""
    REVEALED = "revealed"
    ENDED = "ended"

    @property
    def describe(self) -> str:
        return {
            "waiting": "Voting not open yet",
            "voting": "Voting is open",
            "closed": "Voting closed, results hidden",
            "revealed": "Results shown",
            "ended": "Workshop ended",
        }[self.value]


class Move(StrEnum):
    OPEN = "open"
    CLOSE = "close"
    REVEAL = "reveal"
    GO_TO = "go_to"
    END = "end"


class WorkshopStateError(InputError):
    """A facilitator's step that does not fit the workshop's state (or a stale screen's step)."""


def new_join_code() -> str:
    """A short code to type from a slide: no letters or digits that are easy to misread."""
    return "".join(secrets.choice(ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str | None:
    letters = "".join((typed or "").split()).replace("-", "").upper()
    if len(letters) != JOIN_CODE_LENGTH or any(c not in ALPHABET for c in letters):
        return None
    return letters


@dataclass(frozen=True)
class Workshop:
    id: int
    round_id: int
    collaborative_id: int
    join_code: str
    title: str
    position: int
    phase: Phase
    version: int
    statement_ids: tuple[str, ...]

    @property
    def statement_id(self) -> str:
        return self.statement_ids[self.position]

    @property
    def is_live(self) -> bool:
        return self.phase != Phase.ENDED


def next_state(workshop: Workshop, move: Move, position: int | None = None) -> tuple[Phase, int]:
    """Where the facilitator's step takes the workshop, or WorkshopStateError saying why not."""
    phase = workshop.phase
    if phase == Phase.ENDED:
        raise WorkshopStateError("This workshop has ended. Start a new one to vote again.")
    if move == Move.OPEN:
        if phase == Phase.VOTING:
            raise WorkshopStateError("Voting is already open on this statement.")
        return Phase.VOTING, workshop.position
    if move == Move.CLOSE:
        if phase != Phase.VOTING:
            raise WorkshopStateError("Voting is not open, so there is nothing to close.")
        return Phase.CLOSED, workshop.position
    if move == Move.REVEAL:
        if phase != Phase.CLOSED:
            raise WorkshopStateError(
                "Close voting before revealing the results, so early votes cannot sway later ones."
                if phase == Phase.VOTING else "There are no closed votes to reveal yet."
            )
        return Phase.REVEALED, workshop.position
    if move == Move.GO_TO:
        if position is None or not 0 <= position < len(workshop.statement_ids):
            raise WorkshopStateError("There is no statement there in this workshop.")
        return Phase.WAITING, position
    return Phase.ENDED, workshop.position


def ends_voting(before: Phase, after: Phase) -> bool:
    return before == Phase.VOTING and after != Phase.VOTING


CHOICES = [*(level_label(level) for level in LEVELS), Unscored.DONT_KNOW.label]


@dataclass(frozen=True)
class Tally:
    """The room's votes on the statement on screen. Counts only: never who voted what."""

    participants: int
    voted: int
    counts: pd.DataFrame
    """choice (the four levels then Don't know), votes: always all five rows."""
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


def tally(rows: pd.DataFrame) -> Tally:
    """The live tally from the store's rows: role, level, unscored, joined, votes (see
    Store.workshop_tally_rows)."""
    joined = int(rows["joined"].sum())
    votes = rows[rows["votes"] > 0].copy()
    votes["choice"] = [choice_of(level, unscored)
                       for level, unscored in zip(votes["level"], votes["unscored"])]
    votes = votes.dropna(subset=["choice"])
    counts = votes.groupby("choice")["votes"].sum().reindex(CHOICES, fill_value=0)
    counts = counts.rename_axis("choice").reset_index()
    levels = [int(level) for level, n in zip(votes["level"], votes["votes"])
              if not pd.isna(level) for _ in range(int(n))]
    voters_by_role = votes.groupby("role")["votes"].sum()
    groups = group_roles_for_counts({str(role): int(n) for role, n in voters_by_role.items()})
    grouped = votes.assign(role=votes["role"].map(groups.group_of)).dropna(subset=["role"])
    order = {group: i for i, group in enumerate(groups.sizes)}
    roles = (grouped.groupby(["role", "choice"], as_index=False)["votes"].sum()
             .sort_values("role", key=lambda column: column.map(order), kind="stable"))
    return Tally(
        participants=joined,
        voted=int(votes["votes"].sum()),
        counts=counts.astype({"votes": "int64"}),
        median=float(pd.Series(levels).median()) if levels else None,
        split=room_is_split(levels),
        roles=roles[["role", "choice", "votes"]].reset_index(drop=True),
        roles_hidden=groups.not_shown,
    )


def median_label(median: float | None) -> str:
    if median is None:
        return "no levels given"
    if median == math.floor(median):
        return level_label(int(median))
    return f"{median:.1f}, between {level_label(math.floor(median))} and {level_label(math.ceil(median))}"
