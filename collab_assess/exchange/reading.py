"""Reading a file of responses: bytes and a file name in, a table of text out.

The content decides what the file is, not its name: CSV text (UTF-8 with or without a byte-order
mark, Windows-1252 as Excel on Windows saves it, or UTF-16; commas, semicolons or tabs), an Excel
workbook (.xlsx or .xlsm), or a zip holding collab-assess's own CSV export. Anything else, an empty
file or one over the size limit stops here with a message saying what the file is and what to do;
nothing has been written by then.

Reading is bounded whatever the file says (the limits are settings: access/settings.py, Limits).
The file's size and what a workbook or zip unpacks to are checked before anything is unpacked;
then rows are read one at a time, a CSV file through a streaming reader and a workbook's sheet
through openpyxl's read-only pieces (its shared strings, styles and cell parser) in a loop of our
own that keeps only the cells with something in them, and reading stops at the first row, column,
cell or character over its limit, or when the time for the work has run out (Deadline), saying
which limit and the file's figure. (openpyxl's own read-only sheet first parses the whole sheet
to find its size when the file does not state it, and keeps every row of it in memory while doing
so; the loop here never does.)

Excel formulas are never worked out: a cell holding one is reported by row and column (openpyxl
reads the formula, not a value some other program last computed). Merged cells among the column
headings are read when every column still has a heading of its own (a heading over a group of
columns, or one standing over two heading rows); when two or more columns would share one heading,
the file is refused with the merged cells named. Merged cells among the responses are reported,
never filled in: each row is one person, and copying one person's answer to another would invent
it.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import io
import json
import re
import time as clock
import warnings
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath
from typing import IO

import pandas as pd

from collab_assess.access.settings import LIMIT_SETTINGS, Limits, current_limits
from collab_assess.errors import InputError
from collab_assess.exchange.cells import folded, unescaped
from collab_assess.store.import_plan import Finding

MB = 1024 * 1024
MAX_IMPORT_BYTES = Limits().import_max_mb * MB
"""The largest file that can be imported by default (the setting import_max_mb): 5 MB holds
thousands of responses."""
HEADING_ROWS = 10
"""Rows a file may have above its responses (titles and headings) besides one row a person."""
CHECK_TIME_EVERY = 1000
"""Rows read between two looks at the clock."""
SHORT_CELL = 64
"""Cells this short are kept once however often they repeat (levels, roles): memory for a large
file is its distinct texts, not its cells."""
ANSWERS_SHEET = "Answers"
"""The sheet of collab-assess's own export that holds the answers (read first when present)."""
ANSWERS_FILE = "answers.csv"
"""The same table in the export's zip of CSV files."""

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_NOT_TABLES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF8", "a GIF picture"),
    (b"{\\rtf", "a Rich Text (RTF) document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
)
_DELIMITERS = {",": "commas", ";": "semicolons", "\t": "tabs", "|": "vertical bars"}
WHAT_TO_SEND = ("Import a CSV file or an Excel workbook (.xlsx): in Microsoft Forms, "
                "Responses > Open results in Excel, or collab-assess's own export.")


class ImportFileError(InputError):
    """The file cannot be read as a table of responses; nothing was imported."""


def _env_var(key: str) -> str:
    return next(setting.env_var for setting in LIMIT_SETTINGS if setting.key == key)


def raise_the_limit(key: str) -> str:
    """The end of a message about a limit: how to change it."""
    return (f"(An administrator can change this limit with the setting {_env_var(key)}.) "
            "Nothing was imported.")


class Deadline:
    """The time one import's reading and checking may take (the setting work_seconds): check()
    raises ImportFileError once it has run out."""

    def __init__(self, seconds: float, what: str, now: Callable[[], float] = clock.monotonic):
        self.seconds, self.what, self._now = seconds, what, now
        self._ends = now() + seconds

    def check(self) -> None:
        if self._now() > self._ends:
            raise ImportFileError(
                f"Reading and checking {self.what} took longer than {self.seconds:g} seconds, the "
                "most one import may take, so it was stopped. Split the responses into smaller "
                f"files and import each. {raise_the_limit('work_seconds')}")


def is_answers_layout(headings: Iterable[str]) -> bool:
    """Whether column headings are those of collab-assess's own export of answers, one answer a
    row (mapping.layout_of): such a file has many rows a person, so its rows are bounded by its
    cells and its people counted when it is checked."""
    folded_headings = {folded(heading) for heading in headings}
    return ({"respondent", "statement_id"} <= folded_headings
            and bool(folded_headings & {"level", "unscored", "level_name"}))


@dataclass(frozen=True)
class Column:
    position: int
    """0 for the first column."""
    letter: str
    """As Excel shows it: A, B, ..., Z, AA."""
    heading: str


@dataclass(frozen=True)
class Row:
    number: int
    """The spreadsheet row number, as Excel shows it."""
    cells: tuple[str, ...]

    def value(self, column: Column) -> str:
        return self.cells[column.position] if column.position < len(self.cells) else ""


