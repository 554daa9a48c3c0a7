"""Who is using the app, and what their roles let them do with each collaborative.

Local mode has one trusted user who may do everything. In shared mode a person signs in, and their
role grants (kept in DuckDB, managed by an admin) decide what they may see and do. People who answer
or vote need no account: a resume code, a workshop code or an invitation link is their key, and
the ScopedStore (scoped_store.py) opens only what that key opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from collab_assess.store.grants import Grant, Role
from collab_assess.store.rules import Access

_ACCESS_OF_ROLE = {
    Role.ADMIN: Access.MANAGE,
    Role.LEAD: Access.MANAGE,
    Role.FACILITATOR: Access.FACILITATE,
    Role.REGIONAL: Access.READ,
}


class Mode(StrEnum):
    LOCAL = "local"
    SHARED = "shared"


@dataclass(frozen=True)
class Caller:
    """The person behind a request. `name` is what the record says they did things as."""

    name: str
    mode: Mode
    signed_in: bool = False
    grants: tuple[Grant, ...] = field(default=())
    settings_admin: bool = False
    """Named an administrator by the server's settings, whatever the database's grants say."""

    @classmethod
    def local(cls, name: str = "app user") -> Caller:
        return cls(name=name, mode=Mode.LOCAL)

    @classmethod
    def visitor(cls) -> Caller:
        """Shared mode, not signed in: only what a code or invitation opens."""
        return cls(name="visitor", mode=Mode.SHARED)

    @classmethod
    def signed_in_as(cls, email: str, grants: tuple[Grant, ...], *,
                     settings_admin: bool = False) -> Caller:
        return cls(name=email, mode=Mode.SHARED, signed_in=True, grants=tuple(grants),
                   settings_admin=settings_admin)

    @property
    def is_admin(self) -> bool:
        return (self.mode is Mode.LOCAL or self.settings_admin
                or any(g.role is Role.ADMIN for g in self.grants))

    @property
    def roles(self) -> frozenset[Role]:
        if self.mode is Mode.LOCAL:
            return frozenset(Role)
        return frozenset(g.role for g in self.grants) | (
            {Role.ADMIN} if self.settings_admin else set())

    @property
    def has_access(self) -> bool:
        """Signed in with at least one role (or local): may use more than code-opened pages."""
        return self.mode is Mode.LOCAL or self.settings_admin or bool(self.grants)

    def access_to(self, collaborative_id: int, region: str | None) -> Access:
        """The most this caller's roles allow with one collaborative (codes add to it elsewhere)."""
        if self.is_admin:
            return Access.MANAGE
        levels = [_ACCESS_OF_ROLE[g.role] for g in self.grants
                  if g.covers(collaborative_id, region)]
        return max(levels, default=Access.NONE)

    def scope_key(self) -> tuple:
        """Equal for callers who see the same things: safe to share cached figures between them."""
        if self.is_admin:
            return ("everything",)
        return tuple(sorted((g.role.value, g.collaborative_id or 0, g.region or "")
                            for g in self.grants))
