"""Responses brought in from a file, written all together or not at all.

An import adds people to a round, each with a new resume code (as add_respondent gives), and their
answers as ordinary answer rows with source 'import' and recorded_by 'import of <file name>'. The
imports table records each import (who, when, which file by name and SHA-256, what it added) and
imported_respondents links every person it added back to it, with the rows of the file they came
from. Nothing existing is changed, so the append-only history of answers holds.

The same file, or a response already imported, is refused inside the write's own transaction, so
two people importing the same file at once cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import duckdb
import pandas as pd

from collab_assess.content.codes import new_resume_code
from collab_assess.content.scale import Unscored
from collab_assess.errors import InputError, RoundClosedError
from collab_assess.store.audit import write_audit
from collab_assess.store.checks import require_open_round
from collab_assess.store.database import Database, utc_now
from collab_assess.store.import_plan import ImportPlan, PlannedRespondent, Repeats
from collab_assess.store.inputs import (
    RECORDED_BY_MAX,
    AnswerInput,
    RespondentInput,
    StageInput,
    validated,
)
from collab_assess.store.rows import one_row
from collab_assess.store.rules import Access, for_record, for_round, for_rounds

RECORDED_BY_PREFIX = "import of "


def import_recorded_by(file_name: str) -> str:
    """Who the answers of an import were recorded by: 'import of <file name>' (cut to fit)."""
    return (RECORDED_BY_PREFIX + " ".join(file_name.split()))[:RECORDED_BY_MAX]


SETTLE_AFTER_ANSWERS = 1000
"""An import of this many answers or more is written into the database file at once, not left in
its write-ahead log (which a copy of the file alone would miss)."""


@dataclass(frozen=True)
class ImportOutcome:
    """What an import added."""

    import_id: int
    round_id: int
    file_name: str
    respondents: int
    answers: int
    stages: int
    respondent_ids: tuple[int, ...]

    def message(self) -> str:
        people = f"{self.respondents:,} {'person' if self.respondents == 1 else 'people'}"
        answers = f"{self.answers:,} answer{'s' if self.answers != 1 else ''}"
        return f"Imported {people} and {answers} from {self.file_name}."


class _Saved(NamedTuple):
    """One checked answer as it is written: the checked AnswerInput's values, without the model
    (a pydantic model an answer took about 1 KB: 300 MB for a file of 300,000 answers)."""

    level: int | None
    unscored: Unscored | None
    target_level: int | None
    note: str
    recorded_by: str
    source: str

    @classmethod
    def of(cls, answer: AnswerInput) -> _Saved:
        return cls(answer.level, answer.unscored, answer.target_level, answer.note,
                   answer.recorded_by, answer.source)


@dataclass(frozen=True)
class _Person:
    respondent: RespondentInput
    answers: tuple[tuple[str, _Saved], ...]
    stage: StageInput | None
    planned: PlannedRespondent


Progress = Callable[[float, str], None]


class ImportRecords(Database):
    """Imports of responses from spreadsheets."""

    @for_round(Access.MANAGE)
    def import_responses(self, round_id: int, plan: ImportPlan, file_name: str, imported_by: str,
                         *, progress: Progress | None = None) -> ImportOutcome:
        """Add every person and answer of the plan to the round, in one transaction: all of it or
        none of it. The round must be open, the plan checked for this round with no problems
        left, and (unless the plan allows repeats) neither the file nor any response in it
        imported into this round before."""
        if plan.round_id != round_id:
            raise InputError("This import was checked for another round. Check the file again "
                             "for this round. Nothing was imported.")
        if not plan.can_import:
            count = len(plan.problems)
            raise InputError(
                f"The file still has {count} problem{'s' if count != 1 else ''} to put right "
                "before it can be imported. Nothing was imported." if count else
                "There is nobody to import in the file. Nothing was imported.")
        recorded_by = import_recorded_by(file_name)
        who = " ".join((imported_by or "").split())[:RECORDED_BY_MAX] or "app user"
        people = _validated_people(plan, recorded_by)
        statement_ids = sorted({sid for person in people for sid, _ in person.answers})

        def work(cursor: duckdb.DuckDBPyConnection) -> ImportOutcome:
            try:
                bank_version = require_open_round(cursor, round_id)
            except RoundClosedError as error:
                raise RoundClosedError(
                    "This round is closed (submitted), so nothing was imported. Reopen it on the "
                    "Collaborative page first, then import the file again.") from error
            if bank_version != plan.bank_version:
                raise InputError("This round asks another version of the question bank than the "
                                 "one the file was checked against. Check the file again. Nothing "
                                 "was imported.")
            _require_statements(cursor, bank_version, statement_ids)
            if plan.repeats is not Repeats.ALLOW:
                _refuse_repeats(cursor, round_id, plan)
            if progress:
                progress(0.2, "Adding the people…")
            import_id = self._insert_import(cursor, round_id, plan, file_name, who, people)
            ids = self._insert_respondents(cursor, round_id, import_id, people)
            if progress:
                progress(0.5, "Adding their answers…")
            answers = self._insert_answers(cursor, round_id, ids, people)
            stages = self._insert_stages(cursor, round_id, ids, people)
            # One entry for the whole import, not one per answer: the imports table and
            # imported_respondents say which people and answers it brought.
            write_audit(cursor, actor=who, action="import", record_kind="import",
                        record_id=import_id, round_id=round_id,
                        after={"file_name": file_name, "file_sha256": plan.file_sha256,
                               "layout": plan.layout, "sheet": plan.sheet,
                               "respondents": len(ids), "answers": answers, "stages": stages})
            if progress:
                progress(1.0, "Saved.")
            return ImportOutcome(import_id, round_id, file_name, len(ids), answers, stages,
                                 tuple(ids))

        outcome = self._write(work)
        if outcome.answers >= SETTLE_AFTER_ANSWERS:
            self._settle()  # the database file alone now holds the import (Database._settle)
        return outcome

    # -- the steps of the write (each inside the caller's transaction) --

    @staticmethod
    def _insert_import(cursor: duckdb.DuckDBPyConnection, round_id: int, plan: ImportPlan,
                       file_name: str, who: str, people: list[_Person]) -> int:
        (import_id,) = one_row(
            cursor,
            """
            INSERT INTO imports (round_id, file_name, file_sha256, layout, sheet, respondents,
                answers, imported_at, imported_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
            """,
            [round_id, file_name, plan.file_sha256, plan.layout, plan.sheet, len(people),
             sum(len(person.answers) for person in people), utc_now(), who],
        )
        return int(import_id)

    @staticmethod
    def _insert_respondents(cursor: duckdb.DuckDBPyConnection, round_id: int, import_id: int,
                            people: list[_Person]) -> list[int]:
        """New respondents in file order (so their numbers in the round follow the file), each
        with a resume code no one else has."""
        codes = _new_codes(cursor, len(people))
        ids = sorted(int(row[0]) for row in cursor.execute(
            "SELECT nextval('respondent_ids') FROM range(?)", [len(people)]).fetchall())
        now = utc_now()
        incoming = pd.DataFrame({
            "id": ids,
            "round_id": [round_id] * len(ids),
            "role": [person.respondent.role for person in people],
            "organisation": [person.respondent.organisation for person in people],
            "display_name": [person.respondent.display_name for person in people],
            "resume_code": codes,
            "created_at": pd.Series([now] * len(ids), dtype="datetime64[us]"),
        })
        links = pd.DataFrame({
            "respondent_id": ids,
            "import_id": [import_id] * len(ids),
            "round_id": [round_id] * len(ids),
            "source_rows": [_rows_text(person.planned.rows) for person in people],
            "fingerprint": [person.planned.fingerprint for person in people],
        })
        _insert_frame(cursor, "respondents", incoming)
        _insert_frame(cursor, "imported_respondents", links)
        return ids

    @staticmethod
    def _insert_answers(cursor: duckdb.DuckDBPyConnection, round_id: int, ids: Sequence[int],
                        people: list[_Person]) -> int:
        now = utc_now()
        rows = [
            (round_id, respondent_id, statement_id, answer.level,
             answer.unscored.value if answer.unscored else None, answer.target_level,
             answer.note, now, answer.recorded_by, answer.source)
            for respondent_id, person in zip(ids, people, strict=True)
            for statement_id, answer in person.answers
        ]
        if not rows:
            return 0
        incoming = pd.DataFrame(rows, columns=[
            "round_id", "respondent_id", "statement_id", "level", "unscored", "target_level",
            "note", "recorded_at", "recorded_by", "source"]).astype({
                "level": "Int16", "target_level": "Int16", "recorded_at": "datetime64[us]"})
        incoming["position"] = range(len(incoming))
        cursor.register("incoming_answers", incoming)
        try:
            cursor.execute(
                """
                INSERT INTO answers (round_id, respondent_id, statement_id, level, unscored,
                    target_level, note, recorded_at, recorded_by, source)
                SELECT round_id, respondent_id, statement_id, level, unscored, target_level, note,
                    recorded_at, recorded_by, source
                FROM incoming_answers ORDER BY position
                """)
        finally:
            cursor.unregister("incoming_answers")
        # The people are new, so each of their answers is the current one.
        cursor.execute(
            """
            INSERT INTO answer_heads
            SELECT round_id, respondent_id, statement_id, max(id) FROM answers
            WHERE round_id = ? AND respondent_id IN (SELECT unnest(?::INTEGER[]))
            GROUP BY round_id, respondent_id, statement_id
            """,
            [round_id, list(ids)],
        )
        return len(rows)

    @staticmethod
    def _insert_stages(cursor: duckdb.DuckDBPyConnection, round_id: int, ids: Sequence[int],
                       people: list[_Person]) -> int:
        rows = [[round_id, respondent_id, person.stage.stage, utc_now(), person.stage.recorded_by]
                for respondent_id, person in zip(ids, people, strict=True)
                if person.stage is not None]
        if rows:
            cursor.executemany(
                "INSERT INTO self_described_stages (round_id, respondent_id, stage, recorded_at, "
                "recorded_by) VALUES (?, ?, ?, ?, ?)", rows)
        return len(rows)

    # -- reading the record of imports --

    @for_rounds(Access.READ)
    def imports(self, round_ids: Sequence[int]) -> pd.DataFrame:
        """Every import into these rounds, oldest first."""
        return self._frame(
            """
            SELECT id AS import_id, round_id, file_name, file_sha256, layout, sheet, respondents,
                answers, imported_at, imported_by
            FROM imports WHERE round_id IN (SELECT unnest(?::INTEGER[])) ORDER BY id
            """,
            [list(map(int, round_ids))],
        )

    @for_round(Access.MANAGE)
    def imports_of_file(self, round_id: int, file_sha256: str) -> pd.DataFrame:
        """Earlier imports of the very same file (same bytes) into the round, oldest first."""
        return self._frame(
            "SELECT id AS import_id, file_name, respondents, answers, imported_at, imported_by "
            "FROM imports WHERE round_id = ? AND file_sha256 = ? ORDER BY id",
            [round_id, file_sha256],
        )

    @for_round(Access.MANAGE)
    def imported_fingerprints(self, round_id: int) -> dict[str, tuple[str, datetime]]:
        """Each response imported into the round before: its fingerprint -> (file name, when)."""
        rows = self._cursor().execute(
            """
            SELECT p.fingerprint, i.file_name, i.imported_at
            FROM imported_respondents p JOIN imports i ON i.id = p.import_id
            WHERE p.round_id = ? ORDER BY i.id
            """,
            [round_id],
        ).fetchall()
        return {fingerprint: (file_name, when) for fingerprint, file_name, when in rows}

    @for_record("import", Access.MANAGE)
    def imported_respondents(self, import_id: int) -> pd.DataFrame:
        """The people an import added, with the rows of the file each came from."""
        return self._frame(
            "SELECT respondent_id, source_rows FROM imported_respondents WHERE import_id = ? "
            "ORDER BY respondent_id",
            [import_id],
        )


# -- helpers --------------------------------------------------------------------------------------

def _validated_people(plan: ImportPlan, recorded_by: str) -> list[_Person]:
    """The plan's people and answers through the app's own input checks (models.py), so an import
    can save nothing the app's pages could not."""
    people = []
    for person in plan.respondents:
        where = f"Row {person.first_row}" if person.first_row else "A person in the file"
        try:
            respondent = validated(RespondentInput, role=person.role,
                                   organisation=person.organisation,
                                   display_name=person.display_name)
            answers = tuple(
                (answer.statement_id, _Saved.of(validated(
                    AnswerInput, level=answer.level, unscored=answer.unscored,
                    target_level=answer.target_level, note=answer.note,
                    recorded_by=recorded_by, source="import")))
                for answer in person.answers)
            stage = (validated(StageInput, stage=person.stage, recorded_by=recorded_by)
                     if person.stage is not None else None)
        except InputError as error:
            raise InputError(f"{where}: {error} Nothing was imported.") from error
        people.append(_Person(respondent, answers, stage, person))
    return people


def _require_statements(cursor: duckdb.DuckDBPyConnection, bank_version: int,
                        statement_ids: list[str]) -> None:
    known = {row[0] for row in cursor.execute(
        "SELECT statement_id FROM bank_statements WHERE bank_version = ?",
        [bank_version]).fetchall()}
    unknown = [sid for sid in statement_ids if sid not in known]
    if unknown:
        raise InputError(f"{', '.join(unknown)} {'is' if len(unknown) == 1 else 'are'} not in "
                         f"this round's question bank (version {bank_version}). Nothing was "
                         "imported.")


def _refuse_repeats(cursor: duckdb.DuckDBPyConnection, round_id: int, plan: ImportPlan) -> None:
    same_file = cursor.execute(
        "SELECT file_name, imported_at FROM imports WHERE round_id = ? AND file_sha256 = ? "
        "ORDER BY id DESC LIMIT 1", [round_id, plan.file_sha256]).fetchone()
    if same_file is not None and plan.repeats is Repeats.REFUSE:
        raise InputError(
            f"This file was already imported into this round on {same_file[1]:%d %B %Y at %H:%M} "
            "UTC. Importing it again would count its people twice, so nothing was imported. If "
            "you really mean to, choose to import repeated responses anyway.")
    fingerprints = [person.fingerprint for person in plan.respondents if person.fingerprint]
    if not fingerprints:
        return
    (repeated,) = one_row(
        cursor,
        "SELECT count(*) FROM imported_respondents WHERE round_id = ? AND fingerprint IN "
        "(SELECT unnest(?::VARCHAR[]))", [round_id, fingerprints])
    if repeated:
        raise InputError(
            f"{repeated} of the responses in this file {'was' if repeated == 1 else 'were'} "
            "imported into this round since the file was checked. Check the file again. Nothing "
            "was imported.")


def _new_codes(cursor: duckdb.DuckDBPyConnection, count: int) -> list[str]:
    """count resume codes from the same generator as add_respondent, none already in use."""
    codes: set[str] = set()
    while len(codes) < count:
        wanted = {new_resume_code() for _ in range(count - len(codes))} - codes
        taken = {row[0] for row in cursor.execute(
            "SELECT resume_code FROM respondents WHERE resume_code IN "
            "(SELECT unnest(?::VARCHAR[]))", [sorted(wanted)]).fetchall()}
        codes |= wanted - taken
    return sorted(codes)


def _insert_frame(cursor: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    name = f"incoming_{table}"
    cursor.register(name, frame)
    try:
        cursor.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
    finally:
        cursor.unregister(name)


def _rows_text(rows: tuple[int, ...]) -> str:
    if not rows:
        return ""
    if len(rows) == 1:
        return str(rows[0])
    return f"{min(rows)}-{max(rows)}"
