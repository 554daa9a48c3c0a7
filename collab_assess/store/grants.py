"""Roles and the grants that give them: who may see and do what in shared mode (kept by
roles.py). Plain records, so the access layer above the store and the store itself share them."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    REGIONAL = "regional"
    LEAD = "lead"
    FACILITATOR = "facilitator"


ROLE_NAMES = {
    Role.ADMIN: "Administrator",
    Role.REGIONAL: "Regional team",
    Role.LEAD: "Collaborative lead",
    Role.FACILITATOR: "Workshop facilitator",
}

ROLE_HELP = {
    Role.ADMIN: "Everything: every collaborative, people and roles, the audit log, backups.",
    Role.REGIONAL: "Reads the results of named collaboratives, or of every collaborative in a "
                   "region, and benchmarks them side by side. Changes nothing.",
    Role.LEAD: "Runs their own collaborative in full: profile, rounds, invitations, imports, "
               "workshops, consensus and actions. Sees peers only as anonymous figures.",
    Role.FACILITATOR: "Runs board workshops for a collaborative and reads its results.",
}


@dataclass(frozen=True)
class Grant:
    """One role, for one collaborative or (regional teams) for every collaborative in a region.
    An admin grant has neither: it covers everything."""

    role: Role
    collaborative_id: int | None = None
    region: str | None = None

    def covers(self, collaborative_id: int, region: str | None) -> bool:
        if self.role is Role.ADMIN:
            return True
        if self.collaborative_id is not None:
            return self.collaborative_id == collaborative_id
        return self.region is not None and self.region == region
