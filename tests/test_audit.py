"""The audit log: every kind of change leaves one entry (who, when, what, before and after) in the
same transaction as the change; a refused change leaves none; secrets never reach it; it can be
read with filters, exported safely, and shown to an administrator."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.content.bank import QuestionBank, load_banks
from collab_assess.content.workshop_phases import Move
from collab_assess.errors import InputError, RoundClosedError
from collab_assess.exchange.audit_export import (
    AUDIT_COLUMNS,
    ENTRIES_SHEET,
    audit_csv,
    audit_export,
    audit_xlsx,
)
from collab_assess.exchange.importing import prepare_import
from collab_assess.operations.backups import (
    back_up_now,
    list_snapshots,
    restore_database,
    restore_into,
    restore_upload,
)
from collab_assess.operations.cli import main
from collab_assess.operations.demo import generate_demo
from collab_assess.store import Store, utc_now
from collab_assess.store.inputs import (
    ActionInput,
    ActionStatusInput,
    AnswerChange,
    CollaborativeProfile,
    ConsensusInput,
    MemberInput,
    RespondentInput,
    RoundInput,
    StageInput,
    WorkshopInput,
)
from collab_assess.store.workshops import VotingClosedError
from tests.helpers.apptest import assert_no_exception
from tests.helpers.factories import answer

FIXTURES = Path(__file__).resolve().parent / "fixtures"
LEAD = "lead@example.nhs.uk"
SCRIPT = "from collab_assess.store import default_db_path\n" \
         "from collab_assess.store.shared import shared_store\n" \
         "from pages.widgets.audit_log import show_audit_log\n" \
         "show_audit_log(shared_store(default_db_path()))\n"


def log_rows(store: Store) -> list[dict]:
    """Every row of the log, oldest first, with before and after read back from JSON."""
    frame = store._frame("SELECT * FROM audit_log ORDER BY id")
    rows = frame.astype(object).where(frame.notna(), None).to_dict("records")
    for row in rows:
        for side in ("before_value", "after_value"):
            row[side] = None if row[side] is None else json.loads(row[side])
    return rows


def new_rows(store: Store, since: int) -> list[dict]:
    return log_rows(store)[since:]


def count(store: Store) -> int:
    return int(store._one("SELECT count(*) FROM audit_log")[0])


def only_new(store: Store, since: int) -> dict:
    [row] = new_rows(store, since)
    return row


def changed(store: Store, change) -> dict:
    """Make the change and return its one entry."""
    before = count(store)
    change()
    return only_new(store, before)


def assert_entry(row: dict, *, actor: str, action: str, kind: str, record_id, collaborative,
                 round_id=None, before=None, after=None) -> None:
    assert (row["actor"], row["action"], row["record_kind"]) == (actor, action, kind)
    assert row["record_id"] == (None if record_id is None else str(record_id))
    assert row["collaborative_id"] == collaborative
    assert row["round_id"] == round_id
    assert row["before_value"] == before
    assert row["after_value"] == after
    assert abs(row["changed_at"] - utc_now()) < timedelta(minutes=1)


@pytest.fixture
def collaborative(store: Store) -> int:
    return store.create_collaborative(CollaborativeProfile(name="Northshire Collaborative"), LEAD)


@pytest.fixture
def round_id(store: Store, small_bank: QuestionBank, collaborative: int) -> int:
    return store.open_round(collaborative, RoundInput(label="Round 1", opens_on="2026-01-05"),
                            small_bank, LEAD)


@pytest.fixture
def person(store: Store, round_id: int) -> int:
    return store.add_respondent(round_id, RespondentInput(role="Executive director"))


# -- each kind of change --------------------------------------------------------------------------

def test_creating_and_changing_a_collaborative_records_the_profile_before_and_after(store):
    profile = CollaborativeProfile(name="Northshire Collaborative", region="London",
                                   collaborative_type="Mental health")
    before = count(store)
    new_id = store.create_collaborative(profile, LEAD)
    after = {"name": "Northshire Collaborative", "region": "London", "icss": [],
             "collaborative_type": "Mental health", "governance_model": None,
             "decision_mechanisms": []}
    assert_entry(only_new(store, before), actor=LEAD, action="create", kind="collaborative",
                 record_id=new_id, collaborative=new_id, after=after)

    renamed = CollaborativeProfile(name="Northshire and Eastdale", region="London")
    row = changed(store, lambda: store.update_collaborative(new_id, renamed, "chair"))
    assert_entry(row, actor="chair", action="change", kind="collaborative", record_id=new_id,
                 collaborative=new_id, before=after,
                 after=after | {"name": "Northshire and Eastdale", "collaborative_type": None})


def test_adding_and_removing_a_member_is_recorded_once(store, collaborative):
    member = MemberInput(organisation="Eastdale Community NHS Trust",
                         organisation_type="Community trust")
    before = count(store)
    member_id = store.add_member(collaborative, member, LEAD)
    value = {"organisation": "Eastdale Community NHS Trust",
             "organisation_type": "Community trust"}
    assert_entry(only_new(store, before), actor=LEAD, action="add", kind="member",
                 record_id=member_id, collaborative=collaborative, after=value)

    row = changed(store, lambda: store.remove_member(member_id, "chair"))
    assert_entry(row, actor="chair", action="remove", kind="member", record_id=member_id,
                 collaborative=collaborative, before=value)
    before = count(store)
    store.remove_member(member_id, "chair")  # already gone: nothing changes, nothing is logged
    assert count(store) == before


def test_opening_closing_and_reopening_a_round_records_its_status(store, small_bank,
                                                                   collaborative):
    before = count(store)
    new_id = store.open_round(collaborative, RoundInput(label="Spring 2026",
                                                        opens_on="2026-03-01"), small_bank, LEAD)
    assert_entry(only_new(store, before), actor=LEAD, action="open", kind="round",
                 record_id=new_id, collaborative=collaborative, round_id=new_id,
                 after={"label": "Spring 2026", "opens_on": "2026-03-01", "closes_on": None,
                        "status": "open", "bank_version": small_bank.version})
    row = changed(store, lambda: store.close_round(new_id, "chair"))
    assert_entry(row, actor="chair", action="close", kind="round", record_id=new_id,
                 collaborative=collaborative, round_id=new_id, before={"status": "open"},
                 after={"status": "closed"})
    row = changed(store, lambda: store.reopen_round(new_id, LEAD))
    assert_entry(row, actor=LEAD, action="reopen", kind="round", record_id=new_id,
                 collaborative=collaborative, round_id=new_id, before={"status": "closed"},
                 after={"status": "open"})


def test_a_new_respondent_is_recorded_under_their_own_label_without_their_resume_code(
        store, collaborative, round_id):
    store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    before = count(store)
    new_id = store.add_respondent(round_id, RespondentInput(
        role="Executive director", organisation="Northshire Acute", display_name="Ann Lee"))
    row = only_new(store, before)
    assert_entry(row, actor="Ann Lee (Executive director, Northshire Acute)", action="add",
                 kind="respondent", record_id=new_id, collaborative=collaborative,
                 round_id=round_id,
                 after={"role": "Executive director", "organisation": "Northshire Acute",
                        "display_name": "Ann Lee"})
    assert store.get_respondent(new_id).resume_code not in json.dumps(row, default=str)


def test_an_answer_records_nothing_before_then_each_change_records_both_sides(
        store, collaborative, round_id, person):
    which = {"statement_id": "PB-1", "respondent_id": person}
    first = {**which, "level": 2, "unscored": None, "target_level": None, "note": "",
             "source": "self-assessment"}
    before = count(store)
    answer_id = store.record_answer(round_id, person, "PB-1", answer(2, recorded_by="Ann"))
    assert_entry(only_new(store, before), actor="Ann", action="add", kind="answer",
                 record_id=answer_id, collaborative=collaborative, round_id=round_id, after=first)

    before = count(store)
    changed_id = store.change_answer(round_id, person, "PB-1", AnswerChange(
        note="Board minutes, May", target_level=4, recorded_by="Ann"))
    assert_entry(only_new(store, before), actor="Ann", action="change", kind="answer",
                 record_id=changed_id, collaborative=collaborative, round_id=round_id,
                 before={k: v for k, v in first.items() if k != "source"},
                 after=first | {"note": "Board minutes, May", "target_level": 4})

    before = count(store)
    dont_know = store.record_answer(round_id, person, "PB-1",
                                    answer(unscored="dont_know", recorded_by="Ann"))
    row = only_new(store, before)
    assert (row["action"], row["record_id"]) == ("change", str(dont_know))
    assert row["before_value"]["note"] == "Board minutes, May"
    assert row["after_value"] == {**which, "level": None, "unscored": "dont_know",
                                  "target_level": None, "note": "", "source": "self-assessment"}


def test_a_self_described_stage_records_the_earlier_one(store, collaborative, round_id, person):
    first = changed(store, lambda: store.record_self_described_stage(
        round_id, person, StageInput(stage=2, recorded_by="Ann")))
    assert_entry(first, actor="Ann", action="add", kind="self-described stage",
                 record_id=first["record_id"], collaborative=collaborative, round_id=round_id,
                 after={"respondent_id": person, "stage": 2})
    second = changed(store, lambda: store.record_self_described_stage(
        round_id, person, StageInput(stage=3, recorded_by="Ann")))
    assert_entry(second, actor="Ann", action="change", kind="self-described stage",
                 record_id=second["record_id"], collaborative=collaborative, round_id=round_id,
                 before={"respondent_id": person, "stage": 2},
                 after={"respondent_id": person, "stage": 3})


def test_consensus_records_the_level_it_replaces(store, collaborative, round_id):
    before = count(store)
    first = store.record_consensus(round_id, "PB-1", ConsensusInput(
        level=2, rationale="Plans, not yet delivery.", recorded_by="Facilitator"))
    assert_entry(only_new(store, before), actor="Facilitator", action="add", kind="consensus",
                 record_id=first, collaborative=collaborative, round_id=round_id,
                 after={"statement_id": "PB-1", "level": 2,
                        "rationale": "Plans, not yet delivery."})
    before = count(store)
    second = store.record_consensus(round_id, "PB-1", ConsensusInput(
        level=3, rationale="Delivery began in May.", recorded_by="Chair"))
    assert_entry(only_new(store, before), actor="Chair", action="change", kind="consensus",
                 record_id=second, collaborative=collaborative, round_id=round_id,
                 before={"statement_id": "PB-1", "level": 2,
                         "rationale": "Plans, not yet delivery."},
                 after={"statement_id": "PB-1", "level": 3, "rationale": "Delivery began in May."})


def test_an_action_and_each_change_of_its_status_are_recorded(store, collaborative, round_id):
    before = count(store)
    action_id = store.add_action(round_id, ActionInput(
        description="Agree a shared dashboard", owner="COO", due_on="2026-09-30",
        statement_id="PB-1", recorded_by="Facilitator"))
    assert_entry(only_new(store, before), actor="Facilitator", action="add", kind="action",
                 record_id=action_id, collaborative=collaborative, round_id=round_id,
                 after={"description": "Agree a shared dashboard", "owner": "COO",
                        "due_on": "2026-09-30", "statement_id": "PB-1", "area_id": None,
                        "status": "open"})
    row = changed(store, lambda: store.update_action_status(
        action_id, ActionStatusInput(status="done", changed_by="COO")))
    assert_entry(row, actor="COO", action="change", kind="action", record_id=action_id,
                 collaborative=collaborative, round_id=round_id, before={"status": "open"},
                 after={"status": "done"})


def test_a_workshop_records_its_start_each_step_each_joiner_and_each_vote(
        store, collaborative, round_id):
    before = count(store)
    workshop_id = store.start_workshop(round_id, WorkshopInput(
        title="Board workshop", statement_ids=("PB-2", "PB-1"), started_by="Facilitator"))
    started = only_new(store, before)
    assert_entry(started, actor="Facilitator", action="start", kind="workshop",
                 record_id=workshop_id, collaborative=collaborative, round_id=round_id,
                 after={"title": "Board workshop", "statement_ids": ["PB-1", "PB-2"],
                        "phase": "waiting", "position": 0})
    join_code = store.get_workshop(workshop_id).join_code
    assert join_code not in json.dumps(started, default=str)

    before = count(store)
    joined = store.join_workshop(workshop_id, RespondentInput(role="Clinical lead"))
    assert_entry(only_new(store, before), actor=f"workshop participant {joined.number}",
                 action="join", kind="respondent", record_id=joined.id,
                 collaborative=collaborative, round_id=round_id,
                 after={"role": "Clinical lead", "workshop_id": workshop_id})

    def step(move: Move, position: int | None = None) -> dict:
        version = store.get_workshop(workshop_id).version
        return changed(store, lambda: store.move_workshop(workshop_id, version, move,
                                                          "Facilitator", position))

    def state(phase: str, position: int = 0) -> dict:
        return {"phase": phase, "position": position,
                "statement_id": ("PB-1", "PB-2")[position]}

    opened = step(Move.OPEN)
    assert_entry(opened, actor="Facilitator", action="open", kind="workshop",
                 record_id=workshop_id, collaborative=collaborative, round_id=round_id,
                 before=state("waiting"), after=state("voting"))

    vote = AnswerChange(level=3, recorded_by=f"workshop participant {joined.number}",
                        source="workshop")
    before = count(store)
    answer_id = store.cast_vote(workshop_id, joined.id, "PB-1", vote)
    assert_entry(only_new(store, before), actor=f"workshop participant {joined.number}",
                 action="vote", kind="answer", record_id=answer_id, collaborative=collaborative,
                 round_id=round_id,
                 after={"statement_id": "PB-1", "respondent_id": joined.id, "level": 3,
                        "unscored": None, "target_level": None, "note": "",
                        "source": "workshop"})

    for move, was, now in ((Move.CLOSE, "voting", "closed"), (Move.REVEAL, "closed", "revealed")):
        row = step(move)
        assert (row["action"], row["before_value"], row["after_value"]) == (
            move.value, state(was), state(now))
    row = step(Move.GO_TO, 1)
    assert (row["action"], row["before_value"], row["after_value"]) == (
        "go to", state("revealed"), state("waiting", 1))
    row = step(Move.END)
    assert (row["action"], row["after_value"]) == ("end", state("ended", 1))

    before = count(store)
    with pytest.raises(VotingClosedError):
        store.cast_vote(workshop_id, joined.id, "PB-2", vote)
    assert count(store) == before  # a refused vote leaves no entry


def test_an_import_is_one_entry_with_its_file_and_counts_not_one_per_answer(store):
    bank = load_banks()[2]
    store.register_bank(bank)
    collaborative = store.create_collaborative(CollaborativeProfile(name="Importers"), LEAD)
    round_id = store.open_round(collaborative, RoundInput(label="Spring", opens_on="2026-03-01"),
                                bank, LEAD)
    plan = prepare_import(store, round_id, (FIXTURES / "forms_export.csv").read_bytes(),
                          "forms_export.csv")
    before = count(store)
    outcome = store.import_responses(round_id, plan, "forms_export.csv", LEAD)
    row = only_new(store, before)
    assert_entry(row, actor=LEAD, action="import", kind="import", record_id=outcome.import_id,
                 collaborative=collaborative, round_id=round_id,
                 after={"file_name": "forms_export.csv", "file_sha256": plan.file_sha256,
                        "layout": plan.layout, "sheet": plan.sheet,
                        "respondents": outcome.respondents, "answers": outcome.answers,
                        "stages": outcome.stages})
    assert outcome.answers > 100


def test_demo_data_is_loaded_generated_and_removed_with_one_summary_entry_each(store,
                                                                              small_bank):
    before = count(store)
    counts = store.import_demo(generate_demo(small_bank), small_bank)
    row = only_new(store, before)
    assert_entry(row, actor="demo generator", action="import", kind="database", record_id=None,
                 collaborative=None, after={"what": "synthetic demo peers", **counts})

    before = count(store)
    answers = store.generate_national_scale(small_bank, collaboratives=3, rounds_each=1,
                                            respondents_each=2)
    assert_entry(only_new(store, before), actor="national-scale generator", action="generate",
                 kind="database", record_id=None, collaborative=None,
                 after={"what": "national-scale synthetic data", "collaboratives": 3,
                        "rounds_each": 1, "respondents_each": 2, "answers": answers})

    before = count(store)
    removed = store.remove_demo("admin@example.nhs.uk")
    row = only_new(store, before)
    assert_entry(row, actor="admin@example.nhs.uk", action="remove", kind="database",
                 record_id=None, collaborative=None,
                 before={"what": "synthetic demo peers",
                         **{table: n for table, n in removed.items() if n}})
    assert row["before_value"]["collaboratives"] == counts["collaboratives"] + 3
    before = count(store)
    store.remove_demo()  # nothing left to remove: nothing changes, nothing is logged
    assert count(store) == before


def test_a_restore_leaves_the_backups_log_plus_its_own_entry_and_keeps_the_replaced_log(
        store, collaborative, round_id, tmp_path):
    folder = tmp_path / "backups"
    snapshot = back_up_now(store, folder)
    in_backup = log_rows(store)
    store.create_collaborative(CollaborativeProfile(name="Made after the backup"), LEAD)
    replaced = log_rows(store)

    restore_into(store, snapshot.path, replace=True, shown=snapshot.name,
                 restored_by="admin@example.nhs.uk")

    rows = log_rows(store)
    assert rows[:-1] == in_backup
    [kept] = [each for each in list_snapshots(folder) if each.reason == "before-restore"]
    restore = rows[-1]
    assert_entry(restore, actor="admin@example.nhs.uk", action="restore", kind="database",
                 record_id=snapshot.name, collaborative=None,
                 before={"kept_copy": str(kept.path),
                         "earlier_audit_log": "The audit log as it was before this restore is "
                         "not in this database: it is in the copy of the replaced database kept "
                         f"at {kept.path}."},
                 after={"backup_file": snapshot.name, "collaboratives": 1, "rounds": 1,
                        "respondents": 0, "answers": 0})
    assert restore["id"] > max(row["id"] for row in replaced)  # numbers carry on
    copy = Store(kept.path)
    try:
        assert log_rows(copy) == replaced  # the replaced log is in the copy, entry for entry
    finally:
        copy.close()


def test_an_uploaded_backup_is_recorded_under_its_file_name_and_who_uploaded_it(store, tmp_path):
    folder = tmp_path / "backups"
    data = back_up_now(store, folder).path.read_bytes()
    store.create_collaborative(CollaborativeProfile(name="Made after the backup"), LEAD)
    restore_upload(store, data, "friday.duckdb", replace=True, folder=folder,
                   restored_by="admin@example.nhs.uk")
    row = log_rows(store)[-1]
    assert (row["actor"], row["action"], row["record_id"]) == (
        "admin@example.nhs.uk", "restore", "friday.duckdb")


def test_a_restore_from_the_command_line_into_a_new_database_is_recorded(store, tmp_path):
    store.create_collaborative(CollaborativeProfile(name="Backed up"), LEAD)
    backup = tmp_path / "backup.duckdb"
    store.copy_to(backup)
    fresh = tmp_path / "new" / "collab_assess.duckdb"
    restore_database(fresh, backup, replace=False, restored_by="ops")
    restored = Store(fresh)
    try:
        row = log_rows(restored)[-1]
    finally:
        restored.close()
    assert (row["actor"], row["action"], row["record_kind"]) == ("ops", "restore", "database")
    assert row["after_value"]["backup_file"] == str(backup)
    assert row["before_value"]["kept_copy"] is None


# -- what is never logged -------------------------------------------------------------------------

def test_a_refused_change_leaves_no_entry(store, collaborative, round_id, person):
    store.close_round(round_id, LEAD)
    before = count(store)
    with pytest.raises(RoundClosedError):
        store.change_answer(round_id, person, "PB-1", AnswerChange(level=2, recorded_by="Ann"))
    with pytest.raises(RoundClosedError):
        store.record_answer(round_id, person, "PB-1", answer(2))
    with pytest.raises(InputError):
        store.create_collaborative(CollaborativeProfile(name="northshire  collaborative"), LEAD)
    with pytest.raises(InputError):
        store.open_round(collaborative, RoundInput(label="round 1", opens_on="2026-02-01"),
                         store.bank(1), LEAD)
    assert count(store) == before


def test_no_resume_code_join_code_or_invitation_token_is_ever_logged(store, collaborative,
                                                                      round_id, small_bank):
    store.add_respondent(round_id, RespondentInput(role="Clinical lead", display_name="Ann"))
    workshop_id = store.start_workshop(round_id, WorkshopInput(
        title="Board", statement_ids=("PB-1",), started_by="Facilitator"))
    joined = store.join_workshop(workshop_id, RespondentInput(role="Executive director"))
    store.move_workshop(workshop_id, 1, Move.OPEN, "Facilitator")
    store.cast_vote(workshop_id, joined.id, "PB-1",
                    AnswerChange(level=2, recorded_by="participant", source="workshop"))
    bank = load_banks()[2]
    store.register_bank(bank)
    imported_round = store.open_round(collaborative, RoundInput(label="Imported",
                                                                opens_on="2026-04-01"), bank, LEAD)
    plan = prepare_import(store, imported_round, (FIXTURES / "forms_export.csv").read_bytes(),
                          "forms_export.csv")
    store.import_responses(imported_round, plan, "forms_export.csv", LEAD)

    secrets = [code for (code,) in store._cursor().execute(
        "SELECT resume_code FROM respondents").fetchall()]
    secrets += [token for (token,) in store._cursor().execute(
        "SELECT invite_token FROM rounds").fetchall()]
    secrets.append(store.get_workshop(workshop_id).join_code)
    assert len(secrets) > 10
    logged = "\n".join(json.dumps(row, default=str) for row in log_rows(store))
    for secret in secrets:
        assert secret not in logged
        assert secret.replace("-", "") not in logged


# -- reading --------------------------------------------------------------------------------------

def test_entries_are_read_newest_first_and_filtered(store, small_bank, collaborative, round_id):
    other = store.create_collaborative(CollaborativeProfile(name="Eastdale Partnership"), "b")
    store.close_round(round_id, LEAD)
    everything = store.audit_entries()
    # the export adds what_changed, worked out from before and after
    assert list(everything.columns) == [c for c in AUDIT_COLUMNS if c != "what_changed"]
    assert list(everything["action"]) == ["close", "create", "open", "create"]
    assert everything["changed_at"].is_monotonic_decreasing
    assert list(everything["collaborative"]) == ["Northshire Collaborative",
                                                 "Eastdale Partnership",
                                                 "Northshire Collaborative",
                                                 "Northshire Collaborative"]
    assert everything["round"].iloc[0] == "Round 1"

    mine = store.audit_entries(collaborative_ids=[collaborative])
    assert list(mine["action"]) == ["close", "open", "create"]
    assert store.audit_entries(collaborative_ids=[]).empty
    assert list(store.audit_entries(collaborative_ids=[other])["actor"]) == ["b"]
    assert list(store.audit_entries(record_kinds=["round"])["action"]) == ["close", "open"]
    assert store.audit_entries(record_kinds=[]).empty
    assert len(store.audit_entries(limit=2)) == 2
    now = utc_now()
    assert store.audit_entries(since=now + timedelta(minutes=1)).empty
    assert store.audit_entries(until=now - timedelta(hours=1)).empty
    assert len(store.audit_entries(since=now - timedelta(hours=1), until=now + timedelta(hours=1))
               ) == 4


# -- export ---------------------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example/x","click")'


def test_the_export_opens_in_excel_with_every_entry_and_no_formula(store, collaborative,
                                                                   round_id):
    store.close_round(round_id, FORMULA)
    entries = store.audit_entries()
    data = audit_xlsx(audit_export(entries, "every entry"))
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Read me", ENTRIES_SHEET, "Columns"]
    sheet = workbook[ENTRIES_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == list(AUDIT_COLUMNS)
    assert len(rows) == 1 + len(entries)
    newest = dict(zip(rows[0], rows[1], strict=True))
    assert newest["actor"] == "'" + FORMULA
    assert sheet.cell(row=2, column=2).data_type == "s"
    assert json.loads(newest["after_value"]) == {"status": "closed"}
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    columns = {row[0]: row[1] for row in workbook["Columns"].iter_rows(min_row=2,
                                                                        values_only=True)}
    assert columns.keys() == AUDIT_COLUMNS.keys()
    read_me = " ".join(row[0] for row in workbook["Read me"].iter_rows(min_row=2,
                                                                       values_only=True))
    assert f"It holds {len(entries)} entries" in read_me
    assert "Resume codes" in read_me

    text = audit_csv(audit_export(entries)).decode("utf-8-sig")
    table = list(csv.DictReader(io.StringIO(text)))
    assert len(table) == len(entries)
    assert table[0]["actor"] == "'" + FORMULA
    assert table[-1]["action"] == "create"


def test_the_audit_command_writes_the_log_to_a_file(tmp_path: Path, capsys):
    db = tmp_path / "cli.duckdb"
    store = Store(db)
    first = store.create_collaborative(CollaborativeProfile(name="Northshire Collaborative"),
                                       LEAD)
    store.create_collaborative(CollaborativeProfile(name="Eastdale Partnership"), "other")
    store.update_collaborative(first, CollaborativeProfile(name="Northshire Collaborative",
                                                           region="London"), LEAD)
    store.close()

    out = tmp_path / "audit.xlsx"
    assert main(["audit", "--db", str(db), "--out", str(out)]) == 0
    assert f"Wrote {out}" in capsys.readouterr().out
    rows = list(openpyxl.load_workbook(out)[ENTRIES_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 3

    out_csv = tmp_path / "northshire.csv"
    assert main(["audit", "--db", str(db), "--out", str(out_csv), "--format", "csv",
                 "--collaborative", "northshire collaborative"]) == 0
    assert "It holds 2 audit entries." in capsys.readouterr().out
    table = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    assert [row["action"] for row in table] == ["change", "create"]
    assert {row["collaborative"] for row in table} == {"Northshire Collaborative"}

    assert main(["audit", "--db", str(db), "--out", str(out), "--collaborative", "Nowhere"]) == 1
    assert "There is no collaborative called 'Nowhere'" in capsys.readouterr().err


# -- the widget -----------------------------------------------------------------------------------

@pytest.fixture
def widget(tmp_path: Path, app_db: Path):
    script = tmp_path / "audit_app.py"
    script.write_text(SCRIPT)
    store = Store(app_db)
    sneaky = store.create_collaborative(
        CollaborativeProfile(name="**Bold** [link](http://evil.example)"), "lead")
    eastdale = store.create_collaborative(CollaborativeProfile(name="Eastdale Partnership"),
                                          FORMULA)
    store.add_member(sneaky, MemberInput(organisation="Westvale",
                                         organisation_type="Acute trust"), "lead")
    store.close()
    return AppTest.from_file(str(script), default_timeout=60).run(), eastdale


def test_the_widget_shows_the_log_filters_it_and_offers_both_downloads(widget):
    test, eastdale = widget
    assert_no_exception(test)
    shown = test.dataframe[0].value
    assert list(shown["action"]) == ["add", "create", "create"]
    assert FORMULA in set(shown["actor"])  # shown as typed: a table cell is never run
    assert "**Bold** [link](http://evil.example)" in set(shown["collaborative"])
    assert [button.label for button in test.get("download_button")] == [
        "Download the Excel workbook", "Download as CSV"]

    test.multiselect(key="audit-kinds").set_value(["member"]).run()
    assert_no_exception(test)
    assert list(test.dataframe[0].value["record_kind"]) == ["member"]

    test.multiselect(key="audit-kinds").set_value([]).run()
    chosen = test.multiselect(key="audit-collaboratives")
    assert "**Bold** [link](http://evil.example)" in chosen.options  # options are plain text
    chosen.set_value([eastdale]).run()
    assert list(test.dataframe[0].value["collaborative"]) == ["Eastdale Partnership"]

    today = utc_now().date()
    test.date_input(key="audit-days").set_value(
        (today - timedelta(days=400), today - timedelta(days=300))).run()
    assert_no_exception(test)
    assert not test.dataframe
    assert "No changes match these choices." in [each.value for each in test.info]


def test_each_entry_says_in_words_what_changed():
    from collab_assess.exchange.audit_export import changes_in_words

    answer = '{"level": %d, "note": "", "respondent_id": 4, "statement_id": "PB-1"}'
    assert changes_in_words(answer % 2, answer % 3) == "PB-1: level: 2 → 3"
    assert changes_in_words(None, '{"email": "a@x.org", "role": "lead", "region": null, '
                            '"collaborative_id": 3}') == "email: a@x.org; role: lead; region: blank"
    assert changes_in_words('{"status": "open"}', '{"status": "closed"}') == (
        "status: open → closed")
    assert changes_in_words('{"role": "lead"}', None) == "role: lead"
    assert changes_in_words('{"status": "open"}', '{"status": "open"}') == "no field changed"


def test_the_export_carries_each_change_in_words(store):
    import io

    import openpyxl

    from collab_assess.exchange.audit_export import audit_export, audit_xlsx
    from collab_assess.store.inputs import CollaborativeProfile

    collaborative = store.create_collaborative(CollaborativeProfile(name="Words"), "setter")
    store.update_collaborative(collaborative, CollaborativeProfile(name="Words Two"), "setter")
    workbook = openpyxl.load_workbook(io.BytesIO(audit_xlsx(audit_export(store.audit_entries()))))
    rows = list(workbook["Audit log"].iter_rows(values_only=True))
    column = rows[0].index("what_changed")
    assert "name: Words → Words Two" in [row[column] for row in rows[1:]]
