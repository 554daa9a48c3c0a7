"""Who may see which figures: the anonymity rules, in one place, that every output follows (the
Results page, the board report, round progress, workshop screens and summary, exports, Benchmark,
the CLI). Each rule names the leak it closes.

- Small groups: no figure for fewer than MIN_GROUP_SIZE people (a role's scores, a role beside an
  evidence note, a workshop's votes by choice or by role). See small_groups.py for how roles are
  folded together so that none is smaller.
- Workshop votes appear nowhere until the facilitator reveals them, and a reveal shows them only
  when at least MIN_GROUP_SIZE people voted (the first reveal) or at least MIN_GROUP_SIZE new votes
  arrived since the last reveal that was shown (voting opened again): otherwise comparing the two
  reveals would give away the late votes. Votes not shown count in no figure (disclosure_sql.py).
- A round with fewer than MIN_GROUP_SIZE people who took part shows its statement-level figures
  only to its own lead; anyone else (a regional team) sees its overall and area scores only.
- A figure across collaboratives on the Benchmark page (aggregate_shown) needs at least
  min_peers() collaboratives the viewer cannot see named; over collaboratives the viewer can all
  see named, it is shown whatever their number (hiding it would protect nobody).
- Peers are compared only as a group of at least benchmark.min_peers() collaboratives, never by
  rank: where the collaborative sits against the peers' middle half and median. Peer figures come
  from a dated daily snapshot (one change a day at most) and are rounded to one decimal place, so
  comparing figures before and after a change (a profile edit, a peer joining) needs a day per try
  and gives little away.
"""

from __future__ import annotations

import os
from datetime import date
from enum import StrEnum

MIN_GROUP_SIZE = 3
"""The fewest people whose answers are shown as a group of their own (a role's scores, a role's name
beside an evidence note, a role's votes in a workshop, a room's votes, a round's statement-level
figures for anyone but its lead). Below this, someone who knows who took part could read off one or
two people's own answers."""


def reveal_discloses(*, voters: int, new_voters: int, shown_before: bool) -> bool:
    """Whether a reveal may show the room's votes on a statement. voters: people who have voted on
    it in this workshop; new_voters: people who voted (or changed their vote) since the last reveal
    that was shown; shown_before: whether an earlier reveal of it was shown."""
    if shown_before:
        return new_voters >= MIN_GROUP_SIZE
    return voters >= MIN_GROUP_SIZE


def statement_detail_visible(took_part: int, *, is_the_collaboratives_lead: bool) -> bool:
    """Whether a round's statement-level figures (each statement's score, spread, splits, notes,
    targets, the report) may be shown: always to the collaborative's own lead, otherwise only when
    at least MIN_GROUP_SIZE people took part."""
    return is_the_collaboratives_lead or took_part >= MIN_GROUP_SIZE


SMALL_ROUND_NOTE = (
    f"Fewer than {MIN_GROUP_SIZE} people took part in this round, so its statement-by-statement "
    "figures would show one or two people's own answers. Only the collaborative's lead sees them; "
    "here you see the overall and area scores only.")


MIN_PEERS = 5
MIN_PEERS_ENV_VAR = "COLLAB_ASSESS_MIN_PEERS"
LOWEST_ALLOWED_MIN_PEERS = 3


def min_peers() -> int:
    """How many collaboratives a peer aggregate must cover before it is shown: 5, or the setting
    COLLAB_ASSESS_MIN_PEERS (never below 3, so one peer can never be worked out from two)."""
    raw = os.environ.get(MIN_PEERS_ENV_VAR, "")
    value = int(raw) if raw.strip().isdigit() else MIN_PEERS
    return max(LOWEST_ALLOWED_MIN_PEERS, value)


def aggregate_shown(unseen: int) -> bool:
    """Whether a figure over several collaboratives (a median, a spread, a share) may be shown to a
    viewer, given how many of the collaboratives in it the viewer may not see named (`unseen`).
    None: always, since the viewer can read each one anyway and hiding the figure protects nobody
    (the Benchmark page's figures over the collaboratives it names). Otherwise only when at least
    min_peers() are unseen, so no one of them can be worked out from what the viewer knows."""
    return unseen == 0 or unseen >= min_peers()


def too_few_unseen(unseen: int) -> str:
    """Why such a figure is hidden, in words."""
    return (f"it would cover {unseen} collaborative{'' if unseen == 1 else 's'} your role does "
            f"not show you, and figures like this need at least {min_peers()} so that none of "
            "them can be worked out")


class PeerPosition(StrEnum):
    """Where a collaborative's overall score sits against its peers' (never a rank)."""

    BELOW = "below"
    LOWER_MIDDLE = "lower_middle"
    UPPER_MIDDLE = "upper_middle"
    ABOVE = "above"

    @property
    def words(self) -> str:
        return {
            "below": "below the middle half of its peers",
            "lower_middle": "within the middle half of its peers, at or below their median",
            "upper_middle": "within the middle half of its peers, above their median",
            "above": "above the middle half of its peers",
        }[self.value]


def peer_position(score: float, q1: float, median: float, q3: float) -> PeerPosition:
    """Where a score sits against the peers' quartiles, as shown (already rounded): so moving
    one's own answers can tell nothing finer than the figures on the page."""
    if score < q1:
        return PeerPosition.BELOW
    if score > q3:
        return PeerPosition.ABOVE
    return PeerPosition.LOWER_MIDDLE if score <= median else PeerPosition.UPPER_MIDDLE


def peers_as_of(snapshot: date) -> str:
    """"Peers as of 2 December 2026": every peer figure says which day's snapshot it is from."""
    return f"Peers as of {snapshot.day} {snapshot:%B %Y}"
