"""Reading tables that people make in spreadsheets: CSV (`;` or `,`, UTF-8 with or
without BOM, or Windows-1252) and XLSX, plus parsers for Dutch spreadsheet values
(decimal commas, "ja"/"nee").

Tables of rows under a header (the organisation import, the seed's data) read through
`read_table` here, so they accept the same files and report problems the same way.
Workbooks with a layout of their own (XLSForm questionnaires in
`questionnaires/xlsform`, the offline answer workbook in `answers/workbook_read.py`)
open the file themselves, after the same checks of the upload (`uploads`).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

from ..i18n import lazy_gettext as _l
from ..text import from_spreadsheet, normalise_newlines, without_control_characters
from ..uploads import UploadLimits, UploadRefused, check_upload, decode_text, guess_delimiter

XLSX_MAGIC = b"PK\x03\x04"
TRUE_WORDS = {"1", "ja", "j", "yes", "y", "true", "waar", "x"}
FALSE_WORDS = {"0", "nee", "n", "no", "false", "onwaar", ""}


class TableError(ValueError):
    """The file cannot be read as a table at all (not a CSV or XLSX, empty, ...)."""


@dataclass
class Table:
    """Headers and rows of a sheet; each row keeps its line number in the file."""

    headers: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    format: str = "csv"
    encoding: str | None = None
    delimiter: str | None = None


def read_table(data: bytes, filename: str = "", sheet: str | None = None) -> Table:
    """Read CSV or XLSX bytes into a `Table`; blank rows are skipped. The file is
    checked first (`uploads.check_upload`): one over the limits is refused unread."""
    try:
        kind = check_upload(data, filename, ("csv", "xlsx"))
    except UploadRefused as refusal:
        raise TableError(refusal.message) from None
    if kind == "xlsx":
        return _read_xlsx(data, sheet)
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    text, encoding = decode_text(data)
    text = without_control_characters(text)  # an old DOS end-of-file mark, say (text.py)
    delimiter = guess_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as error:
        raise TableError(_l("The CSV file cannot be read: %(error)s", error=str(error))) from None
    return _to_table(lines, start_line=1, format="csv", encoding=encoding, delimiter=delimiter)


def _read_xlsx(data: bytes, sheet: str | None) -> Table:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            if sheet is not None and sheet in workbook.sheetnames:
                worksheet = workbook[sheet]
            else:
                worksheet = workbook.worksheets[0]
            # The recorded size may be wrong both ways (rows cut off, or a million blank
            # rows added); the values really there are within the limits checked above,
            # so nothing past the row limit is read (rows only formatted to the last row).
            worksheet.reset_dimensions()
            lines = [[from_spreadsheet(value) if isinstance(value, str) else value for value in row]
                     for row in worksheet.iter_rows(values_only=True, max_row=UploadLimits.current().rows)]
        finally:
            workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged file, also while reading rows
        raise TableError(_l("The XLSX file cannot be opened; is it a valid Excel workbook?")) from None
    return _to_table(lines, start_line=1, format="xlsx")


def _to_table(lines: list[list], start_line: int, **meta) -> Table:
    line_numbers = iter(range(start_line, start_line + len(lines)))
    numbered = [(next(line_numbers), line) for line in lines]
    numbered = [(number, line) for number, line in numbered if any(_clean(v) not in (None, "") for v in line)]
    if not numbered:
        raise TableError(_l("The file has no header row."))
    _, header_line = numbered[0]
    headers = [str(_clean(value) or "").strip() for value in header_line]
    while headers and not headers[-1]:
        headers.pop()
    table = Table(headers=headers, **meta)
    for number, line in numbered[1:]:
        values = {header: _clean(line[index]) if index < len(line) else None
                  for index, header in enumerate(headers) if header}
        table.rows.append((number, values))
    return table


def _clean(value):
    if isinstance(value, str):
        return normalise_newlines(value).strip()
    return value


def normalise_header(header: str) -> str:
    """Header comparison ignores case, spaces, hyphens and underscores."""
    return re.sub(r"[\s_\-]+", "_", header.strip().casefold())


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and value.strip() == "")


def parse_decimal(value) -> Decimal:
    """A number written the Dutch way ("5,5", "1.234,5") or the English way ("5.5",
    "1,234.5"). Raises ValueError when it is not a number."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text.endswith("%"):
        text = text[:-1]
    if "," in text and "." in text:
        if text.rfind(",") > text.rfind("."):
            text = text.replace(".", "").replace(",", ".")
        else:
            text = text.replace(",", "")
    elif text.count(",") == 1:
        text = text.replace(",", ".")
    elif text.count(",") > 1 or text.count(".") > 1:
        separator = "," if "," in text else "."
        groups = text.lstrip("-").split(separator)
        if not all(len(group) == 3 for group in groups[1:]):
            raise ValueError("not a number")
        text = text.replace(separator, "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not number.is_finite():
        raise ValueError("not a number")
    return number


def parse_int(value) -> int:
    """A whole number; "1.200" (Dutch thousands) reads as 1200. Raises ValueError."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError("not a whole number")
    return int(text)


def parse_bool(value) -> bool:
    """ja/nee, yes/no, true/false, 1/0, x/blank. Raises ValueError."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = str(value).strip().casefold() if value is not None else ""
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise ValueError("not yes or no")


def parse_date(value) -> date:
    """A date as 31-12-2010, 31/12/2010, 2010-12-31 or a spreadsheet date. Raises ValueError."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("not a date")


def as_text(value) -> str | None:
    """A cell as text, None when blank; whole floats from spreadsheets lose their '.0'."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
