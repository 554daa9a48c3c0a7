"""Consistent copies of the whole database taken by the process that holds it, and restores."""

from __future__ import annotations

from collab_assess.store.database import Database


class BackupRecords(Database):
    """Snapshots and restores of the database."""
