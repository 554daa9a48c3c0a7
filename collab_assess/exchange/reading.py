"""Reading a file of responses: bytes and a file name in, a table of text out.

The content decides what the file is, not its name: CSV text (UTF-8 with or without a byte-order
mark, Windows-1252 as Excel on Windows saves it, or UTF-16; commas, semicolons or tabs), an Excel
workbook (.xlsx or .xlsm), or a zip holding collab-assess's own CSV export. Anything else, an empty
file or one over MAX_IMPORT_BYTES stops here with a message saying what the file is and what to do;
nothing has been written by then.

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
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import PurePath

import pandas as pd

from collab_assess.errors import InputError
from collab_assess.exchange.cells import unescaped
from collab_assess.store.import_plan import Finding

MAX_IMPORT_BYTES = 5 * 1024 * 1024
"""The largest file that can be imported: 5 MB holds thousands of responses."""
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
"""The most an Excel workbook or zip may unpack to (a 5 MB workbook unpacks to about 50 MB)."""
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

def read_table(data: bytes, file_name: str, *, sheet: str | None = None) -> ReadTable:
    """The file's responses as a table of text. Raises ImportFileError, saying what is wrong and
    what to do, when the file is empty, too big, not CSV or Excel, or unreadable."""
    name = PurePath(file_name or "the file").name
    size = len(data)
    if size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            f"{name} is {_megabytes(size)}; the largest file that can be imported is "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB. Split the responses into smaller files (or "
            "delete columns that are not needed) and import each. Nothing was imported.")
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
    if data.startswith(_ZIP):
        return _read_zip(data, name, digest, sheet)
    grid, encoding, notes = _csv_grid(data, name)
    return _assemble(name, "CSV", data, digest, grid, notes=notes, encoding=encoding)


def _read_zip(data: bytes, name: str, digest: str, sheet: str | None) -> ReadTable:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as error:
        raise ImportFileError(f"{name} looks like an Excel workbook or a zip file but is damaged "
                              f"({error}). Save it again and import the new copy. Nothing was "
                              "imported.") from error
    with archive:
        infos = archive.infolist()
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise ImportFileError(
                f"{name} unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB, too much "
                "to read. Split the responses into smaller files. Nothing was imported.")
        names = [info.filename for info in infos if not info.is_dir()]
        if "xl/workbook.xml" in names:
            return _read_workbook(data, name, digest, sheet)
        if "mimetype" in names and b"spreadsheet" in archive.read("mimetype"):
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
        content = archive.read(inside)
    note = f"Read {inside} from inside the zip archive {name}."
    if content.startswith(_ZIP):
        table = _read_workbook(content, name, digest, sheet)
        return _with_notes(table, (note, *table.notes))
    grid, encoding, notes = _csv_grid(content, f"{inside} (in {name})")
    return _assemble(name, "CSV", data, digest, grid, notes=[note, *notes], encoding=encoding)


def _file_inside(names: list[str]) -> str | None:
    by_base = {PurePath(each).name.casefold(): each for each in names}
    if ANSWERS_FILE in by_base:
        return by_base[ANSWERS_FILE]
    tables = [each for each in names if PurePath(each).suffix.casefold() in (".csv", ".xlsx")
              and not PurePath(each).name.startswith(("~$", "."))]
    return tables[0] if len(tables) == 1 else None


def _with_notes(table: ReadTable, notes: Iterable[str]) -> ReadTable:
    return ReadTable(**{**table.__dict__, "notes": tuple(notes)})


# -- CSV ------------------------------------------------------------------------------------------

def _decode(data: bytes, name: str) -> tuple[str, str, list[str]]:
    """The text, the encoding in words, and notes about it."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "UTF-16", []
        except UnicodeDecodeError:
            pass
    body = data[len(codecs.BOM_UTF8):] if data.startswith(codecs.BOM_UTF8) else data
    sample = body[:8192]
    if b"\x00" in sample or sum(byte < 9 or 13 < byte < 32 for byte in sample) > len(sample) / 100:
        raise ImportFileError(f"{name} is not a CSV file or an Excel workbook: it holds binary "
                              f"data, not text. {WHAT_TO_SEND} Nothing was imported.")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        marked = " with a byte-order mark" if body is not data else ""
        return text, f"UTF-8{marked}", []
    note = (f"{name} is not UTF-8, so it was read as Windows-1252, the encoding Excel on Windows "
            "uses for 'CSV (Comma delimited)'. Check that accented letters and apostrophes look "
            "right below; if they do not, save the file from Excel as 'CSV UTF-8' and import that.")
    try:
        return body.decode("cp1252"), "Windows-1252", [note]
    except UnicodeDecodeError:
        return (body.decode("cp1252", errors="replace"), "Windows-1252",
                [note + " Some characters could not be read and show as �."])


