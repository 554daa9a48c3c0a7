"""Import responses: answers gathered elsewhere (a Microsoft Forms export, a spreadsheet, or
collab-assess's own export) brought into an open round, after every cell has been checked.

The page reads the file once, shows what was read, lets the lead correct how columns and roles
were matched, shows every problem by row and column and a preview of what will be saved, and writes
only when the lead confirms. The rules are in collab_assess/exchange (reading, mapping, importing)
and the write in Store.import_responses: all of it or none of it.
"""

from __future__ import annotations

import hashlib

import pandas as pd
import streamlit as st

from collab_assess.access.settings import current_limits
from collab_assess.access.work_limits import heavy_work
from collab_assess.errors import CollabAssessError
from collab_assess.exchange.cells import ROLES
from collab_assess.exchange.importing import plan_import, rounds_in_file
from collab_assess.exchange.mapping import RESPONSES, target_label, target_options
from collab_assess.exchange.reading import Deadline, ReadTable, read_table
from collab_assess.store.import_plan import ImportPlan, Repeats
from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import show_demo_warning, show_flash, show_sidebar
from pages.widgets.page_paths import COLLABORATIVE_PAGE, RESULTS_PAGE, link_to
from pages.widgets.pickers import require_collaborative, round_picker
from pages.widgets.signed_in import actor
from pages.widgets.store_access import app_store

UPLOAD_TYPES = ["csv", "xlsx", "xlsm", "zip", "txt", "tsv"]
READ_KEY = "import-read"  # session: the table last read, with what it was read from
DONE_KEY = "import-done"  # session: the message of the import just saved
UPLOADER_VERSION = "import-uploader-version"  # a new version empties the uploader
BIG_FILE_ROWS = 500  # from this many rows, checking shows its progress
REPEAT_CHOICES = {
    Repeats.REFUSE: "Stop, so I can look at the file again",
    Repeats.SKIP: "Leave out the responses already imported, and import the rest",
    Repeats.ALLOW: "Import them again anyway (each becomes a second person)",
}

store = app_store()
limits = current_limits()
keep_choices_in_address_bar()
collaborative = require_collaborative(store)
show_sidebar(collaborative)
st.title("Import responses")
show_flash()

done = st.session_state.pop(DONE_KEY, None)
if done:
    st.success(as_text(done), icon=":material/task_alt:")
    link_to(RESULTS_PAGE, label="See the results", icon=":material/bar_chart:")

rounds = store.rounds(collaborative.id)
if rounds.empty:
    st.info(f"{as_text(collaborative.name)} has no assessment round yet. Open one on the "
            "Collaborative page, then import into it.")
    link_to(COLLABORATIVE_PAGE, label="Open a round", icon=":material/add_circle:")
    st.stop()
show_demo_warning(collaborative)
assessment_round = round_picker(store, collaborative, rounds, label="Import into round")
if not assessment_round.is_open:
    st.warning("This round is closed (submitted), so responses cannot be added to it. Reopen it "
               "on the Collaborative page first, then import.", icon=":material/lock:")
    link_to(COLLABORATIVE_PAGE, label="Go to Collaborative", icon=":material/groups:")
    st.stop()
bank = store.bank(assessment_round.bank_version)

st.markdown(
    "Bring in responses gathered outside the app: a **Microsoft Forms** export (in Forms, "
    "Responses > Open results in Excel), any spreadsheet with **one row per person** and a column "
    "per statement headed by its id (such as PB-1) or its words, or **collab-assess's own "
    "export** (its Answers sheet, or the zip of CSV files). Each person in the file is added to "
    "the round as a new participant; nothing already saved changes. Nothing is saved until you "
    f"confirm at the bottom. Files up to {limits.import_max_mb} MB, and up to "
    f"{limits.import_max_people:,} people and {limits.import_max_columns:,} columns.")

earlier = store.imports([assessment_round.id])
if not earlier.empty:
    with st.expander(f"Earlier imports into this round ({len(earlier)})"):
        st.dataframe(earlier[["file_name", "imported_at", "imported_by", "respondents",
                              "answers"]], hide_index=True, column_config={
            "file_name": "File", "imported_at": st.column_config.DatetimeColumn(
                "Imported (UTC)", format="D MMM YYYY, HH:mm"),
            "imported_by": "By", "respondents": "People", "answers": "Answers"})

version = st.session_state.get(UPLOADER_VERSION, 0)
upload = st.file_uploader(
    "File of responses (CSV or Excel)", type=UPLOAD_TYPES, key=f"import-file-{version}",
    max_upload_size=limits.import_max_mb,
    help="CSV (UTF-8 or as Excel on Windows saves it), an Excel workbook (.xlsx), or the zip of "
    "CSV files that collab-assess's export makes.")
