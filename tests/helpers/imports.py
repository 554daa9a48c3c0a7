"""Import files with long text, built in the test."""

from __future__ import annotations

from collab_assess.content.bank import load_banks
from collab_assess.exchange.mapping import ANSWER_COLUMNS


def long_answers_rows(answers, round_label="Spring 2025") -> list[list[object]]:
    """An Answers table as collab-assess's export writes it: (respondent, statement id, level,
    unscored, target, note) per answer."""
    bank = load_banks()[2]
    rows: list[list[object]] = [list(ANSWER_COLUMNS)]
    roles = {1: ("Ann Lee", "Clinical lead", "Northshire Acute NHS Trust"),
             2: ("", "Executive director", ""), 3: ("Bo", "Other", "Eastdale Council")}
    for respondent, statement_id, level, unscored, target, note in answers:
        statement = bank.statements_by_id.get(statement_id)
        name, role, organisation = roles.get(respondent, ("", "Other", ""))
        level_name = ("", "Emerging", "Developing", "Maturing", "Thriving")[level or 0]
        rows.append([round_label, respondent, name, role, organisation,
                     statement.area if statement else "", "",
                     statement_id, statement.statement if statement else "", level or "",
                     level_name, unscored, target or "", note, "2025-05-01 10:00:00",
                     "self-assessment"])
    return rows


LONG = [
    (1, "PB-1", 2, "", 3, "Board papers from May '=x'"),
    (1, "PB-2", None, "Don't know", None, ""),
    (1, "SG-1", 4, "", None, "'=HYPERLINK(\"http://x\")"),
    (2, "PB-1", 1, "", 2, ""),
    (2, "DS-1", None, "Not applicable", None, "'-not ours"),
    (3, "QI-2", 3, "", 4, "Line one\nline two"),
]
