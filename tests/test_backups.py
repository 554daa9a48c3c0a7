"""Backups and restores: copies taken by the running app while people keep saving, restores that
replace everything in one transaction after keeping a copy, the files a restore refuses, the
automatic schedule and its pruning, and the commands for when the app is stopped."""

from __future__ import annotations

import hashlib
import itertools
import logging
import os
import shutil
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from collab_assess.assessment.results import round_results
from collab_assess.content.bank import QuestionBank, load_banks
from collab_assess.content.workshop_phases import Move
from collab_assess.errors import NotFoundError
from collab_assess.operations import backups
from collab_assess.operations.backups import (
    BEFORE_RESTORE,
    DAILY,
    ON_DEMAND,
    ROUND_CLOSED,
    AutomaticSnapshots,
    BackupError,
    back_up_now,
    backup_database,
    daily_due,
    keep_setting,
    list_snapshots,
    prune,
    restore_database,
    restore_into,
    restore_upload,
    snapshot_file_name,
    start_automatic_snapshots,
    take_snapshot,
)
from collab_assess.operations.demo import demo_banks, generate_demo
from collab_assess.store import Store
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    AnswerChange,
    CollaborativeProfile,
    ConsensusInput,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)
from collab_assess.store.migrations import LATEST_VERSION, MIGRATIONS, SCHEMA_VERSION_TABLE
from tests.helpers.factories import answer, bank_data

ROOT = Path(__file__).resolve().parent.parent


# -- a demo database with every kind of record ----------------------------------------------------

def _workshop_on(store: Store, round_id: int) -> None:
    """A workshop that ran to the end on one statement: votes, an agreed level, actions."""
    bank = store.bank_for_round(round_id)
    statement = bank.statements[0].id
    workshop = store.start_workshop(round_id, WorkshopInput(
        title="Board workshop", statement_ids=(statement, bank.statements[1].id),
        started_by="facilitator"))
    people = [store.join_workshop(workshop, RespondentInput(role="Clinical lead")).id
              for _ in range(4)]

    def step(move: Move) -> None:
        store.move_workshop(workshop, store.get_workshop(workshop).version, move, "facilitator")

    step(Move.OPEN)
    for level, person in zip((1, 2, 4, 4), people, strict=True):
        store.cast_vote(workshop, person, statement,
                        AnswerChange(level=level, recorded_by="participant", source="workshop"))
    step(Move.CLOSE)
    step(Move.REVEAL)
    store.record_consensus(round_id, statement, ConsensusInput(
        level=3, rationale="Agreed after discussion", recorded_by="facilitator"))
    action = store.add_action(round_id, ActionInput(
        description="Write the escalation route down", owner="Chief nurse", statement_id=statement,
        recorded_by="facilitator"))
    store.update_action_status(action, ActionStatusInput(status="in progress", changed_by="lead"))


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory) -> Path:
    """The demo peers on both bank versions, plus a workshop with consensus and actions in an open
    round and in a round closed after it."""
    path = tmp_path_factory.mktemp("template") / "demo.duckdb"
    store = Store(path)
    bank, earlier = demo_banks(load_banks())
    store.import_demo(generate_demo(bank, earlier_bank=earlier),
                      [each for each in (bank, earlier) if each is not None])
    rounds = store.all_rounds()
    open_rounds = rounds[rounds["status"] == "open"]["round_id"].tolist()
    _workshop_on(store, open_rounds[0])
    _workshop_on(store, open_rounds[1])
    store.close_round(open_rounds[1], "lead")
    store.checkpoint()
    store.close()
    return path


@pytest.fixture
def live(tmp_path: Path, demo_template: Path):
    """The running app's store, on its own copy of the demo database."""
    path = tmp_path / "data" / "collab_assess.duckdb"
    path.parent.mkdir()
    shutil.copyfile(demo_template, path)
    store = Store(path)
    yield store
    store.close()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "data" / "backups"


