"""Reading XLSForm workbooks: `read_workbook` opens the file and reads its sheets in
order (settings, choices, survey), each by its part of the reader, into a definition
or a list of every problem found."""

from __future__ import annotations

import warnings
from collections.abc import Collection
from dataclasses import dataclass
from io import BytesIO

from openpyxl import load_workbook
from pyxform.xls2json_backends import xlrd_open, xls_value_to_unicode
from xlrd import XL_CELL_EMPTY

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import REFERENCE_LISTS
from ...uploads import UploadLimits
from ...uploads.workbook import XLSFORM_EMPTY_COLUMNS, XLSFORM_EMPTY_ROWS, DataEnd, old_sheet_reach
from .reader_settings import SettingsReader
from .reader_sheets import LeftOut, RawRows, WorkbookError, WorkbookWarning, is_blank
from .reader_survey import SurveyReader

#: Errors are reported sheet by sheet in this order, and by row within a sheet.
SHEET_ORDER = {None: 0, "survey": 1, "choices": 2, "settings": 3}
#: The first bytes of an Excel 97-2003 workbook (.xls), a compound document.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: The sheets read; any other sheet with content is reported as ignored.
READ_SHEETS = frozenset({"survey", "choices", "settings"})


@dataclass
class WorkbookReading:
    """What reading a workbook gives: the definition (None when there are errors), the
    errors that refuse the import, and the warnings about what was ignored, each sorted
    by sheet and row."""

    definition: dict | None
    errors: list[WorkbookError]
    warnings: list[WorkbookWarning]
    #: Whether texts without a language (a bare `label`) were read: their language is
    #: the one picked, else the settings' default_language, else Dutch.
    bare_texts: bool = False


def read_workbook(data: bytes, reference_lists: Collection[str] = REFERENCE_LISTS, filename: str | None = None
                  ) -> tuple[dict | None, list[WorkbookError]]:
    """The definition an XLSForm workbook states: (definition, []), or (None, errors)
    with every problem found. A select on a list named in `reference_lists` becomes a
    reference picker bound to that list. `read_workbook_with_warnings` also says what
    was ignored. Without a form_id, the code comes from `filename` (as in the XLSForm
    tools)."""
    reading = read_workbook_with_warnings(data, reference_lists, filename)
    return reading.definition, reading.errors


def read_workbook_with_warnings(data: bytes, reference_lists: Collection[str] = REFERENCE_LISTS,
                                filename: str | None = None, language: str | None = None) -> WorkbookReading:
    """As `read_workbook`, with the warnings: features of the workbook that are read
    past (appearances, metadata rows, settings and sheets we do not use, the assumed
    audience), by sheet, row and column. Warnings never stop an import. `language`
    ("nl" or "en") is the language of texts without one, as the user picked it."""
    sheets = _load_old_sheets(data) if data.startswith(OLE_MAGIC) else _load_sheets(data)
    if sheets is None:
        return WorkbookReading(None, [WorkbookError(None, None, None, _l(
            "The file cannot be opened; is it a valid Excel workbook (.xlsx, .xlsm or .xls)?"))], [])
    reader = _Reader(reference_lists, filename, language)
    definition = reader.read(sheets)
    warnings_found = _in_order(reader.warnings)
    if reader.errors:
        return WorkbookReading(None, _in_order(reader.errors), warnings_found, reader.bare_texts)
    return WorkbookReading(definition, [], warnings_found, reader.bare_texts)


def _in_order(found: list) -> list:
    """Errors or warnings sheet by sheet (SHEET_ORDER, other sheets last), by row within a sheet."""
    return sorted(found, key=lambda e: (SHEET_ORDER.get(e.sheet, 9), e.row or 0))


def _load_sheets(data: bytes) -> dict[str, RawRows] | None:
    """The rows of each sheet by lower-case name, or None when not an XLSX workbook."""
    try:
        with warnings.catch_warnings():
            # openpyxl warns about Excel features it drops (validation lists, styles);
            # we only read values, so those do not matter here.
            warnings.simplefilter("ignore")
            workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
            try:
                return {name.strip().lower(): _sheet_rows(workbook[name]) for name in workbook.sheetnames}
            finally:
                workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged or foreign file
        return None


