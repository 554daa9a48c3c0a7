"""A plain-English glossary of the NHS words the app and its question bank use, loaded from
data/glossary.toml and checked there like the question bank.

Every meaning is written in our own words (tests/test_glossary.py checks that no run of seven words
matches a source document) and cites the documents its facts come from, by the keys of the register
in data/sources.toml: a seed file in ../shared/seeds/ with the section heading, or a public document
for policy the seeds predate (2025/26 oversight, the Provider Selection Regime, neighbourhood
health). Readers see each document's public title, publisher and date, never a key or file
name. Where a meaning adds a general explanation that the sources take for granted (what
"unwarranted" means, say), the citation is the section where the sources use the term.

`find_terms(text)` says which terms a piece of text uses, so a page can offer the glossary only
where it helps; `one_line(term)` gives a term's first sentence for a widget's help text.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from collab_assess.content.sources import Document, documents
from collab_assess.errors import DataFileError

GLOSSARY_FILE = Path(__file__).resolve().parents[2] / "data" / "glossary.toml"

@dataclass(frozen=True)
class Citation:
    """A document of the register (a seed file, or a public document's key), and the section
    heading or the part of it the fact comes from."""

    file: str
    section: str | None = None
    note: str | None = None

    def __str__(self) -> str:
        text = self.file + (f", section '{self.section}'" if self.section else "")
        return text + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True)
class GlossaryTerm:
    """One entry: the term, its abbreviation (if any), what it means, and where the facts come from.

    `also` lists other forms of the words to look for in text (plurals that are not just an added
    "s", related words); an added "s" is always allowed, so "ICSs" finds the ICS entry."""

    term: str
    short_form: str | None
    meaning: str
    sources: tuple[Citation, ...]
    also: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        """How the term is headed: 'Integrated care system (ICS)'."""
        return f"{self.term} ({self.short_form})" if self.short_form else self.term

    @property
    def anchor(self) -> str:
        """The id of the term's heading on the Glossary page, for a link like /glossary#ics."""
        return _slug(self.short_form or self.term)

    @property
    def source(self) -> str:
        """The citations as one line, in the question bank's style."""
        return "; ".join(str(citation) for citation in self.sources)

    @property
    def readable_source(self) -> str:
        """The citations for a reader: each document once, by publisher, public title and date
        (never its file name), then the sections or parts used."""
        by_file: dict[str, list[str]] = {}
        for citation in self.sources:
            part = f"'{citation.section}'" if citation.section else ""
            if citation.note:
                part = f"{part} ({citation.note})" if part else citation.note
            parts = by_file.setdefault(citation.file, [])
            if part and part not in parts:
                parts.append(part)
        lines = []
        for file, parts in by_file.items():
            document = SOURCE_DOCUMENTS.get(file)
            line = document.reference if document else file
            if parts:
                quoted = all(part.startswith("'") for part in parts)
                label = ("sections " if len(parts) > 1 else "section ") if quoted else ""
                line += f": {label}{', '.join(parts)}"
            lines.append(line)
        return "; ".join(lines)

    @property
    def in_one_line(self) -> str:
        """The first sentence of the meaning, led by the term: for a widget's help text."""
        first = re.split(r"(?<=[.!?])\s+", self.meaning.strip(), maxsplit=1)[0]
        return f"{self.label}: {first}"

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(name for name in (self.term, self.short_form, *self.also) if name)

    @cached_property
    def pattern(self) -> re.Pattern[str]:
        """Any of the term's names as whole words, any case, with an optional plural "s"; a space
        or hyphen in a name matches either ("open book" finds "open-book")."""
        names = sorted(self.names, key=len, reverse=True)
        alternatives = "|".join(
            _GAP.join(re.escape(part) for part in _GAP_RE.split(name)) for name in names
        )
        return re.compile(rf"(?<![A-Za-z0-9])(?:{alternatives})(?:s|es)?(?![A-Za-z0-9])",
                          re.IGNORECASE)


_GAP = r"[\s\-]+"
_GAP_RE = re.compile(_GAP)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


class _CitationEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    file: str = Field(min_length=1)
    """A key of data/sources.toml: a seed file name or a public document's key."""
    section: str | None = Field(default=None, min_length=1)
    note: str | None = Field(default=None, min_length=1)


class _TermEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    term: str = Field(min_length=1)
    short_form: str | None = None
    meaning: str = Field(min_length=20)
    sources: list[_CitationEntry] = Field(min_length=1)
    also: list[str] = Field(default_factory=list)


class _GlossaryFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    terms: list[_TermEntry] = Field(min_length=1)


def _faults(raw: dict, error: ValidationError) -> list[str]:
    """Each fault of the file, naming the term it is in."""
    faults = []
    for detail in error.errors():
        where = "the file"
        location = tuple(detail["loc"])
        if location[:1] == ("terms",) and len(location) > 1 and isinstance(location[1], int):
            entries = raw.get("terms") or []
            name = entries[location[1]].get("term") if location[1] < len(entries) else None
            where = f"term {name!r}" if name else f"term number {location[1] + 1}"
            location = location[2:]
        field_name = ".".join(str(part) for part in location)
        message = ("not a field the glossary knows (a typo?)" if detail["type"] == "extra_forbidden"
                   else detail["msg"])
        faults.append(f"{where}: {field_name}: {message}" if field_name else f"{where}: {message}")
    return faults


def load_glossary(path: Path = GLOSSARY_FILE,
                  register: dict[str, Document] | None = None) -> tuple[GlossaryTerm, ...]:
    """Every term of the glossary file, checked: a fault stops the app naming the file, the term
    and what is wrong (as the question bank's loader does). Every citation must name a document
    of the register (data/sources.toml), and a seed citation must give its section."""
    register = documents() if register is None else register
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise DataFileError(str(path), [f"cannot be read: {error}"]) from error
    try:
        checked = _GlossaryFile.model_validate(raw)
    except ValidationError as error:
        raise DataFileError(str(path), _faults(raw, error)) from error
    faults = []
    names = Counter(name.casefold() for entry in checked.terms
                    for name in (entry.term, entry.short_form) if name)
    faults += [f"term {name!r}: named twice" for name, count in names.items() if count > 1]
    faults += [f"term {entry.term!r}: cites {citation.file}, which data/sources.toml does not "
               "list" for entry in checked.terms for citation in entry.sources
               if citation.file not in register]
    faults += [f"term {entry.term!r}: cites {citation.file} without a section (a seed citation "
               "names the section heading its fact comes from)"
               for entry in checked.terms for citation in entry.sources
               if citation.file in register and register[citation.file].kind == "seed"
               and not citation.section]
    if faults:
        raise DataFileError(str(path), faults)
    SOURCE_DOCUMENTS.clear()
    SOURCE_DOCUMENTS.update(register)
    return tuple(GlossaryTerm(
        term=entry.term, short_form=entry.short_form, meaning=entry.meaning,
        sources=tuple(Citation(c.file, c.section, c.note) for c in entry.sources),
        also=tuple(entry.also)) for entry in checked.terms)


SOURCE_DOCUMENTS: dict[str, Document] = {}
"""The register of cited documents (data/sources.toml), by key."""
TERMS: tuple[GlossaryTerm, ...] = load_glossary()


_BY_NAME: dict[str, GlossaryTerm] = {
    name.casefold(): entry for entry in TERMS for name in (entry.term, entry.short_form) if name
}


def glossary() -> tuple[GlossaryTerm, ...]:
    """Every term, in alphabetical order of the term."""
    return tuple(sorted(TERMS, key=lambda entry: entry.term.casefold()))


def lookup(name: str) -> GlossaryTerm:
    """The entry for a term or its short form, in any case ('ics', 'Integrated care system')."""
    try:
        return _BY_NAME[name.strip().casefold()]
    except KeyError:
        raise KeyError(f"{name!r} is not in the glossary (data/glossary.toml)") from None


def one_line(name: str) -> str:
    """A term's first sentence, led by the term, for a widget's help text."""
    return lookup(name).in_one_line


def find_terms(text: str) -> list[GlossaryTerm]:
    """The glossary terms `text` uses, each once, in the order they first appear. Matching ignores
    case and takes whole words only: "ICS" is found in "across the ICS" but not in "physics"."""
    found = []
    for entry in TERMS:
        match = entry.pattern.search(text)
        if match:
            found.append((match.start(), entry))
    return [entry for _, entry in sorted(found, key=lambda pair: pair[0])]
