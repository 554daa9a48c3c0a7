"""Small pieces of wording the report's sections share: dates, scores, counts and the split rule,
written the way the Results page writes them."""

from __future__ import annotations

from datetime import date

from collab_assess.content.scale import (
    AREA_PLACES,
    STATEMENT_PLACES,
    score_text,
    stage_name,
    stage_of,
)
from collab_assess.report.content import BoardReport, StatementScore


def long_date(day: date) -> str:
    """"5 March 2026"."""
    return f"{day.day} {day:%B %Y}"


def short_date(day: date | None) -> str:
    """"05/03/2026", the format the Actions table on Results uses; "" for no date."""
    return f"{day:%d/%m/%Y}" if day else ""


def score_and_stage(score: float | None, places: int = AREA_PLACES) -> str:
    """"2 Developing, 2.13 of 4", or "not scored yet"."""
    if score is None:
        return "not scored yet"
    return f"{stage_name(stage_of(score))}, {score_text(score, places)} of 4"


def statement_figure(statement: StatementScore) -> str:
    """"1.5 · Emerging"."""
    return f"{score_text(statement.score, STATEMENT_PLACES)} · {statement.stage.label}"


def reference(statement_id: str, area: str | None = None) -> str:
    """"(PB-1, Partnership building)" or "(PB-1)"."""
    return f"({statement_id}, {area})" if area else f"({statement_id})"


def people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def plural(count: int, word: str, words: str | None = None) -> str:
    return f"{count} {word if count == 1 else (words or word + 's')}"




def peers_described(report: BoardReport) -> str:
    """"63 peer collaboratives, 63 of them synthetic demo data"."""
    peers = report.peers
    described = f"{peers.peers} peer collaboratives"
    if peers.synthetic:
        described += f", {peers.synthetic} of them synthetic demo data"
    return described


def round_status(report: BoardReport) -> str:
    assessment_round = report.assessment_round
    if assessment_round.is_open:
        return "still open, so answers may change"
    return "submitted (closed)"
