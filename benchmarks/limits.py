"""The Limits section of `make bench` (issue 17): what hostile files cost the server before they
are refused, what the heaviest allowed work costs (an import at the limits, a board report, a
restore), and what the workshop address costs a room of 40 phones. Each piece of work runs in a
process of its own (benchmarks/hostile.py), so its peak memory is its own: "above idle" is the
peak during the work less the process at rest with the app's modules loaded and the file in hand.

Run alone with `python -m benchmarks.limits`."""

from __future__ import annotations

import os
import shutil
import statistics
import tempfile
import textwrap
import time
from pathlib import Path

from starlette.requests import Request

from benchmarks.exchange import forms_style_survey
from benchmarks.figures import Figures, Line
from benchmarks.hostile import (
    many_texts_xlsx,
    measure,
    million_row_xlsx,
    unpacking_bomb_xlsx,
    wide_csv,
)
from collab_assess.access.settings import Limits
from collab_assess.content.bank import QuestionBank, load_current_bank
from collab_assess.store import Store
from collab_assess.store.inputs import (
    CollaborativeProfile,
    RespondentInput,
    RoundInput,
    WorkshopInput,
)

PHONES = 40
POLLS_EACH = 25
REFUSAL_GOAL = "goal: under 2 s and 150 MB above idle"


def _figures(run: dict) -> tuple[str, str]:
    return f"{run['seconds']:.2f} s", f"{run['above_idle_mb']:.0f} MB above idle"


def _opened(db_path: Path, more: str) -> str:
    """Set-up for a measuring process: the database opened, then `more`."""
    return (f"from collab_assess.store import Store\nstore = Store({str(db_path)!r})\n"
            + textwrap.dedent(more))


def print_refusals(db_path: Path, round_id: int, bank: QuestionBank, folder: Path,
                   line: Line) -> None:
    hostile = {
        "refuse a 1,000,000-row xlsx (0.1 MB, 40 MB unpacked)": (million_row_xlsx(),
                                                                 "responses.xlsx"),
        "refuse a 10,000-column CSV of statement-like headings": (
            wide_csv(10_000, [s.statement for s in bank.statements]), "survey.csv"),
        "refuse an xlsx that unpacks to 400 MB": (unpacking_bomb_xlsx(400), "bomb.xlsx"),
        "refuse an xlsx of 1,000,000 different texts": (many_texts_xlsx(1_000_000), "texts.xlsx"),
    }
    for what, (data, name) in hostile.items():
        upload = folder / name
        upload.write_bytes(data)
        run = measure(_opened(db_path, f"""
            from collab_assess.exchange.importing import prepare_import
            data = open({str(upload)!r}, "rb").read()
            """), f"prepare_import(store, {round_id}, data, {name!r})")
        seconds, memory = _figures(run)
        refused = run["outcome"] == "ImportFileError"
        line(what, seconds if refused else f"NOT REFUSED ({run['outcome']})",
             f"{memory}; {REFUSAL_GOAL}" if what.startswith("refuse a 1") else memory)


