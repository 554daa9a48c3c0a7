"""Which statement (or which detail about the person) each column of a file holds.

Two layouts are read:
- **responses**: one row per person, as Microsoft Forms (or Google Forms, or a hand-made sheet)
  exports it: details about the person, then one column per statement whose heading holds the
  statement's id ("PB-1 ...") or its words, exactly or nearly;
- **answers**: one row per answer, as collab-assess's own export writes its Answers table
  (ANSWER_COLUMNS), so an export can be imported again.

A column is matched by the statement id in its heading first, then by its words: the same words
(ignoring case, spacing and curly apostrophes), the words found inside a longer heading, or words
similar enough (difflib, at least AUTO_MATCH alike and clearly ahead of the next best) with the
likeness shown, so the person can check it. Anything else is left out and listed, with the nearest
statement suggested. The person can change any of it (`apply_overrides`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from enum import StrEnum
from itertools import islice

from collab_assess.content.bank import QuestionBank
from collab_assess.exchange.cells import BadValue, folded, parse_choice
from collab_assess.exchange.reading import Column, ReadTable, is_answers_layout
from collab_assess.store.import_plan import ColumnMatch, Finding

AUTO_MATCH = 0.85
"""How alike (0-1) a heading's words must be to a statement's to be matched without being chosen."""
SUGGEST_MATCH = 0.6
"""How alike they must be for the statement to be suggested."""
CLEAR_LEAD = 0.04
"""How far the best statement must be ahead of the next best to be matched by likeness alone."""
CANDIDATES = 3
"""How many statements (those sharing the most words with a heading) are compared with it letter
by letter (difflib): comparing every heading with every statement that way is what made a file of
thousands of statement-like headings take minutes."""
WORDING_DIFFERS = 0.75
"""Below this likeness, a heading (or statement text) that names a statement id by its words too is
reported as worded differently from the round's bank."""

RESPONSES = "responses"
ANSWERS = "answers"

ANSWER_COLUMNS: tuple[str, ...] = (
    "round", "respondent", "name", "role", "organisation", "area_id", "area", "statement_id",
    "statement", "level", "level_name", "unscored", "target_level", "note", "recorded_at",
    "source",
)
"""The columns of collab-assess's own export of answers (exchange/export.py, ANSWER_COLUMNS)."""


class Field(StrEnum):
    """What a column can hold besides a statement."""

    IGNORE = "ignore"
    NAME = "name"
    ROLE = "role"
    ORGANISATION = "organisation"
    EMAIL = "email"
    RESPONSE_ID = "response id"
    STARTED = "start time"
    STAGE = "stage"

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


FIELD_LABELS: dict[Field, str] = {
    Field.IGNORE: "Ignore this column",
    Field.NAME: "Person: name",
    Field.ROLE: "Person: role",
    Field.ORGANISATION: "Person: organisation",
    Field.EMAIL: "Person: email (only to spot repeats; not saved)",
    Field.RESPONSE_ID: "Person: response ID (only to spot repeats; not saved)",
    Field.STARTED: "Person: start time (only to spot repeats; not saved)",
    Field.STAGE: "Person: the stage they say the collaborative is at",
}
PERSON_FIELDS = tuple(field for field in Field if field is not Field.IGNORE)

UNMATCHED = ""
"""The target of a column that looks like a statement but matches none of the round's: a problem
until the person chooses a statement for it, or Ignore."""

HOW_BY_HAND = "chosen by hand"
HOW_NOT_RECOGNISED = "not recognised"
HOW_NO_HEADING = "no heading"
HOW_SURVEY_DETAIL = "survey detail, not needed"

_ID_IN_HEADING = re.compile(
    r"(?:^|[\s\[(])([A-Z]{2})\s?[-\u2010-\u2015\u2212]\s?(\d{1,3})(?![\d])"
    r"|^\[?([A-Z]{2})(\d{1,3})\b")
_NUMBERING = re.compile(r"^\s*(?:q(?:uestion)?\s*)?\d{1,3}\s*[.):]\s+", re.IGNORECASE)
_REQUIRED_MARK = re.compile(r"\s*(?:\*|\(required\)|\(optional\))\s*$", re.IGNORECASE)

