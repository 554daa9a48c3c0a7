"""Checks run inside a write's transaction, so what they check cannot change before the write
commits.

DuckDB tables here have no foreign keys (see migrations.py), so these are what keep every row
pointing at something that exists.
"""

from __future__ import annotations

import duckdb

from collab_assess.errors import NotFoundError, RoundClosedError


def require_collaborative(cursor: duckdb.DuckDBPyConnection, collaborative_id: int) -> None:
    if not cursor.execute("SELECT 1 FROM collaboratives WHERE id = ?",
                          [collaborative_id]).fetchone():
        raise NotFoundError(f"There is no collaborative number {collaborative_id}.")


def require_round(cursor: duckdb.DuckDBPyConnection, round_id: int) -> tuple[str, int]:
    """The round's status and question bank version."""
    row = cursor.execute("SELECT status, bank_version FROM rounds WHERE id = ?",
                         [round_id]).fetchone()
    if row is None:
        raise NotFoundError(f"There is no assessment round number {round_id}.")
    return row[0], int(row[1])


def require_open_round(cursor: duckdb.DuckDBPyConnection, round_id: int) -> int:
    """The open round's question bank version; a closed round refuses the write."""
    status, bank_version = require_round(cursor, round_id)
    if status != "open":
        raise RoundClosedError(
            "This assessment round is closed, so answers can no longer be added or changed. "
            "Nothing was saved. Ask your collaborative lead to reopen it, or open a new round."
        )
    return bank_version


def require_respondent_in_round(
    cursor: duckdb.DuckDBPyConnection, respondent_id: int, round_id: int
) -> None:
    if not cursor.execute(
        "SELECT 1 FROM respondents WHERE id = ? AND round_id = ?", [respondent_id, round_id]
    ).fetchone():
        raise NotFoundError(f"Respondent {respondent_id} is not taking part in this round.")


def require_statement(
    cursor: duckdb.DuckDBPyConnection, bank_version: int, statement_id: str
) -> None:
    if not cursor.execute(
        "SELECT 1 FROM bank_statements WHERE bank_version = ? AND statement_id = ?",
        [bank_version, statement_id],
    ).fetchone():
        raise NotFoundError(
            f"'{statement_id}' is not a statement in this round's question bank "
            f"(version {bank_version}). Nothing was saved."
        )
