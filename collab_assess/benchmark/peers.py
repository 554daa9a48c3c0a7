"""Where a collaborative stands among its peers, in words, and beside the 2022 survey: the
presentation of the store's peer figures (store/peer_comparison.py). Never a rank or a percentile:
where the overall score sits against the peers' middle half and median (content/anonymity.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from collab_assess.content.anonymity import PeerPosition, peer_position
from collab_assess.content.baseline import Baseline
from collab_assess.content.scale import (
    AREA_PLACES,
    HIGHEST_LEVEL,
    LOWEST_LEVEL,
    PEER_PLACES,
    Level,
    score_text,
)
from collab_assess.store.peer_comparison import PeerComparison


def comparable_overall(statements: pd.DataFrame, peers: PeerComparison) -> float | None:
    """A round's overall score worked out as its peers' are: on the statements they share
    (statements: statement_id, area_id, score, as RoundResults.statements)."""
    if peers.shared_statements is not None:
        statements = statements[statements["statement_id"].isin(peers.shared_statements)]
    areas = statements.dropna(subset=["score"]).groupby("area_id")["score"].mean()
    return float(areas.mean()) if len(areas) else None


def position_among_peers(statements: pd.DataFrame, peers: PeerComparison) -> PeerPosition | None:
    """Where a round's overall score sits against its peers' middle half and median (as shown,
    rounded): never a percentile or a rank. None when peers are hidden."""
    mine = comparable_overall(statements, peers)
    q1, median, q3 = peers.overall_q1, peers.overall_median, peers.overall_q3
    if not peers.shown or mine is None or q1 is None or median is None or q3 is None:
        return None
    return peer_position(mine, q1, median, q3)


def position_in_words(statements: pd.DataFrame, peers: PeerComparison, *,
                      provisional: bool) -> str | None:
    """The sentence Results and the report use for where a round sits among its peers (None
    when peers are hidden). Plain text with no Markdown."""
    if not peers.shown:
        return None
    if provisional:
        return ("Where your overall score sits among your peers appears once at least half the "
                "statements have a score: until then it could move a long way.")
    position = position_among_peers(statements, peers)
    if position is None:
        return None
    mine = comparable_overall(statements, peers)
    if peers.shared_statements is None:
        opening = f"Your overall score ({score_text(mine, AREA_PLACES)}) is"
    else:
        opening = (f"Worked out on the {peers.statements_compared} statements you share with "
                   f"them, as theirs are, your overall score is {score_text(mine, AREA_PLACES)} "
                   "(the headline uses all your statements), which is")
    return (f"{opening} {position.words}: "
            f"their middle half runs from {score_text(peers.overall_q1, PEER_PLACES)} to "
            f"{score_text(peers.overall_q3, PEER_PLACES)}, with the median at "
            f"{score_text(peers.overall_median, PEER_PLACES)}. {peers.as_of_words}.")


@dataclass(frozen=True)
class BaselineComparison:
    stage: Level
    is_early: bool
    national_early_share: float
    peers: int
    peer_early_share: float | None


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
    )
