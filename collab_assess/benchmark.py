"""Peers and the national baseline: how a collaborative compares with others.

Peers are the other collaboratives in the database, each judged on its latest round in which at
least half the statements have a score. Peer figures are shown only when at least MIN_PEERS peers
contribute, so no single collaborative can be picked out of an aggregate.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.baseline import Baseline
from collab_assess.scale import HIGHEST_LEVEL, LOWEST_LEVEL, Level
from collab_assess.scoring import area_scores, overall_scores, statement_scores
from collab_assess.store import Store

MIN_PEERS = 5
MIN_PEER_COMPLETENESS = 0.5
"""A peer counts only when at least this share of its latest round's statements have a score."""


@dataclass(frozen=True)
class PeerScores:
    """Scores of each peer's latest round: per area and overall (with the stage)."""

    areas: pd.DataFrame
    overall: pd.DataFrame

    @property
    def count(self) -> int:
        return len(self.overall)

    @property
    def synthetic(self) -> int:
        """How many of the peers are synthetic demo collaboratives."""
        return int(self.overall["is_demo"].sum())

    @property
    def enough(self) -> bool:
        return self.count >= MIN_PEERS


def peer_scores(store: Store, exclude_collaborative_id: int | None = None) -> PeerScores:
    """Each other collaborative's latest round in which at least MIN_PEER_COMPLETENESS of the
    statements have a score (a round barely started says little about a peer)."""
    rounds = store.all_rounds()
    rounds = rounds[rounds["collaborative_id"] != exclude_collaborative_id]
    round_ids = rounds["round_id"].tolist()
    statements = statement_scores(
        store.current_answers(round_ids),
        store.round_statements(round_ids),
        store.current_consensus(round_ids),
    )
    scored_share = statements.groupby("round_id")["score"].apply(lambda s: s.notna().mean())
    complete_enough = scored_share[scored_share >= MIN_PEER_COMPLETENESS].index
    latest = (
        rounds[rounds["round_id"].isin(complete_enough)]
        .sort_values(["opens_on", "round_id"])
        .groupby("collaborative_id")
        .tail(1)
    )
    statements = statements[statements["round_id"].isin(latest["round_id"])]
    profile = latest[["round_id", "collaborative_id", "collaborative", "region", "is_demo"]]
    areas = area_scores(statements)
    overall = overall_scores(areas).merge(profile, on="round_id")
    return PeerScores(areas=areas.merge(profile, on="round_id"), overall=overall)


def peer_area_summary(peers: PeerScores) -> pd.DataFrame:
    """Per area: how many peers, their median score and interquartile range."""
    grouped = peers.areas.dropna(subset=["score"]).groupby("area_id")["score"]
    return pd.DataFrame(
        {
            "peers": grouped.count(),
            "peer_median": grouped.median(),
            "peer_q1": grouped.quantile(0.25),
            "peer_q3": grouped.quantile(0.75),
        }
    ).reset_index()


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
    score: float, stage: Level, peers: PeerScores, baseline: Baseline
) -> BaselineComparison:
    if not LOWEST_LEVEL <= score <= HIGHEST_LEVEL:
        raise ValueError(f"a maturity score must lie between 1 and 4, not {score}")
    peer_early = peer_below = None
    if peers.enough:
        stages = peers.overall["stage"].astype(int)
        peer_early = float(stages.isin([int(s) for s in baseline.early_stages]).mean())
        peer_below = float((peers.overall["score"] < score).mean())
    return BaselineComparison(
        stage=stage,
        is_early=baseline.is_early(stage),
        national_early_share=baseline.share,
        peers=peers.count,
        peer_early_share=peer_early,
        share_of_peers_below=peer_below,
    )
