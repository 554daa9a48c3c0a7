"""A process killed straight after a save: the saved answer is there when the database reopens."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from collab_assess.store import Store
from tests.helpers.factories import bank_data

WRITER = textwrap.dedent(
    """
    import sys
    from collab_assess.content.bank import QuestionBank
    from collab_assess.store.inputs import (AnswerInput, CollaborativeProfile, RespondentInput,
                                            RoundInput)
    from collab_assess.store import Store

    store = Store(sys.argv[1])
    bank = QuestionBank.model_validate_json(sys.argv[2])
    collaborative = store.create_collaborative(CollaborativeProfile(name="Crash test"), "t")
    round_id = store.open_round(collaborative, RoundInput(label="R", opens_on="2026-01-01"), bank,
                                "t")
    respondent = store.add_respondent(round_id, RespondentInput(role="Clinical lead"))
    for level in (1, 2, 3):
        answer_id = store.record_answer(
            round_id, respondent, "PB-1", AnswerInput(level=level, recorded_by="t"))
        print(f"saved {answer_id} {level}", flush=True)
    import time
    time.sleep(60)  # killed long before this ends
    """
)


def test_an_acknowledged_answer_survives_sigkill(tmp_path: Path):
    db_path = tmp_path / "crash.duckdb"
    bank_json = __import__("json").dumps(bank_data())
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path), bank_json],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        acknowledged = [writer.stdout.readline().split() for _ in range(3)]
        writer.send_signal(signal.SIGKILL)  # no chance to close or checkpoint
    finally:
        writer.wait(timeout=30)
    assert writer.returncode == -signal.SIGKILL
    assert [line[0] for line in acknowledged] == ["saved"] * 3

    reopened = Store(db_path)
    try:
        history = reopened._cursor().execute("SELECT id, level FROM answers ORDER BY id").fetchall()
        assert [(int(a), int(lv)) for _, a, lv in acknowledged] == history
        current = reopened._cursor().execute("SELECT level FROM current_answers").fetchall()
        assert current == [(3,)]
    finally:
        reopened.close()