if upload is None:
    st.stop()
data = upload.getvalue()
file_name = upload.name
digest = hashlib.sha256(data).hexdigest()


def read_once(sheet: str | None) -> ReadTable:
    """The file read once per file and sheet, with a status while it is read."""
    key = (digest, file_name, sheet)
    kept = st.session_state.get(READ_KEY)
    if kept and kept[0] == key:
        return kept[1]
    with st.status(f"Reading {as_text(file_name)}…", expanded=False) as status:
        try:
            with heavy_work.one_at_a_time(actor(), "an import"):
                table = read_table(data, file_name, sheet=sheet, limits=limits)
        except CollabAssessError:
            status.update(label=f"Could not read {as_text(file_name)}.", state="error")
            raise
        status.update(label=f"Read {as_text(table.file_name)}: {len(table.rows):,} rows.",
                      state="complete")
    st.session_state[READ_KEY] = (key, table)
    return table


sheet_key = f"import-sheet-{digest}"
try:
    table = read_once(st.session_state.get(sheet_key))
except CollabAssessError as error:
    st.error(as_text(error), icon=":material/error:")
    st.stop()

# -- what was read ---------------------------------------------------------------------------------
st.subheader("What was read")
st.markdown(as_text(table.describe()))
for note in table.notes:
    st.caption(as_text(note))
if len(table.sheets) > 1:
    st.selectbox("Sheet to read", table.sheets, index=table.sheets.index(table.sheet),
                 key=sheet_key, help="The sheet of the workbook that holds the responses.")
with st.expander("The file as read (first 20 rows)"):
    st.dataframe(table.frame(limit=20), hide_index=True)

from_round = None
file_rounds = rounds_in_file(table)
if len(file_rounds) > 1:
    from_round = st.selectbox(
        "Round of the file to import", file_rounds, index=None, placeholder="Choose a round",
        key=f"import-from-round-{digest}",
        help="The file holds answers from several rounds; choose the one to bring into "
        f"'{as_text(assessment_round.label)}'.")
    if from_round is None:
        st.info("The file holds answers from several rounds. Choose which to import.",
                icon=":material/arrow_upward:")
        st.stop()

repeat_key = f"import-repeats-{digest}"
repeats = Repeats(st.session_state.get(repeat_key, Repeats.REFUSE))


def checked(mapping: dict | None = None, roles: dict | None = None) -> ImportPlan:
    """The plan, with progress for a large file: the person's one import under way, within the
    time the limits allow."""
    with heavy_work.one_at_a_time(actor(), "an import"):
        deadline = Deadline(limits.work_seconds, table.file_name)
        if len(table.rows) < BIG_FILE_ROWS:
            return plan_import(store, assessment_round.id, table, from_round=from_round,
                               mapping_overrides=mapping, role_overrides=roles, repeats=repeats,
                               limits=limits, deadline=deadline)
        bar = st.progress(0.0, text="Checking every row…")

        def show_progress(share: float, what: str) -> None:
            bar.progress(min(share, 1.0), text=what)

        try:
            return plan_import(store, assessment_round.id, table, from_round=from_round,
                               mapping_overrides=mapping, role_overrides=roles, repeats=repeats,
                               progress=show_progress, limits=limits, deadline=deadline)
        finally:
            bar.empty()


try:
    automatic = checked()
except CollabAssessError as error:
    st.error(as_text(error), icon=":material/error:")
    st.stop()

# -- what each column holds ------------------------------------------------------------------------
st.subheader("What each column holds")
by_rows = automatic.layout == RESPONSES
st.markdown(
    "Each column was matched to a statement by the id or the words in its heading, or to a "
    "detail about the person. Change any match in the **Counts as** column."
    if by_rows else
    "This is collab-assess's own export, one answer a row. Each statement of the file was matched "
    "to this round's by its id. Change any match in the **Counts as** column.")
options = target_options(bank, automatic.layout)
matching = pd.DataFrame(
    [{"key": match.key, "counts_as": target_label(match.target, bank), "heading": match.heading,
      "how": match.how} for match in automatic.matches],
    columns=["key", "counts_as", "heading", "how"])
edited = st.data_editor(
    matching, key=f"import-matching-{digest}-{table.sheet}-{from_round}", hide_index=True,
    disabled=["key", "heading", "how"], width="stretch",
    column_config={
        "key": "Column" if by_rows else "Statement in the file",
        "heading": st.column_config.TextColumn("Heading" if by_rows else "Its words",
                                               width="large"),
        "counts_as": st.column_config.SelectboxColumn(
            "Counts as", options=list(options), required=True, width="large",
            help="The statement of this round the column holds, a detail about the person, or "
            "Ignore to leave the column out."),
        "how": "How it was matched",
    })
