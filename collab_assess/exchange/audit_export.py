"""The audit log as a spreadsheet: an Excel workbook (a Read me, the entries, and what each column
means) or one CSV file of the entries, through the same writer as every other export, so no cell
can run as a formula and every text cell stays text.

The entries come from Store.audit_entries; this module only lays them out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from collab_assess.exchange.export_sheets import Sheet, csv_bytes, xlsx_bytes
from collab_assess.store import utc_now

AUDIT_COLUMNS: dict[str, str] = {
    "changed_at": "When the change was saved (UTC).",
    "actor": "Who made it: the signed-in person's e-mail address, the name typed for the record, "
             "a respondent as the app labels them (their name or number, role and organisation), "
             "or the command or generator that made it.",
    "action": "What was done: create, change, add, remove, open, close, reopen, import, restore, "
              "vote, join, start, grant, revoke and so on.",
    "record_kind": "The kind of record changed: collaborative, member, round, respondent, answer, "
                   "self-described stage, consensus, action, workshop, import, role or database "
                   "(for changes to everything at once: demo data, restores).",
    "record_id": "The record's number in the database (for a restore, the backup file's name).",
    "collaborative": "The collaborative the record belongs to, by its name now. Blank for "
                     "changes that belong to no one collaborative, and for collaboratives since "
                     "removed (such as demo peers).",
    "round": "The assessment round the record belongs to, by its name (blank if none).",
    "what_changed": "The change in words: each field that changed, old → new (for a new record "
                    "its values, for a removed one what it held).",
    "before_value": "The record's values before the change, as JSON (blank when the change made "
                    "it).",
    "after_value": "The record's values after the change, as JSON (blank when the change removed "
                   "it).",
}
"""The entries' columns, in order, with what each means (the workbook's Columns sheet)."""

COLUMN_COLUMNS = {"column": "The column's name in the Audit log sheet or the CSV file.",
                  "meaning": "What the column holds."}

READ_ME_SHEET = "Read me"
ENTRIES_SHEET = "Audit log"
COLUMNS_SHEET = "Columns"


@dataclass(frozen=True)
class AuditExport:
    """Audit entries ready to write, with what they were chosen by (for the Read me)."""

    entries: pd.DataFrame
    made_at: datetime
    """When the file was made (UTC)."""
    scope: str
    """Which entries, in words: "every collaborative", or the collaboratives and kinds chosen."""


def changes_in_words(before: str | None, after: str | None) -> str:
    """An entry's before and after values (JSON text) as a reader wants them: each field that
    changed, "field: old → new"; for a new record its values, for a removed one what it held."""
    old = json.loads(before) if isinstance(before, str) and before else {}
    new = json.loads(after) if isinstance(after, str) and after else {}

    def shown(value) -> str:
        return "blank" if value in (None, "", []) else str(value)

    values = new or old
    # Database numbers mean nothing to a reader; a statement's id (PB-1) does.
    fields = [key for key, value in values.items()
              if not (key.endswith("_id") and not isinstance(value, str))]
    statement = f"{values['statement_id']}: " if values.get("statement_id") else ""
    fields = [key for key in fields if key != "statement_id"]
    if old and new:
        changed = [f"{key}: {shown(old.get(key))} → {shown(new.get(key))}"
                   for key in fields if old.get(key) != new.get(key)]
        return statement + ("; ".join(changed) or "no field changed")
    return statement + "; ".join(f"{key}: {shown(values.get(key))}" for key in fields)


def audit_export(entries: pd.DataFrame, scope: str = "every entry",
                 made_at: datetime | None = None) -> AuditExport:
    """The entries (as Store.audit_entries gives them) in the export's columns and order."""
    table = entries.assign(what_changed=[
        changes_in_words(before, after)
        for before, after in zip(entries["before_value"], entries["after_value"], strict=True)])
    table = table.reindex(columns=list(AUDIT_COLUMNS)).reset_index(drop=True)
    return AuditExport(table, made_at or utc_now(), scope)


def scope_in_words(collaboratives: Sequence[str] = (), record_kinds: Sequence[str] = (),
                   since: date | None = None, until: date | None = None) -> str:
    """What a set of filters chose, for the Read me (`until` is the last day included)."""
    parts = [("the collaboratives " + ", ".join(collaboratives)) if collaboratives
             else "every collaborative and changes to none in particular"]
    parts.append(("records of kind " + ", ".join(record_kinds)) if record_kinds
                 else "every kind of record")
    if since and until:
        parts.append(f"changes from {_day(since)} to {_day(until)} (UTC)")
    elif since:
        parts.append(f"changes from {_day(since)} (UTC)")
    elif until:
        parts.append(f"changes up to {_day(until)} (UTC)")
    return "; ".join(parts)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _read_me(export: AuditExport) -> Iterator[str]:
    count = len(export.entries)
    yield "The collab-assess audit log"
    yield (f"Made on {_day(export.made_at)} at {export.made_at:%H:%M} UTC. It holds {count:,} "
           f"entr{'y' if count == 1 else 'ies'}, newest first: {export.scope}.")
    yield ("Every change saved in collab-assess has an entry: who made it, when, what kind of "
           "record it changed, and the record's values before and after. An entry is saved in "
           "the same transaction as its change, so there is no change without its entry.")
    yield ("Values are JSON text: names in double quotes, each followed by its value (null means "
           "none). Resume codes, workshop join codes and invitation links are never recorded: "
           "they open people's answers or rounds.")
    yield ("After a restore, the log is the backup's, with one entry for the restore itself. The "
           "entries of the database it replaced are in the copy kept before the restore (the "
           "entry gives its file name).")
    yield ("The file names the people who made changes and can hold what they typed: keep it as "
           "you would other personal information.")
    yield ("Text that begins with =, +, -, @, a tab or a carriage return has an apostrophe (') "
           "put in front of it, so no spreadsheet can run it as a formula. The apostrophe is not "
           "part of what was typed.")
    yield "Times are in UTC (the same as UK time in winter, an hour behind it in summer)."
    yield f"{ENTRIES_SHEET}: the entries. {COLUMNS_SHEET}: what each column means."


def audit_xlsx(export: AuditExport) -> bytes:
    """The entries as an Excel workbook: Read me, Audit log, Columns."""
    read_me = pd.DataFrame({READ_ME_SHEET: list(_read_me(export))})
    columns = pd.DataFrame([{"column": name, "meaning": meaning}
                            for name, meaning in AUDIT_COLUMNS.items()],
                           columns=list(COLUMN_COLUMNS))
    return xlsx_bytes([
        Sheet(READ_ME_SHEET, read_me, widths={READ_ME_SHEET: 110}, wrap=True, filters=False),
        Sheet(ENTRIES_SHEET, export.entries, widths={"before_value": 60, "after_value": 60}),
        Sheet(COLUMNS_SHEET, columns, widths={"meaning": 100}, wrap=True),
    ])


def audit_csv(export: AuditExport) -> bytes:
    """The entries as one CSV file for Excel (UTF-8 with a byte-order mark)."""
    return csv_bytes(export.entries)


def audit_file_name(extension: str, made_at: datetime | None = None) -> str:
    """collab-assess-audit-log-2026-05-01.xlsx, say."""
    made = (made_at or utc_now()).date()
    return f"collab-assess-audit-log-{made:%Y-%m-%d}.{extension.lstrip('.')}"