def print_heavy_work(db_path: Path, round_id: int, bank: QuestionBank, folder: Path,
                     line: Line) -> None:
    people = Limits().import_max_people
    survey = folder / "survey.csv"
    survey.write_bytes(forms_style_survey(bank, people))
    run = measure(_opened(db_path, f"""
        from collab_assess.exchange.importing import prepare_import
        data = open({str(survey)!r}, "rb").read()
        """), f"""
        plan = prepare_import(store, {round_id}, data, "survey.csv")
        result = plan.answer_count if plan.can_import else plan.report_text()[:300]
        """)
    seconds, memory = _figures(run)
    line(f"import at the limit: read and check {people:,} people "
         f"({survey.stat().st_size / 1e6:.1f} MB)", seconds, memory)
    run = measure(_opened(db_path, f"""
        from collab_assess.exchange.importing import prepare_import
        plan = prepare_import(store, {round_id}, open({str(survey)!r}, "rb").read(), "s.csv")
        """), f"""
        result = store.import_responses({round_id}, plan, "survey.csv", "bench").answers
        store.close()
        """)
    seconds, memory = _figures(run)
    line(f"  save them ({run['result'] or 0:,} answers, one transaction, then in the file)",
         seconds, memory)
    run = measure(_opened(db_path, """
        from collab_assess.report import build_board_report, report_html, report_pdf
        """), f"""
        report = build_board_report(store, {round_id})
        result = len(report_pdf(report)) + len(report_html(report))
        """)
    seconds, memory = _figures(run)
    line(f"board report (PDF and HTML) of that round of {people:,} people", seconds, memory)
    backup = folder / "backup.duckdb"
    shutil.copyfile(db_path, backup)
    run = measure(_opened(db_path, """
        from collab_assess.operations.backups import restore_into
        """), f"""
        result = restore_into(store, {str(backup)!r}, replace=True,
                              folder={str(folder / "backups")!r})
        """)
    seconds, memory = _figures(run)
    size = backup.stat().st_size / 1e6
    line(f"restore while the app runs ({size:.0f} MB, keeps a copy first)", seconds, memory)


def _phone_request(code: str, seat: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": f"/api/workshop/{code}",
                    "path_params": {"code": code}, "query_string": b"",
                    "headers": [(b"x-workshop-seat", seat.encode())]})


def print_live_route(db_path: Path, bank: QuestionBank, line: Line) -> None:
    """The workshop address as 40 phones use it, in this process (the route's own work: the
    server's HTTP handling of a request is measured by "How far one server goes")."""
    from collab_assess.store import DB_ENV_VAR
    from collab_assess.store.shared import close_shared_stores, shared_store
    from collab_assess.workshop.live import workshop_version

    os.environ[DB_ENV_VAR] = str(db_path)
    store = shared_store(db_path)
    collaborative = store.create_collaborative(CollaborativeProfile(name="Bench room"), "bench")
    round_id = store.open_round(collaborative, RoundInput(label="Room", opens_on="2026-03-01"),
                                bank, "bench")
    workshop = store.start_workshop(round_id, WorkshopInput(
        title="Room", statement_ids=(bank.statements[0].id,), started_by="bench"))
    code = store.get_workshop(workshop).join_code
    seats = [store.join_workshop(workshop, RespondentInput(role="Clinical lead")).resume_code
             for _ in range(PHONES)]

    def cpu_per_call(call) -> float:
        times = []
        for _ in range(POLLS_EACH):
            started = time.process_time()
            for seat in seats:
                call(seat)
            times.append((time.process_time() - started) / len(seats))
        return statistics.median(times)

    route = cpu_per_call(lambda seat: workshop_version(_phone_request(code, seat)))
    wrong = cpu_per_call(lambda seat: workshop_version(_phone_request("ZZZZZZ", seat)))
    single = cpu_per_call(lambda seat: store._one(
        "SELECT version FROM workshops WHERE join_code = ? AND phase <> 'ended'", [code]))
    line("workshop address: one phone's check (three look-ups)", f"{route * 1000:.2f} ms CPU")
    line("  the single look-up it answered with before (no seat)", f"{single * 1000:.2f} ms CPU")
    line("  a wrong code or no seat (the same answer)", f"{wrong * 1000:.2f} ms CPU")
    line(f"  {PHONES} phones asking once a second", f"{PHONES * route:.3f} cores")
    close_shared_stores()


def print_limits(line: Line) -> None:
    bank = load_current_bank()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        db_path = folder / "limits.duckdb"
        store = Store(db_path)
        try:
            collaborative = store.create_collaborative(CollaborativeProfile(name="Bench limits"),
                                                       "bench")
            round_id = store.open_round(collaborative, RoundInput(label="Limits",
                                                                  opens_on="2026-03-01"),
                                        bank, "bench")
        finally:
            store.close()
        print_refusals(db_path, round_id, bank, folder, line)
        print_heavy_work(db_path, round_id, bank, folder, line)
        print_live_route(db_path, bank, line)


if __name__ == "__main__":
    figures = Figures(as_json=False)
    figures.section("Limits")
    print_limits(figures.line)
