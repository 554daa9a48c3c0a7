"""The collab-assess command: each admin task, and plain errors instead of tracebacks."""

from __future__ import annotations

from pathlib import Path

import pytest

from collab_assess.operations.cli import COMMANDS, main
from collab_assess.store import Store
from collab_assess.store.migrations import LATEST_VERSION
from tests.helpers.banks import to_toml
from tests.helpers.cli import run
from tests.helpers.factories import bank_data


def test_init_creates_a_database(tmp_path: Path, capsys):
    db = tmp_path / "new.duckdb"
    code, out, _ = run(capsys, "init", "--db", str(db))
    assert code == 0 and db.exists()
    assert f"schema version {LATEST_VERSION}" in out


def test_demo_loads_once_and_remove_demo_takes_it_all_away(tmp_path: Path, capsys):
    db = str(tmp_path / "demo.duckdb")
    code, out, _ = run(capsys, "demo", "--db", db)
    assert code == 0 and "Loaded synthetic demo peers" in out
    code, out, _ = run(capsys, "demo", "--db", db)
    assert "already loaded" in out
    code, out, _ = run(capsys, "remove-demo", "--db", db)
    assert code == 0 and "Real collaboratives were not touched" in out
    store = Store(db)
    assert store.table_counts() == {name: 0 for name in store.table_counts()}


def test_demo_if_empty_leaves_a_database_with_real_data_alone(tmp_path: Path, capsys):
    from collab_assess.store.inputs import CollaborativeProfile

    db = tmp_path / "real.duckdb"
    store = Store(db)
    store.create_collaborative(CollaborativeProfile(name="Real one"), "lead")
    store.close()
    code, out, _ = run(capsys, "demo", "--if-empty", "--db", str(db))
    assert code == 0 and "demo peers not loaded" in out
    assert Store(db).collaboratives()["name"].tolist() == ["Real one"]


def test_remove_demo_also_takes_away_workshops_and_actions_run_on_demo_rounds(tmp_path: Path,
                                                                            capsys):
    from collab_assess.store.inputs import (
        ActionInput,
        ActionStatusInput,
        RespondentInput,
        WorkshopInput,
    )

    db = str(tmp_path / "workshops.duckdb")
    run(capsys, "demo", "--db", db)
    store = Store(db)
    demo_round = store.all_rounds().query("status == 'open'").iloc[0]
    bank = store.bank(int(demo_round.bank_version))
    workshop = store.start_workshop(int(demo_round.round_id), WorkshopInput(
        title="Demo board", statement_ids=(bank.statements[0].id,), started_by="facilitator"))
    store.join_workshop(workshop, RespondentInput(role="Other"))
    action = store.add_action(int(demo_round.round_id), ActionInput(
        description="Agree a data sharing plan", recorded_by="facilitator"))
    store.update_action_status(action, ActionStatusInput(status="done", changed_by="lead"))
    store.close()
    code, _, _ = run(capsys, "remove-demo", "--db", db)
    store = Store(db)
    assert code == 0 and store.table_counts() == {name: 0 for name in store.table_counts()}
    assert store.workshops([int(demo_round.round_id)]).empty


def test_remove_demo_keeps_real_collaboratives(tmp_path: Path, capsys):
    from collab_assess.store.inputs import CollaborativeProfile

    db = str(tmp_path / "mixed.duckdb")
    run(capsys, "demo", "--db", db)
    store = Store(db)
    store.create_collaborative(CollaborativeProfile(name="Real one"), "lead")
    store.close()
    run(capsys, "remove-demo", "--db", db)
    assert Store(db).collaboratives()["name"].tolist() == ["Real one"]


def test_check_bank_reports_a_valid_bank(capsys):
    code, out, _ = run(capsys, "check-bank")
    assert code == 0 and "valid" in out and "New rounds use version 3." in out
    assert "Version 1: 11 areas, 46 statements: valid." in out  # kept for rounds opened on it


def test_check_bank_names_the_fault_of_a_broken_bank(tmp_path: Path, capsys):
    broken = bank_data()
    del broken["statements"][0]["levels"]["emerging"]
    (tmp_path / "bank-v1.toml").write_text(to_toml(broken))
    code, _, err = run(capsys, "check-bank", "--bank-dir", str(tmp_path))
    assert code == 1
    assert "bank-v1.toml" in err and "statement PB-1, field 'levels.emerging': missing" in err
    assert "Traceback" not in err


def test_a_corrupt_database_is_a_plain_error(tmp_path: Path, capsys):
    db = tmp_path / "bad.duckdb"
    db.write_text("garbage")
    code, _, err = run(capsys, "info", "--db", str(db))
    assert code == 1 and "not a readable collab-assess database" in err


def test_info_counts_what_the_database_holds(tmp_path: Path, capsys):
    db = str(tmp_path / "info.duckdb")
    run(capsys, "demo", "--db", db)
    code, out, _ = run(capsys, "info", "--db", db)
    assert code == 0 and "Collaboratives: 64" in out and "Demo peers loaded: yes" in out


def test_every_command_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    for command in COMMANDS:
        assert f"collab-assess {command}" in readme, f"README does not mention `{command}`"


def test_unknown_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["explode"])
    assert exit_info.value.code == 2
