"""The checks of an XLSX workbook before openpyxl opens it.

An XLSX is a zip of XML parts. Its directory says how large each part unpacks to (and
Python's zipfile never unpacks more than that: a part that lies fails its checksum), so
the unpacked size costs nothing to learn. The sheets are found as openpyxl finds them
(the content types name the workbook part, whose `<sheet>` elements and relationships
name each sheet's part); then each sheet's `<row>` and `<c>` elements are counted while
its XML streams through expat, keeping nothing, as openpyxl numbers them (the `r`
attribute, or one more than the last).

What counts is how far the sheet's **values** reach: a cell with a value (`<v>`), an
inline string or a formula. Rows and columns that are only formatted (LibreOffice and
Excel write them down to row 1,048,576 or across a thousand columns when a whole column
or row is styled) count for nothing, as for the XLSForm tools: the readers then read no
further than the row limit (`UploadLimits.rows`), since nothing past it holds a value. A
cell far away that holds only a space is a value, and is refused as before.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable
from io import BytesIO
from xml.parsers import expat

import xlrd
from openpyxl.xml.constants import XLSM, XLSX, XLTM, XLTX

from ..i18n import lazy_gettext as _l
from .messages import UploadRefused, number

CONTENT_TYPES = "[Content_Types].xml"
DEFAULT_WORKBOOK = "xl/workbook.xml"
WORKBOOK_TYPES = (XLTM, XLTX, XLSM, XLSX)  # openpyxl's order of preference
SPREADSHEET = frozenset({"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                         "http://purl.oclc.org/ooxml/spreadsheetml/main"})
RELATIONSHIPS = frozenset({"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                           "http://purl.oclc.org/ooxml/officeDocument/relationships"})
PACKAGE = "http://schemas.openxmlformats.org/package/2006/"
CHUNK = 64 * 1024
CELL_REFERENCE = re.compile(r"\$?([A-Za-z]+)\$?([0-9]*)")
#: What zipfile, zlib and expat raise for a damaged or encrypted part.
DAMAGED = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, OSError,
           expat.ExpatError, KeyError)


def check_workbook(data: bytes, limits) -> None:
    """Refuse a workbook over `limits` (unpacked size, sheets, rows, columns) or damaged."""
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except DAMAGED:
        raise _damaged() from None
    with archive:
        unpacked = sum(info.file_size for info in archive.infolist())
        if unpacked > limits.unpacked_bytes:
            raise UploadRefused(_l(
                "The workbook unpacks to %(found)s MB, more than the limit of %(limit)s MB. Remove what is not "
                "needed (other sheets, images) or split the file.",
                found=number(round(unpacked / 1024 / 1024, 1)), limit=number(limits.unpacked_mb)))
        try:
            sheets = _sheet_parts(archive)
            if len(sheets) > limits.sheets:
                raise UploadRefused(_l("The workbook has %(found)s sheets, more than the limit of %(limit)s. Remove "
                                       "the sheets that are not needed.", found=number(len(sheets)),
                                       limit=number(limits.sheets)))
            for name, part in sheets:
                if part in archive.NameToInfo:
                    _SheetScan(name, limits).scan(archive, part)
        except DAMAGED:
            raise _damaged() from None


def _damaged() -> UploadRefused:
    return UploadRefused(_l("The Excel workbook is damaged and cannot be opened. Open it in Excel, save it as "
                            "an Excel workbook (.xlsx) and upload it again."))


def _not_a_workbook() -> UploadRefused:
    return UploadRefused(_l("This is a zip file, but not an Excel workbook (.xlsx). Open it in Excel and save it "
                            "as an Excel workbook (.xlsx)."))


def _stream(archive: zipfile.ZipFile, part: str, start: Callable[[str, str, dict], None]) -> None:
    """Feed a part to expat; `start(namespace, name, attributes)` sees every element
    (and may raise UploadRefused to end the reading there)."""
    parser = expat.ParserCreate(namespace_separator=" ")

    def start_element(tag: str, attributes: dict) -> None:
        namespace, _space, name = tag.rpartition(" ")
        start(namespace, name, attributes)

    parser.StartElementHandler = start_element
    with archive.open(part) as stream:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)


def _sheet_parts(archive: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part) for each sheet of the workbook, as openpyxl finds them."""
    if CONTENT_TYPES not in archive.NameToInfo:
        raise _not_a_workbook()
    types: dict[str, str] = {}
    defaults: set[str] = set()

    def content_type(namespace: str, name: str, attributes: dict) -> None:
        if name == "Override" and namespace.startswith(PACKAGE):
            types.setdefault(attributes.get("ContentType", ""), attributes.get("PartName", "").lstrip("/"))
        elif name == "Default" and namespace.startswith(PACKAGE):
            defaults.add(attributes.get("ContentType", ""))

    _stream(archive, CONTENT_TYPES, content_type)
    workbook = next((types[kind] for kind in WORKBOOK_TYPES if kind in types), None)
    if workbook is None and defaults & set(WORKBOOK_TYPES):
        workbook = DEFAULT_WORKBOOK
    if workbook is None or workbook not in archive.NameToInfo:
        raise _not_a_workbook()
    sheets: list[tuple[str, str]] = []

    def sheet(namespace: str, name: str, attributes: dict) -> None:
        if name == "sheet" and namespace in SPREADSHEET:
            relation = next((value for key, value in attributes.items()
                             if key.rpartition(" ")[0] in RELATIONSHIPS and key.endswith(" id")), None)
            sheets.append((attributes.get("name", ""), relation))

    _stream(archive, workbook, sheet)
    targets = _relationships(archive, workbook)
    parts = [(name, targets.get(relation)) for name, relation in sheets]
    found = [part for _name, part in parts if part]
    if len(found) != len(set(found)):  # one part read as several sheets: openpyxl would read it again for each
        raise _damaged()
    return parts


