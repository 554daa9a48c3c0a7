"""What a workshop decided, for the board papers: each statement's votes (as far as its reveals
showed them), the agreed level with its rationale, and the actions, as a table and as a CSV file.

Votes follow the same rule as the facilitator's screen (anonymity.reveal_discloses, through
workshop.statement_tally): a statement not yet revealed, or revealed with fewer than three votes,
shows no votes by choice, on the page or in the file; after voting reopened, only what a reveal
could show is here.
"""

from __future__ import annotations

import pandas as pd

from collab_assess.content.scale import level_label
from collab_assess.content.workshop_phases import Workshop
from collab_assess.exchange.export_sheets import csv_bytes
from collab_assess.store.view import StoreView
from collab_assess.workshop.tally import CHOICES, median_label, reveal_state, tally

COLUMNS = {
    "position": "Order",
    "statement_id": "Statement",
    "area": "Area",
    "statement": "Wording",
    "shown": "Votes",
    "votes": "Votes shown",
    **{choice: choice for choice in CHOICES},
    "median": "Middle vote",
    "agreed": "Agreed level",
    "rationale": "Why",
    "actions": "Actions (owner, due)",
}


def workshop_summary(store: StoreView, workshop: Workshop) -> pd.DataFrame:
    """One row per workshop statement, in the workshop's order (columns: COLUMNS' keys). Vote
    counts are blank where none may be shown ("shown" says why)."""
    bank = store.bank(store.get_round(workshop.round_id).bank_version)
    shown_votes = store.shown_workshop_votes(workshop.id)
    reveals = store.workshop_reveals(workshop.id)
    consensus = store.current_consensus([workshop.round_id]).set_index("statement_id")
    actions = store.actions(workshop.round_id)
    areas = {area.id: area.name for area in bank.areas}
    statements = bank.statements_by_id
    rows = []
    for position, statement_id in enumerate(workshop.statement_ids):
        statement = statements[statement_id]
        state = reveal_state(reveals, statement_id)
        room = tally(shown_votes[shown_votes["statement_id"] == statement_id], state)
        counts = dict(zip(room.counts["choice"], room.counts["votes"], strict=True))
        agreed = consensus.loc[statement_id] if statement_id in consensus.index else None
        here = actions[actions["statement_id"] == statement_id]
        rows.append({
            "position": position + 1,
            "statement_id": statement_id,
            "area": areas[statement.area],
            "statement": statement.statement,
            "shown": state.describe(),
            "votes": room.shown_votes if state.any_shown else None,
            **{choice: int(counts[choice]) if state.any_shown else None for choice in CHOICES},
            "median": median_label(room.median) if state.any_shown else "",
            "agreed": level_label(int(agreed["level"])) if agreed is not None else "",
            "rationale": str(agreed["rationale"]) if agreed is not None else "",
            "actions": "; ".join(
                f"{row.description} ({row.owner or 'no owner'}, "
                f"{row.due_on:%d/%m/%Y})" if pd.notna(row.due_on) else
                f"{row.description} ({row.owner or 'no owner'}, no due date)"
                for row in here.itertuples()),
        })
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype(
        {column: "Int64" for column in ("votes", *CHOICES)})


OUTCOME_COLUMNS = {
    "position": "No.",
    "statement": "Statement",
    "agreed": "Agreed level",
    "rationale": "Why",
    "actions": "Actions (owner, due)",
    "room": "The room's votes",
}


def summary_outcomes(summary: pd.DataFrame) -> pd.DataFrame:
    """What the board needs first, one row per statement: the agreed level, why, the actions,
    and the room's votes in a few words (the counts by level are in the full table). Plain text
    cells, including what people typed: escape them before any Markdown-reading display."""
    room = [
        (f"{int(row.votes)} shown; middle vote {row.median}" if pd.notna(row.votes)
         else str(row.shown))
        for row in summary.itertuples()]
    outcomes = summary.assign(
        statement=summary["statement_id"] + ": " + summary["statement"], room=room)
    return outcomes[list(OUTCOME_COLUMNS)].rename(columns=OUTCOME_COLUMNS)


def summary_for_screen(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with plain column names and blank cells where no vote may be shown (a table on
    screen would print "None" there)."""
    counts = ["votes", *CHOICES]
    shown = summary.copy()
    # Text, not numbers: a column mixing counts and blanks cannot be sent to the browser as numbers.
    shown[counts] = summary[counts].astype("string").fillna("")
    return shown.rename(columns=COLUMNS)


def summary_csv(summary: pd.DataFrame) -> bytes:
    """The summary as CSV with plain column names; no cell can run as a spreadsheet formula."""
    return csv_bytes(summary.rename(columns=COLUMNS))
