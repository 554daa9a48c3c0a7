"""The answers every figure counts, as SQL: each person's current answer to each statement, with
workshop votes left out until the facilitator has revealed them.

A vote is an answer with the workshop it was cast in (answers.workshop_id). It is *disclosed* once a
reveal of its statement in that workshop has let the room's votes be shown (workshop_disclosures, by
the rule in anonymity.reveal_discloses): every vote up to that reveal's answer watermark counts. A
vote after the last disclosed reveal (voting opened again, or never revealed) does not count yet:
the person's counted answer is then the newest answer of theirs that may be shown (their own
self-assessment answer, or an earlier disclosed vote), or none. So no figure anywhere (Results, the
report, the exports, progress, kept scores, benchmarks) can move while a vote is still hidden, and
nobody can work out a vote by comparing figures before and after it.

Everything that reads answers for a figure uses COUNTED_ANSWERS; the Store's current_answers and
the kept scores of a submitted round are built on it (tests/test_counted_answers.py).
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from collab_assess.content.anonymity import reveal_discloses
from collab_assess.store.rows import one_row


def counted_answers_sql(rounds: str) -> str:
    """SQL CTEs ending in `counted_answers` (every column of answers) for the rounds the fixed
    subquery `rounds` selects (text of our own: a placeholder or a fixed condition, never input).
    Continue with `SELECT ... FROM counted_answers`."""
    return f"""
        wanted_rounds AS ({rounds}),
        disclosed_until AS (
            SELECT workshop_id, statement_id, max(answer_watermark) AS upto
            FROM workshop_disclosures WHERE disclosed GROUP BY workshop_id, statement_id
        ),
        heads AS (
            SELECT a.*, (a.workshop_id IS NOT NULL AND (d.upto IS NULL OR a.id > d.upto))
                AS held_back
            FROM answer_heads h
            JOIN answers a ON a.id = h.answer_id
            LEFT JOIN disclosed_until d
                ON d.workshop_id = a.workshop_id AND d.statement_id = a.statement_id
            WHERE h.round_id IN (SELECT * FROM wanted_rounds)
              AND a.round_id IN (SELECT * FROM wanted_rounds)
        ),
        shown_instead AS (
            SELECT a.* FROM answers a
            JOIN heads held ON held.held_back AND held.round_id = a.round_id
                AND held.respondent_id = a.respondent_id AND held.statement_id = a.statement_id
            LEFT JOIN disclosed_until d
                ON d.workshop_id = a.workshop_id AND d.statement_id = a.statement_id
            WHERE a.round_id IN (SELECT * FROM wanted_rounds)
              AND (a.workshop_id IS NULL OR a.id <= d.upto)
            QUALIFY row_number() OVER (PARTITION BY a.round_id, a.respondent_id, a.statement_id
                                       ORDER BY a.id DESC) = 1
        ),
        counted_answers AS (
            SELECT * EXCLUDE (held_back) FROM heads WHERE NOT held_back
            UNION ALL
            SELECT * FROM shown_instead
        )
    """


def record_reveal(cursor: duckdb.DuckDBPyConnection, workshop_id: int, statement_id: str,
                  reveal_version: int, revealed_at: datetime,
                  answer_watermark: int | None = None) -> bool:
    """Record a reveal of one statement's votes and whether it may show them
    (anonymity.reveal_discloses). The watermark is the newest answer at the reveal (the newest
    saved by then, when recording past reveals): votes up to it are what this reveal shows.
    Runs inside the transaction that moves the workshop. Returns whether the votes are shown."""
    if answer_watermark is None:
        (answer_watermark,) = one_row(cursor, "SELECT coalesce(max(id), 0) FROM answers")
    (shown_until,) = one_row(
        cursor,
        "SELECT max(answer_watermark) FROM workshop_disclosures "
        "WHERE workshop_id = ? AND statement_id = ? AND disclosed",
        [workshop_id, statement_id])
    voters, new_voters = one_row(
        cursor,
        """
        SELECT count(DISTINCT respondent_id),
            count(DISTINCT respondent_id) FILTER (WHERE id > ?)
        FROM answers WHERE workshop_id = ? AND statement_id = ? AND id <= ?
        """, [shown_until or 0, workshop_id, statement_id, answer_watermark])
    disclosed = reveal_discloses(voters=int(voters), new_voters=int(new_voters),
                                 shown_before=shown_until is not None)
    cursor.execute("INSERT INTO workshop_disclosures VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   [workshop_id, statement_id, reveal_version, answer_watermark, voters,
                    new_voters, disclosed, revealed_at])
    return disclosed
