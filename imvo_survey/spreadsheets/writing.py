"""Writing tables for spreadsheets: CSV for Dutch Excel and XLSX, safe to open.

Every export goes through here so that all of them share two guarantees:

- **No formula injection.** Text that a spreadsheet would read as a formula (it begins
  with `=`, `+`, `-`, `@`, a tab or a carriage return) is prefixed with a single quote,
  as OWASP advises. Organisation names, decline reasons and other answers are typed by
  outsiders, so a cell such as `=HYPERLINK("http://evil", "klik")` must stay text.
- **Types survive.** Numbers stay numbers and dates stay dates in XLSX; only text is
  neutralised, so `-3` the number is not touched while `"-3"` the text is.

Pure functions without Flask: the caller translates headers and converts times to the
zone it wants to show (naive local datetimes) before handing rows over.
"""

from __future__ import annotations

import csv
import io
import math
import numbers
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from ..text import normalise_newlines

#: What an XLSX file is sent as.
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: What a spreadsheet may take for the start of a formula (or a DDE payload).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
#: UTF-8 byte order mark: without it Excel reads a CSV file as Windows-1252.
UTF8_BOM = "\ufeff"
#: Characters XML 1.0 (and so XLSX) cannot hold; tab, line feed and CR are allowed.
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
#: Rows of an Excel worksheet, the header included.
EXCEL_MAX_ROWS = 1_048_576
#: Characters an Excel cell holds.
EXCEL_MAX_TEXT = 32_767
#: Characters a sheet title may not contain.
_SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")

Row = Sequence[object]


def neutralise(value):
    """`value` made safe for a spreadsheet cell.

    Text beginning with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading
    `'`, so that it is shown as text and never run as a formula. Anything that is not
    text (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value, decimal_comma: bool) -> str:
    """One value as CSV text: dates in ISO form, decimals with a comma for Dutch Excel."""
    kind = type(value)  # the common types first: exports run this for millions of cells
    if kind is str:
        return neutralise(value)
    if kind is int:
        return str(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, (date, time)):
        return value.isoformat()
    if isinstance(value, numbers.Integral):  # numpy integers too: -3 stays a number
        return str(int(value))
    if isinstance(value, (float, Decimal, numbers.Real)):
        if isinstance(value, numbers.Real) and not isinstance(value, Decimal) and not math.isfinite(value):
            return ""  # NaN is pandas' empty cell
        text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    return neutralise(str(value))


def write_csv(stream, headers: Sequence[str], rows: Iterable[Row], delimiter: str = ";",
              decimal_comma: bool | None = None) -> int:
    """Write a CSV file to a text stream (opened with `newline=""`): a byte order mark,
    the headers, then the rows, every text cell neutralised. Returns the rows written.

    The rows are consumed one by one, so a table of any length is written in constant
    memory (the ZIP of CSV files streams into its entries this way).
    """
    if decimal_comma is None:
        decimal_comma = delimiter == ";"
    stream.write(UTF8_BOM)
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([_csv_cell(header, decimal_comma) for header in headers])
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(value, decimal_comma) for value in row])
        count += 1
    return count


def csv_bytes(headers: Sequence[str], rows: Iterable[Row], delimiter: str = ";",
              decimal_comma: bool | None = None) -> bytes:
    """A CSV file as UTF-8 bytes with a byte order mark, every text cell neutralised.

    The `;` separator and (by default with it) decimal commas are what Dutch Excel
    expects when the file is opened by a double click. Dates are written as
    `YYYY-MM-DD` and times as `YYYY-MM-DD HH:MM:SS`, which Excel reads in any locale.
    """
    buffer = io.StringIO(newline="")
    write_csv(buffer, headers, rows, delimiter, decimal_comma)
    return buffer.getvalue().encode("utf-8")


def cell_text(value: str) -> str:
    """Text for an XLSX cell: characters XML cannot hold removed, line ends as LF (a CR
    is written as `_x000D_`, which some readers show as it is; answers saved before input
    was normalised may still hold one), and neutralised."""
    return neutralise(normalise_newlines(_XML_ILLEGAL.sub("", value)))


def clean_text(value: str) -> str:
    """`cell_text`, cut to Excel's 32,767 characters."""
    return cell_text(value)[:EXCEL_MAX_TEXT]


def _xlsx_value(value):
    """One value for openpyxl: text neutralised and cleaned, types kept.

    openpyxl itself stores any string starting with `=` as a formula, so neutralising
    matters here as much as in CSV. Excel has no time zones: an aware datetime is
    written as its wall-clock time in its own zone.
    """
    if isinstance(value, str):
        return cell_text(value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.replace(tzinfo=None)
    if value is None or isinstance(value, (int, float, Decimal, date, time)):
        return value
    return cell_text(str(value))


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet title: at most 31 characters, without `[]:*?/\\`."""
    base = _SHEET_TITLE_ILLEGAL.sub(" ", title).strip().strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in used:
        suffix = f" ({number})"
        candidate, number = base[:31 - len(suffix)] + suffix, number + 1
    used.add(candidate.casefold())
    return candidate


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[str], Iterable[Row]]]) -> bytes:
    """An XLSX workbook with one sheet per `(title, headers, rows)`.

    Headers are bold and stay in view when scrolling; text cells are neutralised;
    numbers stay numbers, and dates and datetimes are real spreadsheet dates shown as
    `yyyy-mm-dd` and `yyyy-mm-dd hh:mm`.
    """
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for title, headers, rows in sheets:
        sheet = workbook.create_sheet(sheet_title(title, used))
        sheet.freeze_panes = "A2"
        header_cells = []
        for header in headers:
            cell = WriteOnlyCell(sheet, value=_xlsx_value(header))
            cell.font = bold
            header_cells.append(cell)
        sheet.append(header_cells)
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value, WriteOnlyCell) for value in row])
    if not used:  # a workbook needs at least one sheet
        workbook.create_sheet("Sheet")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_cell(sheet, value, cell_class):
    """A write-only cell; dates get a readable number format."""
    value = _xlsx_value(value)
    if isinstance(value, datetime):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm"
        return cell
    if isinstance(value, date):
        cell = cell_class(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value
