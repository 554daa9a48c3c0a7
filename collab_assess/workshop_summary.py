"""What a workshop decided, for the board papers: each statement's votes, the agreed level with
its rationale, and the actions, as a table and as a CSV file."""

from __future__ import annotations

import pandas as pd

from collab_assess.exchange.export_sheets import csv_bytes
from collab_assess.scale import level_label
from collab_assess.store import Store
from collab_assess.workshop import CHOICES, Workshop, choice_of, median_label

COLUMNS = {
    "position": "Order",
    "statement_id": "Statement",
    "area": "Area",
    "statement": "Wording",
    "votes": "Votes",
    **{choice: choice for choice in CHOICES},
    "median": "Middle vote",
    "agreed": "Agreed level",
    "rationale": "Why",
    "actions": "Actions (owner, due)",
}


def workshop_summary(store: Store, workshop: Workshop) -> pd.DataFrame:
    """One row per workshop statement, in the workshop's order (columns: COLUMNS' keys)."""
    bank = store.bank(store.get_round(workshop.round_id).bank_version)
    votes = store.workshop_votes(workshop.id)
    votes["choice"] = [choice_of(level, unscored)
                       for level, unscored in zip(votes["level"], votes["unscored"])]
    counts = (votes.dropna(subset=["choice"]).pivot_table(
        index="statement_id", columns="choice", values="votes", aggfunc="sum", fill_value=0)
        .reindex(columns=CHOICES, fill_value=0))
    consensus = store.current_consensus([workshop.round_id]).set_index("statement_id")
    actions = store.actions(workshop.round_id)
    areas = {area.id: area.name for area in bank.areas}
    statements = bank.statements_by_id
    rows = []
    for position, statement_id in enumerate(workshop.statement_ids):
        statement = statements[statement_id]
        tally = counts.loc[statement_id] if statement_id in counts.index else pd.Series(
            0, index=CHOICES)
        levels = [level for level, choice in enumerate(CHOICES[:4], start=1)
                  for _ in range(int(tally[choice]))]
        agreed = consensus.loc[statement_id] if statement_id in consensus.index else None
        here = actions[actions["statement_id"] == statement_id]
        rows.append({
            "position": position + 1,
            "statement_id": statement_id,
            "area": areas[statement.area],
            "statement": statement.statement,
            "votes": int(tally.sum()),
            **{choice: int(tally[choice]) for choice in CHOICES},
            "median": median_label(float(pd.Series(levels).median()) if levels else None),
            "agreed": level_label(int(agreed["level"])) if agreed is not None else "",
            "rationale": str(agreed["rationale"]) if agreed is not None else "",
            "actions": "; ".join(
                f"{row.description} ({row.owner or 'no owner'}, "
                f"{row.due_on:%d/%m/%Y})" if pd.notna(row.due_on) else
                f"{row.description} ({row.owner or 'no owner'}, no due date)"
                for row in here.itertuples()),
        })
    return pd.DataFrame(rows, columns=list(COLUMNS))


def summary_csv(summary: pd.DataFrame) -> bytes:
    """The summary as CSV with plain column names; no cell can run as a spreadsheet formula."""
    return csv_bytes(summary.rename(columns=COLUMNS))
