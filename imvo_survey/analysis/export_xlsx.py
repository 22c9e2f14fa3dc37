"""Writing export tables to one XLSX workbook, fast and in constant memory.

xlsxwriter (in `constant_memory` mode) writes the workbook: styles, header rows, frozen
panes, column widths, and every small sheet with its formats (the matrix with its
preamble and marked lagging cells, dates as real dates). Writing cell by cell through
xlsxwriter costs about 8 microseconds a cell, though: half a minute for 200,000
activities. So the rows of a long table (no dates, more than `stream_rows` rows) are
written as sheet XML directly into the finished workbook's ZIP, about ten times faster:
the sheet xlsxwriter made (header only) is cut at `</sheetData>` and the rows streamed
in between. Both ways neutralise text and keep numbers as numbers.
"""

from __future__ import annotations

import math
import numbers
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from ..spreadsheets.writing import EXCEL_MAX_ROWS, clean_text, sheet_title
from . import export_labels as words
from .export_schema import Table, csv_paths, static_table

#: Longer tables are streamed past xlsxwriter (when they hold no dates).
STREAM_ROWS = 5_000
#: Report progress every so many rows.
PROGRESS_EVERY = 25_000
#: Strings shorter than this are escaped once and reused (organisation names, labels).
_CACHED_TEXT = 120
_CACHE_SIZE = 50_000
#: Stands for the row number in cached cell XML; text never holds it (clean_text drops it).
_ROW = "\x00"
_WIDTHS = {"string": 28, "any": 28, "datetime": 17, "date": 11}


@dataclass(frozen=True)
class ProgressEvent:
    """How far the writing of one table is."""

    title: str
    done: int
    total: int | None
    finished: bool = False
    note: str | None = None


Progress = Callable[[ProgressEvent], None]


def fits_in_excel(table: Table, max_rows: int = EXCEL_MAX_ROWS) -> bool:
    """Whether the table, with its header (and preamble), fits in `max_rows` sheet rows."""
    header_rows = 1 + (len(table.preamble) + 1 if table.preamble else 0)
    return table.count is None or table.count + header_rows <= max_rows


def _streamable(table: Table, stream_rows: int) -> bool:
    return (table.count is not None and table.count > stream_rows and not table.preamble
            and not table.highlight and all(column.type not in ("date", "datetime", "any")
                                            for column in table.columns))


class _Formats:
    """The workbook's cell formats, made once and combined on demand."""

    def __init__(self, book):
        self.book = book
        self.bold = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.datetime = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        self._numbers: dict[tuple[str | None, bool], object] = {}

    def number(self, number_format: str | None, marked: bool = False):
        key = (number_format, marked)
        if key not in self._numbers:
            properties = {"num_format": number_format} if number_format else {}
            if marked:  # a second cue besides the list in the lagging column
                properties.update({"bg_color": "#F8CBAD", "bold": True})
            self._numbers[key] = self.book.add_format(properties) if properties else None
        return self._numbers[key]


def write_xlsx(target, tables: list[Table], progress: Progress | None = None, language: str = "nl",
               stream_rows: int = STREAM_ROWS, max_rows: int = EXCEL_MAX_ROWS) -> dict[str, int]:
    """Write `tables` as sheets of one workbook to a path or a binary file object.
    Returns the data rows written per table key (0 for a table too long for Excel,
    whose sheet then says, in `language`, to use the CSV export, as does the
    explanation sheet). `max_rows` is Excel's row limit (smaller only in tests)."""
    written: dict[str, int] = {}
    tables = note_left_out(tables, max_rows, language)
    with tempfile.TemporaryDirectory(prefix="imvo-xlsx-") as folder:
        skeleton = os.path.join(folder, "skeleton.xlsx")
        book = xlsxwriter.Workbook(skeleton, {"constant_memory": True, "tmpdir": folder,
                                              "strings_to_formulas": False, "strings_to_urls": False})
        formats, used, streamed = _Formats(book), set(), {}
        for number, table in enumerate(tables, start=1):
            sheet = book.add_worksheet(sheet_title(table.title, used))
            _set_widths(sheet, table)
            if not fits_in_excel(table, max_rows):
                written[table.key] = _write_too_long(sheet, table, formats, progress, language, max_rows)
            elif _streamable(table, stream_rows):
                _write_header(sheet, 0, table, formats)
                streamed[f"xl/worksheets/sheet{number}.xml"] = table
            else:
                written[table.key] = _write_sheet(sheet, table, formats, progress, max_rows)
        if not tables:
            book.add_worksheet("Sheet")
        book.close()
        _assemble(skeleton, target, streamed, written, progress, max_rows)
    return written