def everything(store: Store) -> dict:
    """What people see, gathered from the store: every round's current answers, kept scores,
    consensus, actions and workshops, the results of the rounds with workshops and of a spread of
    others, and every table's rows (as counts and hashes: equal hashes mean equal rows, and every
    result is worked out from the rows)."""
    rounds = store.all_rounds()
    ids = rounds["round_id"].tolist()
    workshops = store.workshops(ids)
    with_results = sorted(set(workshops["round_id"]) | set(ids[::12]))
    seen = {
        "rounds": rounds,
        "answers": store.current_answers(ids),
        "stages": store.self_described_stages(ids),
        "consensus": store.current_consensus(ids),
        "workshops": workshops,
        "collaboratives": store.collaboratives(),
        "rows": without_audit_log(store.fingerprint()),
    }
    for round_id in ids:
        for name, kept in zip(("statements", "areas", "round"), store.kept_scores(round_id),
                              strict=True):
            seen[f"kept {name} {round_id}"] = kept
    for round_id in workshops["round_id"]:
        seen[f"actions {round_id}"] = store.actions(round_id)
    for round_id in with_results:
        results = round_results(store, round_id)
        for name in ("statements", "areas", "by_role", "respondent_completeness",
                     "area_completeness", "answers"):
            seen[f"results {name} {round_id}"] = getattr(results, name)
        seen[f"results overall {round_id}"] = (results.overall, results.stage,
                                               results.self_described,
                                               results.self_described_counts, results.headcount)
    return seen


def without_audit_log(rows: dict) -> dict:
    """A fingerprint without the audit log: a restore adds its own entry to the backup's log
    (tests/test_audit.py checks it), so after a restore only that table differs."""
    return {table: value for table, value in rows.items() if table != "audit_log"}


def assert_same(before: dict, after: dict) -> None:
    assert before.keys() == after.keys()
    for key, value in before.items():
        if isinstance(value, pd.DataFrame):
            pd.testing.assert_frame_equal(value, after[key], obj=key)
        else:
            assert value == after[key], key


def an_open_round(store: Store) -> tuple[int, str]:
    rounds = store.all_rounds()
    round_id = int(rounds[rounds["status"] == "open"]["round_id"].iloc[-1])
    return round_id, store.bank_for_round(round_id).statements[0].id


def reasons(folder: Path) -> list[str]:
    return [each.reason for each in list_snapshots(folder)]


# -- copies -------------------------------------------------------------------------------------

def test_a_copy_is_a_whole_collab_assess_database_that_opens_as_it_is(live, folder):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    assert snapshot.path.parent == folder and snapshot.reason == ON_DEMAND
    assert snapshot.name.startswith("collab-assess-")
    assert snapshot.name.endswith("Z-on-demand.duckdb")
    assert snapshot.size == snapshot.path.stat().st_size > 0
    assert [each.name for each in folder.iterdir()] == [snapshot.name]  # no log, no leftovers
    highest = live._one("SELECT max(id) FROM answers")[0]

    copy = Store(snapshot.path)
    try:
        assert copy.schema_version() == LATEST_VERSION
        assert copy.fingerprint() == live.fingerprint()
        round_id, statement = an_open_round(copy)
        person = copy.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        new_answer = copy.record_answer(round_id, person, statement, answer(3))
        assert new_answer > highest  # the copy's sequences carry on where the database's were
    finally:
        copy.close()


def test_copies_taken_in_the_same_second_get_their_own_names(live, folder):
    moment = datetime(2026, 5, 14, 9, 30)
    first = take_snapshot(live, folder, ON_DEMAND, now=moment)
    second = take_snapshot(live, folder, ON_DEMAND, now=moment)
    assert first.name == "collab-assess-20260514T093000Z-on-demand.duckdb"
    assert second.name == "collab-assess-20260514T093000Z-on-demand-2.duckdb"
    assert [each.name for each in list_snapshots(folder)] == [second.name, first.name]


