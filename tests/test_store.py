"""The Store: schema and migrations, validation of what is saved, append-only answers, bank
snapshots, and clear errors for unusable database files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level
from collab_assess.errors import (
    BankError,
    DatabaseError,
    InputError,
    NotFoundError,
    RoundClosedError,
)
from collab_assess.store import DB_ENV_VAR, Store, default_db_path
from collab_assess.store.inputs import (
    ActionInput,
    AnswerInput,
    CollaborativeProfile,
    ConsensusInput,
    MemberInput,
    RespondentInput,
    RoundInput,
    StageInput,
    validated,
)
from collab_assess.store.migrations import LATEST_VERSION
from tests.helpers.factories import answer, bank_data


def test_a_new_database_is_migrated_to_the_latest_schema(store: Store):
    assert store.schema_version() == LATEST_VERSION
    assert store.is_empty()


def test_reopening_does_not_migrate_twice(db_path: Path):
    Store(db_path).close()
    reopened = Store(db_path)
    rows = reopened._cursor().execute("SELECT count(*) FROM schema_version").fetchone()[0]
    assert rows == LATEST_VERSION


def test_a_new_migration_runs_once_on_an_existing_database_and_keeps_its_data(
    db_path: Path, monkeypatch
):
    from collab_assess.store import database, migrations

    store = Store(db_path)
    store.create_collaborative(CollaborativeProfile(name="Kept"), "me")
    store.close()
    extra = migrations.Migration(
        LATEST_VERSION + 1,
        "a test column",
        ("ALTER TABLE collaboratives ADD COLUMN motto VARCHAR",),
    )
    monkeypatch.setattr(database, "MIGRATIONS", (*migrations.MIGRATIONS, extra))
    monkeypatch.setattr(database, "LATEST_VERSION", extra.version)
    upgraded = Store(db_path)
    assert upgraded.schema_version() == extra.version
    assert upgraded.collaboratives()["name"].tolist() == ["Kept"]
    assert upgraded._cursor().execute("SELECT motto FROM collaboratives").fetchall() == [(None,)]
    upgraded.close()
    Store(db_path).close()  # opening again must not run the migration a second time


def test_a_database_from_a_newer_version_is_refused_untouched(db_path: Path):
    Store(db_path).close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO schema_version VALUES (999, 'from the future', now())")
    con.close()
    with pytest.raises(DatabaseError, match="newer collab-assess"):
        Store(db_path)


def test_default_path_follows_the_environment(monkeypatch, tmp_path: Path):
    monkeypatch.setenv(DB_ENV_VAR, str(tmp_path / "elsewhere.duckdb"))
    assert default_db_path() == tmp_path / "elsewhere.duckdb"
    monkeypatch.delenv(DB_ENV_VAR)
    assert default_db_path().name == "collab_assess.duckdb"


# -- unusable files -------------------------------------------------------------------------------

def test_a_corrupt_file_gets_a_clear_message_and_is_left_as_it_was(tmp_path: Path):
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"this is not a database" * 100)
    before = damaged.read_bytes()
    with pytest.raises(DatabaseError, match="not a readable collab-assess database"):
        Store(damaged)
    assert damaged.read_bytes() == before


def test_a_file_locked_by_another_process_gets_a_clear_message(db_path: Path):
    Store(db_path).close()
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('locked', flush=True); "
         "time.sleep(30)", str(db_path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(DatabaseError, match="in use by another program"):
            Store(db_path)
    finally:
        holder.kill()
        holder.wait()


# -- collaboratives -------------------------------------------------------------------------------

def test_collaborative_names_are_unique_ignoring_case_and_spaces(store: Store):
    store.create_collaborative(CollaborativeProfile(name="North  Acute"), "me")
    with pytest.raises(InputError, match="already exists"):
        store.create_collaborative(CollaborativeProfile(name=" north acute "), "me")
    assert len(store.collaboratives()) == 1


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "   "}, "Name cannot be empty."),
        ({"name": "x" * 121}, "Name is too long: keep it to 120 characters or fewer."),
        ({"name": "Fine", "region": "Atlantis"}, "'Atlantis' is not a known NHS England region."),
        ({"name": "Fine", "icss": ["Middle Earth"]}, "not a known integrated care system"),
    ],
)
def test_bad_profiles_are_refused_with_plain_messages(values, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validated(CollaborativeProfile, **values)


def test_profile_changes_keep_every_earlier_version(store: Store):
    collaborative_id = store.create_collaborative(CollaborativeProfile(name="Old name"), "alice")
    store.update_collaborative(
        collaborative_id, CollaborativeProfile(name="New name", region="London"), "bob"
    )
    assert store.get_collaborative(collaborative_id).name == "New name"
    history = store.profile_history(collaborative_id)
    assert history["name"].tolist() == ["New name", "Old name"]
    assert history["changed_by"].tolist() == ["bob", "alice"]


def test_renaming_onto_another_collaborative_is_refused(store: Store):
    store.create_collaborative(CollaborativeProfile(name="Taken"), "me")
    other = store.create_collaborative(CollaborativeProfile(name="Other"), "me")
    with pytest.raises(InputError, match="already exists"):
        store.update_collaborative(other, CollaborativeProfile(name="TAKEN"), "me")
    assert store.get_collaborative(other).name == "Other"


def test_members_leave_without_their_record_being_deleted(store: Store):
    collaborative_id = store.create_collaborative(CollaborativeProfile(name="C"), "me")
    member = store.add_member(collaborative_id, MemberInput(organisation="Trust A",
                                                           organisation_type="Acute trust"), "me")
    with pytest.raises(InputError, match="already a member"):
        store.add_member(collaborative_id, MemberInput(organisation="trust a",
                                                       organisation_type="Acute trust"), "me")
    store.remove_member(member, "me")
    assert store.members(collaborative_id).empty
    assert store._cursor().execute("SELECT removed_by FROM members").fetchone() == ("me",)


# -- rounds and the bank snapshot -----------------------------------------------------------------

def test_a_round_keeps_its_bank_when_a_new_version_is_released(store: Store, open_round: int):
    changed = bank_data(version=2)
    changed["statements"][0]["statement"] = "A reworded statement."
    store.register_bank(QuestionBank.model_validate(changed))
    old = store.bank_for_round(open_round)
    assert old.version == 1
    assert old.statements_by_id["PB-1"].statement == "We do thing 1 of PB."


def test_editing_a_released_bank_in_place_is_refused(store: Store, open_round: int):
    edited = bank_data()
    edited["statements"][0]["statement"] = "Edited after release."
    with pytest.raises(BankError, match="never edit a released version"):
        store.register_bank(QuestionBank.model_validate(edited))
    assert (store.bank_for_round(open_round).statements_by_id["PB-1"].statement
            == "We do thing 1 of PB.")


def test_an_unused_bank_version_may_still_be_corrected(store: Store):
    store.register_bank(QuestionBank.model_validate(bank_data(version=5)))
    corrected = bank_data(version=5)
    corrected["title"] = "Corrected"
    store.register_bank(QuestionBank.model_validate(corrected))
    assert store.bank(5).title == "Corrected"


def test_round_dates_must_be_in_order():
    with pytest.raises(InputError, match="closing date must not be before the opening date"):
        validated(RoundInput, label="R", opens_on="2026-03-01", closes_on="2026-02-01")


def test_round_names_are_unique_within_a_collaborative(store: Store, open_round: int,
                                                     small_bank: QuestionBank):
    collaborative_id = store.get_round(open_round).collaborative_id
    with pytest.raises(InputError, match="already has a round called"):
        store.open_round(collaborative_id, RoundInput(label="round 1", opens_on="2026-02-01"),
                         small_bank, "me")


# -- answers --------------------------------------------------------------------------------------

def test_answers_are_append_only_and_the_latest_is_current(store: Store, open_round: int,
                                                          respondent: int):
    first = store.record_answer(open_round, respondent, "PB-1", answer(2, recorded_by="ann"))
    second = store.record_answer(open_round, respondent, "PB-1",
                                 answer(3, note="board paper", recorded_by="ann"))
    history = store.answer_history(open_round, respondent, "PB-1")
    assert history["id"].tolist() == [first, second]
    assert history["level"].tolist() == [2, 3]
    assert history["recorded_at"].is_monotonic_increasing
    current = store.current_answers([open_round])
    assert current[["statement_id", "level", "note"]].values.tolist() == [
        ["PB-1", 3, "board paper"]]


def test_dont_know_is_recorded_without_a_level(store: Store, open_round: int, respondent: int):
    store.record_answer(open_round, respondent, "SG-1", answer(unscored="dont_know"))
    row = store.current_answers([open_round]).iloc[0]
    assert row["unscored"] == "dont_know"
    assert pd.isna(row["level"])


def test_answering_a_closed_round_is_refused_and_nothing_is_saved(store: Store, open_round: int,
                                                                 respondent: int):
    store.record_answer(open_round, respondent, "PB-1", answer(2))
    store.close_round(open_round, "lead")
    with pytest.raises(RoundClosedError, match="closed"):
        store.record_answer(open_round, respondent, "PB-1", answer(4))
    assert store.answer_history(open_round)["level"].tolist() == [2]
    store.reopen_round(open_round, "lead")
    store.record_answer(open_round, respondent, "PB-1", answer(4))
    assert store.current_answers([open_round])["level"].tolist() == [4]


def test_unknown_statement_is_refused(store: Store, open_round: int, respondent: int):
    with pytest.raises(NotFoundError, match="'XX-9' is not a statement"):
        store.record_answer(open_round, respondent, "XX-9", answer(2))
    assert store.answer_history(open_round).empty


def test_respondent_from_another_round_is_refused(store: Store, open_round: int, respondent: int,
                                                 small_bank: QuestionBank):
    collaborative_id = store.get_round(open_round).collaborative_id
    other_round = store.open_round(collaborative_id, RoundInput(label="R2", opens_on="2026-06-01"),
                                   small_bank, "me")
    with pytest.raises(NotFoundError, match="not taking part"):
        store.record_answer(other_round, respondent, "PB-1", answer(2))


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"level": 5}, "Level: Input should be less than or equal to 4"),
        ({"level": 0}, "Level: Input should be greater than or equal to 1"),
        ({"level": 2, "unscored": "dont_know"}, "Choose exactly one"),
        ({}, "Choose exactly one"),
        ({"level": 2, "target_level": 7}, "Target level"),
        ({"level": 2, "note": "x" * 4001}, "Evidence or rationale is too long"),
    ],
)
def test_out_of_range_answers_are_refused(values, message):
    with pytest.raises(InputError, match=message):
        validated(AnswerInput, recorded_by="me", **values)


def test_the_database_itself_refuses_a_level_out_of_range(store: Store, open_round: int,
                                                         respondent: int):
    with pytest.raises(duckdb.ConstraintException):
        store._cursor().execute(
            "INSERT INTO answers (round_id, respondent_id, statement_id, level, note, recorded_at, "
            "recorded_by, source) VALUES (?, ?, 'PB-1', 9, '', now(), 'x', 'import')",
            [open_round, respondent],
        )


# -- stages, consensus, actions -------------------------------------------------------------------

def test_latest_self_described_stage_counts(store: Store, open_round: int, respondent: int):
    store.record_self_described_stage(open_round, respondent, StageInput(stage=3, recorded_by="x"))
    store.record_self_described_stage(open_round, respondent, StageInput(stage=2, recorded_by="x"))
    assert store.self_described_stages([open_round])["stage"].tolist() == [2]


def test_consensus_and_actions_are_recorded(store: Store, open_round: int):
    store.record_consensus(open_round, "PB-1",
                           ConsensusInput(level=2, rationale="r", recorded_by="f"))
    store.record_consensus(open_round, "PB-1",
                           ConsensusInput(level=3, rationale="r2", recorded_by="f"))
    assert store.current_consensus([open_round])[["statement_id", "level"]].values.tolist() == [
        ["PB-1", 3]]
    store.add_action(open_round, ActionInput(description="Agree a data sharing plan",
                                             statement_id="PB-1", recorded_by="f"))
    assert store.actions(open_round)["description"].tolist() == ["Agree a data sharing plan"]


def test_data_version_changes_with_every_answer(store: Store, open_round: int, respondent: int):
    before = store.data_version()
    store.record_answer(open_round, respondent, "PB-1", answer(2))
    assert store.data_version() != before


def test_respondents_can_only_join_open_rounds(store: Store, open_round: int):
    store.close_round(open_round, "lead")
    with pytest.raises(RoundClosedError):
        store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    with pytest.raises(InputError, match="'Astronaut' is not a known role"):
        validated(RespondentInput, role="Astronaut")


def test_resume_codes_find_only_their_own_respondent(store: Store, open_round: int,
                                                     respondent: int):
    from collab_assess.content.codes import normalise_resume_code

    me = store.get_respondent(respondent)
    assert normalise_resume_code(me.resume_code) == me.resume_code
    assert store.find_respondent(me.resume_code.lower().replace("-", "")).id == respondent
    other = store.add_respondent(open_round, RespondentInput(role="Clinical lead"))
    assert store.get_respondent(other).resume_code != me.resume_code
    for wrong in ("", "ABCD", str(respondent), "0000-0000", "ZZZZ-ZZZZ"):
        with pytest.raises(NotFoundError, match="That resume code is not recognised"):
            store.find_respondent(wrong)
    assert "resume_code" not in store.respondents([open_round]).columns


def test_migrating_a_version_5_database_keeps_its_workshops_and_scores_by_todays_rules(
    db_path: Path, monkeypatch, small_bank
):
    """A database from before migration 6: workshop seats were respondents listed in
    workshop_participants, votes had no workshop, every vote counted at once, and a score on a
    stage's edge was the higher stage. After migrating, seats are 'seat' respondents, votes name
    their workshop, a past reveal of four votes shows them, and kept scores follow today's rules."""
    from collab_assess.store import database, migrations

    with monkeypatch.context() as old:
        old.setattr(database, "MIGRATIONS", migrations.MIGRATIONS[:5])
        old.setattr(database, "LATEST_VERSION", 5)
        version_5 = Store(db_path)
        version_5.register_bank(small_bank)
        version_5.close()
    con = duckdb.connect(str(db_path))
    con.execute("INSERT INTO collaboratives VALUES (1, 'Old', 'old', NULL, [], NULL, NULL, [], "
                "false, '2025-01-01', 'me')")
    for round_id, status in ((1, "open"), (2, "closed")):
        con.execute("INSERT INTO rounds (id, collaborative_id, label, opens_on, status, "
                    "bank_version, created_at, created_by) VALUES (?, 1, ?, '2025-05-01', ?, 1, "
                    "'2025-05-01', 'me')", [round_id, f"R{round_id}", status])
    # Round 1: three self-assessors gave PB-1 a 2; four seats voted 4 in a workshop, revealed.
    for person in range(1, 8):
        con.execute("INSERT INTO respondents (id, round_id, role, organisation, display_name, "
                    "resume_code, created_at) VALUES (?, 1, 'Clinical lead', '', '', ?, "
                    "'2025-05-01')", [person, f"CODE-{person}"])
        level, source = (2, "self-assessment") if person <= 3 else (4, "workshop")
        con.execute("INSERT INTO answers (id, round_id, respondent_id, statement_id, level, "
                    "note, recorded_at, recorded_by, source) VALUES (?, 1, ?, 'PB-1', ?, '', "
                    "'2025-05-02 10:00', 'p', ?)", [person, person, level, source])
        con.execute("INSERT INTO answer_heads VALUES (1, ?, 'PB-1', ?)", [person, person])
    con.execute("INSERT INTO workshops VALUES (1, 1, 'ABCDEF', 'Board', 0, 'revealed', 4, "
                "'2025-05-02 09:00', 'f', '2025-05-02 11:00', 'f')")
    con.execute("INSERT INTO workshop_statements VALUES (1, 0, 'PB-1')")
    for person in range(4, 8):
        con.execute("INSERT INTO workshop_participants VALUES (?, 1, '2025-05-02 09:30', 1)",
                    [person])
    for version, phase, at in ((1, "waiting", "09:00"), (2, "voting", "09:45"),
                               (3, "closed", "10:30"), (4, "revealed", "11:00")):
        con.execute("INSERT INTO workshop_events VALUES (1, ?, 0, ?, ?, 'f')",
                    [version, phase, f"2025-05-02 {at}"])
    # Round 2, submitted: PB-1 is 2.5 (a 2 and a 3), kept as Maturing by the old edge rule.
    for person, level in ((8, 2), (9, 3)):
        con.execute("INSERT INTO respondents (id, round_id, role, organisation, display_name, "
                    "resume_code, created_at) VALUES (?, 2, 'Clinical lead', '', '', ?, "
                    "'2025-05-01')", [person, f"CODE-{person}"])
        for number, statement in enumerate(small_bank.statements):
            con.execute("INSERT INTO answers (id, round_id, respondent_id, statement_id, level, "
                        "note, recorded_at, recorded_by, source) VALUES (?, 2, ?, ?, ?, '', "
                        "'2025-05-02', 'p', 'self-assessment')",
                        [100 * person + number, person, statement.id, level])
    con.execute("INSERT INTO answer_heads SELECT round_id, respondent_id, statement_id, id "
                "FROM answers WHERE round_id = 2")
    con.execute("INSERT INTO kept_round_scores VALUES (2, 1, 1, '2025-05-01', 2025, 2.5, 3, NULL, "
                "2, '2025-05-03')")
    con.close()

    store = Store(db_path)
    try:
        assert store.schema_version() == LATEST_VERSION
        kinds = store.respondents([1]).set_index("respondent_id")["kind"]
        assert kinds.loc[[1, 2, 3]].eq("self").all() and kinds.loc[[4, 5, 6, 7]].eq("seat").all()
        reveals = store.workshop_reveals(1)
        assert reveals[["statement_id", "voters", "disclosed"]].values.tolist() == [
            ["PB-1", 4, True]]
        assert len(store.current_answers([1])) == 7  # the revealed votes still count
        assert store.shown_workshop_votes(1)["votes"].sum() == 4
        assert store.participant_workshop(4).id == 1
        kept = store.kept_scores(2)[2].iloc[0]
        assert kept["overall"] == 2.5 and kept["stage"] == int(Level.DEVELOPING)
        assert kept["respondents"] == 2
    finally:
        store.close()
