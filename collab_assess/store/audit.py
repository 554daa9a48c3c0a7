"""The audit log: one row for every change, written in the same transaction as the change itself,
so a change and its record are saved together or not at all.

Each row says who (actor), when (changed_at, UTC), what (action and record_kind, record_id), whose
(collaborative_id, round_id) and the record's value before and after as JSON text: NULL before a
creation and after a removal. Secrets that open someone's answers or a round (resume codes, join
codes, invitation tokens) are never written here. The log is only ever added to; a restore
replaces it with the backup's (the replaced log stays in the copy kept before the restore).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import duckdb
import pandas as pd

from collab_assess.store.database import Database, utc_now
from collab_assess.store.rules import admin_only

RECORD_KINDS = ("collaborative", "member", "round", "respondent", "answer", "self-described stage",
                "consensus", "action", "workshop", "import", "role", "database")
"""Every record_kind the log uses ("database": changes to everything at once, such as demo data
and restores)."""

def _json_default(value: Any) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def as_json(value: Any) -> str | None:
    """A record's value as JSON text for the log (None stays None: nothing before a creation)."""
    if value is None:
        return None
    return json.dumps(value, default=_json_default, ensure_ascii=False, sort_keys=True)


# One statement whatever the caller knows: when only the round is given, its collaborative is
# looked up in the same INSERT, so an answer's save pays for one statement, not two.
_INSERT = """
    INSERT INTO audit_log (changed_at, actor, action, record_kind, record_id, collaborative_id,
        round_id, before_value, after_value)
    SELECT ?, ?, ?, ?, ?,
        coalesce(?::INTEGER, (SELECT collaborative_id FROM rounds WHERE id = ?::INTEGER)),
        ?, ?, ?
"""


def write_audit(cursor: duckdb.DuckDBPyConnection, *, actor: str, action: str, record_kind: str,
                record_id: Any = None, collaborative_id: int | None = None,
                round_id: int | None = None, before: Any = None, after: Any = None) -> None:
    """Record one change, inside the caller's transaction. Given a round but no collaborative,
    the round's collaborative is recorded."""
    cursor.execute(
        _INSERT,
        [utc_now(), actor, action, record_kind, None if record_id is None else str(record_id),
         collaborative_id, round_id, round_id, as_json(before), as_json(after)],
    )


class AuditRecords(Database):
    """Reading the audit log."""

    @admin_only
    def audit_entries(self, *, collaborative_ids: Sequence[int] | None = None,
                      record_kinds: Sequence[str] | None = None, since: datetime | None = None,
                      until: datetime | None = None, limit: int | None = None) -> pd.DataFrame:
        """Entries of the log, newest first: changed_at, actor, action, record_kind, record_id,
        collaborative (its name now, blank for changes to no one collaborative or to one since
        removed), round (its label), before_value and after_value (JSON text).

        collaborative_ids None means every entry; a list means only those collaboratives' entries
        (an empty list, none). record_kinds likewise (None: every kind). Times are UTC:
        since <= changed_at < until."""
        if (collaborative_ids is not None and not collaborative_ids) or (
                record_kinds is not None and not record_kinds):
            return self._frame(self._AUDIT_ENTRIES + " WHERE false")
        collaboratives = None if collaborative_ids is None else [int(i) for i in collaborative_ids]
        kinds = None if record_kinds is None else [str(kind) for kind in record_kinds]
        sql = self._AUDIT_ENTRIES + """
            WHERE (?::INTEGER[] IS NULL OR l.collaborative_id IN (SELECT unnest(?::INTEGER[])))
              AND (?::VARCHAR[] IS NULL OR l.record_kind IN (SELECT unnest(?::VARCHAR[])))
              AND (?::TIMESTAMP IS NULL OR l.changed_at >= ?::TIMESTAMP)
              AND (?::TIMESTAMP IS NULL OR l.changed_at < ?::TIMESTAMP)
            ORDER BY l.changed_at DESC, l.id DESC
            LIMIT ?
        """
        return self._frame(sql, [collaboratives, collaboratives, kinds, kinds, since, since,
                                 until, until, limit])

    _AUDIT_ENTRIES = """
        SELECT l.changed_at, l.actor, l.action, l.record_kind, l.record_id,
            c.name AS collaborative, r.label AS round, l.before_value, l.after_value
        FROM audit_log l
        LEFT JOIN collaboratives c ON c.id = l.collaborative_id
        LEFT JOIN rounds r ON r.id = l.round_id
    """
