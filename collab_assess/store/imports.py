"""Responses brought in from a file, written all together or not at all."""

from __future__ import annotations

from collab_assess.store.database import Database


class ImportRecords(Database):
    """Imports of responses from spreadsheets."""
