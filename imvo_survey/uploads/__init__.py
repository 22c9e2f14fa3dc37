"""Every uploaded file passes `check_upload` before any reader parses it.

A file that is small to upload can be huge to read: an XLSX is a zip whose sheets may
unpack to hundreds of megabytes, reach row 1,048,576 or column 16,384; a JSON file may
nest so deep that reading it exhausts Python's stack. Readers (openpyxl, csv, json,
jsonschema) would spend minutes and gigabytes on such a file before failing, so the
checks here look at what is cheap to see first (the first bytes, the zip's directory, a
sheet's `<dimension>`) and then stream through what must be counted (rows and columns
of each sheet, lines of a CSV, brackets of JSON), stopping at the first limit passed.
Nothing is kept: the reader parses the file afterwards as before.

Every import calls this: organisations (`tabular.read_table`), questionnaires
(`questionnaires.services.read_import`) and the respondent's offline workbook
(`responses.workbook_read`). A new import (benchmark scores, evidence files) calls
`check_upload(data, filename, kinds)` with the kinds it reads, and shows the
`UploadRefused` message as the others do. The limits are settings (`UPLOAD_MAX_*` in
config.py and the README).

Also here: the same checks for kinds of files (empty, binary, UTF-16) with a message
that says what to do, and `parse_json`, json.loads with the nesting limit, for any
JSON that comes from outside (uploads and posted form fields alike).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from flask import current_app, has_app_context

from config import UPLOAD_LIMITS, BaseConfig

from ..i18n import lazy_gettext as _l
from .messages import UploadRefused, kinds_text, number
from .workbook import check_old_workbook, check_workbook

__all__ = ["UploadLimits", "UploadRefused", "check_upload", "parse_json", "decode_text", "guess_delimiter"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: Compound documents: .xls, .doc and other Office files from before 2007.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
UTF8_BOM = b"\xef\xbb\xbf"
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
#: Control characters that do not occur in text files (tab, line ends and form feed do).
CONTROL_BYTES = bytes(set(range(32)) - {9, 10, 12, 13})
#: A JSON string, or an unterminated one up to the end: the quantifiers are possessive and
#: a string always matches from its opening quote, so each byte is looked at once (a string
#: that could fail at the end made every escaped quote in it a new start: quadratic time).
JSON_STRINGS = re.compile(rb'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.S)
NOT_BRACKETS = bytes(set(range(256)) - set(b"[]{}"))
OPENING = frozenset(b"[{")
LINE = re.compile(r"[^\r\n]*")


@dataclass(frozen=True)
class UploadLimits:
    """How large an uploaded file may be once unpacked or read: the settings
    `UPLOAD_MAX_*` (config.py, where the defaults are)."""

    unpacked_mb: int
    sheets: int
    rows: int
    columns: int
    line_length: int
    json_depth: int
    #: A workbook read as an XLSForm: what lies past where the XLSForm tools stop reading
    #: a sheet (`workbook.DataEnd`) counts for no limit but the rows of an XLSX.
    xlsform: bool = False

    @classmethod
    def from_config(cls, config: Mapping) -> UploadLimits:
        return cls(**{name.removeprefix("UPLOAD_MAX_").lower(): int(config[name]) for name in UPLOAD_LIMITS})

    @classmethod
    def current(cls) -> UploadLimits:
        """The app's settings, or the defaults outside an app (a script, a unit test)."""
        return cls.from_config(current_app.config if has_app_context() else vars(BaseConfig))

    @property
    def unpacked_bytes(self) -> int:
        return self.unpacked_mb * 1024 * 1024


def check_upload(data: bytes, filename: str, kinds: Collection[str], limits: UploadLimits | None = None) -> str:
    """The kind of `data` ("xlsx", "xls", "csv" or "json", one of `kinds`) once it passed
    every check; raises `UploadRefused`, with a message that names the limit and what was
    found."""
    limits = limits or UploadLimits.current()
    kind = _kind_of(data, filename.lower(), kinds)
    if kind == "xlsx":
        check_workbook(data, limits)
    elif kind == "xls":
        check_old_workbook(data, limits)
    elif kind == "csv":
        _check_csv(data, limits)
    else:
        _check_json(data, limits)
    return kind


def _kind_of(data: bytes, filename: str, kinds: Collection[str]) -> str:
    """What the file is by its first bytes (its name decides only between text formats)."""
    wanted = kinds_text(kinds)
    if not data.removeprefix(UTF8_BOM).strip():
        raise UploadRefused(_l("The file is empty. Choose the file with your data: %(kinds)s.", kinds=wanted))
    if data.startswith(ZIP_MAGIC):
        if "xlsx" in kinds:
            return "xlsx"
        raise UploadRefused(_l("This is a zip file (perhaps an Excel workbook); upload %(kinds)s.", kinds=wanted))
    if data.startswith(OLE_MAGIC):
        if "xls" in kinds:
            return "xls"
        raise UploadRefused(_l("This is an old Excel file (.xls), a workbook protected with a password, or another "
                               "old Office document. Open it in Excel and save it, without a password, as "
                               "%(kinds)s.", kinds=wanted))
    if data.startswith(UTF16_BOMS) or _looks_like_utf16(data):
        raise UploadRefused(_l("The file is saved as UTF-16 (in Excel: \"Unicode text\"). Save it as UTF-8 (in "
                               "Excel: \"CSV UTF-8\") and upload it again."))
    if b"\x00" in data or _looks_binary(data[:8192]):
        raise UploadRefused(_l("This file holds binary data, so it is not %(kinds)s. Is it a PDF, an image or "
                               "another program's file? Upload %(kinds)s.", kinds=wanted))
    if filename.endswith((".xlsx", ".xlsm")):
        raise UploadRefused(_l("This file is not an Excel workbook, although its name ends in .xlsx. Open it in "
                               "Excel and save it as an Excel workbook (.xlsx)."))
    text_kinds = [kind for kind in ("json", "csv") if kind in kinds]
    if len(text_kinds) == 2:
        return "json" if filename.endswith(".json") or data.lstrip(UTF8_BOM + b" \t\r\n")[:1] in (b"{", b"[") \
            else "csv"
    if text_kinds:
        return text_kinds[0]
    raise UploadRefused(_l("This is a text file; upload %(kinds)s.", kinds=wanted))


