"""The disk (issue 17, item 6): a full disk, a read-only folder and a database held by another
process each give one plain line and save nothing; after a normal stop, and at once after a large
import or a restore, the database file alone holds every committed change (so an administrator
who copies just that file loses nothing)."""

from __future__ import annotations

import errno
import os
import resource
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from benchmarks.exchange import forms_style_survey
from collab_assess.content.bank import load_current_bank
from collab_assess.operations.cli import main
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput

ROOT = Path(__file__).resolve().parents[1]
PEOPLE = 300  # 300 people of 52 answers: far more than the small disk below can take


@pytest.fixture
def round_db(tmp_path: Path, migrated_template: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "collab.duckdb"
    shutil.copyfile(migrated_template, path)
    store = Store(path)
    try:
        collaborative = store.create_collaborative(CollaborativeProfile(name="Northshire"), "lead")
        store.open_round(collaborative, RoundInput(label="Spring", opens_on="2026-03-01"),
                         load_current_bank(), "lead")
        store.checkpoint()
    finally:
        store.close()
    return path


@pytest.fixture
def survey(tmp_path: Path) -> Path:
    path = tmp_path / "survey.csv"
    path.write_bytes(forms_style_survey(load_current_bank(), PEOPLE))
    return path


def cli(*args: str, limit_file_size: int | None = None, prefix: tuple[str, ...] = ()):
    """The command line in a process of its own, its files no bigger than limit_file_size (the
    operating system's own limit: a write past it fails as on a full disk)."""
    def limited() -> None:
        if limit_file_size is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit_file_size, limit_file_size))

    return subprocess.run([*prefix, sys.executable, "-m", "collab_assess.operations.cli", *args],
                          capture_output=True, text=True, cwd=ROOT, preexec_fn=limited,
                          timeout=300)


def assert_one_plain_line(run: subprocess.CompletedProcess, said: str) -> None:
    assert run.returncode == 1, run
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("collab-assess: "), run.stderr
    assert said in lines[0]


def counts(path: Path) -> dict[str, int]:
    store = Store(path)
    try:
        return store.table_counts()
    finally:
        store.close()


def test_a_full_disk_during_an_import_says_so_in_one_line_and_saves_nothing(round_db, survey):
    before = counts(round_db)
    room = 128 * 1024  # no file may grow past this: the import's log needs far more
    run = cli("import", str(survey), "--collaborative", "Northshire", "--round", "Spring",
              "--db", str(round_db), limit_file_size=room)
    assert_one_plain_line(run, f"The disk holding {round_db.parent} is full, so nothing was "
                               "saved")
    assert counts(round_db) == before


def test_a_read_only_folder_says_so_in_one_line_and_saves_nothing(round_db, survey):
    before = counts(round_db)
    prefix: tuple[str, ...] = ()
    if os.geteuid() == 0:  # root writes anywhere: run without that power, as a server's account
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv to drop root's power to write anywhere")
        prefix = ("setpriv", "--bounding-set=-dac_override,-dac_read_search")
    round_db.chmod(0o444)
    round_db.parent.chmod(0o555)
    try:
        run = cli("import", str(survey), "--collaborative", "Northshire", "--round", "Spring",
                  "--db", str(round_db), prefix=prefix)
    finally:
        round_db.parent.chmod(0o755)
        round_db.chmod(0o644)
    assert_one_plain_line(run, "its folder or file is read-only")
    assert counts(round_db) == before


def test_a_database_held_by_another_process_says_so_in_one_line(round_db, survey):
    holder = Store(round_db)
    try:
        run = cli("import", str(survey), "--collaborative", "Northshire", "--round", "Spring",
                  "--db", str(round_db))
    finally:
        holder.close()
    assert_one_plain_line(run, "is in use by another program")


def test_a_report_that_cannot_be_written_leaves_no_part_of_a_file(round_db, tmp_path, capsys,
                                                                 monkeypatch):
    out = tmp_path / "export.xlsx"
    real = Path.write_bytes

    def half_then_full(self: Path, data: bytes) -> int:
        real(self, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", half_then_full)
    code = main(["export", "--collaborative", "Northshire", "--db", str(round_db), "--out",
                 str(out)])
    said = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and said == [f"collab-assess: {out} could not be written: the disk is full. "
                                  "Nothing was written."]
    assert list(tmp_path.glob("*export*")) == []


def python(source: str) -> None:
    run = subprocess.run([sys.executable, "-c", textwrap.dedent(source)], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert run.returncode == 0, run.stderr


def the_file_alone(path: Path, tmp_path: Path) -> Path:
    """A copy of the database file without its write-ahead log, as an administrator might take."""
    copy = tmp_path / "copied" / path.name
    copy.parent.mkdir()
    shutil.copyfile(path, copy)
    return copy


def test_after_a_normal_stop_the_file_alone_holds_every_change(round_db, tmp_path):
    python(f"""
        from collab_assess.store.inputs import CollaborativeProfile
        from collab_assess.store.shared import shared_store
        shared_store({str(round_db)!r}).create_collaborative(
            CollaborativeProfile(name="Eastshire"), "lead")
        """)  # the process ends as a server does on a normal stop
    store = Store(the_file_alone(round_db, tmp_path))
    try:
        assert "Eastshire" in store.collaboratives()["name"].tolist()
    finally:
        store.close()


def test_a_large_import_is_in_the_file_alone_at_once(round_db, survey, tmp_path):
    python(f"""
        import os
        from collab_assess.content.bank import load_current_bank
        from collab_assess.exchange.importing import prepare_import
        from collab_assess.store import Store
        store = Store({str(round_db)!r})
        round_id = int(store.all_rounds()["round_id"].iloc[0])
        plan = prepare_import(store, round_id, open({str(survey)!r}, "rb").read(), "survey.csv")
        store.import_responses(round_id, plan, "survey.csv", "lead")
        os._exit(0)  # no normal stop: killed straight after the import
        """)
    assert counts(the_file_alone(round_db, tmp_path))["respondents"] == PEOPLE


def test_a_restore_is_in_the_file_alone_at_once(round_db, tmp_path, migrated_template):
    backup = tmp_path / "backup.duckdb"
    shutil.copyfile(migrated_template, backup)
    other = Store(backup)
    try:
        other.create_collaborative(CollaborativeProfile(name="Westshire"), "lead")
        other.checkpoint()
    finally:
        other.close()
    python(f"""
        import os
        from collab_assess.operations.backups import restore_into
        from collab_assess.store import Store
        store = Store({str(round_db)!r})
        restore_into(store, {str(backup)!r}, replace=True)
        os._exit(0)  # no normal stop: killed straight after the restore
        """)
    store = Store(the_file_alone(round_db, tmp_path))
    try:
        assert store.collaboratives()["name"].tolist() == ["Westshire"]
    finally:
        store.close()
