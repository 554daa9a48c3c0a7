"""The one row a query always returns: an aggregate such as count(*), or an INSERT ... RETURNING.

DuckDB's fetchone() answers None when there is no row; for these queries that cannot happen, so
one_row says so loudly rather than let a None travel on. A leaf module, so that migrations.py and
the SQL helpers database.py imports can use it too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from collab_assess.errors import DatabaseError


def one_row(cursor: duckdb.DuckDBPyConnection, sql: str,
            params: Sequence[Any] = ()) -> tuple[Any, ...]:
    row = cursor.execute(sql, list(params)).fetchone()
    if row is None:
        shown = " ".join(sql.split())
        raise DatabaseError(f"The database returned no row for a query that always has one: "
                            f"{shown}")
    return row