_SURVEY_DETAILS = frozenset({
    "completion time", "last modified time", "modified time", "end time", "total points",
    "quiz feedback", "score", "submitted", "submission time", "completion date", "end date",
    "ip address", "language",
})
_FIELD_HEADINGS: tuple[tuple[Field, re.Pattern[str]], ...] = tuple(
    (field, re.compile(pattern)) for field, pattern in (
        (Field.EMAIL, r"\be-?mail\b"),
        (Field.RESPONSE_ID, r"^(id|response id|respondent id|response number|response no|"
                            r"responseid|respondent number|respondent no|#)$"),
        (Field.STARTED, r"^(start time|started|start date|timestamp|start)$"),
        (Field.ORGANISATION, r"\borgani[sz]ation\b|\bemployer\b|\b(which|your) trust\b|"
                             r"\btrust name\b|\bwhere do you work\b"),
        (Field.ROLE, r"\brole\b|\bjob title\b"),
        (Field.STAGE, r"\bstage\b"),
        (Field.NAME, r"^(your |full |respondent |participant |display )?name\b|"
                     r"^(respondent|participant)$|^what is your (full )?name|^first and last name"),
    )
)
LEVELS_SAMPLE = 200
"""Filled cells looked at to tell whether a column holds levels."""
SHORT_HEADING = 80
"""Only a heading this short or shorter is read as a detail about the person (role, name...): a
statement's words can contain "role" or "organisation"."""


# -- layout ---------------------------------------------------------------------------------------

def layout_of(table: ReadTable) -> str:
    """ANSWERS for a file of one answer per row (collab-assess's export), else RESPONSES."""
    return ANSWERS if is_answers_layout(column.heading for column in table.columns) else RESPONSES


def answer_columns(table: ReadTable) -> dict[str, Column]:
    """For a file of answers: each export column name -> the file's Column holding it."""
    by_heading: dict[str, Column] = {}
    for column in table.columns:
        by_heading.setdefault(folded(column.heading), column)
    return {name: by_heading[name] for name in ANSWER_COLUMNS if name in by_heading}


# -- statements by id or words --------------------------------------------------------------------

def statement_id_in(heading: str) -> str | None:
    """A statement id written in a heading: "PB-1 Every member...", "[PB-1]", "(PB-1)", "PB1"."""
    found = _ID_IN_HEADING.search(heading.translate({0x2010: "-", 0x2011: "-", 0x2013: "-",
                                                     0x2014: "-", 0x2212: "-"}))
    if not found:
        return None
    letters = found.group(1) or found.group(3)
    number = found.group(2) or found.group(4)
    return f"{letters}-{int(number)}"


def statement_words(heading: str) -> str:
    """A heading's words with any statement id, question number and required-answer mark taken off,
    folded for comparing."""
    text = _ID_IN_HEADING.sub(" ", heading, count=1)
    text = _NUMBERING.sub("", text)
    text = _REQUIRED_MARK.sub("", text)
    return folded(text).strip(" .:-–—?[]()")


