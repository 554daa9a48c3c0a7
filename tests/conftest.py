"""Shared fixtures: a small question bank built in code, and a Store on a temporary database file."""

from __future__ import annotations

from pathlib import Path

import pytest

from collab_assess.content.bank import QuestionBank
from collab_assess.store import DB_ENV_VAR, Store
from collab_assess.store.inputs import CollaborativeProfile, RespondentInput, RoundInput
from tests.factories import bank_data


@pytest.fixture
def small_bank() -> QuestionBank:
    return QuestionBank.model_validate(bank_data())


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def app_db(tmp_path: Path, monkeypatch) -> Path:
    """A temporary database file that the app (run by AppTest in this process) opens."""
    path = tmp_path / "app.duckdb"
    monkeypatch.setenv(DB_ENV_VAR, str(path))
    return path


@pytest.fixture
def store(db_path: Path):
    opened = Store(db_path)
    yield opened
    opened.close()


@pytest.fixture
def open_round(store: Store, small_bank: QuestionBank) -> int:
    """A collaborative with one open round asking the small bank."""
    collaborative_id = store.create_collaborative(CollaborativeProfile(name="Test collaborative"), "tester")
    return store.open_round(
        collaborative_id, RoundInput(label="Round 1", opens_on="2026-01-05"), small_bank, "tester"
    )


@pytest.fixture
def respondent(store: Store, open_round: int) -> int:
    return store.add_respondent(open_round, RespondentInput(role="Executive director"))

