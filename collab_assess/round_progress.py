"""How far a round has got, for its lead: who has started and finished by role, and which areas are
thin. Counts only; nobody is named."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.bank import QuestionBank
from collab_assess.store import Store

THIN_AREA_SHARE = 0.5
"""An area where fewer than this share of the possible answers have been given is called thin."""


@dataclass(frozen=True)
class RoundProgress:
    by_role: pd.DataFrame
    """role, joined, started, finished; plus a last row "All roles"."""
    areas: pd.DataFrame
    """area (name), statements, answered, possible, coverage (0-1), thin; in bank order."""

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
    by_role = store.participation(round_id)
    totals = pd.DataFrame([{"role": "All roles", **by_role[["joined", "started", "finished"]].sum()}])
    by_role = pd.concat([by_role, totals], ignore_index=True).astype(
        {"joined": "int64", "started": "int64", "finished": "int64"})

    areas = store.area_coverage(round_id)
    names = {area.id: area.name for area in bank.areas}
    areas["area"] = areas["area_id"].map(names)
    areas["possible"] = areas["statements"] * areas["respondents"]
    areas["coverage"] = (areas["answered"] / areas["possible"].where(areas["possible"] > 0)).fillna(0.0)
    areas["thin"] = areas["coverage"] < THIN_AREA_SHARE
    return RoundProgress(
        by_role=by_role,
        areas=areas[["area", "statements", "answered", "possible", "coverage", "thin"]],
    )
