"""Loading and removing the synthetic demo peers in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from collab_assess.content.bank import QuestionBank
from collab_assess.content.codes import new_resume_code
from collab_assess.errors import InputError
from collab_assess.store.audit import write_audit
from collab_assess.store.banks import BankSnapshots
from collab_assess.store.database import utc_now
from collab_assess.store.inputs import name_key
from collab_assess.store.kept_scores_sql import keep_scores_sql
from collab_assess.store.rows import one_row
from collab_assess.store.rules import admin_only


@dataclass(frozen=True)
class DemoDataset:
    """Tables keyed by local keys (strings); the Store gives them real ids when it imports them.

    collaboratives: key, name, region, icss (list), collaborative_type, governance_model,
                    decision_mechanisms (list)
    members:        collaborative_key, organisation, organisation_type
    rounds:         key, collaborative_key, label, opens_on (date), closes_on (date), status
                    ("closed": submitted, or "open"), bank_version (the bank it asks)
    respondents:    key, round_key, role, organisation, display_name
    answers:        round_key, respondent_key, statement_id, level (1-4 or missing),
                    unscored ("dont_know"/"not_applicable" or missing), target_level (1-4 or
                    missing), note (str)
    stages:         round_key, respondent_key, stage (1-4)
    """

    collaboratives: pd.DataFrame
    members: pd.DataFrame
    rounds: pd.DataFrame
    respondents: pd.DataFrame
    answers: pd.DataFrame
    stages: pd.DataFrame


class DemoData(BankSnapshots):
    """Bulk load and removal of synthetic demo peers."""

    @admin_only
    def has_demo_data(self) -> bool:
        return bool(self._row("SELECT count(*) FROM collaboratives WHERE is_demo")[0])

    @admin_only
    def is_empty(self) -> bool:
        return not self._row("SELECT count(*) FROM collaboratives")[0]

    @admin_only
    def table_counts(self) -> dict[str, int]:
        row = self._row(
            """
            SELECT (SELECT count(*) FROM collaboratives), (SELECT count(*) FROM members),
                (SELECT count(*) FROM rounds), (SELECT count(*) FROM respondents),
                (SELECT count(*) FROM answers), (SELECT count(*) FROM self_described_stages),
                (SELECT count(*) FROM consensus_records), (SELECT count(*) FROM actions),
                (SELECT count(*) FROM action_updates), (SELECT count(*) FROM workshops),
                (SELECT count(*) FROM workshop_seats), (SELECT count(*) FROM imports)
            """
        )
        names = ["collaboratives", "members", "rounds", "respondents", "answers",
                 "self_described_stages", "consensus_records", "actions", "action_updates",
                 "workshops", "workshop_seats", "imports"]
        return dict(zip(names, map(int, row), strict=True))

    @admin_only
    def import_demo(
        self, dataset: DemoDataset, bank: QuestionBank | Sequence[QuestionBank]
    ) -> dict[str, int]:
        """Load synthetic demo peers in one transaction: all of it is saved, or none of it.

        Each round asks the bank version in its `bank_version` column, if the dataset has one;
        otherwise the (first) bank given. Closed demo rounds count as submitted: their scores are
        kept, as for any submitted round."""
        banks = [bank] if isinstance(bank, QuestionBank) else list(bank)
        for each in banks:
            self.register_bank(each)
        now = utc_now()

        def reserve(cursor: duckdb.DuckDBPyConnection, sequence: str, keys: pd.Series) -> dict:
            ids = cursor.execute(
                "SELECT nextval(?) FROM range(?)", [sequence, len(keys)]
            ).fetchall()
            return dict(zip(keys, (int(row[0]) for row in ids), strict=True))

        def insert(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
            cursor.register("incoming_rows", frame)
            cursor.execute(_BULK_INSERTS[table])
            cursor.unregister("incoming_rows")

        def work(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
            names = dataset.collaboratives["name"]
            taken = cursor.execute(
                "SELECT name FROM collaboratives WHERE name_key IN (SELECT unnest(?::VARCHAR[]))",
                [[name_key(n) for n in names]],
            ).fetchall()
            if taken:
                raise InputError(
                    f"Demo data is already loaded ({taken[0][0]} exists). Remove it first with "
                    "`collab-assess remove-demo`."
                )
            collaborative_ids = reserve(cursor, "collaborative_ids", dataset.collaboratives["key"])
            round_ids = reserve(cursor, "round_ids", dataset.rounds["key"])
            respondent_ids = reserve(cursor, "respondent_ids", dataset.respondents["key"])

            collaboratives = dataset.collaboratives.assign(
                id=dataset.collaboratives["key"].map(collaborative_ids),
                name_key=names.map(name_key),
                is_demo=True,
                created_at=now,
                created_by="demo generator",
            ).drop(columns="key")
            insert(cursor, "collaboratives", collaboratives)
            insert(
                cursor,
                "collaborative_profile_history",
                collaboratives.rename(columns={"id": "collaborative_id"})
                .assign(changed_at=now, changed_by="demo generator")
                .drop(columns=["name_key", "is_demo", "created_at", "created_by"]),
            )
            insert(
                cursor,
                "members",
                dataset.members.assign(
                    collaborative_id=dataset.members["collaborative_key"].map(collaborative_ids),
                    added_at=now,
                    added_by="demo generator",
                ).drop(columns="collaborative_key"),
            )
            insert(
                cursor,
                "rounds",
                dataset.rounds.assign(
                    id=dataset.rounds["key"].map(round_ids),
                    collaborative_id=dataset.rounds["collaborative_key"].map(collaborative_ids),
                    bank_version=dataset.rounds.get("bank_version", banks[0].version),
                    created_at=now,
                    created_by="demo generator",
                ).drop(columns=["key", "collaborative_key"]),
            )
            insert(
                cursor,
                "respondents",
                dataset.respondents.assign(
                    id=dataset.respondents["key"].map(respondent_ids),
                    round_id=dataset.respondents["round_key"].map(round_ids),
                    resume_code=[new_resume_code() for _ in range(len(dataset.respondents))],
                    created_at=now,
                ).drop(columns=["key", "round_key"]),
            )
            keyed = {
                "round_id": lambda f: f["round_key"].map(round_ids),
                "respondent_id": lambda f: f["respondent_key"].map(respondent_ids),
            }
            insert(
                cursor,
                "answers",
                dataset.answers.assign(
                    **keyed, recorded_at=now, recorded_by="demo generator", source="demo"
                ).drop(columns=["round_key", "respondent_key"]),
            )
            cursor.execute(
                """
                INSERT INTO answer_heads
                SELECT round_id, respondent_id, statement_id, max(id) FROM answers
                WHERE round_id IN (SELECT unnest(?::INTEGER[]))
                GROUP BY ALL
                """,
                [list(round_ids.values())],
            )
            insert(
                cursor,
                "self_described_stages",
                dataset.stages.assign(
                    **keyed, recorded_at=now, recorded_by="demo generator"
                ).drop(columns=["round_key", "respondent_key"]),
            )
            closed = [round_ids[key] for key, status in
                      zip(dataset.rounds["key"], dataset.rounds["status"], strict=True)
                      if status == "closed"]
            for statement in keep_scores_sql("SELECT unnest(?::INTEGER[])"):
                cursor.execute(statement, [closed])
            counts = {
                "collaboratives": len(collaboratives),
                "rounds": len(round_ids),
                "respondents": len(respondent_ids),
                "answers": len(dataset.answers),
            }
            write_audit(cursor, actor="demo generator", action="import", record_kind="database",
                        after={"what": "synthetic demo peers", **counts})
            return counts

        return self._write(work)

    @admin_only
    def remove_demo(self, removed_by: str = "collab-assess remove-demo") -> dict[str, int]:
        """Delete every synthetic collaborative and everything recorded for it; real data is
        untouched. Returns how many rows went from each table. The audit log keeps its entries
        about them."""

        def work(cursor: duckdb.DuckDBPyConnection) -> dict[str, int]:
            removed: dict[str, int] = {}
            for table, statement in _DEMO_DELETES:
                removed[table] = int(one_row(cursor, statement)[0])
            if any(removed.values()):
                write_audit(cursor, actor=removed_by, action="remove", record_kind="database",
                            before={"what": "synthetic demo peers",
                                    **{table: count for table, count in removed.items() if count}})
            return removed

        return self._write(work)


# The demo loader's bulk inserts: rows come from a registered DataFrame, never from SQL text.
_BULK_INSERTS = {
    table: f"INSERT INTO {table} BY NAME SELECT * FROM incoming_rows"
    for table in (
        "collaboratives",
        "collaborative_profile_history",
        "members",
        "rounds",
        "respondents",
        "answers",
        "self_described_stages",
    )
}

_DEMO_ROUNDS = (
    "SELECT r.id FROM rounds r JOIN collaboratives c ON c.id = r.collaborative_id WHERE c.is_demo"
)
_DEMO_COLLABORATIVES = "SELECT id FROM collaboratives WHERE is_demo"
_DEMO_WORKSHOPS = f"SELECT id FROM workshops WHERE round_id IN ({_DEMO_ROUNDS})"
_DEMO_ACTIONS = f"SELECT id FROM actions WHERE round_id IN ({_DEMO_ROUNDS})"

# Children first, so nothing is ever left pointing at a deleted row.
_DEMO_DELETES: tuple[tuple[str, str], ...] = tuple(
    (table, f"DELETE FROM {table} WHERE {column} IN ({parents})")
    for table, column, parents in (
        ("kept_statement_scores", "round_id", _DEMO_ROUNDS),
        ("kept_area_scores", "round_id", _DEMO_ROUNDS),
        ("kept_round_scores", "round_id", _DEMO_ROUNDS),
        # Synthetic peers leave today's peer figures at once, not tomorrow.
        ("peer_snapshot_statement_scores", "round_id", _DEMO_ROUNDS),
        ("peer_snapshot_area_scores", "round_id", _DEMO_ROUNDS),
        ("peer_snapshot_collaboratives", "collaborative_id", _DEMO_COLLABORATIVES),
        ("answer_heads", "round_id", _DEMO_ROUNDS),
        ("answers", "round_id", _DEMO_ROUNDS),
        ("self_described_stages", "round_id", _DEMO_ROUNDS),
        ("consensus_records", "round_id", _DEMO_ROUNDS),
        ("action_updates", "action_id", _DEMO_ACTIONS),
        ("actions", "round_id", _DEMO_ROUNDS),
        ("workshop_events", "workshop_id", _DEMO_WORKSHOPS),
        ("workshop_disclosures", "workshop_id", _DEMO_WORKSHOPS),
        ("workshop_seats", "workshop_id", _DEMO_WORKSHOPS),
        ("workshop_statements", "workshop_id", _DEMO_WORKSHOPS),
        ("workshops", "round_id", _DEMO_ROUNDS),
        ("imported_respondents", "round_id", _DEMO_ROUNDS),
        ("imports", "round_id", _DEMO_ROUNDS),
        ("respondents", "round_id", _DEMO_ROUNDS),
        ("rounds", "id", _DEMO_ROUNDS),
        ("members", "collaborative_id", _DEMO_COLLABORATIVES),
        ("collaborative_profile_history", "collaborative_id", _DEMO_COLLABORATIVES),
        ("collaboratives", "id", _DEMO_COLLABORATIVES),
    )
)
