"""The documents collab-assess cites (data/sources.toml), and reading a citation for a user.

The question bank's `source` fields and the glossary cite a document by its key (a seed file name,
such as 001_f629cfe9f896f09b.txt, or the key of a public document), a section and an optional
note:

    001_f629cfe9f896f09b.txt, section 'Resourcing' (core capability 2); model-icb-blueprint-2025

`parse_citations` splits such a line into Citations; `readable` turns one into what a reader
recognises ("NHS Providers, 'Working together at scale ...' (guidance published August 2021),
section 'Resourcing', core capability 2"). A user never sees a key or a file name.

A key the register does not list is a fault the bank loader reports with the file and item, so a
bank can never cite a document nobody can look up.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from collab_assess.errors import DataFileError

SOURCES_FILE = Path(__file__).resolve().parents[2] / "data" / "sources.toml"


class Document(BaseModel):
    """One cited document: its public title, publisher and date, and whether it is a seed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["seed", "public"]
    title: str = Field(min_length=3)
    publisher: str = Field(min_length=2)
    date: str = Field(min_length=4)

    @property
    def reference(self) -> str:
        """"NHS Providers, 'Model ICB Blueprint ...', 8 May 2025"."""
        return f"{self.publisher}, '{self.title}', {self.date}"


class _SourcesFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: dict[str, Document] = Field(min_length=1)


@dataclass(frozen=True)
class Citation:
    """A document key, a section of it (if the citation names one) and a note on where in it."""

    document: str
    section: str | None = None
    note: str | None = None

    def __str__(self) -> str:
        return self.after(self.document)

    def after(self, lead: str) -> str:
        """The section and note after `lead` (the document's key here, or its public title)."""
        text = lead
        if self.section:
            text += f", section '{self.section}'"
        if self.note:
            text += f" ({self.note})"
        return text


def _split(source: str) -> list[str]:
    """The citations of a source line: split on semicolons outside brackets."""
    parts, depth, current = [], 0, ""
    for character in source:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == ";" and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += character
    parts.append(current)
    return [part.strip() for part in parts if part.strip()]


def _first_comma(part: str) -> tuple[str, str]:
    """The text before the first comma outside brackets, and the rest after it."""
    depth = 0
    for index, character in enumerate(part):
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == "," and depth == 0:
            return part[:index], part[index + 1:]
    return part, ""


def parse_citations(source: str) -> list[Citation]:
    """Every citation in a bank or glossary source line, one per section named. The document is
    what comes before the first comma; sections are the quoted headings outside brackets; a note is
    what the brackets hold (or, with no heading, the words after the comma: "opening section")."""
    citations = []
    for part in _split(source):
        document, rest = _first_comma(part)
        notes = [note.strip() for note in re.findall(r"\(([^)]*)\)", document + rest)]
        document = re.sub(r"\s*\([^)]*\)\s*$", "", document).strip()
        outside = re.sub(r"\([^)]*\)", "", rest)
        sections = re.findall(r"'([^']+)'", outside)
        if not sections:
            bare = outside.strip()
            if bare and bare not in ("section", "sections"):
                notes.insert(0, bare)
        note = "; ".join(note for note in notes if note) or None
        for section in sections or [None]:
            citations.append(Citation(document, section, note))
    return citations


def load_documents(path: Path = SOURCES_FILE) -> dict[str, Document]:
    """Every document of the register, checked: a fault names the file, the entry and what is
    wrong, as the question bank's loader does."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), [f"cannot be read: {error}"]) from error
    try:
        return dict(_SourcesFile.model_validate(raw).documents)
    except ValidationError as error:
        faults = []
        for detail in error.errors():
            location = [str(part) for part in detail["loc"]]
            where = (f"document {location[1]!r}" if location[:1] == ["documents"]
                     and len(location) > 1 else "the file")
            field = ".".join(location[2:])
            message = ("not a field the register knows (a typo?)"
                       if detail["type"] == "extra_forbidden" else detail["msg"])
            faults.append(f"{where}: {field}: {message}" if field else f"{where}: {message}")
        raise DataFileError(str(path), faults) from error


@cache
def documents() -> dict[str, Document]:
    """The register, loaded once."""
    return load_documents()


def unknown_documents(source: str, known: dict[str, Document] | None = None) -> list[str]:
    """The document keys a source line cites that the register does not list."""
    known = documents() if known is None else known
    return [citation.document for citation in parse_citations(source)
            if citation.document not in known]


def readable(citation: Citation, known: dict[str, Document] | None = None) -> str:
    """A citation as a reader would look it up: publisher, title and date, then the section and
    note. An unknown key is shown as it is (the loaders refuse one, so only tests meet it)."""
    known = documents() if known is None else known
    document = known.get(citation.document)
    return citation.after(document.reference if document else citation.document)


def where_this_comes_from(source: str) -> list[str]:
    """A source line as readable citations, one per document, each document's sections together:
    what "Where this comes from" shows under a statement and the report's method lists."""
    by_document: dict[str, list[Citation]] = {}
    for citation in parse_citations(source):
        by_document.setdefault(citation.document, []).append(citation)
    lines = []
    for key, citations in by_document.items():
        document = documents().get(key)
        line = document.reference if document else key
        parts = []
        for citation in citations:
            part = f"section '{citation.section}'" if citation.section else ""
            if citation.note:
                part = f"{part} ({citation.note})" if part else citation.note
            if part and part not in parts:
                parts.append(part)
        lines.append(line + (": " + "; ".join(parts) if parts else ""))
    return lines
