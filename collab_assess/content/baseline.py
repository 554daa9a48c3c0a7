"""The survey baseline: the 2022 figure this tool sets each collaborative beside, where it comes
from, what it can and cannot tell a board, and which of this tool's stages count as "early".

Every word of it lives in data/baseline.toml, so the pages and the README say the same thing: the
figure was self-reported by collaborative leaders in one survey, counts only the collaboratives
that responded, and did not ask what this tool asks. It is never "the national picture", never
"the closer" of two comparisons, and never carries this tool's stage names: Emerging or Developing
describe this tool's own figures beside it, not the survey's. The primary report is NHS
Confederation and NHS Providers' 'The evolution of provider collaboration' (2 March 2023)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from collab_assess.content.scale import Level
from collab_assess.errors import DataFileError

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
    respondents: str
    """How many answered and what they could answer, as far as public sources say."""
    not_the_same_question: str
    our_reading: str
    closer_comparison: str
    """What the self-described stage shares with the survey, and how it differs (the field keeps
    its old name; its words never rank the two comparisons)."""
    looser_comparison: str
    """What the stage worked out from scores is, beside the survey."""
    demo_peers: str
    """Said wherever synthetic demo peers are shown: they were made to match the figure."""
    primary_report: str
    """The survey's own report, as a reader would look it up."""
    reported_in: str
    """Where the 70% figure is quoted, as a reader would look it up."""
    source: str
    """The seed file and section the figure is taken from."""
    early_stages: tuple[Level, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _words_never_overclaim(self) -> Baseline:
        """The survey is never "national", and neither comparison is "closer" or "looser"."""
        for name, value in self.model_dump().items():
            if isinstance(value, str) and re.search(r"\bnational\b|\bcloser\b|\blooser\b",
                                                    value, re.IGNORECASE):
                raise ValueError(f"{name} overclaims: {value!r}")
        return self

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
        return (self.self_reported, self.respondents, self.not_the_same_question,
                self.our_reading)

    @property
    def citation(self) -> str:
        return (f"Survey report: {self.primary_report}. The 70% figure as quoted in "
                f"{self.reported_in}.")


def load_baseline(path: Path = BASELINE_FILE) -> Baseline:
    """The survey figure and its words, checked: a fault names the file, the field and what is
    wrong (an overclaim such as "national" among them), as the question bank's loader does."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), [f"cannot be read: {error}"]) from error
    if not isinstance(raw.get("early_stage"), dict):
        raise DataFileError(str(path), ["[early_stage]: missing (the survey figure and its words)"])
    try:
        return Baseline.model_validate(raw["early_stage"])
    except ValidationError as error:
        faults = []
        for detail in error.errors():
            field = ".".join(str(part) for part in detail["loc"])
            message = ("not a field the file knows (a typo?)"
                       if detail["type"] == "extra_forbidden" else detail["msg"])
            faults.append(f"[early_stage]{', field ' + repr(field) if field else ''}: {message}")
        raise DataFileError(str(path), faults) from error