def test_a_copy_taken_while_people_keep_saving_is_one_moment_and_complete_up_to_it(live, folder):
    round_id, _ = an_open_round(live)
    statements = [each.id for each in live.bank_for_round(round_id).statements[:3]]
    writers = [live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
               for _ in range(4)]
    saved = {writer: 0 for writer in writers}  # how many answers each writer has had committed
    stop = threading.Event()

    def keep_saving(writer: int) -> None:
        for number in itertools.count():
            if stop.is_set():
                return
            live.record_answer(round_id, writer, statements[number % 3],
                               answer(1 + number % 4, note=str(number)))
            saved[writer] = number + 1

    threads = [threading.Thread(target=keep_saving, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    try:
        time.sleep(0.3)
        copies = []
        for _ in range(3):
            at_start = dict(saved)
            copy = take_snapshot(live, folder, ON_DEMAND)
            copies.append((at_start, dict(saved), copy))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert sum(saved.values()) > sum(copies[0][0].values())  # saving went on all the while

    for at_start, at_end, copy in copies:
        connection = duckdb.connect(str(copy.path), read_only=True)
        try:
            for writer in writers:
                notes = sorted(int(row[0]) for row in connection.execute(
                    "SELECT note FROM answers WHERE respondent_id = ?", [writer]).fetchall())
                # Each writer's saves are in the copy up to one point, with none missing...
                assert notes == list(range(len(notes)))
                # ...that point is after every save committed before the copy began.
                assert at_start[writer] <= len(notes) <= at_end[writer] + 1
            # Every answer's newest version is the one its head points to: both tables were read
            # at the same moment.
            assert connection.execute(
                """
                SELECT count(*) FROM answer_heads h
                LEFT JOIN answers a ON a.id = h.answer_id
                WHERE a.id IS NULL OR a.id <> (SELECT max(id) FROM answers b
                    WHERE b.round_id = h.round_id AND b.respondent_id = h.respondent_id
                    AND b.statement_id = h.statement_id)
                """).fetchone()[0] == 0
        finally:
            connection.close()


# -- restores ------------------------------------------------------------------------------------

def test_backup_then_restore_gives_the_same_results_on_every_round(live, folder):
    before = everything(live)
    snapshot = back_up_now(live, folder)
    # Then life goes on: an answer, a round closed, a new collaborative, demo peers removed.
    round_id, statement = an_open_round(live)
    person = live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    live.record_answer(round_id, person, statement, answer(4))
    live.close_round(round_id, "lead")
    live.create_collaborative(CollaborativeProfile(name="Later Collaborative"), "lead")
    highest = {table: live._one(f"SELECT max(id) FROM {table}")[0]
               for table in ("answers", "respondents", "rounds", "collaboratives")}
    live.remove_demo()
    assert without_audit_log(live.fingerprint()) != before["rows"]

    message = restore_into(live, snapshot.path, replace=True, shown=snapshot.name)

    assert message.startswith(f"Restored {snapshot.name}: 64 collaboratives")
    assert_same(before, everything(live))
    kept = [each for each in list_snapshots(folder) if each.reason == BEFORE_RESTORE]
    assert len(kept) == 1 and str(kept[0].path) in message
    # New records after the restore never reuse a number.
    round_id, statement = an_open_round(live)
    person = live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    assert person > highest["respondents"]
    assert live.record_answer(round_id, person, statement, answer(2)) > highest["answers"]
    new = live.create_collaborative(CollaborativeProfile(name="After Restore"), "lead")
    assert new > highest["collaboratives"]
    bank = live.bank(live.get_round(round_id).bank_version)
    new_round = live.open_round(new, RoundInput(label="Round 1", opens_on="2026-06-01"), bank,
                                "lead")
    assert new_round > highest["rounds"]


def test_a_restore_refuses_a_database_holding_data_unless_told_to_replace_it(live, folder):
    snapshot = take_snapshot(live, folder, DAILY)
    round_id, statement = an_open_round(live)
    person = live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    live.record_answer(round_id, person, statement, answer(4))
    now = live.fingerprint()

    with pytest.raises(BackupError, match="already holds data .*64 collaboratives.* Nothing was "
                                          "changed"):
        restore_into(live, snapshot.path, replace=False)
    assert live.fingerprint() == now
    assert reasons(folder) == [DAILY]

    restore_into(live, snapshot.path, replace=True)
    assert without_audit_log(live.fingerprint()) == without_audit_log(
        Store_fingerprint(snapshot.path))
    [kept] = [each for each in list_snapshots(folder) if each.reason == BEFORE_RESTORE]
    assert Store_fingerprint(kept.path) == now  # the copy holds exactly what was replaced
    assert not list(folder.glob(".incomplete-*"))


def Store_fingerprint(path: Path) -> dict:
    store = Store(path)
    try:
        return store.fingerprint()
    finally:
        store.close()


def test_a_restore_into_an_empty_database_needs_no_replace_and_numbers_carry_on(live, folder,
                                                                               tmp_path):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    highest = {table: live._one(f"SELECT max(id) FROM {table}")[0]
               for table in ("answers", "respondents", "collaboratives")}
    empty = Store(tmp_path / "new" / "collab_assess.duckdb")
    try:
        message = restore_into(empty, snapshot.path, replace=False)
        assert "held no data before" in message
        restored = without_audit_log(empty.fingerprint())
        backed_up = without_audit_log(live.fingerprint())
        del restored["schema_version"], backed_up["schema_version"]  # each file keeps its own
        assert restored == backed_up
        # The empty database's sequences started at 1; they now carry on past the backup's numbers.
        round_id, statement = an_open_round(empty)
        person = empty.add_respondent(round_id, RespondentInput(role="Clinical lead"))
        assert person > highest["respondents"]
        assert empty.record_answer(round_id, person, statement, answer(3)) > highest["answers"]
        assert empty.create_collaborative(CollaborativeProfile(name="Brand New"), "lead") > \
            highest["collaboratives"]
        assert not list_snapshots(tmp_path / "new" / "backups")
    finally:
        empty.close()


def test_a_restore_keeps_question_bank_versions_the_backup_does_not_have(tmp_path):
    old = Store(tmp_path / "old.duckdb")
    old.register_bank(QuestionBank.model_validate(bank_data(version=7)))
    old.create_collaborative(CollaborativeProfile(name="Old"), "lead")
    old.copy_to(tmp_path / "old-copy.duckdb")
    old.close()
    live = Store(tmp_path / "live.duckdb")
    try:
        live.register_bank(QuestionBank.model_validate(bank_data(version=8)))
        restore_into(live, tmp_path / "old-copy.duckdb", replace=True, folder=tmp_path / "b")
        assert live.bank(7).version == 7 and live.bank(8).version == 8
        assert live.collaboratives()["name"].tolist() == ["Old"]
    finally:
        live.close()


def test_people_saving_during_a_restore_wait_for_it_and_nothing_is_lost_unkept(live, folder):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    round_id, statement = an_open_round(live)
    writers = [live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
               for _ in range(3)]
    committed: dict[int, list[int]] = {writer: [] for writer in writers}
    stop = threading.Event()
    errors = []

    def keep_saving(writer: int) -> None:
        for number in itertools.count():
            if stop.is_set():
                return
            try:
                live.record_answer(round_id, writer, statement, answer(2, note=str(number)))
            except Exception as error:  # noqa: BLE001 - after the restore the writer is gone
                errors.append(error)
                return
            committed[writer].append(number)

    threads = [threading.Thread(target=keep_saving, args=(writer,)) for writer in writers]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    restore_into(live, snapshot.path, replace=True)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)

    [kept] = [each for each in list_snapshots(folder) if each.reason == BEFORE_RESTORE]
    connection = duckdb.connect(str(kept.path), read_only=True)
    try:
        for writer in writers:
            in_copy = sorted(int(row[0]) for row in connection.execute(
                "SELECT note FROM answers WHERE respondent_id = ?", [writer]).fetchall())
            # Every save committed before the restore is in the copy it kept: none fell between.
            assert in_copy == committed[writer] and in_copy
    finally:
        connection.close()
    # The writers were not in the backup, so their next save after the restore was refused.
    assert len(errors) == len(writers)
    assert all(isinstance(error, NotFoundError) for error in errors), errors
    assert without_audit_log(live.fingerprint()) == without_audit_log(
        Store_fingerprint(snapshot.path))


def test_people_reading_during_a_restore_see_the_data_before_or_after_never_an_error(live,
                                                                                    folder):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    live.remove_demo()
    rounds = Store_rounds(snapshot.path)[:10]
    stop = threading.Event()
    errors, seen = [], []

    def keep_reading() -> None:
        while not stop.is_set():
            try:
                answers = live.current_answers(rounds)
                live.workshops(rounds)
                live.data_version()
                seen.append(len(answers))
            except Exception as error:  # noqa: BLE001 - reported by the test
                errors.append(error)

    threads = [threading.Thread(target=keep_reading) for _ in range(3)]
    for thread in threads:
        thread.start()
    time.sleep(0.2)
    restore_into(live, snapshot.path, replace=True)
    time.sleep(0.2)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert seen[0] == 0 and seen[-1] > 0  # before the restore, nothing; after it, the answers


def Store_rounds(path: Path) -> list[int]:
    store = Store(path)
    try:
        return store.all_rounds()["round_id"].tolist()
    finally:
        store.close()


# -- files a restore refuses -------------------------------------------------------------------

def test_a_backup_from_a_newer_collab_assess_is_refused_with_what_to_do(live, folder):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    connection = duckdb.connect(str(snapshot.path))
    connection.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())",
                       [LATEST_VERSION + 1])
    connection.close()
    now = live.fingerprint()
    with pytest.raises(BackupError) as refused:
        restore_into(live, snapshot.path, replace=True, shown=snapshot.name)
    assert str(refused.value) == (
        f"{snapshot.name} was made by a newer version of collab-assess (its database is at schema "
        f"version {LATEST_VERSION + 1}; this app knows up to version {LATEST_VERSION}). Update "
        "collab-assess, then restore it again. Nothing was changed.")
    assert live.fingerprint() == now
    assert reasons(folder) == [ON_DEMAND]


