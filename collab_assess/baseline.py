"""The national baseline: the survey figure this tool compares with, where it comes from, and
which of this tool's stages count as "early". The figure and its caveats live in data/baseline.toml
so the pages and the README read them from one place."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from collab_assess.scale import Level

BASELINE_FILE = Path(__file__).resolve().parent.parent / "data" / "baseline.toml"


class Baseline(BaseModel):
    """The national survey figure, where it comes from, and which stages count as early."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    share: float = Field(gt=0, lt=1)
    survey: str
    finding: str
    reported_in: str
    """Where the figure was published, as a reader would look it up."""
    source: str
    """The seed file and section the figure is taken from."""
    early_stages: tuple[Level, ...] = Field(min_length=1)

    def is_early(self, stage: Level) -> bool:
        return stage in self.early_stages

    @property
    def early_stage_names(self) -> str:
        return " or ".join(stage.label for stage in self.early_stages)


def load_baseline(path: Path = BASELINE_FILE) -> Baseline:
    with path.open("rb") as handle:
        return Baseline.model_validate(tomllib.load(handle)["early_stage"])
