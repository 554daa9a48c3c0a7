"""Setting up a collaborative: the steps the Start page and the command line share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from collab_assess.content.bank import QuestionBank
from collab_assess.content.reference import ICSS_BY_REGION
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput, validated
from collab_assess.text import as_text


def default_round_label(today: date) -> str:
    return f"Self-assessment {today:%B %Y}"


def icss_outside_region(profile: CollaborativeProfile) -> list[str]:
    """ICSs chosen that are not in the chosen region: allowed (some collaboratives span regions),
    but worth pointing out in case it was a slip."""
    if not profile.region:
        return []
    return [ics for ics in profile.icss if ics not in ICSS_BY_REGION[profile.region]]


@dataclass(frozen=True)
class SetUp:
    collaborative_id: int
    round_id: int | None
    summary: str
    """What was done, in a sentence or two of Markdown (user text escaped) to show the user."""


def set_up_collaborative(
    store: Store,
    bank: QuestionBank,
    profile_values: dict[str, Any],
    *,
    open_first_round: bool,
    created_by: str,
    today: date,
) -> SetUp:
    """Validate and save a new collaborative and, if asked, open its first round on the current
    bank.

    Raises InputError (nothing saved) when the profile is not acceptable."""
    profile = validated(CollaborativeProfile, **profile_values)
    collaborative_id = store.create_collaborative(profile, created_by)
    round_id = None
    summary = [f"Created **{as_text(profile.name)}**"]
    if open_first_round:
        details = validated(RoundInput, label=default_round_label(today), opens_on=today)
        round_id = store.open_round(collaborative_id, details, bank, created_by)
        summary[0] += f" and opened its first assessment round, '{as_text(details.label)}'"
    summary[0] += "."
    summary += [f"{ics} lies outside the {profile.region} region."
                for ics in icss_outside_region(profile)]
    return SetUp(collaborative_id, round_id, " ".join(summary))
