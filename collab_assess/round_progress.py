"""How far a round has got, for its lead: who has started and finished by role, and which areas are
thin. Counts only; nobody is named."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.bank import QuestionBank
from collab_assess.small_groups import group_roles_for_counts
from collab_assess.store import Store

THIN_AREA_SHARE = 0.5
"""An area where fewer than this share of the possible answers have been given is called thin."""


@dataclass(frozen=True)
class RoundProgress:
    by_role: pd.DataFrame
    """role, joined, started, finished; plus a last row "All roles". A role is a row of its own
    only with at least MIN_GROUP_SIZE people joined; smaller ones are counted together as "Other
    roles" (see small_groups.group_roles_for_counts), so no row is one or two people."""
    areas: pd.DataFrame
    """area (name), statements, answered, possible, coverage (0-1), thin; in bank order."""
    roles_not_shown: int = 0
    """People counted only in "All roles" (when even together the round has too few)."""

    @property
    def joined(self) -> int:
        return int(self.by_role["joined"].iloc[-1])

    @property
    def finished(self) -> int:
        return int(self.by_role["finished"].iloc[-1])

    @property
    def thin_areas(self) -> list[str]:
        return self.areas.loc[self.areas["thin"], "area"].tolist()


def round_progress(store: Store, round_id: int, bank: QuestionBank) -> RoundProgress:
    counts = ["joined", "started", "finished"]
    per_role = store.participation(round_id)
    groups = group_roles_for_counts(
        {str(role): int(joined) for role, joined in zip(per_role["role"], per_role["joined"])})
    grouped = per_role.assign(role=per_role["role"].map(groups.group_of)).dropna(subset=["role"])
    order = {group: i for i, group in enumerate(groups.sizes)}
    by_group = (grouped.groupby("role", as_index=False)[counts].sum()
                .sort_values("role", key=lambda column: column.map(order)))
    totals = pd.DataFrame([{"role": "All roles", **per_role[counts].sum()}])
    by_role = pd.concat([by_group, totals], ignore_index=True).astype(
        {count: "int64" for count in counts})

    areas = store.area_coverage(round_id)
    names = {area.id: area.name for area in bank.areas}
    areas["area"] = areas["area_id"].map(names)
    areas["possible"] = areas["statements"] * areas["respondents"]
    areas["coverage"] = (areas["answered"] / areas["possible"].where(areas["possible"] > 0)).fillna(0.0)
    areas["thin"] = areas["coverage"] < THIN_AREA_SHARE
    return RoundProgress(
        by_role=by_role,
        roles_not_shown=groups.not_shown,
        areas=areas[["area", "statements", "answered", "possible", "coverage", "thin"]],
    )
