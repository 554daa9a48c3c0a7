"""Tables written as spreadsheet files that no spreadsheet can run as formulas: an Excel workbook
(openpyxl) and UTF-8 CSV that Excel opens with accents intact. Shared by every download that hands
people a spreadsheet (a collaborative's export, the Benchmark page's tables).

Two guards on every text cell, never on numbers (a negative number stays a number):
- `spreadsheet_safe` puts an apostrophe before text that starts like a formula (=, +, -, @, tab,
  carriage return), in the workbook and in CSV alike;
- in the workbook, every text cell is also marked as a string, so even text that slipped past the
  first guard, or that Excel would read as an error code ("#N/A"), is stored as the text it is.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from collab_assess.text import spreadsheet_safe

CSV_ENCODING = "utf-8-sig"
"""UTF-8 with a byte-order mark: without it, Excel reads a CSV file as the PC's local code page and
turns "Café" into "CafÃ©"."""

CSV_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
"""Times in CSV to the second, a form Excel reads as a date and time. (In a workbook, dates and
times are real dates and times, shown as yyyy-mm-dd and yyyy-mm-dd h:mm:ss.)"""

_LINE_BREAKS = re.compile(r"[\x0b\x0c]")
"""Vertical tab and form feed: the line and page breaks of text pasted from Word. Excel files cannot
hold them, so they become ordinary line breaks."""
_NOT_IN_EXCEL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
"""Other control characters (which an Excel file cannot hold, and no export carries, in a workbook
or in CSV): each becomes U+FFFD (�), so the cell shows that something was there."""

MAX_WIDTH = 60
"""The widest a column starts out (Excel's width units: about one character each)."""


def is_text_column(column: pd.Series) -> bool:
    return not (pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
                or pd.api.types.is_datetime64_any_dtype(column))


def safe_table(table: pd.DataFrame) -> pd.DataFrame:
    """The table with its text cells made safe (`excel_text`: no control characters, nothing that
    runs as a formula). Numbers, dates and true/false are left as they are, even in a column that
    mixes them with text."""
    safe = table.copy()
    for name in safe.columns:
        if is_text_column(safe[name]):
            safe[name] = safe[name].astype("object").map(
                lambda value: excel_text(value) if isinstance(value, str) else value)
    return safe


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as CSV for Excel: a header row, no index, UTF-8 with a byte-order mark, times to
    the second, lines ending CR LF, and no cell that could run as a formula."""
    safe = safe_table(table)
    for name in safe.columns:
        if pd.api.types.is_datetime64_any_dtype(safe[name]):
            safe[name] = safe[name].dt.strftime(CSV_TIME_FORMAT)
    # Lines end in CR LF, as RFC 4180 and Excel have them; it also makes the writer put quotes
    # round any cell holding a lone carriage return, which would otherwise end the row early.
    return safe.to_csv(index=False, lineterminator="\r\n").encode(CSV_ENCODING)


def without_controls(value: str) -> str:
    """Text with no control character but line breaks and tabs (see _LINE_BREAKS,
    _NOT_IN_EXCEL): what every exported file holds."""
    return _NOT_IN_EXCEL.sub("\ufffd", _LINE_BREAKS.sub("\n", value))


def excel_text(value: str) -> str:
    """Text an Excel file can hold: the control characters it cannot are replaced (see
    _LINE_BREAKS, _NOT_IN_EXCEL), and formula-like text is made safe."""
    return spreadsheet_safe(without_controls(value))


def _blank(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, (float, np.floating)) and np.isnan(value))


def excel_value(value: object) -> object:
    """A table's value as openpyxl should write it: None for a blank, plain Python numbers, dates
    and times, and safe text (an empty string is a blank cell)."""
    if _blank(value):
        return None
    if isinstance(value, str):
        return excel_text(value) if value else None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (list, tuple, np.ndarray)):
        return excel_text("; ".join(str(each) for each in value))
    return excel_text(str(value))


@dataclass(frozen=True)
class Sheet:
    """One sheet of a workbook: a table under a bold header row that stays in view."""

    name: str
    table: pd.DataFrame
    number_formats: Mapping[str, str] = field(default_factory=dict)
    """Column -> Excel number format (e.g. "0.00"); dates and times get theirs by themselves."""
    widths: Mapping[str, float] = field(default_factory=dict)
    """Column -> width, where the width worked out from the content will not do."""
    wrap: bool = False
    """Wrap long text within its column (for sheets of sentences, such as a Read me)."""
    filters: bool = True
    """Put filter buttons on the header row."""


def _width(name: str, column: pd.Series) -> float:
    sample = column.head(500)
    longest = max([len(str(name)), *(len(str(v)) for v in sample if not _blank(v))])
    return float(min(max(longest + 2, 8), MAX_WIDTH))


def _cells(sheet, row: Iterable[object], styles: list[dict]) -> list[WriteOnlyCell]:
    cells = []
    for value, style in zip(row, styles, strict=True):
        cell = WriteOnlyCell(sheet, value=excel_value(value))
        if isinstance(cell.value, str):
            cell.data_type = "s"  # never a formula or an error code, whatever the text
        for attribute, setting in style.items():
            setattr(cell, attribute, setting)
        cells.append(cell)
    return cells


def xlsx_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The sheets as one Excel workbook, in the order given."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(spec.name)
        columns = list(spec.table.columns)
        for position, name in enumerate(columns, start=1):
            width = spec.widths.get(name) or _width(name, spec.table[name])
            sheet.column_dimensions[get_column_letter(position)].width = width
        sheet.freeze_panes = "A2"
        if columns and spec.filters:
            last = get_column_letter(len(columns))
            sheet.auto_filter.ref = f"A1:{last}{len(spec.table) + 1}"
        header_style = {"font": bold}
        if spec.wrap:
            header_style["alignment"] = Alignment(wrap_text=True, vertical="top")
        sheet.append(_cells(sheet, columns, [header_style] * len(columns)))
        styles = []
        for name in columns:
            style: dict = {}
            if name in spec.number_formats:
                style["number_format"] = spec.number_formats[name]
            if spec.wrap:
                style["alignment"] = Alignment(wrap_text=True, vertical="top")
            styles.append(style)
        for row in spec.table.itertuples(index=False, name=None):
            sheet.append(_cells(sheet, row, styles))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
