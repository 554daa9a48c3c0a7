"""Shared fixtures: a small question bank built in code, and a Store on a temporary database file
copied from one migrated for the whole session (copying is a tenth of the cost of migrating).

Hypothesis runs a quick profile by default and a thorough one in CI (CI=true), or as chosen with
HYPOTHESIS_PROFILE=dev|ci."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import settings

from collab_assess.content.bank import QuestionBank
from collab_assess.store import DB_ENV_VAR, Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.helpers.factories import bank_data

settings.register_profile("dev", max_examples=30, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev"))


@pytest.fixture(autouse=True)
def fresh_code_attempts():
    """Wrong codes typed in one test never slow another: browsers in tests have no address, so
    they all share one network count (access/throttle.py)."""
    from collab_assess.access.throttle import join_attempts, resume_attempts

    join_attempts.forget()
    resume_attempts.forget()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """An empty database at the latest schema, made once: each test's store starts as a copy."""
    path = tmp_path_factory.mktemp("template") / "migrated.duckdb"
    Store(path).close()
    return path


@pytest.fixture
def small_bank() -> QuestionBank:
    return QuestionBank.model_validate(bank_data())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch, migrated_template: Path) -> Path:
    """A temporary database file that the app (run by AppTest in this process) opens."""
    path = tmp_path / "app.duckdb"
    shutil.copyfile(migrated_template, path)
    monkeypatch.setenv(DB_ENV_VAR, str(path))
    return path


@pytest.fixture
def store(db_path: Path, migrated_template: Path):
    shutil.copyfile(migrated_template, db_path)
    opened = Store(db_path)
    yield opened
    opened.close()


@pytest.fixture
def open_round(store: Store, small_bank: QuestionBank) -> int:
    """A collaborative with one open round asking the small bank."""
    collaborative_id = store.create_collaborative(CollaborativeProfile(name="Test collaborative"),
                                                  "tester")
    return store.open_round(
        collaborative_id, RoundInput(label="Round 1", opens_on="2026-01-05"), small_bank, "tester"
    )


@pytest.fixture
def respondent(store: Store, open_round: int) -> int:
    return store.add_respondent(open_round, RespondentInput(role="Executive director"))