def _refuse_other_text(text: str, name: str) -> None:
    head = text.lstrip("\ufeff \t\r\n")[:300].casefold()
    if "urn:schemas-microsoft-com:office:spreadsheet" in text[:4000].casefold():
        raise ImportFileError(f"{name} is an 'XML Spreadsheet 2003' file. Open it in Excel and "
                              "save it as 'Excel Workbook (.xlsx)', then import that. Nothing was "
                              "imported.")
    if head.startswith(("<!doctype", "<html", "<?xml", "<table", "<head", "<body", "<div")):
        raise ImportFileError(f"{name} is a web page or XML file, not a CSV file or an Excel "
                              f"workbook. {WHAT_TO_SEND} Nothing was imported.")
    if head.startswith(("{", "[")):
        try:
            json.loads(text)
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


def _csv_grid(data: bytes, name: str) -> tuple[list[list[str]], str, list[str]]:
    text, encoding, notes = _decode(data, name)
    _refuse_other_text(text, name)
    delimiter = _delimiter(text)
    if delimiter != ",":
        notes.append(f"Columns are separated by {_DELIMITERS[delimiter]}.")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    grid: list[list[str]] = []
    try:
        for record in reader:
            grid.append([unescaped(cell).strip() for cell in record])
    except csv.Error as error:
        raise ImportFileError(f"{name} cannot be read as CSV at row {len(grid) + 1}: {error}. "
                              "Open it in Excel, save it again as 'CSV UTF-8', and import that. "
                              "Nothing was imported.") from error
    return grid, encoding, notes


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


def _read_workbook(data: bytes, name: str, digest: str, wanted: str | None) -> ReadTable:
    from openpyxl import load_workbook  # only importers pay for loading openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
            workbook = load_workbook(io.BytesIO(data), data_only=False, read_only=False)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise ImportFileError(
            f"{name} could not be opened as an Excel workbook ({type(error).__name__}): it may be "
            "damaged, or written by a program that saves Excel files in an unusual way. Open it in "
            "Excel, save it again as 'Excel Workbook (.xlsx)', and import that. Nothing was "
            "imported.") from error
    try:
        sheets = [ws for ws in workbook.worksheets]
        names = tuple(ws.title for ws in sheets)
        listed = ", ".join(f"'{each}'" for each in names)
        if wanted is not None:
            chosen = next((ws for ws in sheets if ws.title == wanted), None) or next(
                (ws for ws in sheets if ws.title.strip().casefold() == wanted.strip().casefold()),
                None)
            if chosen is None:
                raise ImportFileError(f"{name} has no sheet called '{wanted}'. Its sheets: "
                                      f"{listed}. Nothing was imported.")
            grid, formulas, merges = _sheet_cells(chosen)
            if not grid:
                raise ImportFileError(f"The sheet '{chosen.title}' of {name} is empty. Its "
                                      f"sheets: {listed}. Nothing was imported.")
            notes: list[str] = []
        else:
            chosen, grid, formulas, merges = _first_sheet_with_data(sheets)
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
                         sheet=chosen.title, sheets=names, formulas=formulas, merges=merges)
    finally:
        workbook.close()


def _first_sheet_with_data(sheets):
    read = []
    for ws in sheets:
        if ws.sheet_state != "visible":
            continue
        cells = _sheet_cells(ws)
        if not cells[0]:
            continue
        if ws.title.strip().casefold() == ANSWERS_SHEET.casefold():
            return (ws, *cells)
        read.append((ws, *cells))
    return read[0] if read else (None, [], {}, [])


def _sheet_cells(ws) -> tuple[list[list[str]], dict[tuple[int, int], str], list[_Merge]]:
    """The sheet as rows of text (row 1 first), the formulas by (row, column) (both from 1), and
    its merged ranges."""
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    # The cells that exist, not the rectangle up to max_row x max_column: a style applied to a
    # whole column makes that rectangle a million rows tall.
    filled: dict[tuple[int, int], str] = {}
    formulas: dict[tuple[int, int], str] = {}
    for (row, col), cell in ws._cells.items():
        value = cell.value
        if value is None:
            continue
        if isinstance(value, (ArrayFormula, DataTableFormula)):
            formulas[(row, col)] = getattr(value, "text", None) or "an array formula"
            filled[(row, col)] = formulas[(row, col)]
            continue
        if cell.data_type == "f":
            formulas[(row, col)] = str(value)
        text = _excel_text(value) if cell.data_type != "f" else str(value)
        if text:
            filled[(row, col)] = text
    merges = [_Merge(r.coord, r.min_row, r.min_col, r.max_row, r.max_col)
              for r in ws.merged_cells.ranges]
    if not filled:
        return [], {}, merges
    height = max(row for row, _ in filled)
    width = max(col for _, col in filled)
    grid = [[""] * width for _ in range(height)]
    for (row, col), text in filled.items():
        grid[row - 1][col - 1] = text
    return grid, formulas, merges