def test_a_backup_cut_short_is_refused_and_nothing_changes(live, folder, tmp_path):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    whole = snapshot.path.read_bytes()
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(whole[: len(whole) // 2])
    now = live.fingerprint()
    with pytest.raises(BackupError, match="cut.duckdb cannot be read in full: it is damaged or cut "
                                          "short .* Nothing was changed."):
        restore_into(live, cut, replace=True, shown="cut.duckdb")
    assert live.fingerprint() == now
    assert reasons(folder) == [ON_DEMAND]  # no copy kept: nothing was replaced
    assert not list(folder.glob(".incomplete-*"))


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"name,score\nNorthshire,3\n" * 100, "is not a collab-assess backup: it is not a database"),
     (b"", "is not a collab-assess backup: it is not a database")])
def test_a_file_that_is_not_a_database_is_refused(live, folder, tmp_path, content, message):
    other = tmp_path / "scores.csv"
    other.write_bytes(content)
    now = live.fingerprint()
    with pytest.raises(BackupError, match=message):
        restore_into(live, other, replace=True)
    assert live.fingerprint() == now
    assert other.read_bytes() == content


def test_a_database_that_is_not_collab_assess_is_refused(live, folder, tmp_path):
    other = tmp_path / "other.duckdb"
    connection = duckdb.connect(str(other))
    connection.execute("CREATE TABLE patients (id INTEGER)")
    connection.close()
    with pytest.raises(BackupError, match="is a database, but not a collab-assess one"):
        restore_into(live, other, replace=True)
    assert duckdb.connect(str(other), read_only=True).execute(
        "SELECT count(*) FROM duckdb_tables()").fetchone()[0] == 1  # left exactly as it was


