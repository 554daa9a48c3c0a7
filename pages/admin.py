"""Admin: copies of the whole database (backups), taken and restored while people use the app.

The rules (where copies go, how many are kept, what a restore checks) are in
collab_assess/backups.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from collab_assess.access.work_limits import heavy_work
from collab_assess.operations.backups import (
    MAX_UPLOAD_MB,
    Snapshot,
    automatic_snapshots,
    back_up_now,
    backups_folder,
    find_snapshot,
    format_size,
    keep_setting,
    list_snapshots,
    restore_into,
    restore_upload,
    schedule_in_words,
)
from collab_assess.text import as_text
from pages.widgets.address_bar import keep_choices_in_address_bar
from pages.widgets.messages import flash, form_key, save_and_rerun, show_flash, show_sidebar
from pages.widgets.pickers import current_collaborative
from pages.widgets.reachable import show_address_setting
from pages.widgets.store_access import app_store

CONFIRM = "I understand this replaces everything now in the app"

scoped = app_store()
keep_choices_in_address_bar()
show_sidebar(current_collaborative(scoped))
store = scoped.admin_store()  # backups work on the whole file; refused unless an administrator

schedule = automatic_snapshots(store)
folder: Path = schedule.folder if schedule else backups_folder(store.path)
keep = schedule.keep if schedule else keep_setting()


def described(snapshot: Snapshot) -> str:
    return f"{snapshot.when} · {snapshot.kind} · {format_size(snapshot.size)}"


def restored(restore) -> None:
    """Run a restore; show every page the restored data (cached figures are thrown away)."""
    with (heavy_work.one_at_a_time(scoped.caller.name, "a restore"),
          st.spinner("Restoring. Saves made in the app wait until it is done…")):
        message = restore()
    st.cache_data.clear()
    flash("success", as_text(message))


def backed_up() -> None:
    snapshot = back_up_now(store, folder, keep)
    flash("success", as_text(f"Backed up to {snapshot.path} ({format_size(snapshot.size)})."))


st.title("Back up and restore")
show_flash()
for paragraph in schedule_in_words(folder, keep, running=schedule is not None):
    st.markdown(as_text(paragraph))
st.markdown("Each copy holds everything in the app, including people's names, notes and resume "
            "codes. Keep any copy you download as safely as the app itself.")

if st.button("Back up now", icon=":material/backup:", type="primary"):
    save_and_rerun(backed_up, "")

st.header("Copies")
snapshots = list_snapshots(folder)
if not snapshots:
    st.info("There are no copies yet. Back up now makes the first one.", icon=":material/info:")
else:
    st.dataframe(
        pd.DataFrame({
            "Taken": [each.when for each in snapshots],
            "Why": [each.kind for each in snapshots],
            "Size": [format_size(each.size) for each in snapshots],
            "File": [each.name for each in snapshots],
        }),
        hide_index=True,
    )
    st.subheader("Download a copy")
    for snapshot in snapshots:
        words, button = st.columns([4, 1], vertical_alignment="center")
        words.markdown(as_text(described(snapshot)))
        button.download_button(
            "Download", data=snapshot.path.read_bytes,
            file_name=snapshot.name, mime="application/octet-stream", on_click="ignore",
            key=f"download-{snapshot.name}", icon=":material/download:")

    st.subheader("Restore a copy")
    st.warning(
        "Restoring puts the whole app back as it was when the copy was taken: everything saved "
        "since then (collaboratives, rounds, answers, workshop votes, actions) is replaced. A copy "
        "of everything now in the app is kept first, in the same folder, so a restore can be "
        "undone by restoring that copy.", icon=":material/warning:")
    names = {each.name: each for each in snapshots}
    chosen = st.selectbox("Copy to restore", list(names), index=None,
                          format_func=lambda name: described(names[name]),
                          placeholder="Choose a copy", key=form_key("restore-copy", "choice"))
    confirmed = st.checkbox(CONFIRM, key=form_key("restore-copy", "confirm"))
    if st.button("Restore this copy", icon=":material/settings_backup_restore:",
                 disabled=not (chosen and confirmed)) and chosen is not None:
        copy_name = chosen  # a str to the lambdas below, which see chosen as str | None
        save_and_rerun(
            lambda: restored(lambda: restore_into(
                store, find_snapshot(folder, copy_name).path, replace=True, folder=folder,
                shown=copy_name, restored_by=scoped.caller.name)),
            "", empty_form="restore-copy")

st.header("Restore from a backup file")
st.markdown("A backup file is a copy downloaded from this page, or made with `collab-assess "
            "backup`. It is checked before anything is changed: a file that is not a "
            "collab-assess backup, is damaged, or was made by a newer version of collab-assess is "
            "refused. One made by an older version is brought up to date as it is restored. "
            f"A file uploaded here may be up to {MAX_UPLOAD_MB} MB; restore a bigger one with "
            "`collab-assess restore` while the app is stopped.")
upload = st.file_uploader(f"Backup file (up to {MAX_UPLOAD_MB} MB)", type=["duckdb"],
                          key=form_key("restore-upload", "file"), max_upload_size=MAX_UPLOAD_MB)
confirmed_upload = st.checkbox(CONFIRM, key=form_key("restore-upload", "confirm"))
if st.button("Restore this file", icon=":material/upload_file:",
             disabled=not (upload and confirmed_upload)) and upload is not None:
    backup_file = upload  # never None to the lambdas below, which see upload as optional
    save_and_rerun(
        lambda: restored(lambda: restore_upload(store, backup_file.getvalue(), backup_file.name,
                                                replace=True, folder=folder,
                                                restored_by=scoped.caller.name)),
        "", empty_form="restore-upload")

show_address_setting()
