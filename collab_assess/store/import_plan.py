"""What an import will do, worked out before anything is written: the people and answers to save,
and every problem and warning, each by row and column as the person sees them in their spreadsheet.

Plain records with no database and no Streamlit, shared by the reader, the validation
(importing.py), the Store's write (store/imports.py), the page and the command line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import pandas as pd

from collab_assess.content.scale import Level, Unscored

REPORT_TEXT_LIMIT = 200
"""The most findings report_text lists one by one; the rest are counted."""


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the file (a problem, which stops the import) or worth checking (a
    warning, which does not), pinned to a row and column where it has one."""

    message: str
    row: int | None = None
    """The spreadsheet row number, as Excel shows it (the heading row is usually 1)."""
    column: str = ""
    """The column letter, as Excel shows it (A, B, ..., AA)."""
    heading: str = ""
    """That column's heading in the file."""
    blocking: bool = True

    @property
    def kind(self) -> str:
        return "Problem" if self.blocking else "Warning"

    def where(self) -> str:
        parts = []
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            heading = f" ({_short(self.heading)})" if self.heading else ""
            parts.append(f"column {self.column}{heading}")
        return ", ".join(parts)


def warning(message: str, row: int | None = None, column: str = "", heading: str = "") -> Finding:
    return Finding(message, row, column, heading, blocking=False)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _column_order(letter: str) -> int:
    number = 0
    for character in letter:
        number = number * 26 + (ord(character) - ord("A") + 1)
    return number


class Repeats(StrEnum):
    """What to do with responses that an earlier import already brought into the round."""

    REFUSE = "refuse"
    """Stop: each repeated response is a problem (the default)."""
    SKIP = "skip"
    """Leave out the ones already imported and bring in the rest."""
    ALLOW = "allow"
    """Import them again anyway (each becomes a second person)."""


@dataclass(frozen=True)
class PlannedAnswer:
    statement_id: str
    level: int | None
    unscored: Unscored | None
    target_level: int | None = None
    note: str = ""
    row: int | None = None

    def describe(self) -> str:
        if self.unscored is not None:
            return self.unscored.label
        assert self.level is not None, "a planned answer has a level unless it is unscored"
        return f"{self.level} {Level(self.level).label}"


@dataclass(frozen=True)
class PlannedRespondent:
    """One person to add to the round, with their answers."""

    rows: tuple[int, ...]
    """The spreadsheet rows the person's answers are on (one row in a Forms export)."""
    role: str
    organisation: str = ""
    display_name: str = ""
    answers: tuple[PlannedAnswer, ...] = ()
    stage: int | None = None
    """The stage the person said the collaborative is at, if the file has that question."""
    fingerprint: str = ""
    """Recognises the same response in a later import into the same round."""

    @property
    def first_row(self) -> int | None:
        return self.rows[0] if self.rows else None


@dataclass(frozen=True)
class ColumnMatch:
    """What one column of the file (or, in a file of one answer per row, one statement of the
    file) is taken to hold."""

    key: str
    """The column letter, or the statement id as the file writes it (one answer per row)."""
    heading: str
    target: str
    """A statement id, or one of mapping.Field's values (ignore, name, role, ...)."""
    how: str
    """How it was matched, in words for the page ("id in the heading", "similar wording (91%)")."""
    confidence: float = 1.0
    suggestion: str = ""
    """A statement id that may be meant, when the column was not matched by itself."""


