"""Peers: how a collaborative compares with others, without any other collaborative being named.

Peers are other collaboratives, each on its latest *submitted* (closed) round: half-finished answers
never move a benchmark. Their scores were kept when each round was submitted and are copied once a
day (peer_snapshots.py); every figure here is an aggregate worked out in DuckDB from that day's
copy, rounded to one decimal place, and says which day it is from. A peer aggregate is shown only
when it covers at least content.anonymity.min_peers() collaboratives; below that there are no
figures at all, only the reason, so no page can show them by mistake. Rounds on different question
bank versions are compared on the statements both versions ask.

This lives in the store, beside the snapshot it reads, so that the ScopedStore can offer it to a
caller while the snapshot itself stays closed to everyone but administrators.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import pandas as pd

from collab_assess.content.anonymity import min_peers, peers_as_of
from collab_assess.content.scale import PEER_PLACES, Level, shown_score
from collab_assess.store.peer_snapshots import PEER_GROUP_FIELDS
from collab_assess.store.records import Collaborative, Round

if TYPE_CHECKING:
    from collab_assess.store import Store

class PeerGroup(StrEnum):
    ALL = "all"
    SAME_TYPE = "type"
    SAME_REGION = "region"
    SAME_MODEL = "model"

    @property
    def label(self) -> str:
        return {"all": "All collaboratives", "type": "The same type of collaborative",
                "region": "The same NHS England region",
                "model": "The same governance model"}[self.value]


@dataclass(frozen=True)
class PeerComparison:
    """Aggregates over a peer group as the day's snapshot holds it, or, when they may not be
    shown, only why. Every figure is rounded as shown (scale.PEER_PLACES; shares to whole
    percentages), never a rank (anonymity.py)."""

    group: PeerGroup
    as_of: date | None
    """The day of the snapshot the figures come from ("Peers as of ...")."""
    peers: int
    synthetic: int
    why_hidden: str | None
    areas: pd.DataFrame
    """area_id, peers, peer_median, peer_q1, peer_q3; empty when hidden."""
    early_share: float | None
    overall_median: float | None
    overall_q1: float | None
    overall_q3: float | None
    shared_statements: tuple[str, ...] | None
    """The statements peers are compared on when some answered another bank version (None: all
    on this round's version)."""
    statements_in_round: int

    @property
    def shown(self) -> bool:
        return self.why_hidden is None

    @property
    def statements_compared(self) -> int:
        if self.shared_statements is None:
            return self.statements_in_round
        return len(self.shared_statements)

    @property
    def as_of_words(self) -> str:
        return peers_as_of(self.as_of) if self.as_of else ""

    @property
    def versions_note(self) -> str | None:
        if self.shared_statements is None:
            return None
        return (f"Some peers answered another version of the question bank, so their figures are "
                f"worked out on the {self.statements_compared} of your "
                f"{self.statements_in_round} statements that both versions ask; your own bars use "
                "all of your statements, and where your overall score sits among peers is worked "
                "out on the shared ones.")


def _hidden(group: PeerGroup, why: str, as_of: date | None = None, peers: int = 0,
            synthetic: int = 0, statements: int = 0) -> PeerComparison:
    return PeerComparison(group, as_of, peers, synthetic, why, pd.DataFrame(
        columns=["area_id", "peers", "peer_median", "peer_q1", "peer_q3"]), None, None, None,
        None, None, statements)


def _rounded(value) -> float | None:
    return None if value is None or pd.isna(value) else shown_score(float(value), PEER_PLACES)


def peer_comparison(store: Store, collaborative: Collaborative, assessment_round: Round,
                    early_stages: tuple[Level, ...], group: PeerGroup = PeerGroup.ALL,
                    *, today: date | None = None) -> PeerComparison:
    """This round's collaborative against its peer group as the day's snapshot holds them (its
    profile too, as it stood that day), on the statements they share."""
    own_statements = store.bank(assessment_round.bank_version).statements
    as_of = store.peer_snapshot_on(today or date.today())
    profile = store.snapshot_profile(as_of, collaborative.id)
    if profile is None:
        return _hidden(group, "Peer figures come from a copy taken once a day, and this "
                       "collaborative is newer than today's copy: they appear from tomorrow.",
                       as_of, statements=len(own_statements))
    field = PEER_GROUP_FIELDS[group.value]
    if field is not None and not profile[field]:
        return _hidden(group, "Your collaborative's profile did not record this when today's "
                       "peer figures were copied: add it on the Collaborative page, and it counts "
                       "from tomorrow.", as_of, statements=len(own_statements))
    peers = store.snapshot_peers(as_of, collaborative.id, group.value)
    needed = min_peers()
    if len(peers) < needed:
        return _hidden(group, f"Peer figures appear once at least {needed} collaboratives in this "
                       f"group have submitted a round (there are {len(peers)}), so no single "
                       "collaborative can be picked out.", as_of, len(peers),
                       int(peers["is_demo"].sum()), len(own_statements))
    versions = {assessment_round.bank_version, *(int(v) for v in peers["bank_version"])}
    # Everyone on one bank version: their kept area scores as they are. Otherwise worked out again
    # on the statements all the versions ask.
    shared = store.statements_shared(sorted(versions)) if len(versions) > 1 else None
    areas, overall = store.snapshot_peer_aggregates(
        as_of, collaborative.id, group.value, shared, assessment_round.bank_version,
        [int(stage) for stage in early_stages])
    for column in ("peer_median", "peer_q1", "peer_q3"):
        areas[column] = areas[column].map(_rounded)
    early = overall["early_share"]
    return PeerComparison(
        group=group,
        as_of=as_of,
        peers=int(overall["peers"]),
        synthetic=int(overall["synthetic"]),
        why_hidden=None,
        areas=areas,
        early_share=None if early is None or pd.isna(early) else round(float(early), 2),
        overall_median=_rounded(overall["overall_median"]),
        overall_q1=_rounded(overall["overall_q1"]),
        overall_q3=_rounded(overall["overall_q3"]),
        shared_statements=tuple(shared) if shared is not None else None,
        statements_in_round=len(own_statements),
    )
