"""The survey baseline: the 2022 figure this tool sets each collaborative beside, where it comes
from, what it can and cannot tell a board, and which of this tool's stages count as "early".

Every word of it lives in data/baseline.toml, so the pages and the README say the same thing: the
figure was self-reported by collaborative leaders in one survey, counts only the collaboratives
that responded, and did not ask what this tool asks. It is never "the national picture"."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from collab_assess.content.scale import Level

BASELINE_FILE = Path(__file__).resolve().parents[2] / "data" / "baseline.toml"


class Baseline(BaseModel):
    """The survey figure, its caveats, and which stages count as early."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    share: float = Field(gt=0, lt=1)
    survey: str
    """Who ran the survey and when, as a short name."""
    summary: str
    """The figure in one sentence: who asked, when, and what the responding collaboratives said."""
    finding: str
    """The figure alone, as a clause: "70% of responding collaboratives described ..."."""
    self_reported: str
    not_the_same_question: str
    our_reading: str
    closer_comparison: str
    """Why the self-described stage is the nearer like-for-like comparison."""
    looser_comparison: str
    """Why the stage worked out from scores is a looser one."""
    demo_peers: str
    """Said wherever synthetic demo peers are shown: they were made to match the figure."""
    reported_in: str
    """Where the figure was published, as a reader would look it up."""
    source: str
    """The seed file and section the figure is taken from."""
    early_stages: tuple[Level, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _words_match_the_figure(self) -> Baseline:
        """The sentences that quote the share must quote the same share."""
        expected = f"{self.share:.0%}"
        for name in ("summary", "finding"):
            quoted = re.findall(r"\d+%", getattr(self, name))
            if quoted != [expected]:
                raise ValueError(f"{name} must quote the share once, as {expected}, not {quoted}")
        return self

    def is_early(self, stage: Level) -> bool:
        return stage in self.early_stages

    @property
    def early_stage_names(self) -> str:
        return " or ".join(stage.label for stage in self.early_stages)

    @property
    def caveats(self) -> tuple[str, ...]:
        """What a reader must know before leaning on the figure, in the order to say it."""
        return (self.self_reported, self.not_the_same_question, self.our_reading)

    @property
    def citation(self) -> str:
        return f"Reported in {self.reported_in}."


def load_baseline(path: Path = BASELINE_FILE) -> Baseline:
    with path.open("rb") as handle:
        return Baseline.model_validate(tomllib.load(handle)["early_stage"])
