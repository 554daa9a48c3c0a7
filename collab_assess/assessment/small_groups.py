"""Small groups inside a collaborative: no figure is shown for fewer than MIN_GROUP_SIZE people.

Results, the board report, a workshop's reveal and a round's progress all group people by role the
same way, with the one threshold below, so none of them can show what one or two people said.
"""

from __future__ import annotations

from dataclasses import dataclass

from collab_assess.content.anonymity import MIN_GROUP_SIZE

OTHER_ROLES = "Other roles"
"""Where roles too small to show on their own are put together. The role "Other" always goes here,
since it already means anyone else."""
OTHER_ROLE = "Other"
ANOTHER_ROLE = "another role"
"""What an evidence note says instead of a role that cannot be shown."""


@dataclass(frozen=True)
class RoleGroups:
    """How people are grouped by role when figures are shown, so that no group smaller than
    MIN_GROUP_SIZE is ever shown on its own."""

    people: dict[str, int]
    """Role -> how many people in that role count (for results: gave at least one answer)."""
    group_of: dict[str, str | None]
    """Role -> the group it is shown under (itself, or OTHER_ROLES), or None: not shown
    separately."""

    @property
    def sizes(self) -> dict[str, int]:
        """Each group that can be shown and how many people it holds: largest first, then by name,
        with OTHER_ROLES last."""
        sizes: dict[str, int] = {}
        for role, group in self.group_of.items():
            if group is not None:
                sizes[group] = sizes.get(group, 0) + self.people[role]
        return dict(sorted(sizes.items(),
                           key=lambda item: (item[0] == OTHER_ROLES, -item[1], item[0])))

    @property
    def not_shown(self) -> int:
        """How many people's answers are not shown in any role group (they still count everywhere
        else)."""
        return sum(self.people[role] for role, group in self.group_of.items() if group is None)

    def label(self, group: str) -> str:
        """A group's name with its head-count, e.g. "Clinical lead (4 people)"."""
        return f"{group} ({people_count(self.sizes[group])})"

    def note_label(self, role: str) -> str:
        """The role an evidence note is shown under: its group, or ANOTHER_ROLE."""
        return self.group_of.get(role) or ANOTHER_ROLE


def people_count(people: int) -> str:
    return f"{people} {'person' if people == 1 else 'people'}"


def group_roles(people: dict[str, int], min_size: int = MIN_GROUP_SIZE) -> RoleGroups:
    """Each role is shown on its own when it has at least min_size people. The rest (and the role
    "Other") are put together as OTHER_ROLES, which is shown only if it too has at least
    min_size."""
    small = {role for role, count in people.items() if count < min_size or role == OTHER_ROLE}
    folded = sum(people[role] for role in small)
    other_group = OTHER_ROLES if folded >= min_size else None
    group_of = {role: (other_group if role in small else role) for role in people}
    return RoleGroups(people=dict(people), group_of=group_of)


def group_roles_for_counts(people: dict[str, int], min_size: int = MIN_GROUP_SIZE) -> RoleGroups:
    """group_roles for figures that add up (votes, head-counts) shown beside the whole room's total.

    There, the total minus the groups shown is exactly what the people left out did, so leaving out
    one or two people hides nothing. Instead the smallest roles shown are folded into OTHER_ROLES
    until nobody is left out, unless even everyone together is fewer than min_size (then no role is
    shown)."""
    groups = group_roles(people, min_size)
    small = {role for role, group in groups.group_of.items() if group != role}
    shown_alone = sorted((role for role in people if role not in small),
                         key=lambda role: (people[role], role))
    while 0 < sum(people[role] for role in small) < min_size and shown_alone:
        small.add(shown_alone.pop(0))
    folded = sum(people[role] for role in small)
    other_group = OTHER_ROLES if folded >= min_size else None
    group_of = {role: (other_group if role in small else role) for role in people}
    return RoleGroups(people=dict(people), group_of=group_of)