@dataclass(frozen=True, eq=False)
class ReadTable:
    """A file's responses as text: the column headings and every row that is not blank."""

    file_name: str
    kind: str
    """"CSV" or "Excel workbook", from the content."""
    size: int
    sha256: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    """Every sheet of a workbook, in order (for choosing another)."""
    encoding: str | None = None
    header_rows: tuple[int, ...] = (1,)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    """(row number, column position) -> the formula, for each cell that holds one. Reported by the
    checks (formula_problem) only where the cell is used: a formula in a column left out is no
    matter."""
    findings: tuple[Finding, ...] = ()
    """Problems found while reading: merged cells among the responses (each with its column)."""
    notes: tuple[str, ...] = field(default=())
    """What was read and what was chosen, in sentences for the person importing."""

    def describe(self) -> str:
        where = f", sheet '{self.sheet}'" if self.sheet else ""
        encoding = f", {self.encoding}" if self.encoding else ""
        return (f"{self.file_name} ({self.kind}{where}{encoding}): {len(self.rows):,} "
                f"row{'s' if len(self.rows) != 1 else ''} under {len(self.columns)} column "
                f"heading{'s' if len(self.columns) != 1 else ''}.")

    def frame(self, limit: int | None = None) -> pd.DataFrame:
        """The table as read, for showing: the row number, then one column per heading."""
        labels = [f"{column.letter}: {column.heading}" if column.heading else column.letter
                  for column in self.columns]
        rows = self.rows if limit is None else self.rows[:limit]
        table = pd.DataFrame([[row.number, *(row.value(c) for c in self.columns)] for row in rows],
                             columns=["Row", *labels])
        return table


def formula_problem(formula: str) -> str:
    """What to say about a cell holding a formula."""
    return (f"This cell holds a formula ({_short(formula, 60)}). Formulas are never worked out on "
            "import, so the file must hold the values themselves: copy the cells, use Paste "
            "Special > Values, save, and import again.")


def column_letter(position: int) -> str:
    """Excel's letter for the column at 0-based `position` (0 -> A, 26 -> AA)."""
    letters = ""
    number = position + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# -- the whole file -------------------------------------------------------------------------------

def read_table(data: bytes, file_name: str, *, sheet: str | None = None,
               limits: Limits | None = None, deadline: Deadline | None = None) -> ReadTable:
    """The file's responses as a table of text. Raises ImportFileError, saying what is wrong and
    what to do, when the file is empty, over a limit, not CSV or Excel, or unreadable. `limits`
    defaults to the server's settings; `deadline` to the time they allow from now."""
    name = PurePath(file_name or "the file").name
    limits = limits or current_limits()
    deadline = deadline or Deadline(limits.work_seconds, name)
    size = len(data)
    if size > limits.import_max_mb * MB:
        raise ImportFileError(
            f"{name} is {_megabytes(size)}; the largest file that can be imported is "
            f"{limits.import_max_mb} MB. Split the responses into smaller files (or delete "
            f"columns that are not needed) and import each. {raise_the_limit('import_max_mb')}")
    if not data.strip(b" \t\r\n\x00" + codecs.BOM_UTF8):
        raise ImportFileError(f"{name} is empty: it holds no headings and no responses. Check "
                              "you chose the right file. Nothing was imported.")
    digest = hashlib.sha256(data).hexdigest()
    for magic, what in _NOT_TABLES:
        if data.startswith(magic):
            raise ImportFileError(f"{name} is {what}, not a CSV file or an Excel workbook. "
                                  f"{WHAT_TO_SEND} Nothing was imported.")
    if data.startswith(_OLE):
        raise ImportFileError(
            f"{name} is an old-style Excel 97-2003 workbook (.xls), or a workbook protected with a "
            "password, which cannot be read. Open it in Excel, remove any password, and save it "
            "as 'Excel Workbook (.xlsx)' or 'CSV UTF-8', then import that. Nothing was imported.")
    reading = _Reading(name, limits, deadline)
    if data.startswith(_ZIP):
        return _read_zip(data, name, digest, sheet, reading)
    grid, encoding, notes = _csv_grid(lambda: io.BytesIO(data), name, reading,
                                      rows_in_file=lambda: _lines(data),
                                      whole=data)
    return _assemble(name, "CSV", data, digest, grid, notes=notes, encoding=encoding,
                     limits=limits)


def _lines(data: bytes) -> int:
    """How many lines a text file has (the file's own figure, for a message)."""
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


@dataclass(frozen=True)
class _Reading:
    """What every part of one file's reading shares: its name, the limits and the deadline."""

    name: str
    limits: Limits
    deadline: Deadline


