"""The one owner of the DuckDB database: schema, migrations, and every query and write.

One connection per process; each thread gets its own cursor from it. Every write runs in a short
transaction and is retried when DuckDB reports a write-write conflict. Answers are append-only: a
change is a new row recording who, when and from where, and the newest row is the current answer.

The Store is one class with named methods; each module of this package holds the SQL for one kind of
record, and database.py holds the connection they all share.
"""

from __future__ import annotations

from datetime import date

from collab_assess.store.answers import AnswerRecords
from collab_assess.store.audit import AuditRecords
from collab_assess.store.backups import BackupRecords
from collab_assess.store.benchmarks import BenchmarkQueries, RoundFilter
from collab_assess.store.collaboratives import CollaborativeRecords
from collab_assess.store.database import (
    DB_ENV_VAR,
    DEFAULT_DB_PATH,
    default_db_path,
    utc_now,
)
from collab_assess.store.demo_data import DemoData
from collab_assess.store.imports import ImportRecords
from collab_assess.store.peer_comparison import PeerComparison, PeerGroup, peer_comparison
from collab_assess.store.peer_snapshots import PeerSnapshots
from collab_assess.store.records import Collaborative, Respondent, Round
from collab_assess.store.roles import RoleRecords
from collab_assess.store.rounds import RoundRecords
from collab_assess.store.rules import admin_only, checked_by_caller
from collab_assess.store.scale_data import ScaleData
from collab_assess.store.workshop import WorkshopRecords
from collab_assess.store.workshops import WorkshopSessions

__all__ = [
    "DB_ENV_VAR",
    "DEFAULT_DB_PATH",
    "Collaborative",
    "Respondent",
    "Round",
    "RoundFilter",
    "Store",
    "default_db_path",
    "utc_now",
]


class Store(AnswerRecords, RoundRecords, DemoData, ScaleData, CollaborativeRecords,
            WorkshopSessions, WorkshopRecords, BenchmarkQueries, PeerSnapshots, ImportRecords,
            BackupRecords, RoleRecords, AuditRecords):
    """Every read and write of collab-assess data goes through one of these methods."""

    @classmethod
    @admin_only
    def open_default(cls) -> Store:
        return cls(default_db_path())

    @checked_by_caller
    def statement_detail_allowed(self, round_id: int) -> bool:
        """The whole Store shows everything; a ScopedStore may not (anonymity.py)."""
        return True

    @checked_by_caller
    def peer_comparison(self, collaborative: Collaborative, assessment_round: Round,
                        early_stages: tuple, group: PeerGroup | None = None, *,
                        today: date | None = None) -> PeerComparison:
        """A round against anonymous peers: aggregates only, none below the peer threshold, from
        the day's snapshot."""
        return peer_comparison(self, collaborative, assessment_round, early_stages,
                               group or PeerGroup.ALL, today=today)
