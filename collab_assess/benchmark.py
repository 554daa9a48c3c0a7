"""Peers: how a collaborative compares with others, without any other collaborative being named.

Peers are other collaboratives, each on its latest *submitted* (closed) round: half-finished answers
never move a benchmark. Their scores were kept when each round was submitted, and every figure here
is an aggregate worked out in DuckDB from those kept scores. A peer aggregate is shown only when it
covers at least min_peers() collaboratives; below that the functions here return no figures at all,
only the reason, so no page can show them by mistake. Rounds on different question bank versions
are compared on the statements both versions ask.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from collab_assess.baseline import Baseline
from collab_assess.scale import HIGHEST_LEVEL, LOWEST_LEVEL, Level
from collab_assess.store import Collaborative, Round, RoundFilter, Store

MIN_PEERS = 5
MIN_PEERS_ENV_VAR = "COLLAB_ASSESS_MIN_PEERS"
LOWEST_ALLOWED_MIN_PEERS = 3


def min_peers() -> int:
    """How many collaboratives a peer aggregate must cover before it is shown: 5, or the setting
    COLLAB_ASSESS_MIN_PEERS (never below 3, so one peer can never be worked out from two)."""
    raw = os.environ.get(MIN_PEERS_ENV_VAR, "")
    value = int(raw) if raw.strip().isdigit() else MIN_PEERS
    return max(LOWEST_ALLOWED_MIN_PEERS, value)


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


def peer_filter(collaborative: Collaborative, group: PeerGroup) -> RoundFilter | None:
    """The rounds that count as this collaborative's peers in a group; None when its profile does
    not say (no type, region or model recorded)."""
    others = {"exclude_collaborative_id": collaborative.id}
    if group is PeerGroup.ALL:
        return RoundFilter(**others)
    attribute, field = {
        PeerGroup.SAME_TYPE: (collaborative.collaborative_type, "collaborative_types"),
        PeerGroup.SAME_REGION: (collaborative.region, "regions"),
        PeerGroup.SAME_MODEL: (collaborative.governance_model, "governance_models"),
    }[group]
    return RoundFilter(**{field: (attribute,)}, **others) if attribute else None


@dataclass(frozen=True)
class PeerComparison:
    """Aggregates over a peer group, or, when they may not be shown, only why."""

    group: PeerGroup
    peers: int
    synthetic: int
    why_hidden: str | None
    areas: pd.DataFrame
    """area_id, peers, peer_median, peer_q1, peer_q3; empty when hidden."""
    early_share: float | None
    share_below: float | None
    """Share of peers whose overall score is below the given one."""
    statements_compared: int
    statements_in_round: int

    @property
    def shown(self) -> bool:
        return self.why_hidden is None

    @property
    def versions_note(self) -> str | None:
        if self.statements_compared == self.statements_in_round:
            return None
        return (f"Some peers answered another version of the question bank, so everyone is "
                f"compared on the {self.statements_compared} of your {self.statements_in_round} "
                "statements that both versions ask.")


def _hidden(group: PeerGroup, why: str, peers: int = 0, synthetic: int = 0,
            statements: int = 0) -> PeerComparison:
    return PeerComparison(group, peers, synthetic, why, pd.DataFrame(
        columns=["area_id", "peers", "peer_median", "peer_q1", "peer_q3"]), None, None,
        statements, statements)


def peer_comparison(store: Store, collaborative: Collaborative, assessment_round: Round,
                    your_overall: float | None, early_stages: tuple[Level, ...],
                    group: PeerGroup = PeerGroup.ALL) -> PeerComparison:
    """This round against its peer group's latest submitted rounds, on the statements they share."""
    own_statements = store.bank(assessment_round.bank_version).statements
    selection = peer_filter(collaborative, group)
    if selection is None:
        return _hidden(group, "Your collaborative's profile does not record this yet: add it on "
                       "the Collaborative page to compare with this group.",
                       statements=len(own_statements))
    peers = store.submitted_rounds(selection, latest_only=True)
    needed = min_peers()
    if len(peers) < needed:
        return _hidden(group, f"Peer figures appear once at least {needed} collaboratives in this "
                       f"group have submitted a round (there are {len(peers)}), so no single "
                       "collaborative can be picked out.", len(peers), int(peers["is_demo"].sum()),
                       len(own_statements))
    versions = {assessment_round.bank_version, *(int(v) for v in peers["bank_version"])}
    # Everyone on one bank version: their kept area scores as they are. Otherwise worked out again
    # on the statements all the versions ask.
    shared = store.statements_shared(sorted(versions)) if len(versions) > 1 else None
    areas, overall = store.peer_area_aggregates(
        selection, shared, assessment_round.bank_version, your_overall,
        [int(stage) for stage in early_stages])
    return PeerComparison(
        group=group,
        peers=int(overall["peers"]),
        synthetic=int(overall["synthetic"]),
        why_hidden=None,
        areas=areas,
        early_share=_number(overall["early_share"]),
        share_below=_number(overall["share_below"]) if your_overall is not None else None,
        statements_compared=len(shared) if shared is not None else len(own_statements),
        statements_in_round=len(own_statements),
    )


def _number(value) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


@dataclass(frozen=True)
class BaselineComparison:
    stage: Level
    is_early: bool
    national_early_share: float
    peers: int
    peer_early_share: float | None
    share_of_peers_below: float | None
    """Share of peers whose overall score is lower than this collaborative's."""


def compare_with_baseline(
    score: float, stage: Level, peers: PeerComparison, baseline: Baseline
) -> BaselineComparison:
    if not LOWEST_LEVEL <= score <= HIGHEST_LEVEL:
        raise ValueError(f"a maturity score must lie between 1 and 4, not {score}")
    return BaselineComparison(
        stage=stage,
        is_early=baseline.is_early(stage),
        national_early_share=baseline.share,
        peers=peers.peers,
        peer_early_share=peers.early_share if peers.shown else None,
        share_of_peers_below=peers.share_below if peers.shown else None,
    )