def _read_zip(data: bytes, name: str, digest: str, sheet: str | None,
              reading: _Reading) -> ReadTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{name} looks like an Excel workbook or a zip file but is damaged "
                              f"({error}). Save it again and import the new copy. Nothing was "
                              "imported.") from error
    with archive:
        infos = archive.infolist()
        _check_unpacked(infos, name, reading.limits)
        names = [info.filename for info in infos if not info.is_dir()]
        if "xl/workbook.xml" in names:
            return _read_workbook(data, name, digest, sheet, reading)
        if "mimetype" in names and b"spreadsheet" in _start_of(archive, "mimetype"):
            raise ImportFileError(
                f"{name} is an OpenDocument spreadsheet (.ods). Open it in LibreOffice Calc or "
                "Excel and save it as 'Excel 2007-365 (.xlsx)' or CSV, then import that. Nothing "
                "was imported.")
        if any(each.startswith("word/") for each in names):
            raise ImportFileError(f"{name} is a Word document, not a CSV file or an Excel "
                                  f"workbook. {WHAT_TO_SEND} Nothing was imported.")
        if any(each.startswith("ppt/") for each in names):
            raise ImportFileError(f"{name} is a PowerPoint file, not a CSV file or an Excel "
                                  f"workbook. {WHAT_TO_SEND} Nothing was imported.")
        inside = _file_inside(names)
        if inside is None:
            raise ImportFileError(
                f"{name} is a zip archive without a CSV file or workbook collab-assess can pick "
                f"out (it looks for {ANSWERS_FILE}, or a single .csv or .xlsx file). Unzip it and "
                "import the file of responses itself. Nothing was imported.")
        note = f"Read {inside} from inside the zip archive {name}."
        if _start_of(archive, inside, 4) in _ZIP:
            table = _read_workbook(archive.read(inside), name, digest, sheet, reading)
            return _with_notes(table, (note, *table.notes))
        grid, encoding, notes = _csv_grid(lambda: archive.open(inside), f"{inside} (in {name})",
                                          reading, rows_in_file=lambda: None, whole=None)
    return _assemble(name, "CSV", data, digest, grid, notes=[note, *notes], encoding=encoding,
                     limits=reading.limits)


def _start_of(archive: zipfile.ZipFile, member: str, size: int = 200) -> bytes:
    with archive.open(member) as opened:
        return opened.read(size)


def _check_unpacked(infos: list[zipfile.ZipInfo], name: str, limits: Limits) -> None:
    """What a zip says it unpacks to, checked before anything is unpacked (Python's zipfile never
    unpacks a member past the size the zip gives it)."""
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limits.import_max_unpacked_mb * MB:
        raise ImportFileError(
            f"{name} unpacks to {_megabytes(unpacked)}; the most a workbook or zip may unpack to "
            f"is {limits.import_max_unpacked_mb} MB, so it was not read. Split the responses "
            f"into smaller files and import each. {raise_the_limit('import_max_unpacked_mb')}")


def _file_inside(names: list[str]) -> str | None:
    by_base = {PurePath(each).name.casefold(): each for each in names}
    if ANSWERS_FILE in by_base:
        return by_base[ANSWERS_FILE]
    tables = [each for each in names if PurePath(each).suffix.casefold() in (".csv", ".xlsx")
              and not PurePath(each).name.startswith(("~$", "."))]
    return tables[0] if len(tables) == 1 else None


def _with_notes(table: ReadTable, notes: Iterable[str]) -> ReadTable:
    return ReadTable(**{**table.__dict__, "notes": tuple(notes)})


# -- the cells kept, within the limits ------------------------------------------------------------