def database_at_version_2(path: Path, bank: QuestionBank) -> int:
    """A database as collab-assess made it at schema version 2 (before scores were kept), with one
    closed round where one person gave every statement level 3. Returns the round's number."""
    connection = duckdb.connect(str(path))
    connection.execute(SCHEMA_VERSION_TABLE)
    for migration in MIGRATIONS[:2]:
        for statement in migration.statements:
            connection.execute(statement)
        connection.execute("INSERT INTO schema_version VALUES (?, ?, now())",
                           [migration.version, migration.description])
    content = bank.to_json()
    digest = hashlib.sha256(content.encode()).hexdigest()
    connection.execute("INSERT INTO bank_versions VALUES (?, ?, ?, ?, now())",
                       [bank.version, bank.title, content, digest])
    connection.executemany("INSERT INTO bank_statements VALUES (?, ?, ?, ?)",
                           [[bank.version, s.id, s.area, i] for i, s in enumerate(bank.statements)])
    connection.execute(
        "INSERT INTO collaboratives (name, name_key, icss, decision_mechanisms, is_demo, "
        "created_at, created_by) "
        "VALUES ('Old Collaborative', 'old collaborative', [], [], false, now(), 'lead')")
    (round_id,) = connection.execute(
        "INSERT INTO rounds (collaborative_id, label, opens_on, status, bank_version, created_at, "
        "created_by, closed_at, closed_by) "
        "VALUES (1, '2024', DATE '2024-05-01', 'closed', ?, now(), 'lead', now(), 'lead') "
        "RETURNING id", [bank.version]).fetchone()
    connection.execute(
        "INSERT INTO respondents (round_id, role, organisation, display_name, resume_code, "
        "created_at) VALUES (?, 'Clinical lead', '', '', 'ABCD-EFGH', now())", [round_id])
    for statement in bank.statements:
        (answer_id,) = connection.execute(
            "INSERT INTO answers (round_id, respondent_id, statement_id, level, note, recorded_at, "
            "recorded_by, source) VALUES (?, 1, ?, 3, '', now(), 'lead', 'self-assessment') "
            "RETURNING id", [round_id, statement.id]).fetchone()
        connection.execute("INSERT INTO answer_heads VALUES (?, 1, ?, ?)",
                           [round_id, statement.id, answer_id])
    connection.close()
    return round_id