# -- headings and rows ----------------------------------------------------------------------------

def _heading_row(grid: list[list[str]]) -> int:
    """The 0-based row holding the column headings: the first with two or more cells filled (a
    title above the headings fills one), else the first with anything in it."""
    first = None
    for index, row in enumerate(grid):
        filled = sum(1 for cell in row if cell)
        if filled and first is None:
            first = index
        if filled >= 2:
            return index
    return first if first is not None else -1


def _headings(grid: list[list[str]], top: int, width: int, merges: list[_Merge],
              name: str) -> tuple[list[str], int, list[str]]:
    """Each column's heading, the last heading row (0-based) and notes. With merged cells among
    the headings, the heading area runs down to the lowest row those merged cells reach, and each
    column takes its lowest heading there; a merged cell counts in every column it covers."""
    top_row = top + 1  # 1-based, as openpyxl counts
    bottom_row = max([top_row] + [m.max_row for m in merges if m.min_row == top_row])
    in_area = [m for m in merges if m.min_row <= bottom_row and m.max_row >= top_row]

    def cell(row: int, col: int) -> tuple[str, _Merge | None]:
        for merge in in_area:
            if merge.covers(row, col):
                return grid[merge.min_row - 1][merge.min_col - 1], merge
        inside = row - 1 < len(grid) and col - 1 < len(grid[row - 1])
        return (grid[row - 1][col - 1] if inside else ""), None

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
        rows = (f"rows {top_row} to {bottom_row}" if bottom_row > top_row else f"row {top_row}")
        notes.append(f"The column headings in {rows} have merged cells ({listed}). Every column "
                     "still has a heading of its own, so each was read by its lowest heading and "
                     "nothing needs unmerging.")
    return headings, bottom_row - 1, notes


def _assemble(name: str, kind: str, data: bytes, digest: str, grid: list[list[str]], *,
              notes: list[str], encoding: str | None = None, sheet: str | None = None,
              sheets: tuple[str, ...] = (), formulas: dict[tuple[int, int], str] | None = None,
              merges: list[_Merge] | None = None) -> ReadTable:
    formulas = formulas or {}
    merges = merges or []
    where = f"The sheet '{sheet}' of {name}" if sheet and len(sheets) > 1 else name
    top = _heading_row(grid)
    if top < 0:
        raise ImportFileError(f"{name} is empty: it holds no headings and no responses. Nothing "
                              "was imported.")
    width = max(len(row) for row in grid)
    for index in range(top):
        if any(grid[index]):
            title = next(cell for cell in grid[index] if cell)
            notes.append(f"Row {index + 1} ('{_short(title, 50)}') was read as a title above the "
                         "column headings, not as a response.")
    headings, last_heading, heading_notes = _headings(grid, top, width, merges, where)
    notes.extend(heading_notes)
    findings: list[Finding] = []
    rows = []
    for index in range(last_heading + 1, len(grid)):
        cells = tuple(grid[index]) + ("",) * (width - len(grid[index]))
        if any(cells):
            rows.append(Row(index + 1, cells))
    if not rows:
        raise ImportFileError(f"{where} has column headings but no responses under them. Check "
                              "you chose the right file (or sheet). Nothing was imported.")
    columns = tuple(Column(position, column_letter(position), headings[position])
                    for position in range(width))
    for merge in merges:
        if merge.min_row > last_heading + 1:
            findings.append(Finding(
                f"Cells {merge.coord} are merged. Each row is one person's response and each "
                "cell one answer, so merged cells cannot be read: unmerge them (Home > Merge & "
                "Center > Unmerge Cells) and put the right value in every cell.",
                row=merge.min_row, column=column_letter(merge.min_col - 1),
                heading=headings[merge.min_col - 1] if merge.min_col - 1 < width else ""))
    formula_cells = {(row, col - 1): formula for (row, col), formula in formulas.items()
                     if row > top}  # not in a title row above the headings
    return ReadTable(
        file_name=name, kind=kind, size=len(data), sha256=digest, columns=columns,
        rows=tuple(rows), sheet=sheet, sheets=sheets, encoding=encoding,
        header_rows=tuple(range(top + 1, last_heading + 2)), formulas=formula_cells,
        findings=tuple(findings), notes=tuple(notes))