class _Grid:
    """The rows of one sheet (or CSV file) with something in them, by row number, each a list of
    its cells' text; every row added is checked against the limits first."""

    def __init__(self, where: str, reading: _Reading,
                 rows_in_file: Callable[[], int | None] = lambda: None):
        self.where = where
        self.limits = reading.limits
        self.deadline = reading.deadline
        self.rows: dict[int, list[str]] = {}
        self.formulas: dict[tuple[int, int], str] = {}
        """(row number, column number), both from 1 -> the formula."""
        self.merges: list[_Merge] = []
        self.cells = 0
        self.by_answer = False
        self.replaced = False
        """Some characters could not be decoded and show as U+FFFD."""
        self._headings_seen = False
        self._rows_in_file = rows_in_file
        self._known: dict[str, str] = {}

    def text(self, value: str) -> str:
        """The cell's text, kept once however often it repeats (when it is short)."""
        if len(value) > SHORT_CELL:
            return value
        return self._known.setdefault(value, value)

    def check_column(self, column: int) -> None:
        """Refuse a cell in a column past the limit (column from 1)."""
        limit = self.limits.import_max_columns
        if column > limit:
            raise ImportFileError(
                f"{self.where} has {column:,} columns (its last is column "
                f"{column_letter(column - 1)}); a file of responses may have at most {limit:,}: "
                "one a statement, and a few about the person. Delete the columns that are not "
                "needed and import again, or split the file. "
                + raise_the_limit("import_max_columns"))

    def check_length(self, value: str, row: int, column: int) -> None:
        limit = self.limits.import_max_cell_characters
        if len(value) > limit:
            self.too_long(f"Cell {column_letter(column - 1)}{row}", f"{len(value):,}")

    def too_long(self, cell: str, figure: str) -> None:
        limit = self.limits.import_max_cell_characters
        raise ImportFileError(
            f"{cell} of {self.where} holds {figure} characters; a cell may hold at most "
            f"{limit:,}. Shorten it (or delete it, if it is not needed) and import again. "
            + raise_the_limit("import_max_cell_characters"))

    def add(self, number: int, cells: list[str]) -> None:
        """One row's cells (the first column first), trailing blanks already left out."""
        if not cells:
            return
        if self.rows.get(number):  # the same row twice in a workbook: the later cells win
            kept = self.rows[number]
            kept.extend([""] * (len(cells) - len(kept)))
            for position, value in enumerate(cells):
                if value:
                    kept[position] = value
            self.cells += len(cells)
        else:
            self.rows[number] = cells
            self.cells += len(cells)
            self._check_rows()
        if self.cells > self.limits.import_max_cells:
            raise ImportFileError(
                f"{self.where} has more than {self.limits.import_max_cells:,} cells, the most one "
                "import reads, so it was not read any further. Split the responses into smaller "
                "files (or delete columns that are not needed) and import each. "
                + raise_the_limit("import_max_cells"))
        if not self._headings_seen and sum(1 for value in cells if value) >= 2:
            self._headings_seen = True
            self.by_answer = is_answers_layout(cells)
        if len(self.rows) % CHECK_TIME_EVERY == 0:
            self.deadline.check()

    def _check_rows(self) -> None:
        limit = self.limits.import_max_people
        if self.by_answer or len(self.rows) <= limit + HEADING_ROWS:
            return
        counted = self._rows_in_file()
        figure = f"{counted:,}" if counted and counted > limit else f"more than {limit:,}"
        raise ImportFileError(
            f"{self.where} holds {figure} rows; one import takes at most {limit:,} people (one "
            "row each), so it was not read any further. Split the responses into files of "
            f"{limit:,} people or fewer and import each. " + raise_the_limit("import_max_people"))

    def sorted_rows(self) -> list[tuple[int, list[str]]]:
        return sorted(self.rows.items())


# -- CSV ------------------------------------------------------------------------------------------