def _load_old_sheets(data: bytes) -> dict[str, RawRows] | None:
    """The rows of each sheet of an Excel 97-2003 workbook (.xls), read as pyxform reads
    them (its xlrd backend and its cell conversion: 1 not 1.0, TRUE and FALSE, dates as
    text), or None when xlrd cannot open the file. Every row and column is kept, with
    its number, as for an XLSX: pyxform's own `xls_to_dict` would strip texts, drop
    headerless columns and other sheets and stop after 60 blank rows, and the reader
    reports each of those by place instead."""
    try:
        book = xlrd_open(file_contents=data)
    except Exception:  # xlrd raises many kinds for a damaged, encrypted or foreign file
        return None
    try:
        return {sheet.name.strip().lower(): [
            (number, tuple(_old_cell(book, cell) for cell in sheet.row(number - 1)))
            for number in range(1, old_sheet_reach(sheet)[0] + 1)] for sheet in book.sheets()}
    finally:
        book.release_resources()


def _old_cell(book, cell) -> str | None:
    """A cell of an .xls as text; None when empty. A date Excel cannot place in time
    (before 1900) is kept as the number it is stored as."""
    if cell.ctype == XL_CELL_EMPTY or cell.value == "":
        return None
    try:
        return xls_value_to_unicode(cell.value, cell.ctype, book.datemode)
    except Exception:  # xlrd's XLDateError and its kinds
        return str(cell.value)


def _sheet_rows(sheet) -> RawRows:
    if not hasattr(sheet, "iter_rows"):  # a chart sheet
        return []
    sheet.reset_dimensions()  # some tools record a wrong size; read every row there is
    # ...up to the row limit: the upload check found no value past it (LibreOffice formats
    # rows down to 1,048,576, which openpyxl would fill in one by one).
    rows = sheet.iter_rows(values_only=True, max_row=UploadLimits.current().rows)
    found = [(number, tuple(values)) for number, values in enumerate(rows, 1)]
    while found and not any(value is not None for value in found[-1][1]):
        found.pop()  # the empty rows up to the limit
    return found


class _Reader(SettingsReader, SurveyReader):
    """Reads the sheets of one workbook into a definition, collecting errors."""

    def read(self, sheets: dict[str, RawRows]) -> dict | None:
        """The definition, or None; problems are in `self.errors`."""
        if "survey" not in sheets and len(sheets) == 1:
            sheets = {"survey": next(iter(sheets.values()))}  # a lone sheet is the survey, as in pyxform
        sheets = {name: self.to_data_end(name, rows) if name in READ_SHEETS else rows for name, rows in sheets.items()}
        self.report_other_sheets(sheets)
        questionnaire = self.read_settings(sheets.get("settings"))
        self.read_choices(sheets.get("choices"))
        survey = self.survey_table(sheets.get("survey"))
        if survey is not None:
            self.walk(survey)
            self.check_conditions()
            self.report_unused_lists()
        if self.errors:
            return None
        return {"format": "imvo-questionnaire", "format_version": 1, "questionnaire": questionnaire,
                "version": self.version, "default_language": self.default_language, "sections": self.sections}

    def to_data_end(self, sheet: str, raw: RawRows) -> RawRows:
        """The rows and header cells of a sheet that the XLSForm tools read (`DataEnd`:
        they stop after a run of empty header cells or of empty rows); a header cell past
        the end of the header row, and the rows past the end of the sheet, are named as
        left out, not dropped in silence."""
        end = DataEnd()
        kept: RawRows = []
        cut: set[int] = set()  # the columns whose header is past the header row's end
        for number, values in raw:
            cells = list(values)
            for index, value in enumerate(values):
                if index in cut:
                    cells[index] = None  # left out with its header, said once
                if is_blank(value) or end.keeps(number, index + 1) or number > 1:
                    continue  # a value under no header: the reader names such a column
                cut.add(index)
                cells[index] = None
                self.warnings.append(LeftOut(sheet, 1, str(value).strip(), _l(
                    "This column is left out: more than %(count)s empty cells come before it in the header row, and "
                    "the XLSForm tools stop reading the header row there.", count=XLSFORM_EMPTY_COLUMNS),
                    str(value).strip()))
            if end.end_row is not None:
                self.warnings.append(LeftOut(sheet, end.end_row, None, _l(
                    "This row and the rows below it are left out: more than %(count)s empty rows come before them, "
                    "and the XLSForm tools stop reading a sheet there.", count=XLSFORM_EMPTY_ROWS)))
                break
            kept.append((number, tuple(cells)))
        return kept

    def report_other_sheets(self, sheets: dict[str, RawRows]) -> None:
        """Sheets we do not read (external_choices, notes, ...) are named when they hold anything."""
        for name, rows in sheets.items():
            if name not in READ_SHEETS and any(not is_blank(value) for _number, values in rows for value in values):
                self.warn(name, None, None, _l("The sheet %(sheet)s is not read, so its content is ignored.",
                                               sheet=name))
