"""`make bench`, reports and data exchange: how long a board report, an export, an import of a
large Forms-style survey, a backup and a restore take on the demo database."""

from __future__ import annotations

import csv
import io
import random
import time
from collections.abc import Callable
from pathlib import Path

from collab_assess.content.bank import QuestionBank
from collab_assess.content.scale import Level
from collab_assess.exchange.export import collaborative_export, export_xlsx
from collab_assess.exchange.importing import prepare_import
from collab_assess.operations.backups import ON_DEMAND, restore_into, take_snapshot
from collab_assess.report import build_board_report, report_html, report_pdf
from collab_assess.store import Store
from collab_assess.store.inputs import CollaborativeProfile, RoundInput

IMPORT_PEOPLE = 1_000
Line = Callable[..., None]


def _seconds(work: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def forms_style_survey(bank: QuestionBank, people: int, seed: int = 7) -> bytes:
    """A Microsoft Forms export as a lead would download it: one row per person, one column per
    statement headed by its words, cells like "3 - Maturing" or "Don't know"."""
    chooser = random.Random(seed)
    headings = ["ID", "Start time", "Completion time", "Email", "Name",
                "What is your role in the collaborative?",
                *(statement.statement for statement in bank.statements)]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headings)
    for person in range(1, people + 1):
        cells = [f"{int(level)} - {level.label}" if chooser.random() > 0.05 else "Don't know"
                 for level in chooser.choices(list(Level), k=len(bank.statements))]
        writer.writerow([person, "1/3/26 09:00:00", "1/3/26 09:20:00", "anonymous", "",
                         chooser.choice(["Executive director", "Clinical lead", "NED"]), *cells])
    return out.getvalue().encode("utf-8-sig")


def print_exchange_timings(store: Store, bank: QuestionBank, line: Line, folder: Path) -> None:
    rounds = store.all_rounds()
    sizes = store.respondents(rounds["round_id"].tolist()).groupby("round_id").size()
    biggest_round = int(sizes.idxmax())
    report, seconds = _seconds(lambda: build_board_report(store, biggest_round))
    line(f"board report: gather a round of {int(sizes.max())} people", f"{seconds * 1000:.0f} ms")
    pdf, seconds = _seconds(lambda: report_pdf(report))
    line("board report: PDF, charts drawn (first in this process)",
         f"{seconds * 1000:.0f} ms", f"{len(pdf) / 1024:.0f} KB")
    html, seconds = _seconds(lambda: report_html(report))
    line("board report: one-file HTML", f"{seconds * 1000:.0f} ms", f"{len(html) / 1024:.0f} KB")

    collaborative = int(store.get_round(biggest_round).collaborative_id)
    workbook, seconds = _seconds(lambda: export_xlsx(collaborative_export(store, collaborative)))
    line("export a collaborative to Excel", f"{seconds * 1000:.0f} ms",
         f"{len(workbook) / 1024:.0f} KB")

    survey = forms_style_survey(bank, IMPORT_PEOPLE)
    target = store.open_round(
        store.create_collaborative(CollaborativeProfile(name="Bench import"), "bench"),
        RoundInput(label="Imported", opens_on="2026-03-01"), bank, "bench")
    plan, seconds = _seconds(lambda: prepare_import(store, target, survey, "survey.csv"))
    line(f"import: read and check {IMPORT_PEOPLE:,} people ({len(survey) / 1e6:.1f} MB CSV)",
         f"{seconds:.2f} s")
    outcome, seconds = _seconds(lambda: store.import_responses(target, plan, "survey.csv",
                                                               "bench"))
    line(f"import: save {outcome.answers:,} answers in one transaction", f"{seconds:.2f} s")

    copies = folder / "backups"
    snapshot, seconds = _seconds(lambda: take_snapshot(store, copies, ON_DEMAND))
    line(f"backup while the app runs ({snapshot.size / 1e6:.0f} MB)", f"{seconds * 1000:.0f} ms")
    _, seconds = _seconds(lambda: restore_into(store, snapshot.path, replace=True, folder=copies))
    line("restore while the app runs (keeps a copy first)", f"{seconds * 1000:.0f} ms")