def note_left_out(tables: list[Table], max_rows: int = EXCEL_MAX_ROWS, language: str = "nl") -> list[Table]:
    """`tables` with a line on the explanation sheet for each table too long for the
    workbook: its rows, and the file of the CSV export that holds it in full. The
    explanation sheet is the one a reader looks for what the workbook holds, so the
    absence of a table must not show only on that table's own sheet."""
    left_out = [table for table in tables if not fits_in_excel(table, max_rows)]
    explanation = next((table for table in tables if table.key == "explanation"), None)
    if not left_out or explanation is None:
        return tables
    files = dict(zip((table.key for table in tables), csv_paths(tables), strict=True))
    label = words.text(words.ITEMS["left_out"], language)
    lines = [(f"{label}: {table.title}", table.count,
              words.text(words.LEFT_OUT, language).format(
                  rows=words.number(table.count, language), limit=words.number(max_rows, language),
                  file=files[table.key])) for table in left_out]
    rows = [*explanation.iter_rows(), *lines]
    amended = replace(static_table(explanation.key, explanation.title, explanation.columns, rows),
                      description=explanation.description, preamble=explanation.preamble,
                      highlight=explanation.highlight)
    return [amended if table is explanation else table for table in tables]


def _set_widths(sheet, table: Table) -> None:
    for index, column in enumerate(table.columns):
        width = _WIDTHS.get(column.type, 12)
        sheet.set_column(index, index, max(width, min(len(column.header) + 2, 40)) if width < 28 else width)


def _write_header(sheet, row: int, table: Table, formats: _Formats) -> None:
    for index, header in enumerate(table.headers):
        sheet.write_string(row, index, clean_text(header), formats.header)
    sheet.freeze_panes(row + 1, 1 if table.key == "matrix" else 0)


def _write_too_long(sheet, table: Table, formats: _Formats, progress: Progress | None, language: str,
                    max_rows: int) -> int:
    """A sheet saying that the table does not fit, instead of the table."""
    note = words.text(words.TOO_LONG, language).format(rows=words.number(table.count, language),
                                                       limit=words.number(max_rows, language))
    sheet.write_string(0, 0, words.header("note", language), formats.header)
    sheet.write_string(1, 0, note)
    sheet.set_column(0, 0, 120)
    if progress:
        progress(ProgressEvent(table.title, 0, table.count, True, note))
    return 0


def _write_sheet(sheet, table: Table, formats: _Formats, progress: Progress | None, max_rows: int) -> int:
    """The preamble (label, value), a blank line, the header and the rows, through xlsxwriter."""
    row = 0
    for label, value in table.preamble:
        sheet.write_string(row, 0, clean_text(label), formats.bold)
        _write_cell(sheet, row, 1, value, formats, None)
        row += 1
    if table.preamble:
        row += 1
    _write_header(sheet, row, table, formats)
    cell_formats = [formats.number(column.number_format) for column in table.columns]
    done = 0
    for done, values in enumerate(table.iter_rows(), start=1):
        row += 1
        if row >= max_rows:
            break
        for index, value in enumerate(values):
            cell_format = cell_formats[index]
            if (done - 1, index) in table.highlight:
                cell_format = formats.number(table.columns[index].number_format, marked=True)
            _write_cell(sheet, row, index, value, formats, cell_format)
        if progress and done % PROGRESS_EVERY == 0:
            progress(ProgressEvent(table.title, done, table.count))
    if progress:
        progress(ProgressEvent(table.title, done, table.count, True))
    return done


def _write_cell(sheet, row: int, column: int, value, formats: _Formats, cell_format) -> None:
    """One value with its own type: empty stays empty, numbers stay numbers."""
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value, cell_format)
    elif isinstance(value, numbers.Real) and not isinstance(value, bool):
        if math.isfinite(value):
            sheet.write_number(row, column, value, cell_format)
    elif isinstance(value, datetime):
        sheet.write_datetime(row, column, value.replace(tzinfo=None), formats.datetime)
    elif isinstance(value, date):
        sheet.write_datetime(row, column, datetime.combine(value, time()), formats.date)
    else:
        sheet.write_string(row, column, clean_text(str(value)), cell_format)