def test_a_backup_from_an_older_collab_assess_is_brought_up_to_date(tmp_path, small_bank):
    old = tmp_path / "old.duckdb"
    round_id = database_at_version_2(old, small_bank)
    original = old.read_bytes()

    live = Store(tmp_path / "live.duckdb")
    try:
        message = restore_into(live, old, replace=False, folder=tmp_path / "b")
        assert ("made by an older collab-assess (schema version 2) and was brought up to date"
                in message)
        assert live.schema_version() == LATEST_VERSION
        assert live.get_round(round_id).status == "closed"
        # Migration 3 kept the closed round's scores, as it does for any database it upgrades.
        statements, areas, kept_round = live.kept_scores(round_id)
        assert kept_round["overall"].tolist() == [3.0]
        assert len(statements) == len(small_bank.statements) and set(statements["score"]) == {3.0}
        assert set(areas["score"]) == {3.0}
    finally:
        live.close()
    assert old.read_bytes() == original  # brought up to date on a temporary copy only


def test_an_uploaded_backup_is_restored_and_leaves_no_file_behind(live, folder):
    snapshot = take_snapshot(live, folder, ON_DEMAND)
    data = snapshot.path.read_bytes()
    live.remove_demo()
    live.create_collaborative(CollaborativeProfile(name="Made since the backup"), "lead")
    message = restore_upload(live, data, "my backup.duckdb", replace=True, folder=folder)
    assert message.startswith("Restored my backup.duckdb: 64 collaboratives")
    assert without_audit_log(live.fingerprint()) == without_audit_log(
        Store_fingerprint(snapshot.path))
    assert sorted(reasons(folder)) == [BEFORE_RESTORE, ON_DEMAND]
    assert not list(folder.glob(".incomplete-*"))
    with pytest.raises(BackupError, match="notes.txt is not a collab-assess backup"):
        restore_upload(live, b"just some notes", "notes.txt", replace=True, folder=folder)


# -- pruning and the schedule ------------------------------------------------------------------

