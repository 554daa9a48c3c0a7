"""Who may call each Store method, declared on the method itself: the access it needs and the
argument that names the record it is about. The ScopedStore (access/scoped_store.py) reads these
rules and checks every call against the caller's roles and codes; a method with no rule cannot be
called through it at all (tests/test_access_rules.py checks every public method has one).

    @for_round(Access.READ)
    def actions(self, round_id: int) -> pd.DataFrame: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Access(IntEnum):
    """What a caller may do with one collaborative; each level includes those below it."""

    NONE = 0
    ANSWER = 1       # see the collaborative's name and the round they answer in, nothing more
    READ = 2         # its named results, respondents (as counts and roles), workshops, actions
    FACILITATE = 3   # run its workshops, record consensus and actions
    MANAGE = 4       # change its profile, rounds, members, imports


class Scope(StrEnum):
    """What a method's access is checked against."""

    OPEN = "open"
    """Reads nothing about any one collaborative."""
    COLLABORATIVE = "collaborative"
    ROUND = "round"
    ROUNDS = "rounds"
    """Every round in a list argument."""
    WORKSHOP = "workshop"
    RECORD = "record"
    """Another record (an action, a member, an import), through the collaborative that owns it."""
    OWN_ROWS = "own_rows"
    """People's answers: in full with READ; with only a code, the caller's own rows."""
    ACROSS = "across"
    """Figures over many collaboratives: the filter is narrowed to those the caller may read."""
    CALLER = "caller"
    """The ScopedStore has a method of its own for this (codes, seats, invitations, peers)."""
    ADMIN = "admin"
    """Administrators' tools on the database as a whole."""


@dataclass(frozen=True)
class Rule:
    scope: Scope
    needs: Access = Access.NONE
    argument: str | None = None
    """The argument naming the record the access is checked against."""
    record: str | None = None
    """For Scope.RECORD: which kind of record ("action", "member", "import")."""
    staff_input: bool = False
    """The method takes an input whose who-fields (recorded_by...) are the signed-in person."""


RULE_ATTRIBUTE = "__access_rule__"


def declare(rule: Rule) -> Callable[[F], F]:
    def mark(method: F) -> F:
        setattr(method, RULE_ATTRIBUTE, rule)
        return method

    return mark


def rule_of(method: object) -> Rule | None:
    """The rule declared on a method (None when it has none)."""
    return getattr(method, RULE_ATTRIBUTE, None)


open_to_all = declare(Rule(Scope.OPEN))
admin_only = declare(Rule(Scope.ADMIN))
checked_by_caller = declare(Rule(Scope.CALLER))
across_collaboratives = declare(Rule(Scope.ACROSS, argument="selection"))


def for_collaborative(needs: Access, argument: str = "collaborative_id") -> Callable[[F], F]:
    return declare(Rule(Scope.COLLABORATIVE, needs, argument))


def for_round(needs: Access, argument: str = "round_id", *,
              staff_input: bool = False) -> Callable[[F], F]:
    return declare(Rule(Scope.ROUND, needs, argument, staff_input=staff_input))


def for_rounds(needs: Access, argument: str = "round_ids") -> Callable[[F], F]:
    return declare(Rule(Scope.ROUNDS, needs, argument))


def for_workshop(needs: Access, argument: str = "workshop_id") -> Callable[[F], F]:
    return declare(Rule(Scope.WORKSHOP, needs, argument))


def for_record(record: str, needs: Access, *, staff_input: bool = False) -> Callable[[F], F]:
    return declare(Rule(Scope.RECORD, needs, f"{record}_id", record, staff_input))


def own_rows(column: str = "respondent_id") -> Callable[[F], F]:
    return declare(Rule(Scope.OWN_ROWS, Access.READ, column))