def _assemble(skeleton: str, target, streamed: dict[str, Table], written: dict[str, int],
              progress: Progress | None, max_rows: int) -> None:
    """Copy the workbook xlsxwriter made to `target`, streaming the long tables' rows
    into their sheets."""
    with zipfile.ZipFile(skeleton) as source, \
            zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as result:
        for info in source.infolist():
            table = streamed.get(info.filename)
            if table is None:
                with source.open(info) as part, result.open(info, "w") as copy:
                    shutil.copyfileobj(part, copy)
            else:
                with result.open(info.filename, "w", force_zip64=True) as stream:
                    written[table.key] = _stream_sheet(stream, source.read(info).decode("utf-8"), table, progress,
                                                             max_rows)


def _stream_sheet(stream, sheet_xml: str, table: Table, progress: Progress | None, max_rows: int) -> int:
    head, tail = sheet_xml.split("</sheetData>", 1)
    last = f"{xl_col_to_name(max(len(table.columns) - 1, 0))}{table.count + 1}"
    head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last}"/>', head, count=1)
    stream.write(head.encode("utf-8"))
    done = _stream_rows(stream, table, progress, max_rows)
    stream.write(("</sheetData>" + tail).encode("utf-8"))
    if progress:
        progress(ProgressEvent(table.title, done, table.count, True))
    return done


def _stream_rows(stream, table: Table, progress: Progress | None, max_rows: int) -> int:
    """The rows as sheet XML from row 2 on, a thousand rows per write.

    Each column keeps the XML of the values it has met, with `_ROW` where the row number
    goes, so that most cells cost one dictionary look-up and a row one join and one
    replace. Bounded caches keep memory flat for columns of unique values."""
    letters = [xl_col_to_name(index) for index in range(len(table.columns))]
    caches: list[dict] = [{} for _ in letters]
    buffer: list[str] = []
    done = 0
    for values in table.iter_rows():
        if done + 2 > max_rows:
            break
        done += 1
        parts = []
        for letter, cache, value in zip(letters, caches, values, strict=False):
            if value is None:
                continue
            if type(value) is bool:  # never cached: True == 1 would find the number's XML
                parts.append(f'<c r="{letter}{_ROW}" t="b"><v>{int(value)}</v></c>')
                continue
            fragment = cache.get(value)
            if fragment is None:
                fragment = _cell_xml(f"{letter}{_ROW}", value)
                if len(cache) < _CACHE_SIZE and (type(value) is not str or len(value) < _CACHED_TEXT):
                    cache[value] = fragment
            parts.append(fragment)
        number = str(done + 1)
        buffer.append(f'<row r="{number}">' + "".join(parts).replace(_ROW, number) + "</row>")
        if len(buffer) >= 1000:
            stream.write("".join(buffer).encode("utf-8"))
            buffer.clear()
        if progress and done % PROGRESS_EVERY == 0:
            progress(ProgressEvent(table.title, done, table.count))
    stream.write("".join(buffer).encode("utf-8"))
    return done


def _cell_xml(reference: str, value) -> str:
    """One cell: a number, or neutralised text as an inline string."""
    kind = type(value)
    if kind is str:
        return f'<c r="{reference}"{_text_xml(value)}'
    if kind is int:
        return f'<c r="{reference}"><v>{value}</v></c>'
    if kind is float:
        return f'<c r="{reference}"><v>{value!r}</v></c>' if math.isfinite(value) else ""
    return _other_xml(reference, value)


def _text_xml(value: str) -> str:
    """The end of an inline-string cell: neutralised, cleaned and escaped text."""
    text = clean_text(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f' t="inlineStr"><is><t{space}>{text}</t></is></c>'


def _other_xml(reference: str, value) -> str:
    """numpy numbers and anything else that is not a plain str, int, float or bool."""
    if type(value).__name__ == "bool_":
        return f'<c r="{reference}" t="b"><v>{int(bool(value))}</v></c>'
    if isinstance(value, numbers.Integral):
        return f'<c r="{reference}"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        number = float(value)
        return f'<c r="{reference}"><v>{number!r}</v></c>' if math.isfinite(number) else ""
    return f'<c r="{reference}"{_text_xml(str(value))}'
