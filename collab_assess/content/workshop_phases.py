"""The rules of a facilitated board workshop's steps: its phases, what the facilitator may do in
each, and its join codes. Pure rules with no database: the Store applies them inside its
transactions (store/workshops.py), and workshop/tally.py shows the room's votes.

A workshop walks through chosen statements one at a time. On each, the facilitator opens voting,
closes it, and only then reveals the results, so early votes cannot sway later ones.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from enum import StrEnum

from collab_assess.content.codes import ALPHABET
from collab_assess.errors import InputError

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
