"""What the Store hands back for a single collaborative, round or respondent."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from collab_assess.errors import NotFoundError
from collab_assess.store.inputs import CollaborativeProfile

if TYPE_CHECKING:
    from collab_assess.store.database import Database


@dataclass(frozen=True)
class Collaborative:
    id: int
    name: str
    region: str | None
    icss: tuple[str, ...]
    collaborative_type: str | None
    governance_model: str | None
    decision_mechanisms: tuple[str, ...]
    is_demo: bool

    def profile(self) -> CollaborativeProfile:
        return CollaborativeProfile(
            name=self.name,
            region=self.region,
            icss=self.icss,
            collaborative_type=self.collaborative_type,
            governance_model=self.governance_model,
            decision_mechanisms=self.decision_mechanisms,
        )


@dataclass(frozen=True)
class Round:
    id: int
    collaborative_id: int
    label: str
    opens_on: date
    closes_on: date | None
    status: str
    bank_version: int

    @property
    def is_open(self) -> bool:
        return self.status == "open"


@dataclass(frozen=True)
class Respondent:
    id: int
    round_id: int
    role: str
    organisation: str
    display_name: str
    resume_code: str
    number: int
    """Order of joining within the round (1, 2, ...): shown instead of the database id, which
    counts everyone in every collaborative."""
    kind: str = "self"
    """'self' (joined the self-assessment, or an import) or 'seat' (an anonymous workshop seat)."""

    @property
    def is_seat(self) -> bool:
        return self.kind == "seat"

    @property
    def label(self) -> str:
        who = self.display_name or f"Participant {self.number}"
        where = f", {self.organisation}" if self.organisation else ""
        return f"{who} ({self.role}{where})"


RESPONDENT_SQL = """
    SELECT id, round_id, role, organisation, display_name, resume_code,
        (SELECT count(*) FROM respondents earlier
         WHERE earlier.round_id = r.round_id AND earlier.id <= r.id) AS number, kind
    FROM respondents r
"""
"""A Respondent's row: continue with a WHERE clause on r."""


def respondent_by_id(database: Database, respondent_id: int) -> Respondent:
    row = database._one(RESPONDENT_SQL + " WHERE id = ?", [respondent_id])
    if row is None:
        raise NotFoundError(f"There is no respondent number {respondent_id}.")
    return Respondent(*row)