@dataclass(frozen=True)
class RoleUse:
    """A role as the file writes it, and the app's role it will be saved as."""

    written: str
    role: str
    how: str
    """"same", "read", "other", "blank" (see cells.match_role) or "chosen" (by hand)."""
    rows: tuple[int, ...]


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import will write, and why it can or cannot go ahead."""

    round_id: int
    round_label: str
    bank_version: int
    file_name: str
    file_sha256: str
    layout: str
    """"responses": one row per person (a Microsoft Forms export); "answers": one row per answer
    (collab-assess's own export)."""
    sheet: str | None
    respondents: tuple[PlannedRespondent, ...]
    findings: tuple[Finding, ...]
    notes: tuple[str, ...] = ()
    """What was read and chosen, in sentences (encoding, sheet, round of the file, ...)."""
    matches: tuple[ColumnMatch, ...] = ()
    repeats: Repeats = Repeats.REFUSE
    statement_labels: dict[str, str] = field(default_factory=dict)
    """Statement id -> its words in the round's bank, for the preview."""
    roles: tuple[RoleUse, ...] = ()
    repeated_rows: tuple[int, ...] = ()
    """Rows whose response an earlier import already brought into the round."""
    same_file_imported: bool = False
    """Whether this very file (the same bytes) was imported into the round before."""

    @property
    def has_repeats(self) -> bool:
        return self.same_file_imported or bool(self.repeated_rows)

    @property
    def problems(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if finding.blocking)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(finding for finding in self.findings if not finding.blocking)

    @property
    def can_import(self) -> bool:
        return not self.problems and bool(self.respondents)

    @property
    def answer_count(self) -> int:
        return sum(len(person.answers) for person in self.respondents)

    @property
    def statement_count(self) -> int:
        return len({answer.statement_id for person in self.respondents
                    for answer in person.answers})

    def summary(self) -> str:
        where = f", sheet '{self.sheet}'" if self.sheet else ""
        people = len(self.respondents)
        return (f"{self.file_name}{where}: {_count(people, 'person', 'people')} with "
                f"{_count(self.answer_count, 'answer')} to "
                f"{_count(self.statement_count, 'statement')}, for round '{self.round_label}'.")

    def sorted_findings(self) -> list[Finding]:
        """Problems first, then warnings; each in file order (the file as a whole, then by row,
        then by column)."""
        return sorted(self.findings, key=lambda f: (
            not f.blocking, f.row is not None, f.row or 0, _column_order(f.column)))

    def report_frame(self) -> pd.DataFrame:
        """The validation report as a table: one finding a row. A finding about a whole column or
        the whole file has a blank row number (not "None")."""
        return pd.DataFrame(
            [{"Row": "" if finding.row is None else str(finding.row), "Column": finding.column,
              "What to check": finding.message, "Kind": finding.kind, "Heading": finding.heading}
             for finding in self.sorted_findings()],
            columns=["Row", "Column", "What to check", "Kind", "Heading"],
        )

    def report_text(self, limit: int = REPORT_TEXT_LIMIT) -> str:
        """The validation report as plain text, for a terminal."""
        lines = [self.summary()]
        lines += [f"  {note}" for note in self.notes]
        for title, findings in (
            ("Problems (nothing can be imported until each is put right)", self.problems),
            ("Warnings (these do not stop the import)", self.warnings),
        ):
            if not findings:
                continue
            lines.append(f"{title}: {len(findings)}")
            ordered = [f for f in self.sorted_findings() if f in findings]
            for finding in ordered[:limit]:
                where = finding.where()
                lines.append(f"  - {where[:1].upper() + where[1:] + ': ' if where else ''}"
                             f"{finding.message}")
            if len(ordered) > limit:
                lines.append(f"  ... and {len(ordered) - limit} more.")
        if self.can_import:
            lines.append(f"Ready to import {_count(len(self.respondents), 'person', 'people')} and "
                         f"{_count(self.answer_count, 'answer')}.")
        elif not self.problems:
            lines.append("There is nobody to import.")
        else:
            lines.append("Nothing has been imported.")
        return "\n".join(lines)

    def preview_people(self, limit: int | None = 50) -> pd.DataFrame:
        """One row per person as they will be saved (the first `limit`)."""
        people = self.respondents if limit is None else self.respondents[:limit]
        return pd.DataFrame(
            [{"Row": _rows(person.rows), "Name": person.display_name,
              "Role": person.role, "Organisation": person.organisation,
              "Answers": len(person.answers),
              "Stage they gave": Level(person.stage).label if person.stage else ""}
             for person in people],
            columns=["Row", "Name", "Role", "Organisation", "Answers", "Stage they gave"],
        )

    def preview_answers(self, limit: int | None = 100) -> pd.DataFrame:
        """The first `limit` answers as they will be saved."""
        shown: list[dict[str, object]] = []
        for number, person in enumerate(self.respondents, start=1):
            for answer in person.answers:
                if limit is not None and len(shown) >= limit:
                    break
                shown.append({
                    "Row": answer.row, "Person": person.display_name or f"Person {number}",
                    "Statement": answer.statement_id,
                    "Wording": self.statement_labels.get(answer.statement_id, ""),
                    "Answer": answer.describe(),
                    "Target": (f"{answer.target_level} {Level(answer.target_level).label}"
                               if answer.target_level else ""),
                    "Note": answer.note,
                })
        return pd.DataFrame(shown, columns=["Row", "Person", "Statement", "Wording", "Answer",
                                            "Target", "Note"]).astype({"Row": "Int64"})


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"


def _rows(rows: tuple[int, ...]) -> str:
    if not rows:
        return ""
    if len(rows) == 1:
        return str(rows[0])
    return f"{min(rows)}-{max(rows)}"
