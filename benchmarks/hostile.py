"""Hostile files, made on the spot (small on disk, large when read), and a child process that
measures what a piece of work costs: its time and its peak memory above the process at rest.

Used by the Limits section of `make bench` (benchmarks/limits.py) and by the attack tests
(tests/test_import_bounds.py and friends); nothing here is a fixture file."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]

CHUNK_ROWS = 10_000


def _workbook_around(sheet_xml_parts, *, title: str = "Responses") -> bytes:
    """A real workbook (made by openpyxl) whose first sheet's XML is replaced by the parts given,
    written into the zip as they come (so a sheet of a million rows is never held whole)."""
    base = Workbook()
    base.active.title = title
    base.active["A1"] = "placeholder"
    made = io.BytesIO()
    base.save(made)
    out = io.BytesIO()
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with target.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
                    for part in sheet_xml_parts:
                        sheet.write(part)
            else:
                target.writestr(info, source.read(info.filename))
    return out.getvalue()


_SHEET_START = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _inline(text: str) -> bytes:
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c t="inlineStr"><is><t>{escaped}</t></is></c>'.encode()


def million_row_xlsx(rows: int = 1_000_000, *, declared: bool = True) -> bytes:
    """A Forms-like workbook with `rows` responses of two answers each, under two statement
    headings: about 0.2 MB on disk, over 40 MB of XML when read. `declared`: the sheet states
    its size, as Excel writes it."""
    def parts():
        yield _SHEET_START
        if declared:
            yield f'<dimension ref="A1:B{rows + 1}"/>'.encode()
        yield b"<sheetData><row>" + _inline("PB-1") + _inline("PB-2") + b"</row>"
        chunk = b"<row><c><v>3</v></c><c><v>2</v></c></row>" * CHUNK_ROWS
        for _ in range(rows // CHUNK_ROWS):
            yield chunk
        yield b"<row><c><v>3</v></c><c><v>2</v></c></row>" * (rows % CHUNK_ROWS)
        yield b"</sheetData></worksheet>"
    return _workbook_around(parts())


def unpacking_bomb_xlsx(unpacked_mb: int = 400) -> bytes:
    """A workbook whose sheet unpacks to `unpacked_mb` MB of empty rows: a few hundred KB on
    disk."""
    def parts():
        yield _SHEET_START + b"<sheetData>"
        chunk = b"<row></row>" * 100_000
        for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
            yield chunk
        yield b"</sheetData></worksheet>"
    return _workbook_around(parts())


def far_column_xlsx(column: str = "XFD") -> bytes:
    """Headings in A and B, and one cell in the sheet's last column (as a stray keystroke, or an
    attack, puts there): a file of a few KB as wide as Excel allows."""
    return _workbook_around([
        _SHEET_START, b"<sheetData><row r=\"1\">", _inline("PB-1"), _inline("PB-2"),
        f'<c r="{column}1" t="inlineStr"><is><t>x</t></is></c>'.encode(),
        b"</row></sheetData></worksheet>"])


def many_texts_xlsx(texts: int = 1_500_000) -> bytes:
    """A workbook whose table of shared texts holds `texts` different entries."""
    base = io.BytesIO()
    book = Workbook()
    book.active["A1"], book.active["B1"] = "PB-1", "PB-2"
    book.save(base)
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(
            out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            if info.filename != "[Content_Types].xml":
                target.writestr(info, source.read(info.filename))
        types = source.read("[Content_Types].xml").replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        target.writestr("[Content_Types].xml", types)
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                          b'openxmlformats.org/spreadsheetml/2006/main">')
            for start in range(0, texts, CHUNK_ROWS):
                strings.write(b"".join(f"<si><t>{n}</t></si>".encode()
                                       for n in range(start, min(texts, start + CHUNK_ROWS))))
            strings.write(b"</sst>")
    return out.getvalue()


def statement_like_headings(count: int = 10_000, statements: list[str] | None = None) -> list[str]:
    words = statements or ["Every member organisation shares board papers on time",
                           "The collaborative agrees its priorities with its members"]
    return [f"{words[n % len(words)]} ({n})" for n in range(count)]


def wide_csv(columns: int = 10_000, statements: list[str] | None = None) -> bytes:
    """A CSV file of `columns` statement-like headings and one row of answers: about 0.7 MB."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(statement_like_headings(columns, statements))
    writer.writerow(["3"] * columns)
    return out.getvalue().encode()


def many_rows_csv(rows: int = 1_200_000) -> bytes:
    """A CSV file of `rows` responses to two statements, under 5 MB."""
    return b"PB-1,PB-2\n" + b"3,2\n" * rows


def long_cell_csv(characters: int = 100_000) -> bytes:
    return b"Name,PB-1\n" + b"x" * characters + b",3\n"


def many_people_answers_csv(people: int = 20_000) -> bytes:
    """collab-assess's own one-answer-a-row export, one answer each for `people` people."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["round", "respondent", "role", "statement_id", "level"])
    for person in range(1, people + 1):
        writer.writerow(["Spring", person, "Other", "PB-1", 3])
    return out.getvalue().encode()


# -- measuring a piece of work in a process of its own --------------------------------------------

_CHILD = """
import json as _json, time as _time
from pathlib import Path as _Path
{setup}
def _status(field):
    for line in _Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0
_idle = _status("VmRSS")
try:
    _Path("/proc/self/clear_refs").write_text("5")  # the peak so far forgotten: only the work's
    _reset = True
except OSError:
    _reset = False
_before = _status("VmHWM")
_started = _time.perf_counter()
_outcome, _said = "done", ""
try:
{work}
except Exception as _error:
    _outcome, _said = type(_error).__name__, str(_error)
_seconds = _time.perf_counter() - _started
_peak = _status("VmHWM")
print(_json.dumps({{"idle_mb": _idle, "peak_mb": _peak, "above_idle_mb": _peak - (_idle if _reset
                   else max(_idle, _before)), "seconds": _seconds, "outcome": _outcome,
                   "said": _said, "result": globals().get("result")}}))
"""


def measure(setup: str, work: str, *, env: dict[str, str] | None = None,
            timeout: float = 300) -> dict:
    """Run `setup` then `work` (Python source) in a new interpreter; the time `work` took, the
    process's memory at rest and its peak during `work` (MB), and how it ended: "done" or the
    exception's class and message. `work` may set `result` (JSON) to hand something back; names
    starting with an underscore are the measurer's own."""
    script = _CHILD.format(setup=textwrap.dedent(setup),
                           work=textwrap.indent(textwrap.dedent(work), "    "))
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                               cwd=ROOT, timeout=timeout, env={**os.environ, **(env or {})})
    if completed.returncode != 0 or not completed.stdout.strip():
        raise RuntimeError(f"the measuring process failed: {completed.stderr[-2000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])
