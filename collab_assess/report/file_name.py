"""A safe file name for a report: "northshire-collaborative-spring-2026-board-report.pdf"."""

from __future__ import annotations

import re
import unicodedata

from collab_assess.report.content import BoardReport

LONGEST_PART = 60
"""Characters kept of the collaborative's name and of the round's label, so the whole name stays
well inside every file system's limit."""


def slug(text: str, limit: int = LONGEST_PART) -> str:
    """Lower-case letters and digits joined by hyphens: accents dropped, anything else (slashes,
    dots, quotes, spaces) a hyphen, so the name can never leave its folder or hide its type."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    words = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")
    return words[:limit].rstrip("-")


def report_file_name(report: BoardReport, extension: str) -> str:
    ending = slug(extension.lstrip("."), 10) or "txt"
    parts = [slug(report.collaborative.name) or "collaborative",
             slug(report.assessment_round.label) or f"round-{report.assessment_round.id}",
             "board-report"]
    return f"{'-'.join(parts)}.{ending}"
