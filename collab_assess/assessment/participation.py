"""Who took part in a round, counted one way for every output: Results, the board report, round
progress, the exports and the kept scores behind Benchmark all use these figures.

How people are counted:
- A **self-assessor** joined the round's self-assessment (by its invitation, on a lead's device, or
  in an import). Someone who then joins a workshop with their resume code stays that one person:
  their votes become their own latest answers.
- An **anonymous workshop seat** joined a workshop without a resume code. Their votes are answers
  of the round, so they count towards statement and area scores (once revealed), and the seat counts
  as a person who took part once a vote of theirs counts. A seat was asked only the workshop's
  statements, so seats are left out of completeness, "thin" areas, "finished" and the view by role.
  (Someone who self-assessed and then votes without their code is counted twice: the join page asks
  for the code to avoid that.)
- **People who took part** = self-assessors with at least one answer that counts + seats with at
  least one vote that counts. People who joined and gave nothing are counted apart ("joined, no
  answer yet"); Don't know and Not applicable are answers.
- **Completeness** of an area = answers the self-assessors who took part gave there / (those people
  x the area's statements); an area below THIN_AREA_SHARE is "thin".
- **Roles** are shown only for self-assessors who took part, folded by small_groups so that no group
  has fewer than anonymity.MIN_GROUP_SIZE people.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.assessment.small_groups import RoleGroups, group_roles_for_counts, people_count
from collab_assess.store.view import StoreView

THIN_AREA_SHARE = 0.5
"""An area where the self-assessors who took part gave fewer than this share of the answers they
could have given is called thin."""

SELF, SEAT = "self", "seat"


@dataclass(frozen=True)
class Headcount:
    """How many people a round has, by the rules in this module's docstring."""

    joined: int
    """Self-assessors who joined (answered or not)."""
    self_assessed: int
    """Self-assessors with at least one answer that counts."""
    finished: int
    """Self-assessors who answered every statement."""
    seats: int
    """Anonymous workshop seats (joined a workshop without a resume code)."""
    workshop_voters: int
    """Anonymous seats with at least one vote that counts."""

    @property
    def took_part(self) -> int:
        """People who took part: the figure shown as "People who took part" everywhere."""
        return self.self_assessed + self.workshop_voters

    @property
    def not_answered(self) -> int:
        """Self-assessors who joined and have given no answer yet."""
        return self.joined - self.self_assessed

    def in_words(self) -> str:
        """E.g. "19 people took part: 13 in the self-assessment and 6 who voted in a workshop
        without a resume code. 2 more joined but have not answered yet."."""
        parts = [f"{self.self_assessed} in the self-assessment"]
        if self.workshop_voters:
            parts.append(f"{self.workshop_voters} who voted in a workshop without a resume code")
        words = f"{people_count(self.took_part)} took part: {' and '.join(parts)}."
        if self.not_answered:
            words += (f" {self.not_answered} more joined but "
                      f"{'has' if self.not_answered == 1 else 'have'} not answered yet.")
        return words


def headcount(participation: pd.DataFrame) -> Headcount:
    """The headcount of one round from Store.participation's rows for it."""
    by_kind = participation.groupby("kind")[["joined", "took_part", "finished"]].sum()

    def figure(kind: str, column: str) -> int:
        return int(by_kind.at[kind, column]) if kind in by_kind.index else 0

    return Headcount(joined=figure(SELF, "joined"), self_assessed=figure(SELF, "took_part"),
                     finished=figure(SELF, "finished"), seats=figure(SEAT, "joined"),
                     workshop_voters=figure(SEAT, "took_part"))


def role_groups(participation: pd.DataFrame) -> RoleGroups:
    """How a round's self-assessors who took part are grouped by role wherever a figure is shown
    by role (Results, the report, round progress): one rule, small_groups.group_roles_for_counts."""
    own = participation[(participation["kind"] == SELF) & (participation["took_part"] > 0)]
    return group_roles_for_counts({str(role): int(people) for role, people in
                                   own.groupby("role")["took_part"].sum().items()})


def area_completeness(coverage: pd.DataFrame, area_names: dict[str, str]) -> pd.DataFrame:
    """Per area, in the bank's order: area_id, area, statements, people, answered, possible,
    completeness (0-1), thin. coverage: Store.area_coverage's rows for one round."""
    areas = coverage.sort_values("position").reset_index(drop=True)
    possible = areas["statements"] * areas["people"]
    return pd.DataFrame({
        "area_id": areas["area_id"],
        "area": areas["area_id"].map(area_names),
        "statements": areas["statements"].astype("int64"),
        "people": areas["people"].astype("int64"),
        "answered": areas["answered"].astype("int64"),
        "possible": possible.astype("int64"),
        "completeness": (areas["answered"] / possible.where(possible > 0)).fillna(0.0),
    }).assign(thin=lambda table: table["completeness"] < THIN_AREA_SHARE)


@dataclass(frozen=True)
class RoundParticipation:
    """Everything about who took part in one round, as every output shows it."""

    headcount: Headcount
    roles: RoleGroups
    by_role: pd.DataFrame
    """role (a role group), took_part, finished; largest group first, "Other roles" last; only
    groups that may be shown."""
    areas: pd.DataFrame
    """area_completeness."""

    @property
    def thin_areas(self) -> list[str]:
        return self.areas.loc[self.areas["thin"], "area"].tolist()


def round_participation(participation: pd.DataFrame, coverage: pd.DataFrame,
                        area_names: dict[str, str]) -> RoundParticipation:
    """One round's participation from Store.participation and Store.area_coverage rows."""
    roles = role_groups(participation)
    own = participation[participation["kind"] == SELF]
    grouped = own.assign(role=own["role"].map(roles.group_of)).dropna(subset=["role"])
    order = {group: i for i, group in enumerate(roles.sizes)}
    by_role = (grouped.groupby("role", as_index=False)[["took_part", "finished"]].sum()
               .sort_values("role", key=lambda column: column.map(order), ignore_index=True))
    return RoundParticipation(
        headcount=headcount(participation),
        roles=roles,
        by_role=by_role[by_role["took_part"] > 0].astype({"took_part": "int64",
                                                           "finished": "int64"}),
        areas=area_completeness(coverage, area_names),
    )


def participation_of(store: StoreView, round_id: int,
                     area_names: dict[str, str]) -> RoundParticipation:
    """round_participation of one round, read from the store."""
    return round_participation(store.participation([round_id]), store.area_coverage([round_id]),
                               area_names)
