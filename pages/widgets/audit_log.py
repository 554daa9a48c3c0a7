"""The audit log for administrators: filters, the newest entries as a table, and the chosen entries
as an Excel workbook or a CSV file."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st

from collab_assess.access.scoped_store import ScopedStore
from collab_assess.errors import CollabAssessError
from collab_assess.exchange.audit_export import (
    audit_csv,
    audit_export,
    audit_file_name,
    audit_xlsx,
    changes_in_words,
    scope_in_words,
)
from collab_assess.store import utc_now
from collab_assess.store.audit import RECORD_KINDS
from collab_assess.text import as_text

SHOWN_ENTRIES = 2000
"""The most entries the table shows; the downloads hold every entry the filters choose."""
DEFAULT_DAYS = 30

COLUMNS = {
    "changed_at": st.column_config.DatetimeColumn(
        "When (UTC)", format="D MMM YYYY, HH:mm:ss",
        help="When the change was saved, in UTC (UK time in winter; an hour behind it in "
             "summer)."),
    "actor": st.column_config.TextColumn(
        "Who", help="The signed-in person, the name typed for the record, a respondent as the "
                    "app labels them, or the command that made the change."),
    "action": st.column_config.TextColumn("What was done", help="Create, change, add, remove, "
                                          "open, close, reopen, import, restore, vote..."),
    "record_kind": st.column_config.TextColumn("Kind of record",
                                               help="What was changed: an answer, a round, a "
                                                    "role..."),
    "record_id": st.column_config.TextColumn(
        "Record", help="The record's number in the database (for a restore, the backup file)."),
    "collaborative": st.column_config.TextColumn(
        "Collaborative", help="Whose record it is, by the collaborative's name now. Blank for "
                              "changes to no one collaborative, or to one since removed."),
    "round": st.column_config.TextColumn("Round", help="The assessment round, if any."),
    "what_changed": st.column_config.TextColumn(
        "What changed", width="large", help="Each field that changed, old → new; for a new "
                                            "record its values. Before and After hold them all."),
    "before_value": st.column_config.TextColumn(
        "Before", width="large", help="The values before the change, as JSON (blank when the "
                                      "change made the record)."),
    "after_value": st.column_config.TextColumn(
        "After", width="large", help="The values after the change, as JSON (blank when the "
                                     "change removed the record)."),
}


def _chosen_days(picked: date | tuple[date, ...] | None) -> tuple[date | None, date | None]:
    """The first and last day chosen (either may be missing while a range is being picked)."""
    days = list(picked) if isinstance(picked, (tuple, list)) else [picked] if picked else []
    first = days[0] if days else None
    last = days[1] if len(days) > 1 else None
    return first, last


def _start_of(day: date | None) -> datetime | None:
    return None if day is None else datetime.combine(day, time.min)


def show_audit_log(store: ScopedStore) -> None:
    listed = store.collaboratives()
    names = {int(each): name for each, name in zip(listed["id"], listed["name"], strict=True)}
    where, what, when = st.columns(3)
    chosen_ids = where.multiselect(
        "Collaborative", list(names), format_func=lambda each: names[each],
        key="audit-collaboratives",
        placeholder="Every collaborative",
        help="Leave empty to see every entry, including changes that belong to no one "
             "collaborative (restores, demo data, regional and administrator roles).")
    kinds = what.multiselect("Kind of record", list(RECORD_KINDS), key="audit-kinds",
                             placeholder="Every kind")
    today = utc_now().date()
    first, last = _chosen_days(when.date_input(
        "Changed between (UTC dates)", value=(today - timedelta(days=DEFAULT_DAYS - 1), today),
        format="DD/MM/YYYY", key="audit-days",
        help=f"The last {DEFAULT_DAYS} days at first. Both days are included."))
    filters = {
        "collaborative_ids": chosen_ids or None,
        "record_kinds": kinds or None,
        "since": _start_of(first),
        "until": _start_of(last + timedelta(days=1)) if last else None,
    }
    try:
        entries = store.audit_entries(**filters, limit=SHOWN_ENTRIES + 1)
    except CollabAssessError as error:
        st.error(as_text(error), icon=":material/error:")
        return

    if entries.empty:
        st.info("No changes match these choices.", icon=":material/info:")
    else:
        more = len(entries) > SHOWN_ENTRIES
        st.caption(f"The newest {SHOWN_ENTRIES:,} matching changes, newest first; the downloads "
                   "hold every one." if more else
                   f"{len(entries):,} matching change{'s' if len(entries) != 1 else ''}, newest "
                   "first.")
        shown = entries.head(SHOWN_ENTRIES)
        text_columns = [c for c in shown.columns if shown[c].dtype == object]
        shown = shown.assign(**{c: shown[c].fillna("") for c in text_columns})  # blank, not None
        shown = shown.assign(what_changed=[changes_in_words(before, after) for before, after
                                           in zip(shown["before_value"], shown["after_value"],
                                                  strict=True)])
        st.dataframe(shown, hide_index=True, width="stretch",
                     column_config=COLUMNS, column_order=list(COLUMNS))

    scope = scope_in_words([names[i] for i in chosen_ids], kinds, first, last)

    def chosen_export():
        return audit_export(store.audit_entries(**filters), scope)

    st.caption("The downloads name the people who made changes and can hold what they typed: "
               "keep them as personal information.")
    excel, csv = st.columns(2)
    excel.download_button(
        "Download the Excel workbook", lambda: audit_xlsx(chosen_export()),
        file_name=audit_file_name("xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        icon=":material/table_view:", on_click="ignore", key="audit-xlsx",
        help="The matching changes, with a Read me and a sheet explaining every column.")
    csv.download_button(
        "Download as CSV", lambda: audit_csv(chosen_export()), file_name=audit_file_name("csv"),
        mime="text/csv", icon=":material/download:", on_click="ignore", key="audit-csv",
        help="The matching changes as one CSV file (UTF-8, opens in Excel).")