def _likeness(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SUGGEST_MATCH or matcher.quick_ratio() < SUGGEST_MATCH:
        return 0.0
    return matcher.ratio()


def _shared_words(said: set[str], wording: str) -> float:
    """How many words two texts share (0-1): a cheap first look before difflib's."""
    words = set(wording.split())
    return 2 * len(said & words) / (len(said) + len(words)) if said or words else 0.0


def wording_likeness(text: str, statement: str) -> float:
    """How alike (0-1) some words are to a statement's, folded."""
    return _likeness(statement_words(text), folded(statement).strip(" .:?"))


def match_words(text: str, bank: QuestionBank) -> tuple[str | None, float, str, str]:
    """(statement id or None, likeness, how it was matched, a suggestion) for words meant to be a
    statement's."""
    words = statement_words(text)
    if not words:
        return None, 0.0, HOW_NOT_RECOGNISED, ""
    wordings = {s.id: folded(s.statement).strip(" .:?") for s in bank.statements}
    for statement_id, wording in wordings.items():
        if words == wording:
            return statement_id, 1.0, "same wording", ""
    inside = [sid for sid, wording in wordings.items() if wording and wording in words]
    if len(inside) == 1:
        return inside[0], 0.99, "wording found in the heading", ""
    if len(words) >= 40:
        starts = [sid for sid, wording in wordings.items() if wording.startswith(words)]
        if len(starts) == 1:
            return starts[0], 0.97, "the start of the wording", ""
    said = set(words.split())
    nearest = sorted(wordings, key=lambda sid: _shared_words(said, wordings[sid]),
                     reverse=True)[:CANDIDATES]
    scored = sorted(((_likeness(words, wordings[sid]), sid) for sid in nearest), reverse=True)
    best, best_id = scored[0] if scored else (0.0, "")
    second = scored[1][0] if len(scored) > 1 else 0.0
    if best >= AUTO_MATCH and best - second >= CLEAR_LEAD:
        return best_id, best, f"similar wording ({best:.0%} alike)", ""
    if best >= SUGGEST_MATCH:
        return None, best, HOW_NOT_RECOGNISED, best_id
    return None, best, HOW_NOT_RECOGNISED, ""


def _field_for(heading: str) -> Field | None:
    text = folded(heading).strip(" ?:*.")
    text = re.sub(r"\s*\((optional|required)\)$", "", text)
    if not text or len(text) > SHORT_HEADING:
        return None
    if text in _SURVEY_DETAILS or text.startswith(("points - ", "feedback - ")):
        return Field.IGNORE
    for field, pattern in _FIELD_HEADINGS:
        if pattern.search(text):
            return field
    return None


def match_columns(table: ReadTable, bank: QuestionBank) -> list[ColumnMatch]:
    """For a file of responses: what each column holds, worked out from its heading."""
    matches = []
    filled = {column.position: any(row.value(column) for row in table.rows)
              for column in table.columns}
    for column in table.columns:
        heading = column.heading
        if not heading:
            if filled[column.position]:
                levels = holds_levels(table, column)
                matches.append(ColumnMatch(column.letter, "", UNMATCHED if levels else Field.IGNORE,
                                           HOW_NO_HEADING, 0.0))
            continue
        statement_id = statement_id_in(heading)
        if statement_id is not None:
            if statement_id in bank.statements_by_id:
                words = statement_words(heading)
                likeness = (wording_likeness(heading, bank.statements_by_id[statement_id].statement)
                            if len(words) >= 15 else 1.0)
                matches.append(ColumnMatch(column.letter, heading, statement_id,
                                           "id in the heading", likeness))
            else:
                found, likeness, how, suggestion = match_words(heading, bank)
                matches.append(ColumnMatch(
                    column.letter, heading, found or UNMATCHED,
                    how if found else f"{statement_id} is not in this round's question bank",
                    likeness, suggestion))
            continue
        found, likeness, how, suggestion = match_words(heading, bank)
        if found is not None and likeness >= AUTO_MATCH:
            matches.append(ColumnMatch(column.letter, heading, found, how, likeness))
            continue
        field = _field_for(heading)
        if field in (Field.NAME, Field.ROLE, Field.ORGANISATION) and holds_levels(table, column):
            field = None  # a short statement heading with "role" in it, not the person's role
        if field is not None:
            how = HOW_SURVEY_DETAIL if field is Field.IGNORE else "a detail about the person"
            matches.append(ColumnMatch(column.letter, heading, field, how, 1.0))
            continue
        levels = holds_levels(table, column)
        matches.append(ColumnMatch(
            column.letter, heading, UNMATCHED if levels else Field.IGNORE,
            "holds levels, but matches no statement" if levels else HOW_NOT_RECOGNISED,
            likeness, suggestion))
    return matches


def holds_levels(table: ReadTable, column) -> bool:
    """Whether most of a column's filled cells are levels (or Don't know, Not applicable), judged
    on its first LEVELS_SAMPLE filled cells."""
    values = list(islice((value for row in table.rows if (value := row.value(column))),
                         LEVELS_SAMPLE))
    if not values:
        return False
    fits = 0
    for value in values:
        try:
            fits += parse_choice(value) is not None
        except BadValue:
            pass
    return fits >= max(1, 0.6 * len(values))


def match_statement_keys(keys: Iterable[tuple[str, str]], bank: QuestionBank) -> list[ColumnMatch]:
    """For a file of answers: what each statement of the file (its id as written, and its words)
    is in the round's bank."""
    matches = []
    for file_id, words in keys:
        key = file_id or words
        wanted = statement_id_in(file_id) if file_id else None
        if wanted in bank.statements_by_id:
            likeness = (wording_likeness(words, bank.statements_by_id[wanted].statement)
                        if words else 1.0)
            matches.append(ColumnMatch(key, words, wanted, "same statement id", likeness))
            continue
        found, likeness, how, suggestion = match_words(words, bank) if words else (
            None, 0.0, HOW_NOT_RECOGNISED, "")
        if found is not None:
            matches.append(ColumnMatch(key, words, found, how, likeness))
        else:
            why = (f"{file_id} is not in this round's question bank" if file_id
                   else HOW_NOT_RECOGNISED)
            matches.append(ColumnMatch(key, words, UNMATCHED, why, likeness,
                                       suggestion or _moved_to(file_id, bank)))
    return matches


def _moved_to(old_id: str, bank: QuestionBank) -> str:
    """The statement an old id became in this bank, where the bank's mapping says it kept its
    meaning (moved to another area)."""
    mapping = bank.mapping
    entry = mapping.by_old_id.get(old_id) if mapping is not None else None
    if entry is not None and entry.change in ("reworded", "moved") and len(entry.new) == 1:
        return entry.new[0]
    return ""


def old_id_note(old_id: str, bank: QuestionBank) -> str:
    """What the bank's mapping says became of a statement id of its previous version."""
    mapping = bank.mapping
    if mapping is None or not old_id:
        return ""
    entry = mapping.by_old_id.get(old_id)
    if entry is None:
        return ""
    new = (entry.new[0] if len(entry.new) == 1 else
           ", ".join(entry.new[:-1]) + " and " + entry.new[-1] if entry.new else "")
    words = {"reworded": "was reworded and kept its id", "moved": f"moved to {new}",
             "replaced": f"was replaced by {new}", "split": f"was split into {new}",
             "dropped": "was dropped"}[entry.change]
    return (f" In version {bank.version} of the question bank, {old_id} of version "
            f"{mapping.from_version} {words}.")


# -- changes by hand ------------------------------------------------------------------------------

def target_options(bank: QuestionBank, layout: str = RESPONSES) -> dict[str, str]:
    """What a column (or a statement of a file of answers) can be set to: label -> target."""
    options = {Field.IGNORE.label: str(Field.IGNORE)}
    if layout == RESPONSES:
        options.update({field.label: str(field) for field in PERSON_FIELDS})
    options.update({statement_label(s.id, bank): s.id for s in bank.statements})
    return options


def statement_label(statement_id: str, bank: QuestionBank, limit: int = 70) -> str:
    statement = bank.statements_by_id.get(statement_id)
    if statement is None:
        return statement_id
    words = statement.statement if len(statement.statement) <= limit else (
        statement.statement[: limit - 1].rstrip() + "…")
    return f"{statement_id}: {words}"


def target_label(target: str, bank: QuestionBank) -> str | None:
    """How a target is shown in the matching table (None for a column not matched yet)."""
    if target == UNMATCHED:
        return None
    try:
        return Field(target).label
    except ValueError:
        return statement_label(target, bank)


def parse_target(value: object, bank: QuestionBank) -> str | None:
    """A target typed or chosen by hand: a statement id (any case, "PB-1" or "PB-1: words"), a
    person field's name or label, or "ignore" (also for a blank). None if it is none of those."""
    text = str(value or "").strip()
    if not text:
        return str(Field.IGNORE)
    for field in Field:
        if folded(text) in (folded(field.value), folded(field.label)):
            return str(field)
    found = statement_id_in(text.upper())
    if found in bank.statements_by_id:
        return found
    return None


def apply_overrides(matches: list[ColumnMatch], overrides: Mapping[str, object] | None,
                    bank: QuestionBank, layout: str) -> tuple[list[ColumnMatch], list[Finding]]:
    """The matches with the person's own choices put in. Keys are column letters (or headings)
    for a file of responses, and the file's statement ids for a file of answers."""
    if not overrides:
        return list(matches), []
    findings = []
    changed = list(matches)
    for key, value in overrides.items():
        index = _find_key(changed, str(key), layout)
        if index is None:
            what = "column" if layout == RESPONSES else "statement"
            findings.append(Finding(f"The changes to the matching name the {what} '{key}', which "
                                    "is not in the file."))
            continue
        target = parse_target(value, bank)
        if target is None or (layout == ANSWERS and target in {str(f) for f in PERSON_FIELDS}):
            match = changed[index]
            findings.append(Finding(
                f"'{value}' is not a statement of this round's question bank (version "
                f"{bank.version}) or something a column can hold. Choose a statement, a detail "
                "about the person, or Ignore.",
                column=match.key if layout == RESPONSES else "", heading=match.heading))
            continue
        if target != changed[index].target:
            changed[index] = replace(changed[index], target=target, how=HOW_BY_HAND,
                                     confidence=1.0)
        elif changed[index].how != HOW_BY_HAND:
            changed[index] = replace(changed[index], how=HOW_BY_HAND)
    return changed, findings


def _find_key(matches: list[ColumnMatch], key: str, layout: str) -> int | None:
    for index, match in enumerate(matches):
        if match.key == key:
            return index
    wanted = folded(key)
    for index, match in enumerate(matches):
        if layout == RESPONSES and folded(match.heading) == wanted:
            return index
        if layout == ANSWERS and folded(match.key) == wanted:
            return index
    return None
