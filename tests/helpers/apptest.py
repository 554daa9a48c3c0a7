"""Running the app in Streamlit's AppTest, and reading what it shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collab_assess.store import DB_ENV_VAR, Store
from collab_assess.text import WORD_JOINER

APP = str(Path(__file__).resolve().parents[2] / "app.py")


TIMEOUT = 60


def app(page: str | None = None, **choices) -> AppTest:
    test = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for name, value in choices.items():
        test.session_state[name] = value
    if page:
        test.switch_page(f"pages/{page}.py")
    return test.run()


def results_page_on(db_path, collaborative_id: int) -> AppTest:
    """The Results page of a collaborative in the database at db_path, already run, with no
    exception (for module-scoped fixtures, which cannot use the app_db fixture)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(DB_ENV_VAR, str(db_path))
        test = AppTest.from_file(APP, default_timeout=TIMEOUT)
        test.session_state["collaborative_id"] = collaborative_id
        test.switch_page("pages/results.py")
        test.run()
    assert not test.exception, [e.message for e in test.exception]
    return test


def shown(markdown: str) -> str:
    """Markdown source as a reader sees it: backslash escapes removed (user text is escaped)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace(WORD_JOINER, "")


def texts(elements) -> str:
    return " ".join(shown(str(element.value)) for element in elements)


def reopen(app_db: Path) -> Store:
    return Store(app_db)


def assert_no_exception(test: AppTest) -> None:
    assert not test.exception, [e.message for e in test.exception]
