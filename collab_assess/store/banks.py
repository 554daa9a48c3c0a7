"""Snapshots of question bank versions, so a round always asks what it was opened with."""

from __future__ import annotations

import hashlib

import duckdb

from collab_assess.content.bank import QuestionBank
from collab_assess.errors import BankError, NotFoundError
from collab_assess.store.database import Database, utc_now
from collab_assess.store.rows import one_row
from collab_assess.store.rules import Access, admin_only, for_round, open_to_all


class BankSnapshots(Database):
    """Stores and reads copies of question bank versions."""

    @admin_only
    def register_bank(self, bank: QuestionBank) -> None:
        """Keep a copy of this bank version so rounds opened with it never change when the files
        do.

        A stored version may be replaced only while no round uses it; after that, changes to its
        file must be released as a new version."""
        content = bank.to_json()
        digest = hashlib.sha256(content.encode()).hexdigest()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            row = cursor.execute(
                "SELECT sha256 FROM bank_versions WHERE version = ?", [bank.version]
            ).fetchone()
            if row and row[0] == digest:
                return
            if row:
                used = one_row(
                    cursor,
                    "SELECT count(*) FROM rounds WHERE bank_version = ?", [bank.version]
                )[0]
                if used:
                    raise BankError(
                        f"question_bank/bank-v{bank.version}.toml",
                        [
                            f"the bank's header: version {bank.version} differs from the copy "
                            f"{used} assessment round(s) already use; never edit a released "
                            f"version: save the change as bank-v{bank.version + 1}.toml"
                        ],
                    )
                cursor.execute("DELETE FROM bank_statements WHERE bank_version = ?", [bank.version])
                cursor.execute("DELETE FROM bank_versions WHERE version = ?", [bank.version])
            cursor.execute(
                "INSERT INTO bank_versions VALUES (?, ?, ?, ?, ?)",
                [bank.version, bank.title, content, digest, utc_now()],
            )
            cursor.executemany(
                "INSERT INTO bank_statements VALUES (?, ?, ?, ?)",
                [[bank.version, s.id, s.area, i] for i, s in enumerate(bank.statements)],
            )

        self._write(work)

    @open_to_all
    def bank(self, version: int) -> QuestionBank:
        row = self._one("SELECT sha256, content FROM bank_versions WHERE version = ?", [version])
        if row is None:
            raise NotFoundError(f"Question bank version {version} is not in the database.")
        key = (version, row[0])
        if key not in self._banks:
            self._banks[key] = QuestionBank.from_json(row[1])
        return self._banks[key]

    @for_round(Access.ANSWER)
    def bank_for_round(self, round_id: int) -> QuestionBank:
        row = self._one("SELECT bank_version FROM rounds WHERE id = ?", [round_id])
        if row is None:
            raise NotFoundError(f"There is no assessment round number {round_id}.")
        return self.bank(int(row[0]))
