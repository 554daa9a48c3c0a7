"""The Store as one caller may use it: every read and write checks the caller's roles and keys,
and lists come back filtered to what they may see, so no page can show what this will not return.

Rules, from least to most:
- a resume code, a workshop seat or an invitation link opens one person's own answers, or the
  joining of one round or workshop (Access.ANSWER), never anyone else's;
- roles give READ, FACILITATE or MANAGE on collaboratives (identity.py);
- anything not named here is for administrators only, so a new Store method is closed until a
  rule for it is written.
Peers are reached only through peer_comparison, which returns anonymous aggregates with the peer
threshold applied (collab_assess/benchmark.py).
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date
from typing import Any

import pandas as pd

from collab_assess.access.identity import Caller, Mode
from collab_assess.assessment.participation import headcount
from collab_assess.content.anonymity import (
    SMALL_ROUND_NOTE,
    aggregate_shown,
    statement_detail_visible,
    too_few_unseen,
)
from collab_assess.errors import CollabAssessError, NotFoundError
from collab_assess.store import Collaborative, Respondent, Round, RoundFilter, Store
from collab_assess.store.benchmarks import EnglandSummary
from collab_assess.store.rules import Access, Rule, Scope, rule_of

GRANTS_FRESH_FOR = 0.5  # seconds: one page run makes all its checks well within this


class AccessDenied(CollabAssessError):
    """The caller's role does not allow this; nothing was read or changed."""


class CodeExpired(NotFoundError):
    """A right code whose round has closed: not a wrong guess, so it is not slowed down."""


DENIED = ("Your role does not allow this, so nothing was shown or changed. Ask your collab-assess "
          "administrator if you need it.")
CLOSED_ROUND_CODE = ("That round has closed, so its resume codes no longer open answers. The "
                     "answers are kept; the collaborative's lead can show you its results.")

# What staff record as "who did this": in shared mode, the signed-in address, whatever was typed.
_WHO_ARGUMENTS = ("created_by", "changed_by", "opened_by", "closed_by", "reopened_by",
                  "added_by", "removed_by", "moved_by", "imported_by")
_WHO_FIELDS = ("recorded_by", "changed_by", "started_by")