def _encoding_of(head: bytes, name: str) -> tuple[str, str, int]:
    """The codec to read the file with, the encoding in words, and how many bytes of byte-order
    mark to skip, from its first bytes. Windows-1252 is the fallback when UTF-8 fails later."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            head.decode("utf-16")
        except UnicodeDecodeError:
            pass
        else:
            return "utf-16", "UTF-16", 0
    marked = head.startswith(codecs.BOM_UTF8)
    body = head[len(codecs.BOM_UTF8):] if marked else head
    sample = body[:8192]
    if b"\x00" in sample or sum(byte < 9 or 13 < byte < 32 for byte in sample) > len(sample) / 100:
        raise ImportFileError(f"{name} is not a CSV file or an Excel workbook: it holds binary "
                              f"data, not text. {WHAT_TO_SEND} Nothing was imported.")
    return "utf-8", "UTF-8 with a byte-order mark" if marked else "UTF-8", (3 if marked else 0)


def _cp1252_note(name: str) -> str:
    return (f"{name} is not UTF-8, so it was read as Windows-1252, the encoding Excel on Windows "
            "uses for 'CSV (Comma delimited)'. Check that accented letters and apostrophes look "
            "right below; if they do not, save the file from Excel as 'CSV UTF-8' and import that.")


def _refuse_other_text(text: str, name: str, whole: bytes | None) -> None:
    head = text.lstrip("\ufeff \t\r\n")[:300].casefold()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text[:4000].casefold():
        raise ImportFileError(f"{name} is an 'XML Spreadsheet 2003' file. Open it in Excel and "
                              "save it as 'Excel Workbook (.xlsx)', then import that. Nothing was "
                              "imported.")
    if head.startswith(("<!doctype", "<html", "<?xml", "<table", "<head", "<body", "<div")):
        raise ImportFileError(f"{name} is a web page or XML file, not a CSV file or an Excel "
                              f"workbook. {WHAT_TO_SEND} Nothing was imported.")
    if head.startswith(("{", "[")) and whole is not None:
        try:
            json.loads(whole.decode("utf-8-sig", errors="replace"))
        except ValueError:
            return
        raise ImportFileError(f"{name} is a JSON file, not a CSV file or an Excel workbook. "
                              f"{WHAT_TO_SEND} Nothing was imported.")


def _delimiter(text: str) -> str:
    """The separator that splits the first rows most consistently into two or more columns: the
    one whose commonest number of columns is shared by the most rows (commas win a tie)."""
    sample = text[:65536]
    best, best_score = ",", (0, 0)
    for candidate in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        counts = []
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    counts.append(len(record))
                if len(counts) >= 50:
                    break
        except csv.Error:
            continue
        common = Counter(count for count in counts if count > 1).most_common()
        if not common:
            continue
        top = max(times for _, times in common)
        width = max(count for count, times in common if times == top)
        if (top, width) > best_score:
            best, best_score = candidate, (top, width)
    return best


SAMPLE_BYTES = 65536


def _csv_grid(open_bytes: Callable[[], IO[bytes]], name: str, reading: _Reading, *,
              rows_in_file: Callable[[], int | None],
              whole: bytes | None) -> tuple[_Grid, str, list[str]]:
    """The CSV file's rows, read as a stream: a row at a time, stopping at the first limit. UTF-8
    is tried first; if a byte further on is not UTF-8, the file is read again as Windows-1252."""
    with open_bytes() as stream:
        head = stream.read(SAMPLE_BYTES)
    codec, encoding, skip = _encoding_of(head, name)
    sample = head.decode(codec, errors="ignore")
    _refuse_other_text(sample, name, whole)
    delimiter = _delimiter(sample[1:] if sample.startswith("\ufeff") else sample)
    notes = [] if delimiter == "," else [f"Columns are separated by {_DELIMITERS[delimiter]}."]
    try:
        grid = _csv_rows(open_bytes, name, reading, codec, skip, delimiter, rows_in_file)
    except UnicodeDecodeError:
        if codec != "utf-8":
            raise ImportFileError(f"{name} cannot be read as {encoding} text. Open it in Excel, "
                                  "save it again as 'CSV UTF-8', and import that. Nothing was "
                                  "imported.") from None
        grid = _csv_rows(open_bytes, name, reading, "cp1252", skip, delimiter, rows_in_file)
        encoding, notes = "Windows-1252", [_cp1252_note(name), *notes]
        if grid.replaced:
            notes[0] += " Some characters could not be read and show as \ufffd."
    return grid, encoding, notes


def _csv_rows(open_bytes: Callable[[], IO[bytes]], name: str, reading: _Reading, codec: str,
              skip: int, delimiter: str, rows_in_file: Callable[[], int | None]) -> _Grid:
    grid = _Grid(name, reading, rows_in_file)
    errors = "replace" if codec == "cp1252" else "strict"
    number = 0
    with open_bytes() as stream:
        stream.read(skip)
        text = io.TextIOWrapper(stream, encoding=codec, errors=errors, newline="")
        reader = csv.reader(text, delimiter=delimiter)
        try:
            for number, record in enumerate(reader, start=1):
                last = len(record)
                while last and not record[last - 1].strip():
                    last -= 1
                if last == 0:
                    if number % CHECK_TIME_EVERY == 0:
                        reading.deadline.check()
                    continue
                grid.check_column(last)
                cells = []
                for position in range(last):
                    value = record[position]
                    grid.check_length(value, number, position + 1)
                    cells.append(grid.text(unescaped(value).strip()))
                if errors == "replace" and any("\ufffd" in value for value in cells):
                    grid.replaced = True
                grid.add(number, cells)
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                grid.too_long(f"A cell in row {number + 1}",
                              f"more than {csv.field_size_limit():,}")
            raise ImportFileError(
                f"{name} cannot be read as CSV at row {number + 1}: {error}. Open it in Excel, "
                "save it again as 'CSV UTF-8', and import that. Nothing was imported.") from error
    return grid


# -- Excel ----------------------------------------------------------------------------------------

def _excel_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (date, time)):
        return value.isoformat()
    return unescaped(str(value)).strip()


@dataclass(frozen=True)
class _Merge:
    coord: str
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    @property
    def across(self) -> bool:
        return self.max_col > self.min_col

    def covers(self, row: int, col: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= col <= self.max_col


def _damaged_workbook(name: str, error: BaseException) -> ImportFileError:
    return ImportFileError(
        f"{name} could not be opened as an Excel workbook ({type(error).__name__}): it may be "
        "damaged, or written by a program that saves Excel files in an unusual way. Open it in "
        "Excel, save it again as 'Excel Workbook (.xlsx)', and import that. Nothing was "
        "imported.")


@dataclass(frozen=True)
class _SheetPart:
    title: str
    state: str
    path: str


class _Workbook:
    """An Excel workbook opened with openpyxl's read-only reader, all but its sheets: the sheets
    are read by _read_sheet, a row at a time."""

    def __init__(self, data: bytes, name: str, reading: _Reading):
        from openpyxl.reader.excel import ExcelReader
        from openpyxl.styles.stylesheet import apply_stylesheet

        self.name, self.reading = name, reading
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # openpyxl warns about styles it skips
                reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=False,
                                     keep_links=False)
                _check_unpacked(reader.archive.infolist(), name, reading.limits)
                reader.read_manifest()
                reader.read_workbook()
                apply_stylesheet(reader.archive, reader.wb)
                self.sheets = [
                    _SheetPart(sheet.name, sheet.state or "visible", rel.target)
                    for sheet, rel in reader.parser.find_sheets()
                    if rel.target in reader.valid_files and "chartsheet" not in rel.Type]
                self.shared_strings = self._shared_strings(reader)
        except ImportFileError:
            raise
        except Exception as error:  # openpyxl raises many kinds for a damaged file
            raise _damaged_workbook(name, error) from error
        self.archive = reader.archive
        self.epoch = reader.wb.epoch
        self.date_formats = reader.wb._date_formats
        self.timedelta_formats = reader.wb._timedelta_formats

    def _shared_strings(self, reader) -> list[str]:
        """The workbook's table of texts (<si> entries), read from the stream a block at a time
        and counted as it is read. openpyxl's own reader parses every entry into XML objects
        (seconds for a million of them) and keeps them all while it reads; this one takes the
        text of each entry's <t> elements (as openpyxl's Text.content does: plain text and the
        runs of rich text, not the phonetic guides) and stops at the cells limit."""
        from openpyxl.xml.constants import SHARED_STRINGS

        part = reader.package.find(SHARED_STRINGS)
        if part is None:
            return []
        limit = self.reading.limits.import_max_texts
        strings: list[str] = []
        pending = bytearray()
        with reader.archive.open(part.PartName[1:]) as source:
            while chunk := source.read(1 << 16):
                pending += chunk
                start = 0
                for entry in _SI_END.finditer(pending):
                    block = bytes(pending[start:entry.start()])
                    plain = _SI_PLAIN.fullmatch(block)
                    if plain is not None:  # most entries: <si><t>text</t></si>
                        strings.append(plain.group(1).decode("utf-8", errors="replace"))
                    else:
                        strings.extend("" for _ in _SI_EMPTY.finditer(block))
                        strings.append(_si_text(block))
                    start = entry.end()
                del pending[:start]
                if len(strings) > limit:
                    raise ImportFileError(
                        f"{self.name} holds more than {limit:,} different texts (names, notes "
                        "and other words), more than one import reads. Split the responses into "
                        f"smaller files and import each. {raise_the_limit('import_max_texts')}")
                self.reading.deadline.check()
            strings.extend("" for _ in _SI_EMPTY.finditer(bytes(pending)))
        return strings

    def close(self) -> None:
        self.archive.close()


_SI_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?si\s*>")
_SI_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?:\s[^>]*[^/>])?>")
_SI_PLAIN = re.compile(rb"\s*<si><t>([^<&\r]*)</t>\s*")
"""An entry of plain text, read without more ado."""
_SI_EMPTY = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?:\s[^>]*)?/>")
_PHONETIC = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?rPh)\b.*?</\1\s*>", re.S)
_TEXT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?t)(?:\s[^>]*)?(?:/>|>(.*?)</\1\s*>)", re.S)
_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(found: re.Match) -> str:
    name = found.group(1)
    if name.startswith("#"):
        try:
            return chr(int(name[2:], 16) if name[1] in "xX" else int(name[1:]))
        except (ValueError, OverflowError):
            return "\ufffd"
    return _ENTITIES[name]


def _si_text(block: bytes) -> str:
    """The text of one shared-string entry (the bytes up to its closing tag)."""
    opened = _SI_START.search(block)
    body = _PHONETIC.sub(b"", block[opened.end():] if opened else block)
    text = "".join(each.group(2).decode("utf-8", errors="replace")
                   for each in _TEXT.finditer(body) if each.group(2))
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # as an XML parser reads line ends
    text = _ENTITY.sub(_entity, text) if "&" in text else text
    return text.replace("x005F_", "")


def _read_workbook(data: bytes, name: str, digest: str, wanted: str | None,
                   reading: _Reading) -> ReadTable:
    workbook = _Workbook(data, name, reading)
    try:
        names = tuple(part.title for part in workbook.sheets)
        listed = ", ".join(f"'{each}'" for each in names)
        if wanted is not None:
            chosen = next((part for part in workbook.sheets if part.title == wanted), None) or next(
                (part for part in workbook.sheets
                 if part.title.strip().casefold() == wanted.strip().casefold()), None)
            if chosen is None:
                raise ImportFileError(f"{name} has no sheet called '{wanted}'. Its sheets: "
                                      f"{listed}. Nothing was imported.")
            grid = _read_sheet(workbook, chosen, len(names))
            if not grid.rows:
                raise ImportFileError(f"The sheet '{chosen.title}' of {name} is empty. Its "
                                      f"sheets: {listed}. Nothing was imported.")
            notes: list[str] = []
        else:
            chosen, grid = _first_sheet_with_data(workbook, len(names))
            if chosen is None:
                raise ImportFileError(f"{name} is empty: none of its sheets ({listed}) holds any "
                                      "data. Nothing was imported.")
            notes = []
            if len(names) > 1:
                why = ("collab-assess's own export keeps the answers there" if
                       chosen.title.casefold() == ANSWERS_SHEET.casefold() else
                       "the first sheet with data")
                notes.append(f"The workbook has {len(names)} sheets ({listed}); read "
                             f"'{chosen.title}', {why}. Choose another sheet if the responses "
                             "are elsewhere.")
        return _assemble(name, "Excel workbook", data, digest, grid, notes=notes,
                         sheet=chosen.title, sheets=names, limits=reading.limits)
    finally:
        workbook.close()


def _first_sheet_with_data(workbook: _Workbook, count: int) -> tuple[_SheetPart | None, _Grid]:
    """collab-assess's own Answers sheet when it has data, else the first visible sheet with
    data; sheets are read one at a time, and only until one has data."""
    visible = [part for part in workbook.sheets if part.state == "visible"]
    answers = [part for part in visible
               if part.title.strip().casefold() == ANSWERS_SHEET.casefold()]
    for part in [*answers, *(part for part in visible if part not in answers)]:
        grid = _read_sheet(workbook, part, count)
        if grid.rows:
            return part, grid
    return None, _Grid(workbook.name, workbook.reading)


_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")


def _merge_of(ref: str) -> _Merge | None:
    from openpyxl.utils import column_index_from_string

    found = _REF.match((ref or "").strip().upper())
    if not found:
        return None
    first_col, first_row, last_col, last_row = found.groups()
    last_col, last_row = last_col or first_col, last_row or first_row
    return _Merge(ref, int(first_row), column_index_from_string(first_col), int(last_row),
                  column_index_from_string(last_col))


def _declared_rows(ref: str | None) -> int | None:
    found = _REF.match((ref or "").strip().upper())
    return int(found.group(4) or found.group(2)) if found else None


def _read_sheet(workbook: _Workbook, part: _SheetPart, sheets: int) -> _Grid:
    """One sheet's cells with something in them, read a row at a time with openpyxl's cell parser
    and the parsed rows dropped as they go, stopping at the first limit (_Grid)."""
    from openpyxl.worksheet._reader import WorkSheetParser
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula
    from openpyxl.xml.constants import SHEET_MAIN_NS
    from openpyxl.xml.functions import iterparse

    tag = {name: f"{{{SHEET_MAIN_NS}}}{name}" for name in
           ("row", "c", "sheetData", "mergeCell", "dimension")}
    where = f"The sheet '{part.title}' of {workbook.name}" if sheets > 1 else workbook.name
    declared: list[int | None] = [None]
    grid = _Grid(where, workbook.reading, rows_in_file=lambda: declared[0])
    limits = workbook.reading.limits
    try:
        source = workbook.archive.open(part.path)
    except KeyError as error:
        raise _damaged_workbook(workbook.name, error) from error
    parser = WorkSheetParser(source, workbook.shared_strings, data_only=False,
                             epoch=workbook.epoch, date_formats=workbook.date_formats,
                             timedelta_formats=workbook.timedelta_formats)
    sheet_data = None
    cells: dict[int, str] = {}
    in_row = 0
    try:
        with source:
            for event, element in iterparse(source, events=("start", "end")):
                if event == "start":
                    if element.tag == tag["row"]:
                        number = element.get("r")
                        parser.row_counter = (int(float(number)) if number
                                              else parser.row_counter + 1)
                        parser.col_counter = 0
                        cells, in_row = {}, 0
                    elif element.tag == tag["sheetData"]:
                        sheet_data = element
                    continue
                if element.tag == tag["c"]:
                    cell = parser.parse_cell(element)
                    element.clear()
                    in_row += 1
                    row, column = cell["row"], cell["column"]
                    grid.check_column(max(column, in_row))
                    value = cell["value"]
                    if value is None:
                        continue
                    if isinstance(value, (ArrayFormula, DataTableFormula)):
                        text = getattr(value, "text", None) or "an array formula"
                        grid.formulas[(row, column)] = text
                    elif cell["data_type"] == "f":
                        text = str(value)
                        grid.formulas[(row, column)] = text
                    else:
                        text = _excel_text(value)
                    if text:
                        grid.check_length(text, row, column)
                        cells[column] = grid.text(text)
                elif element.tag == tag["row"]:
                    if cells:
                        width = max(cells)
                        grid.add(parser.row_counter,
                                 [cells.get(column, "") for column in range(1, width + 1)])
                    element.clear()
                    if sheet_data is not None:
                        sheet_data.clear()  # the rows read so far are dropped, not kept
                elif element.tag == tag["mergeCell"]:
                    merge = _merge_of(element.get("ref", ""))
                    if merge is not None and len(grid.merges) <= limits.import_max_cells:
                        grid.merges.append(merge)
                elif element.tag == tag["dimension"]:
                    declared[0] = _declared_rows(element.get("ref"))
    except ImportFileError:
        raise
    except Exception as error:  # a damaged sheet: bad XML, a text number out of range...
        raise _damaged_workbook(workbook.name, error) from error
    return grid


# -- headings and rows ----------------------------------------------------------------------------

def _heading_row(rows: list[tuple[int, list[str]]]) -> int:
    """The index (in rows) of the row holding the column headings: the first with two or more
    cells filled (a title above the headings fills one), else the first row."""
    for index, (_, cells) in enumerate(rows):
        if sum(1 for cell in cells if cell) >= 2:
            return index
    return 0 if rows else -1


def _headings(rows: dict[int, list[str]], top_row: int, width: int, merges: list[_Merge],
              name: str) -> tuple[list[str], int, list[str]]:
    """Each column's heading, the last heading row (its number) and notes. With merged cells
    among the headings, the heading area runs down to the lowest row those merged cells reach,
    and each column takes its lowest heading there; a merged cell counts in every column it
    covers."""
    bottom_row = max([top_row] + [m.max_row for m in merges if m.min_row == top_row])
    in_area = [m for m in merges if m.min_row <= bottom_row and m.max_row >= top_row]

    def value(row: int, col: int) -> str:
        cells = rows.get(row, [])
        return cells[col - 1] if col - 1 < len(cells) else ""

    def cell(row: int, col: int) -> tuple[str, _Merge | None]:
        for merge in in_area:
            if merge.covers(row, col):
                return value(merge.min_row, merge.min_col), merge
        return value(row, col), None

    headings, sources = [], []
    for col in range(1, width + 1):
        heading, source = "", None
        for row in range(top_row, bottom_row + 1):
            text, merge = cell(row, col)
            if text:
                heading, source = text, merge
        headings.append(heading)
        sources.append(source)
    shared: dict[str, list[int]] = {}
    for position, source in enumerate(sources):
        if source is not None and source.across:
            shared.setdefault(source.coord, []).append(position)
    clashes = {coord: cols for coord, cols in shared.items() if len(cols) > 1}
    if clashes:
        described = "; ".join(
            f"{coord} ('{_short(headings[cols[0]], 40)}', over columns "
            f"{', '.join(column_letter(c) for c in cols)})" for coord, cols in clashes.items())
        raise ImportFileError(
            f"{name} has merged cells among its column headings, so some columns share one "
            f"heading and it cannot be told what each holds: {described}. In Excel, select the "
            "merged cells, choose Home > Merge & Center > Unmerge Cells, give each column its own "
            "heading, save, and import again. Nothing was imported.")
    notes = []
    if in_area:
        listed = ", ".join(m.coord for m in in_area)
        where = (f"rows {top_row} to {bottom_row}" if bottom_row > top_row else f"row {top_row}")
        notes.append(f"The column headings in {where} have merged cells ({listed}). Every column "
                     "still has a heading of its own, so each was read by its lowest heading and "
                     "nothing needs unmerging.")
    return headings, bottom_row, notes


def _assemble(name: str, kind: str, data: bytes, digest: str, grid: _Grid, *,
              notes: list[str], limits: Limits, encoding: str | None = None,
              sheet: str | None = None, sheets: tuple[str, ...] = ()) -> ReadTable:
    merges = grid.merges
    where = f"The sheet '{sheet}' of {name}" if sheet and len(sheets) > 1 else name
    rows = grid.sorted_rows()
    top = _heading_row(rows)
    if top < 0:
        raise ImportFileError(f"{name} is empty: it holds no headings and no responses. Nothing "
                              "was imported.")
    top_row = rows[top][0]
    width = max(len(cells) for _, cells in rows)
    for number, cells in rows[:top]:
        title = next(cell for cell in cells if cell)
        notes.append(f"Row {number} ('{_short(title, 50)}') was read as a title above the "
                     "column headings, not as a response.")
    headings, last_heading, heading_notes = _headings(grid.rows, top_row, width, merges, where)
    notes.extend(heading_notes)
    findings: list[Finding] = []
    responses = []
    blank = ("",) * width
    for number, cells in rows:
        if number > last_heading:
            responses.append(Row(number, tuple(cells) + blank[len(cells):]))
    if not responses:
        raise ImportFileError(f"{where} has column headings but no responses under them. Check "
                              "you chose the right file (or sheet). Nothing was imported.")
    people = limits.import_max_people
    if not grid.by_answer and len(responses) > people:
        raise ImportFileError(
            f"{where} holds {len(responses):,} rows of responses; one import takes at most "
            f"{people:,} people (one row each). Split the responses into files of {people:,} "
            f"people or fewer and import each. {raise_the_limit('import_max_people')}")
    columns = tuple(Column(position, column_letter(position), headings[position])
                    for position in range(width))
    for merge in merges:
        if merge.min_row > last_heading:
            findings.append(Finding(
                f"Cells {merge.coord} are merged. Each row is one person's response and each "
                "cell one answer, so merged cells cannot be read: unmerge them (Home > Merge & "
                "Center > Unmerge Cells) and put the right value in every cell.",
                row=merge.min_row, column=column_letter(merge.min_col - 1),
                heading=headings[merge.min_col - 1] if merge.min_col - 1 < width else ""))
    formula_cells = {(row, col - 1): formula for (row, col), formula in grid.formulas.items()
                     if row >= top_row}  # not in a title row above the headings
    return ReadTable(
        file_name=name, kind=kind, size=len(data), sha256=digest, columns=columns,
        rows=tuple(responses), sheet=sheet, sheets=sheets, encoding=encoding,
        header_rows=tuple(range(top_row, last_heading + 1)), formulas=formula_cells,
        findings=tuple(findings), notes=tuple(notes))