mapping_overrides = {
    row.key: options[row.counts_as]
    for row, before in zip(edited.itertuples(), automatic.matches, strict=True)
    if isinstance(row.counts_as, str) and row.counts_as in options
    and options[row.counts_as] != before.target
}

role_overrides: dict[str, str] = {}
written_roles = [use for use in automatic.roles if use.written]
if written_roles:
    st.markdown("**Roles.** Each role as the file writes it, and the app's role it is saved as. "
                "A role the app does not know is saved as Other unless you choose one.")
    roles_table = pd.DataFrame(
        [{"written": use.written, "people": len(use.rows), "role": use.role}
         for use in written_roles], columns=["written", "people", "role"])
    edited_roles = st.data_editor(
        roles_table, key=f"import-roles-{digest}-{table.sheet}-{from_round}", hide_index=True,
        disabled=["written", "people"],
        column_config={
            "written": "In the file", "people": "People",
            "role": st.column_config.SelectboxColumn("Saved as", options=list(ROLES),
                                                     required=True)})
    role_overrides = {row.written: row.role for row, use in
                      zip(edited_roles.itertuples(), written_roles, strict=True)
                      if row.role != use.role}

if automatic.has_repeats or repeats is not Repeats.REFUSE:
    st.radio("Some of these responses were imported into this round before. What should happen "
             "to them?", list(REPEAT_CHOICES), format_func=REPEAT_CHOICES.get, key=repeat_key)

try:
    plan = checked(mapping_overrides, role_overrides) if (mapping_overrides or role_overrides) \
        else automatic
except CollabAssessError as error:
    st.error(as_text(error), icon=":material/error:")
    st.stop()

# -- the check -------------------------------------------------------------------------------------
st.subheader("Check")
people, answers, problems, warnings = st.columns(4)
people.metric("People", f"{len(plan.respondents):,}")
answers.metric("Answers", f"{plan.answer_count:,}")
problems.metric("Problems", f"{len(plan.problems):,}")
warnings.metric("Warnings", f"{len(plan.warnings):,}")
for note in plan.notes[len(table.notes):]:
    st.caption(as_text(note))
SHOWN_PROBLEMS = 20
if plan.problems:
    st.error(f"{len(plan.problems):,} problem{'s' if len(plan.problems) != 1 else ''} must be "
             "put right before anything can be imported (nothing has been imported):",
             icon=":material/error:")
    st.markdown("\n".join(f"- {as_text(finding.where() or 'The file')}: {as_text(finding.message)}"
                           for finding in plan.problems[:SHOWN_PROBLEMS]))
    if len(plan.problems) > SHOWN_PROBLEMS:
        st.caption(f"… and {len(plan.problems) - SHOWN_PROBLEMS:,} more in the table below.")
    st.caption("Put them right in the file and upload it again, or change the matching above (or, "
               "for responses imported before, the choice of what should happen to them).")
elif plan.warnings:
    st.info("No problems. Check the warnings: they do not stop the import.",
            icon=":material/info:")
else:
    st.success("No problems and nothing to check.", icon=":material/task_alt:")
if plan.findings:
    st.dataframe(plan.report_frame(), hide_index=True, width="stretch", column_config={
        "What to check": st.column_config.TextColumn(width="large")})

st.subheader("Preview")
st.caption("The people and answers as they will be saved.")
st.dataframe(plan.preview_people(limit=None), hide_index=True)
st.dataframe(plan.preview_answers(limit=200), hide_index=True, column_config={
    "Wording": st.column_config.TextColumn(width="medium")})

# -- confirm ---------------------------------------------------------------------------------------
label = (f"Import {len(plan.respondents):,} "
         f"{'person' if len(plan.respondents) == 1 else 'people'} and {plan.answer_count:,} "
         f"answer{'s' if plan.answer_count != 1 else ''}")
if not plan.can_import:
    st.caption("The import button works once every problem listed under Check is put right.")
if st.button(label, type="primary", disabled=not plan.can_import, icon=":material/upload:"):
    saving = st.progress(0.0, text="Saving…")
    try:
        with heavy_work.one_at_a_time(actor(), "an import"):
            outcome = store.import_responses(
                assessment_round.id, plan, upload.name, actor(),
                progress=lambda share, what: saving.progress(min(share, 1.0), text=what))
    except CollabAssessError as error:
        saving.empty()
        st.error(as_text(error), icon=":material/error:")
    else:
        st.session_state[DONE_KEY] = (f"{outcome.message()} They are now part of round "
                                      f"'{assessment_round.label}'.")
        st.session_state[UPLOADER_VERSION] = version + 1
        st.session_state.pop(READ_KEY, None)
        st.rerun()