def test_pruning_keeps_the_newest_of_each_kind_and_every_copy_kept_before_a_restore(tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    start = datetime(2026, 1, 1, 2, 0)
    for day in range(6):
        for reason in (DAILY, ROUND_CLOSED, ON_DEMAND, BEFORE_RESTORE):
            (folder / snapshot_file_name(start + timedelta(days=day), reason)).write_bytes(b"x")
    (folder / "my own copy.duckdb").write_bytes(b"x")
    stale = folder / ".incomplete-0123.duckdb"
    stale.write_bytes(b"x")
    fresh = folder / ".incomplete-4567.duckdb"
    fresh.write_bytes(b"x")
    two_days_ago = time.time() - 2 * 86400
    os.utime(stale, (two_days_ago, two_days_ago))

    removed = prune(folder, keep=2)

    left = list_snapshots(folder)
    for reason in (DAILY, ROUND_CLOSED, ON_DEMAND):
        assert [each.taken_at.day for each in left if each.reason == reason] == [6, 5]
    assert len([each for each in left if each.reason == BEFORE_RESTORE]) == 6
    assert (folder / "my own copy.duckdb").exists() and fresh.exists() and not stale.exists()
    assert len(removed) == 3 * 4 + 1


def test_the_keep_setting_comes_from_the_environment(monkeypatch, caplog):
    monkeypatch.delenv(backups.KEEP_ENV_VAR, raising=False)
    assert keep_setting() == 14
    monkeypatch.setenv(backups.KEEP_ENV_VAR, "30")
    assert keep_setting() == 30
    monkeypatch.setenv(backups.KEEP_ENV_VAR, "none")
    with caplog.at_level(logging.WARNING):
        assert keep_setting() == 14
    assert "not a whole number" in caplog.text


def test_a_daily_copy_is_due_when_the_newest_is_a_day_old(live, folder):
    clock = [datetime(2026, 5, 14, 9, 0)]
    schedule = AutomaticSnapshots(live, folder, keep=3, clock=lambda: clock[0])
    assert [each.reason for each in schedule.run_pending()] == [DAILY]  # none yet: one now
    clock[0] += timedelta(hours=23, minutes=59)
    assert schedule.run_pending() == []
    clock[0] += timedelta(minutes=1)
    assert [each.taken_at for each in schedule.run_pending()] == [datetime(2026, 5, 15, 9, 0)]
    for _ in range(4):
        clock[0] += timedelta(days=1)
        schedule.run_pending()
    assert [each.taken_at.day for each in list_snapshots(folder)] == [19, 18, 17]  # keeps 3
    assert not daily_due(list_snapshots(folder), clock[0] + timedelta(hours=23))


def test_the_app_starts_the_schedule_once_and_copies_after_each_round_closes(live, folder):
    clock = [datetime(2026, 5, 14, 9, 0)]
    schedule = start_automatic_snapshots(live, folder, keep=5, clock=lambda: clock[0],
                                         check_every=600)
    try:
        assert start_automatic_snapshots(live, folder, keep=5) is schedule  # a second call
        assert backups.automatic_snapshots(live) is schedule
        assert schedule.wait_until_idle(30)
        assert reasons(folder) == [DAILY]  # taken on start, as there was none
        round_id, _ = an_open_round(live)
        clock[0] += timedelta(minutes=5)
        live.close_round(round_id, "lead")
        assert _eventually(lambda: ROUND_CLOSED in reasons(folder))
        assert schedule.wait_until_idle(30)
        assert reasons(folder) == [ROUND_CLOSED, DAILY]
    finally:
        schedule.stop(timeout=30)
    assert not schedule.running and backups.automatic_snapshots(live) is None


def test_a_copy_that_fails_after_a_round_closes_never_undoes_the_close(live, tmp_path, caplog):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the backups folder should be")
    schedule = AutomaticSnapshots(live, blocked, keep=3, clock=lambda: datetime(2026, 5, 14))
    live.when_round_closes(schedule.round_closed)
    round_id, _ = an_open_round(live)
    with caplog.at_level(logging.WARNING):
        live.close_round(round_id, "lead")
        assert schedule.run_pending() == []
    assert live.get_round(round_id).status == "closed"
    assert f"after assessment round {round_id} closed" in caplog.text
    assert "The round is closed as normal" in caplog.text


def test_a_failing_listener_is_logged_and_the_round_stays_closed(live, caplog):
    def broken(round_id: int) -> None:
        raise RuntimeError("disk full")

    live.when_round_closes(broken)
    round_id, _ = an_open_round(live)
    with caplog.at_level(logging.WARNING):
        live.close_round(round_id, "lead")
    assert live.get_round(round_id).status == "closed"
    assert "disk full" in caplog.text


def _eventually(check, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


# -- commands for when the app is stopped ---------------------------------------------------------

APP_HOLDS = (
    "import sys, time\n"
    "from collab_assess.store import Store\n"
    "store = Store(sys.argv[1])\n"
    "print('holding', flush=True)\n"
    "sys.stdin.read()\n"
)


@pytest.fixture
def held(live):
    """The database held by another process, as the running app holds it."""
    path = live.path
    live.close()
    process = subprocess.Popen([sys.executable, "-c", APP_HOLDS, str(path)], cwd=ROOT,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "holding"
        yield path
    finally:
        process.stdin.close()
        process.wait(timeout=60)


def test_the_commands_say_plainly_what_to_do_while_the_app_holds_the_database(held, tmp_path):
    folder = held.parent / "backups"
    with pytest.raises(BackupError) as refused:
        backup_database(held, tmp_path / "copy.duckdb")
    assert str(refused.value) == (
        f"The app is running and holds the database. Take a backup from the Admin page (it keeps "
        f"copies in {folder}), or stop the app and run this again.")
    assert not (tmp_path / "copy.duckdb").exists()

    spare = tmp_path / "spare.duckdb"
    Store(spare).close()
    with pytest.raises(BackupError) as refused:
        restore_database(held, spare, replace=True)
    assert str(refused.value) == (
        f"The app is running and holds the database. Restore from the Admin page (it keeps copies "
        f"in {folder}), or stop the app and run this again.")


def test_the_backup_command_copies_a_stopped_database_and_never_replaces_a_file(live, tmp_path):
    path = live.path
    expected = live.fingerprint()
    live.close()
    out = tmp_path / "copy.duckdb"
    message = backup_database(path, out)
    assert message.startswith(f"Backed up {path} to {out} (")
    assert message.endswith(f", schema version {LATEST_VERSION}).")
    assert Store_fingerprint(out) == expected
    with pytest.raises(BackupError, match="already exists. Give a new file name"):
        backup_database(path, out)
    into_folder = backup_database(path, tmp_path)
    assert "Z-on-demand.duckdb" in into_folder
    with pytest.raises(BackupError, match="There is no database at"):
        backup_database(tmp_path / "missing.duckdb", tmp_path / "x.duckdb")


def test_the_restore_command_refuses_data_unless_told_and_keeps_what_it_replaced(live, tmp_path):
    path = live.path
    backup = tmp_path / "backup.duckdb"
    live.copy_to(backup)
    round_id, statement = an_open_round(live)
    person = live.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    live.record_answer(round_id, person, statement, answer(1))
    changed = live.fingerprint()
    live.close()
    folder = path.parent / "backups"

    with pytest.raises(BackupError) as refused:
        restore_database(path, backup, replace=False)
    assert "already holds data" in str(refused.value)
    assert f"run the restore again with --replace (a copy of what it holds now is then kept in " \
           f"{folder} first). Nothing was changed." in str(refused.value)
    assert Store_fingerprint(path) == changed

    message = restore_database(path, backup, replace=True)
    [kept] = list_snapshots(folder)
    assert kept.reason == BEFORE_RESTORE and str(kept.path) in message
    assert Store_fingerprint(kept.path) == changed
    assert without_audit_log(Store_fingerprint(path)) == without_audit_log(
        Store_fingerprint(backup))
    assert not path.with_name(path.name + ".wal").exists()

    fresh = tmp_path / "elsewhere" / "collab_assess.duckdb"
    assert restore_database(fresh, backup, replace=False) == (
        f"Restored {backup} into a new database at {fresh}.")
    assert without_audit_log(Store_fingerprint(fresh)) == without_audit_log(
        Store_fingerprint(backup))


def test_the_restore_command_moves_an_unreadable_database_aside_when_told(tmp_path, live):
    backup = tmp_path / "backup.duckdb"
    live.copy_to(backup)
    live.close()
    broken = tmp_path / "broken" / "collab_assess.duckdb"
    broken.parent.mkdir()
    broken.write_bytes(b"this was a database once" * 1000)
    with pytest.raises(BackupError, match="run the restore again with --replace"):
        restore_database(broken, backup, replace=False)
    message = restore_database(broken, backup, replace=True)
    [kept] = list_snapshots(broken.parent / "backups")
    assert kept.path.read_bytes() == b"this was a database once" * 1000
    assert "could not be read; it has been moved to" in message
    assert without_audit_log(Store_fingerprint(broken)) == without_audit_log(
        Store_fingerprint(backup))