def _looks_like_utf16(data: bytes) -> bool:
    """UTF-16 without a byte order mark: in Western text every other byte is zero, and
    the bytes between are not."""
    sample = data[:1024]
    if len(sample) < 4:
        return False
    halves = (sample[0::2], sample[1::2])
    return any(zeros.count(0) >= 0.9 * len(zeros) and 0 not in other
               for zeros, other in (halves, halves[::-1]))


def _looks_binary(sample: bytes) -> bool:
    """More than a stray control character (an old end-of-file mark) that text never holds."""
    controls = len(sample) - len(sample.translate(None, CONTROL_BYTES))
    return controls > 2 and controls > 0.01 * len(sample)


# --- CSV ---------------------------------------------------------------------------

def decode_text(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8 (with or without BOM), or else as Windows-1252."""
    if data.startswith(UTF8_BOM):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:  # a mark of UTF-8 on text that is not: read it as the rest
            data = data[3:]
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def guess_delimiter(text: str) -> str:
    """`;` or `,`: whichever splits the header line into more columns."""
    first_line = next((line for line in _lines(text) if line.strip()), "")
    counts = {delimiter: len(next(csv.reader([first_line], delimiter=delimiter))) for delimiter in (";", ",")}
    return ";" if counts[";"] >= counts[","] else ","


def _lines(text: str):
    """The lines of `text` one at a time (str.splitlines would copy the whole file first)."""
    return (match.group() for match in LINE.finditer(text))


def _long_line(text: str, limit: int) -> int | None:
    """Where the first line longer than `limit` characters starts (None when there is
    none), in linear time: each step looks for the last line end in the next `limit` + 1
    characters, so two steps pass at least `limit` characters. (A regular expression
    `[^\\r\\n]{limit+1}` was quadratic: it ran to the end of every short line again from
    each of its characters.)"""
    start = 0
    while len(text) - start > limit:
        end = start + limit + 1
        line_end = max(text.rfind("\n", start, end), text.rfind("\r", start, end))
        if line_end < 0:
            return start
        start = line_end + 1
    return None


def _check_csv(data: bytes, limits: UploadLimits) -> None:
    """Line length first (no splitting), then rows and columns by streaming the csv
    reader (nothing is kept), stopping at a line with too many columns."""
    text, _encoding = decode_text(data)
    start = _long_line(text, limits.line_length)
    if start is not None:
        line = text.count("\n", 0, start) + text.count("\r", 0, start) - text.count("\r\n", 0, start) + 1
        raise UploadRefused(_l("Line %(line)s is %(found)s characters long, more than the limit of %(limit)s. Is "
                               "this a CSV file?", line=number(line),
                               found=number(len(LINE.match(text, start).group())),
                               limit=number(limits.line_length)))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=guess_delimiter(text))
    rows = 0
    try:
        for record in reader:
            rows += 1
            if len(record) > limits.columns:
                raise UploadRefused(_l("Line %(line)s has %(found)s columns, more than the limit of %(limit)s.",
                                       line=number(reader.line_num), found=number(len(record)),
                                       limit=number(limits.columns)))
    except csv.Error:
        return  # the reader reports a damaged CSV with its line
    if rows > limits.rows:
        raise UploadRefused(_l("The file has %(found)s rows, more than the limit of %(limit)s. Split it into "
                               "smaller files.", found=number(rows), limit=number(limits.rows)))


# --- JSON --------------------------------------------------------------------------

def _check_json(data: bytes, limits: UploadLimits) -> None:
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UploadRefused(_l("The file is not UTF-8 text. Save it as UTF-8 and upload it again.")) from None
    depth, objects = json_shape(data)
    _check_depth(depth, limits)
    if objects > limits.rows:
        raise UploadRefused(_l("The JSON file holds %(found)s objects, more than the limit of %(limit)s.",
                               found=number(objects), limit=number(limits.rows)))


def json_shape(data: bytes | str) -> tuple[int, int]:
    """(deepest nesting of [ and {, number of objects) of a JSON text, without parsing
    it: strings are skipped whole, so brackets inside them do not count."""
    if isinstance(data, str):
        data = data.encode("utf-8", errors="surrogatepass")
    brackets = JSON_STRINGS.sub(b"", data).translate(None, NOT_BRACKETS)
    depth = deepest = 0
    for bracket in brackets:
        if bracket in OPENING:
            depth += 1
            if depth > deepest:
                deepest = depth
        else:
            depth -= 1
    return deepest, brackets.count(b"{")


def _check_depth(depth: int, limits: UploadLimits) -> None:
    if depth > limits.json_depth:
        raise UploadRefused(_l("The JSON is nested %(found)s levels deep, more than the limit of %(limit)s.",
                               found=number(depth), limit=number(limits.json_depth)))


def parse_json(text: str | bytes, limits: UploadLimits | None = None):
    """`json.loads` for JSON from outside: a nesting deeper than the limit raises
    `UploadRefused` (a ValueError, as json's own errors) instead of a RecursionError."""
    _check_depth(json_shape(text)[0], limits or UploadLimits.current())
    return json.loads(text)