class ScopedStore:
    """Store methods for one caller. Attributes other than the checked methods are not offered."""

    def __init__(self, store: Store, caller: Caller, *,
                 clock: Callable[[], float] = time.monotonic):
        self._store = store
        self._caller = caller
        self._clock = clock
        self._grants_read_at = clock()
        self._own_respondents: dict[int, Respondent] = {}
        self._invited_rounds: set[int] = set()
        self._joinable_workshops: set[int] = set()
        # Which collaborative owns a round, and each collaborative's region: looked up once per
        # page run, not once per check (a ScopedStore serves one run and the clicks on its page).
        self._round_owners: dict[int, int] = {}
        self._regions: dict[int, str | None] = {}

    @property
    def caller(self) -> Caller:
        """Who is calling, with their grants as the database holds them now. A page's buttons run
        on the next page run with the store of the run before, so grants are read again when
        they are older than a moment: a role taken away stops working at once, even on a page
        that was already open."""
        caller = self._caller
        if caller.signed_in and self._clock() - self._grants_read_at > GRANTS_FRESH_FOR:
            self._caller = replace(caller, grants=self._store.grants_for(caller.name))
            self._grants_read_at = self._clock()
        return self._caller

    @property
    def path(self):
        return self._store.path

    def admin_store(self) -> Store:
        """The whole Store, for administrators' tools (backups, restores) that work on the
        database file itself."""
        if not self.caller.is_admin:
            raise AccessDenied(DENIED)
        return self._store

    # -- keys: codes and invitations ------------------------------------------------------------

    def find_respondent(self, typed_code: str) -> Respondent:
        """A resume code opens its owner's answers (in shared mode, while their round is open)."""
        respondent = self._store.find_respondent(typed_code)
        if (self.caller.mode is Mode.SHARED
                and not self._store.get_round(respondent.round_id).is_open):
            raise CodeExpired(CLOSED_ROUND_CODE)
        self._own_respondents[respondent.id] = respondent
        return respondent

    def find_workshop(self, typed_code: str):
        workshop = self._store.find_workshop(typed_code)  # ended workshops' codes are not found
        self._joinable_workshops.add(workshop.id)
        return workshop

    def find_invited_round(self, token: str) -> Round:
        assessment_round = self._store.find_invited_round(token)
        self._invited_rounds.add(assessment_round.id)
        return assessment_round

    def add_respondent(self, round_id: int, respondent) -> int:
        if round_id not in self._invited_rounds:  # staff may answer without the link
            self._require_round(round_id, Access.FACILITATE)
        new_id = self._store.add_respondent(round_id, respondent)
        self._own_respondents[new_id] = self._store.get_respondent(new_id)
        return new_id

    def join_workshop(self, workshop_id: int, who) -> Respondent:
        if workshop_id not in self._joinable_workshops:
            self._require_collaborative(self._store.get_workshop(workshop_id).collaborative_id,
                                        Access.FACILITATE)
        respondent = self._store.join_workshop(workshop_id, who)
        self._own_respondents[respondent.id] = respondent
        return respondent

    def join_workshop_as(self, workshop_id: int, respondent_id: int) -> Respondent:
        """Join a workshop as oneself: the respondent must be the caller's own (found by their
        resume code), and the workshop one whose code they typed (or that staff may run)."""
        self._require_own(respondent_id)
        if workshop_id not in self._joinable_workshops:
            self._require_collaborative(self._store.get_workshop(workshop_id).collaborative_id,
                                        Access.FACILITATE)
        respondent = self._store.join_workshop_as(workshop_id, respondent_id)
        self._own_respondents[respondent.id] = respondent
        return respondent

    # -- one person's own answers and votes -----------------------------------------------------

    def get_respondent(self, respondent_id: int) -> Respondent:
        if respondent_id in self._own_respondents:
            return self._store.get_respondent(respondent_id)
        respondent = self._store.get_respondent(respondent_id)
        self._require_round(respondent.round_id, Access.READ)
        return respondent

    def _require_own(self, respondent_id: int) -> None:
        if not (self.caller.is_admin or respondent_id in self._own_respondents):
            raise AccessDenied("Only the person answering can change their own answers; nothing "
                               "was changed.")

    def record_answer(self, round_id, respondent_id, statement_id, answer):
        self._require_own(respondent_id)
        return self._store.record_answer(round_id, respondent_id, statement_id, answer)

    def change_answer(self, round_id, respondent_id, statement_id, change):
        self._require_own(respondent_id)
        return self._store.change_answer(round_id, respondent_id, statement_id, change)

    def record_self_described_stage(self, round_id, respondent_id, stage):
        self._require_own(respondent_id)
        return self._store.record_self_described_stage(round_id, respondent_id, stage)

    def own_answers(self, round_id: int, respondent_id: int) -> pd.DataFrame:
        self._require_own(respondent_id)
        return self._store.own_answers(round_id, respondent_id)

    def answer_history(self, round_id: int, respondent_id: int | None = None,
                       statement_id: str | None = None) -> pd.DataFrame:
        if respondent_id is None or respondent_id not in self._own_respondents:
            level = self._require_round(round_id, Access.READ)
            self._require_statement_detail(round_id, level)
        return self._store.answer_history(round_id, respondent_id, statement_id)

    def participant_workshop(self, respondent_id: int):
        self._require_own(respondent_id)
        return self._store.participant_workshop(respondent_id)

    def participant_vote(self, workshop_id: int, respondent_id: int) -> pd.DataFrame:
        self._require_own(respondent_id)
        return self._store.participant_vote(workshop_id, respondent_id)

    def cast_vote(self, workshop_id, respondent_id, statement_id, vote):
        self._require_own(respondent_id)
        return self._store.cast_vote(workshop_id, respondent_id, statement_id, vote)

    def _seat_in(self, workshop_id: int) -> bool:
        own_rounds = {r.round_id for r in self._own_respondents.values()}
        return (workshop_id in self._joinable_workshops
                or self._store.get_workshop(workshop_id).round_id in own_rounds)

    def get_workshop(self, workshop_id: int):
        workshop = self._store.get_workshop(workshop_id)
        if not self._seat_in(workshop_id):
            self._require_collaborative(workshop.collaborative_id, Access.READ)
        return workshop

    def workshop_room(self, workshop_id: int) -> tuple[int, int]:
        """How many joined and voted (counts only), which participants may see too."""
        if not self._seat_in(workshop_id):
            self._require_collaborative(self._store.get_workshop(workshop_id).collaborative_id,
                                        Access.READ)
        return self._store.workshop_room(workshop_id)

    # -- collaboratives the caller may see ------------------------------------------------------

    def collaboratives(self, *, include_demo: bool = True) -> pd.DataFrame:
        frame = self._store.collaboratives(include_demo=include_demo)
        if self.caller.is_admin:
            return frame
        readable = [self._access(int(row.id), row.region) >= Access.READ
                    for row in frame.itertuples()]
        return frame[readable].reset_index(drop=True)

    def all_rounds(self) -> pd.DataFrame:
        frame = self._store.all_rounds()
        if self.caller.is_admin:
            return frame
        allowed = self._readable_ids()
        return frame[frame["collaborative_id"].isin(allowed)].reset_index(drop=True)

    def find_collaborative(self, name: str) -> Collaborative:
        collaborative = self._store.find_collaborative(name)
        if self._access(collaborative.id, collaborative.region) < Access.READ:
            raise NotFoundError(f"There is no collaborative called '{name}' that you may see.")
        return collaborative

    def rounds(self, collaborative_id: int) -> pd.DataFrame:
        level = self._require_collaborative(collaborative_id, Access.ANSWER)
        frame = self._store.rounds(collaborative_id)
        if level >= Access.READ:
            return frame
        return frame[frame["id"].isin(self._answer_rounds())].reset_index(drop=True)

    def benchmark_choices(self) -> pd.DataFrame:
        """The Benchmark filters' values, from the collaboratives this caller may read only."""
        frame = self._store.benchmark_choices()
        if self.caller.is_admin:
            return frame
        if not self.caller.has_access:
            raise AccessDenied(DENIED)
        readable = frame["collaborative_id"].isin(self._readable_ids())
        return frame[readable].reset_index(drop=True)

    def scope_in_words(self) -> str | None:
        """What this caller's roles cover, for pages that list collaboratives (None: everything)."""
        if self.caller.is_admin:
            return None
        names = dict(zip(*[self._store.collaboratives()[c] for c in ("id", "name")], strict=True))
        covered = sorted({f"the {g.region} region" if g.region else names.get(g.collaborative_id,
                          "a collaborative since removed") for g in self.caller.grants})
        return ", ".join(covered) if covered else "nothing yet"

    def peer_comparison(self, collaborative: Collaborative, assessment_round: Round,
                        early_stages, group=None, *, today=None):
        """Anonymous peer figures for a collaborative the caller may read (its profile as the
        day's snapshot holds it is used, so the peer group cannot be bent to single out a
        peer)."""
        self._require_round(assessment_round.id, Access.READ)
        stored = self._store.get_collaborative(assessment_round.collaborative_id)
        return self._store.peer_comparison(stored, self._store.get_round(assessment_round.id),
                                           early_stages, group, today=today)

    def england_summary(self, selection: RoundFilter, statement_ids, area_bank_version: int, *,
                        today: date | None = None) -> EnglandSummary:
        """The England row beside a Benchmark selection. Administrators see it live. Anyone else
        may read only some collaboratives, so it comes from the day's peer snapshot (rounded and
        changing at most once a day, like peer figures), by type and governance model only, and
        is shown only when it covers enough collaboratives they cannot see
        (anonymity.aggregate_shown)."""
        if self.caller.is_admin:
            return self._store.england_summary(selection, statement_ids, area_bank_version,
                                               today=today)
        if not self.caller.has_access:
            raise AccessDenied(DENIED)
        taken_on = self._store.peer_snapshot_on(today or date.today())
        asked = list(statement_ids) if statement_ids is not None else [
            s.id for s in self._store.bank(area_bank_version).statements]
        figures, total, unseen = self._store.snapshot_area_summary(
            taken_on, selection.collaborative_types, selection.governance_models, asked,
            area_bank_version, self._readable_ids())
        if not aggregate_shown(unseen):
            return EnglandSummary(None, total, taken_on, too_few_unseen(unseen))
        return EnglandSummary(figures, total, taken_on, None)

    def statement_detail_allowed(self, round_id: int) -> bool:
        """Whether this caller may see a round's statement-level figures: its own lead always;
        anyone else only when at least MIN_GROUP_SIZE people took part (anonymity.py)."""
        level = self._require_round(round_id, Access.ANSWER)
        if level >= Access.MANAGE:
            return True
        took_part = headcount(self._store.participation([round_id])).took_part
        return statement_detail_visible(took_part, is_the_collaboratives_lead=False)

    def _require_statement_detail(self, round_id: int, level: Access) -> None:
        if level >= Access.READ and level < Access.MANAGE and not (
                self.statement_detail_allowed(round_id)):
            raise AccessDenied(SMALL_ROUND_NOTE)

    def kept_scores(self, round_id: int):
        level = self._require_round(round_id, Access.READ)
        self._require_statement_detail(round_id, level)
        return self._store.kept_scores(round_id)

    def allows(self, round_id: int, needed: Access) -> bool:
        """Whether the caller may do this much with a round's collaborative: pages ask, to
        offer only the controls that would work."""
        try:
            self._require_round(round_id, needed)
        except AccessDenied:
            return False
        return True

    # -- the checks -----------------------------------------------------------------------------

    def _owner_of_round(self, round_id: int) -> int:
        if round_id not in self._round_owners:
            self._round_owners[round_id] = self._store.get_round(round_id).collaborative_id
        return self._round_owners[round_id]

    def _region_of(self, collaborative_id: int) -> str | None:
        if collaborative_id not in self._regions:
            self._regions[collaborative_id] = self._store.get_collaborative(collaborative_id).region
        return self._regions[collaborative_id]

    def _answer_rounds(self) -> set[int]:
        return {r.round_id for r in self._own_respondents.values()} | self._invited_rounds

    def _access(self, collaborative_id: int, region: str | None) -> Access:
        level = self.caller.access_to(collaborative_id, region)
        if level < Access.ANSWER and any(
                self._owner_of_round(r) == collaborative_id for r in self._answer_rounds()):
            return Access.ANSWER
        return level

    def _require_collaborative(self, collaborative_id: int, needed: Access) -> Access:
        if self.caller.is_admin:
            return Access.MANAGE
        try:
            region = self._region_of(collaborative_id)
        except NotFoundError:
            raise AccessDenied(DENIED) from None  # says nothing about which numbers exist
        level = self._access(collaborative_id, region)
        if level < needed:
            raise AccessDenied(DENIED)
        return level

    def _require_round(self, round_id: int, needed: Access) -> Access:
        if self.caller.is_admin:
            return Access.MANAGE
        try:
            collaborative_id = self._owner_of_round(round_id)
        except NotFoundError:
            raise AccessDenied(DENIED) from None
        level = self._require_collaborative(collaborative_id, Access.ANSWER)
        if needed <= Access.ANSWER and round_id in self._answer_rounds():
            return max(level, Access.ANSWER)
        if level < needed or (level == Access.ANSWER and round_id not in self._answer_rounds()):
            raise AccessDenied(DENIED)
        return level

    def _readable_ids(self) -> list[int]:
        frame = self._store.collaboratives()
        return [int(row.id) for row in frame.itertuples()
                if self.caller.access_to(int(row.id), row.region) >= Access.READ]

    def _narrowed(self, selection: RoundFilter) -> RoundFilter:
        if self.caller.is_admin:
            return selection
        allowed = set(self._readable_ids())
        wanted = set(selection.only_collaborative_ids) or allowed
        # -1 matches no collaborative: a caller who may read none gets nothing, not everything.
        return replace(selection, only_collaborative_ids=tuple(sorted(wanted & allowed)) or (-1,))

    def _owner(self, kind: str | None, record_id: int) -> int:
        assert kind is not None, "a Scope.RECORD rule names its kind of record (see for_record)"
        collaborative_id = self._store.owning_collaborative(kind, record_id)
        if collaborative_id is None:
            raise AccessDenied(DENIED)
        return collaborative_id

    def _with_who(self, rule: Rule, bound: inspect.BoundArguments) -> None:
        """In shared mode staff changes are recorded under the signed-in address."""
        if not self.caller.signed_in:
            return
        for argument, value in list(bound.arguments.items()):
            if argument in _WHO_ARGUMENTS:
                bound.arguments[argument] = self.caller.name
            elif rule.staff_input and hasattr(value, "model_copy"):
                fields = {f: self.caller.name for f in _WHO_FIELDS if f in type(value).model_fields}
                if fields:
                    bound.arguments[argument] = value.model_copy(update=fields)

    def __getattr__(self, name: str) -> Any:
        """A Store method, checked by the rule declared on it (store/rules.py). A method with no
        rule, or one for administrators only, is refused to everyone else."""
        if name.startswith("_"):
            raise AttributeError(name)
        method = getattr(self._store, name, None)
        rule = rule_of(method)
        if method is None or not callable(method) or rule is None:
            raise AttributeError(name)
        if self.caller.is_admin:
            return self._checked(rule, method, lambda arguments: None)
        if rule.scope is Scope.OPEN:
            return method
        if rule.scope is Scope.OWN_ROWS:
            return self._own_rows(rule, method)
        if rule.scope is Scope.ACROSS and self.caller.has_access:
            return self._checked(rule, method, self._narrow)
        check = {
            Scope.COLLABORATIVE: lambda arguments: self._require_collaborative(
                arguments[rule.argument], rule.needs),
            Scope.ROUND: lambda arguments: self._require_round(arguments[rule.argument],
                                                               rule.needs),
            Scope.ROUNDS: lambda arguments: [self._require_round(r, rule.needs)
                                             for r in arguments[rule.argument]],
            Scope.WORKSHOP: lambda arguments: self._require_collaborative(
                self._store.get_workshop(arguments[rule.argument]).collaborative_id, rule.needs),
            Scope.RECORD: lambda arguments: self._require_collaborative(
                self._owner(rule.record, arguments[rule.argument]), rule.needs),
        }.get(rule.scope)
        if check is None:  # ADMIN, CALLER (the ScopedStore's own method answers), ACROSS unsigned
            raise AccessDenied(DENIED)
        return self._checked(rule, method, check)

    def _checked(self, rule: Rule, method: Callable, check: Callable[[dict], Any]) -> Callable:
        signature = inspect.signature(method)

        def call(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            bound.apply_defaults()  # a default argument is checked like a given one
            check(bound.arguments)
            self._with_who(rule, bound)
            return method(*bound.args, **bound.kwargs)

        return call

    def _narrow(self, arguments: dict) -> None:
        """Figures across collaboratives: the filter, given or by default, is narrowed to the
        collaboratives this caller may read."""
        arguments["selection"] = self._narrowed(arguments["selection"])

    def _own_rows(self, rule: Rule, method: Callable) -> Callable:
        column = rule.argument

        def call(round_ids: Sequence[int]):
            levels = [self._require_round(r, Access.ANSWER) for r in round_ids]
            for round_id, level in zip(round_ids, levels, strict=True):
                self._require_statement_detail(round_id, level)
            frame = method(round_ids)
            if all(level >= rule.needs for level in levels):
                return frame
            readable = [r for r, level in zip(round_ids, levels, strict=True)
                        if level >= rule.needs]
            keep = frame[column].isin(self._own_respondents)
            if "round_id" in frame.columns:
                keep |= frame["round_id"].isin(readable)
            return frame[keep].reset_index(drop=True)

        return call