def _relationships(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    """Relationship id -> the part it points to, resolved as openpyxl resolves it."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    targets: dict[str, str] = {}
    if rels not in archive.NameToInfo:
        return targets

    def relationship(namespace: str, name: str, attributes: dict) -> None:
        if name == "Relationship" and attributes.get("TargetMode") != "External":
            target = attributes.get("Target", "")
            targets[attributes.get("Id", "")] = target[1:] if target.startswith("/") else \
                posixpath.normpath(posixpath.join(folder, target))

    _stream(archive, rels, relationship)
    return targets


#: As the XLSForm tools read a sheet (pyxform's xls2json_backends): a run of more than
#: this many empty cells ends the header row, of more than this many empty rows the sheet.
XLSFORM_EMPTY_COLUMNS = 20
XLSFORM_EMPTY_ROWS = 60


class DataEnd:
    """Where the XLSForm tools stop reading a sheet: the header row (row 1) ends after
    more than 20 empty cells in a row, and the sheet after more than 60 rows with nothing
    under a header. Fed a sheet's values row by row (`keeps`), it says which are read:
    those of the header row up to its end, and those under a header up to the sheet's."""

    def __init__(self) -> None:
        self.headers: set[int] = set()  # the columns of the header row that are read
        self.header_end = 0  # the last of them
        self.header_closed = False
        self.last_row = 1  # the last row with a value under a header
        self.end_row: int | None = None  # the first row past the end that holds such a value

    def keeps(self, row: int, column: int) -> bool:
        """Whether the value in (row, column), both counted from 1, is read."""
        if row <= 1:
            if not self.header_closed and column - self.header_end - 1 <= XLSFORM_EMPTY_COLUMNS:
                self.headers.add(column)
                self.header_end = column
                return True
            self.header_closed = True
            return False
        if self.end_row is not None or column not in self.headers:
            return False
        if row - self.last_row - 1 > XLSFORM_EMPTY_ROWS:
            self.end_row = row
            return False
        self.last_row = row
        return True


class _SheetScan:
    """Finds how far a sheet's values reach while its XML streams past, rows and cells
    numbered as openpyxl numbers them. The whole sheet is read, within the unpacked size
    already checked, so that the message says how far it really reaches; its recorded
    `<dimension>` is not trusted (formatting widens it, and it may be wrong both ways)."""

    def __init__(self, name: str, limits):
        self.name, self.limits = name, limits
        self.row = self.column = self.rows = self.columns = 0
        self.cell = 0  # the column of the cell being read, until a value of it is seen
        # An XLSForm: what lies past where the XLSForm tools stop reading counts for no
        # limit but the rows and columns of an XLSX (the reader reads no further rows,
        # and holds every column of a row: openpyxl fills them in).
        self.end = DataEnd() if limits.xlsform else None
        self.past_end = 0

    def scan(self, archive: zipfile.ZipFile, part: str) -> None:
        _stream(archive, part, self.start)
        self.check(max(self.rows, self.past_end), self.columns)

    def start(self, namespace: str, name: str, attributes: dict) -> None:
        if namespace not in SPREADSHEET:
            return
        if name == "c":
            reference = CELL_REFERENCE.fullmatch(attributes.get("r", ""))
            self.column = _column_number(reference.group(1)) if reference else self.column + 1
            self.cell = self.column
        elif name in ("v", "is", "f") and self.cell:
            if self.end is None or self.end.keeps(self.row, self.cell):
                self.rows = max(self.rows, self.row)
            else:
                self.past_end = max(self.past_end, self.row)
            self.columns = max(self.columns, self.cell)
            self.cell = 0
        elif name == "row":
            given = _whole_number(attributes.get("r"))
            self.row = given if given is not None else self.row + 1
            self.column = self.cell = 0

    def check(self, rows: int, columns: int) -> None:
        if rows > self.limits.rows:
            raise UploadRefused(_l(
                "The sheet %(sheet)s reaches row %(found)s, more than the limit of %(limit)s rows. Delete the "
                "empty rows below the table, or split the file.", sheet=self.name, found=number(rows),
                limit=number(self.limits.rows)))
        if columns > self.limits.columns:
            raise UploadRefused(_l(
                "The sheet %(sheet)s reaches column %(found)s, more than the limit of %(limit)s columns. Delete "
                "the empty columns to the right of the table.", sheet=self.name, found=number(columns),
                limit=number(self.limits.columns)))


def _column_number(letters: str) -> int:
    """A column's number from its letters: A is 1, Z 26, AA 27, XFD 16384."""
    result = 0
    for letter in letters.upper()[:8]:  # eight letters are far past any limit; more only costs time
        result = result * 26 + ord(letter) - ord("A") + 1
    return result


def _whole_number(text: str | None) -> int | None:
    """A row number as openpyxl reads it ("7" or "7.0"), None when there is none."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return int(value)


def old_sheet_reach(sheet, end: DataEnd | None = None) -> tuple[int, int]:
    """How far an .xls sheet's values reach (rows, columns), as for an XLSX: cells that
    are empty or hold an empty text (as some tools write down to row 20,000) count for
    nothing; with `end`, only those the XLSForm tools read (the format holds at most
    65,536 rows: the reader may read what lies past, to name it)."""
    rows = columns = 0
    for index in range(sheet.nrows):
        for column, (kind, value) in enumerate(zip(sheet.row_types(index), sheet.row_values(index),
                                                   strict=True), 1):
            if kind not in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK) and value != "" and (
                    end is None or end.keeps(index + 1, column)):
                rows, columns = index + 1, max(columns, column)
    return rows, columns


def check_old_workbook(data: bytes, limits) -> None:
    """Refuse an Excel 97-2003 workbook (.xls) over `limits` (sheets, rows, columns), or
    one xlrd cannot open (damaged, protected with a password, or another Office file).

    Such a file is not compressed, so it is no larger read than uploaded, and its format
    holds at most 65,536 rows of 256 columns: xlrd may open it whole. Each sheet is
    loaded and let go in turn (`on_demand`), so only one is held at a time."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True, formatting_info=False)
    except Exception:  # xlrd raises many kinds for a damaged, encrypted or foreign file
        raise UploadRefused(_l(
            "This old Excel file (.xls) cannot be opened: it is damaged, protected with a password, or another "
            "Office document. Open it in Excel and save it, without a password, as an Excel workbook (.xlsx).")
        ) from None
    try:
        names = book.sheet_names()
        if len(names) > limits.sheets:
            raise UploadRefused(_l("The workbook has %(found)s sheets, more than the limit of %(limit)s. Remove "
                                   "the sheets that are not needed.", found=number(len(names)),
                                   limit=number(limits.sheets)))
        for index, name in enumerate(names):
            sheet = book.sheet_by_index(index)
            _SheetScan(name, limits).check(*old_sheet_reach(sheet, DataEnd() if limits.xlsform else None))
            book.unload_sheet(index)
    finally:
        book.release_resources()
