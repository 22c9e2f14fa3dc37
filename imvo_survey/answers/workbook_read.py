"""Reading an offline workbook back: every answer cell checked exactly like the web
form (the same `values.parse`, the same conditions and required questions of entries),
errors reported by sheet and cell. A workbook of another response or questionnaire
version, or without its hidden sheet, is refused with one error.

A person may type a choice's code or its label (in Dutch or English), "ja"/"nee",
numbers as text with decimal commas, and dates as spreadsheet dates or text."""

from __future__ import annotations

import warnings
from io import BytesIO

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from openpyxl import load_workbook

from ..models import Response
from ..questionnaires.question_types import question_type
from ..spreadsheets.reading import FALSE_WORDS, parse_bool
from ..uploads import UploadLimits, UploadRefused, check_upload, parse_json
from . import document as documents
from .checks import required_errors, shown
from .document import Document, References
from .layout import Layout, layout_of
from .services import Allowed
from .values import AnswerError, parse
from .workbook_format import (
    CODE_ROW,
    FIRST_ENTRY_ROW,
    FORMAT,
    KEY_CODE,
    META_SHEET,
    Column,
    Options,
    WorkbookUpload,
    check_base,
    table_columns,
    text_from_cell,
)

#: A value that did not pass its checks (None is a valid, empty answer).
INVALID = object()


def read_workbook(data: bytes, response: Response, language: str, references: References) -> WorkbookUpload:
    """The content of an uploaded workbook, or the errors that keep it from being saved."""
    with force_locale(language):
        try:
            book = _open(data)
        except UploadRefused as refusal:
            return _refused(str(refusal), sheet="")
        if book is None:
            return _refused(_("This file is not an Excel workbook (.xlsx). Upload the workbook you downloaded "
                              "here, saved as .xlsx."), sheet="")
        upload, sheets = _read_meta(book, response)
        if not upload.valid:
            return upload
        layout = layout_of(response.version)
        _Reader(book, layout, documents.load(response, layout), upload, Options(references, language),
                Allowed(references), language).read(sheets)
        return upload


def _open(data: bytes):
    """The workbook, or None when openpyxl cannot open it; a file over the upload
    limits (`uploads.check_upload`) raises UploadRefused unopened."""
    check_upload(data, "workbook.xlsx", ("xlsx",))
    try:
        with warnings.catch_warnings():  # Excel's extensions make openpyxl warn; they do not matter here
            warnings.simplefilter("ignore")
            return load_workbook(BytesIO(data), data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        return None


def _refused(message: str, sheet: str = META_SHEET) -> WorkbookUpload:
    return WorkbookUpload(errors=[(sheet, "", message)])


def _last_row() -> int:
    """The last row worth reading: the upload check found no value past the row limit,
    and rows formatted down to Excel's last one would otherwise be read cell by cell."""
    return UploadLimits.current().rows


def _read_meta(book, response: Response) -> tuple[WorkbookUpload, list[tuple[str, str, str]]]:
    """The hidden sheet: whose workbook this is, of which version, and the base values."""
    if META_SHEET not in book.sheetnames:
        return _refused(_("The hidden sheet %(sheet)s is missing, so the workbook cannot be matched to your "
                          "answers. Download a new workbook and copy your answers into it.", sheet=META_SHEET)), []
    fields, sheets, chunks = {}, [], []
    for row in book[META_SHEET].iter_rows(max_col=4, max_row=_last_row(), values_only=True):
        if row[0] == "sheet":
            sheets.append((text_from_cell(str(row[1])), row[2], row[3]))
        elif row[0] == "base":
            chunks.append(str(row[1] or "")[1:])
        elif isinstance(row[0], str):
            fields[row[0]] = row[1]
    try:
        if fields.get("format") != FORMAT or any(kind not in ("section", "repeat") for _t, kind, _c in sheets):
            raise ValueError("not our format")
        upload = WorkbookUpload(response_id=int(fields["response"]), version_id=int(fields["version"]),
                                lock_version=int(fields["lock_version"]), base=check_base(parse_json("".join(chunks))))
    except (KeyError, TypeError, ValueError):
        return _refused(_("The hidden sheet %(sheet)s has been changed, so the workbook cannot be matched to "
                          "your answers. Download a new workbook and copy your answers into it.",
                          sheet=META_SHEET)), []
    if upload.response_id != response.id:
        return _refused(_("This workbook belongs to another response. Download the workbook of this response "
                          "and copy your answers into it.")), []
    if upload.version_id != response.version_id:
        return _refused(_("This workbook was made for another version of the questionnaire. Download a new "
                          "workbook and copy your answers into it.")), []
    return upload, sheets


# --- cells ------------------------------------------------------------------------

def cell_raw(question: dict, cell, options: Options):
    """What a cell says, as input for `values.parse`: codes for choices (named by code
    or label), percentages formatted with % in Excel as 0-100, texts as typed."""
    value = cell.value
    if isinstance(value, str):
        value = text_from_cell(value)
        if not value.strip():
            return None
    if value is None:
        return None
    return question_type(question).from_cell(question, value, cell.number_format, options.code_for)


def _lines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def keep_base_text(question: dict, value, base):
    """A text that differs from the downloaded one only in its line ends is unchanged
    (a workbook stores line ends as \\n, a web form as \\r\\n)."""
    if question_type(question).is_text and isinstance(value, str) and isinstance(base, str) and \
            _lines(value) == _lines(base):
        return base
    return value


class _Reader:
    """Reads the sheets listed in the hidden sheet into the upload, collecting errors."""

    def __init__(self, book, layout: Layout, document: Document, upload: WorkbookUpload, options: Options,
                 allowed: Allowed, language: str):
        self.book, self.layout, self.document, self.upload = book, layout, document, upload
        self.options, self.allowed, self.language = options, allowed, language

    def read(self, sheets: list[tuple[str, str, str]]) -> None:
        for title, kind, code in sheets:
            if kind == "section" and self.layout.section(code) is not None:
                self._section(title, self.layout.section(code))
        context = dict(self.document.answers)
        for values in self.upload.answers.values():
            context.update(values)
        for title, kind, code in sheets:
            repeat = self.layout.group(code)
            if kind == "repeat" and repeat is not None:
                self._table(title, repeat, context)

    def _error(self, sheet: str, cell: str, question: dict | None, message: str) -> None:
        label = question["label"].get(self.language) or question["code"] if question else ""
        self.upload.errors.append((sheet, cell, f"{label}: {message}" if label else message))

    def _sheet(self, title: str):
        if title not in self.book.sheetnames:
            self._error(title, "", None, _("This sheet is missing. Do not rename or delete sheets."))
            return None
        return self.book[title]

    def _parsed(self, title: str, cell, question: dict, raw, base):
        """The typed value, or INVALID with an error at the cell."""
        try:
            value = parse(question, raw, self.allowed, self.language)
        except AnswerError as error:
            self._error(title, cell.coordinate, question, str(error))
            return INVALID
        return keep_base_text(question, value, base)

    def _section(self, title: str, section: dict) -> None:
        sheet = self._sheet(title)
        if sheet is None:
            return
        questions = self.layout.plain_questions(section)
        wanted = {q["code"] for q in questions}
        cells = {}
        for row in sheet.iter_rows(min_row=2, max_col=4, max_row=_last_row()):
            code = row[0].value
            if isinstance(code, str) and code in wanted and code not in cells:
                cells[code] = row[3]
        values = {}
        for question in questions:
            cell = cells.get(question["code"])
            if cell is None:
                self._error(title, "", question, _("The row of this question is missing. Do not delete rows."))
                continue
            value = self._parsed(title, cell, question, cell_raw(question, cell, self.options),
                                 self.upload.base["answers"].get(question["code"]))
            if value is not INVALID:
                values[question["code"]] = value
        self.upload.answers[section["code"]] = values

    # --- tables ----------------------------------------------------------------------

    def _table(self, title: str, repeat: dict, context: dict) -> None:
        sheet = self._sheet(title)
        columns = self._columns(sheet, title, repeat) if sheet is not None else None
        if columns is None:
            return
        rows = _filled_rows(sheet, columns)
        limit = repeat.get("max_repeat")
        if limit and len(rows) > limit:
            self._error(title, f"B{rows[limit][0]}", None, ngettext(
                "At most %(num)d entry is possible: remove this row and the ones below it.",
                "At most %(num)d entries are possible: remove this row and the ones below it.", limit))
            return
        known, used, result = self.upload.known_keys(repeat["code"]), set(), []
        # Each sub-question's columns, found once: not every column again for each question of each row.
        by_question = {child["code"]: [(columns[n], n) for n in sorted(columns) if columns[n].question is child]
                       for child in repeat["questions"]}
        for _number, key, cells in rows:
            # A row copied with its hidden key is a new entry; so is one with a strange key.
            key = key if key in known and key not in used else None
            used.add(key)
            values = self._entry(title, repeat, by_question, cells, key, context)
            if values is not None:
                result.append((key, values))
        self.upload.entries[repeat["code"]] = result

    def _columns(self, sheet, title: str, repeat: dict) -> dict[int, Column] | None:
        """The table's columns by number, from the hidden row of codes."""
        expected = {column.code: column for column in table_columns(repeat, self.options)}
        codes = {cell.column: cell.value for cell in sheet[CODE_ROW]}
        found = {number: expected[code] for number, code in codes.items() if isinstance(code, str) and code in expected}
        if codes.get(1) != KEY_CODE or len(found) != len(expected):
            self._error(title, f"A{CODE_ROW}", None, _(
                "The hidden row %(row)d of this sheet has been changed. Download a new workbook and copy your "
                "answers into it.", row=CODE_ROW))
            return None
        return found

    def _entry(self, title: str, repeat: dict, by_question: dict[str, list[tuple[Column, int]]], cells: dict, key,
               context: dict):
        """One row's values as the entry form would save them, or None with errors."""
        base = self.upload.base["entries"].get(repeat["code"], {}).get(key, {}) if key else {}
        first_cell, values, valid = {}, {}, True
        for child in repeat["questions"]:
            mine = [(column, cells[n]) for column, n in by_question[child["code"]]]
            first_cell[child["code"]] = mine[0][1]
            raw = self._options_raw(title, child, mine) if mine[0][0].option else \
                cell_raw(child, mine[0][1], self.options)
            value = INVALID if raw is INVALID else self._parsed(title, mine[0][1], child, raw,
                                                                base.get(child["code"]))
            valid = valid and value is not INVALID
            values[child["code"]] = value
        if not valid:
            return None
        values = {code: value if shown(self.layout.questions[code], context, values, repeat) else None
                  for code, value in values.items()}
        missing = required_errors(repeat["questions"], values, context, repeat)
        for code, message in missing.items():
            self._error(title, first_cell[code].coordinate, self.layout.questions[code], message)
        return None if missing else values

    def _options_raw(self, title: str, question: dict, columns: list[tuple[Column, object]]):
        """The options marked yes in one yes/no column per option."""
        chosen, valid = [], True
        yes, no = self.options.yes_no()
        for column, cell in columns:
            value = text_from_cell(cell.value) if isinstance(cell.value, str) else cell.value
            try:
                if value is not None and parse_bool(value):
                    chosen.append(column.option)
            except ValueError:
                self._error(title, cell.coordinate, question, _("Type %(yes)s or %(no)s.", yes=yes, no=no))
                valid = False
        return chosen if valid else INVALID


def _filled_rows(sheet, columns: dict[int, Column]) -> list[tuple[int, str | None, dict]]:
    """(row number, hidden key, cells by column number) of each row with anything in it;
    a row emptied but for its hidden key is an entry removed."""
    rows = []
    width = max(columns)
    for row in sheet.iter_rows(min_row=FIRST_ENTRY_ROW, max_col=width, max_row=_last_row()):
        cells = {number: row[number - 1] for number in columns}
        if all(_blank(cell.value, columns[number]) for number, cell in cells.items()):
            continue
        key = row[0].value
        rows.append((row[0].row, key.strip() if isinstance(key, str) else None, cells))
    return rows


def _blank(value, column: Column) -> bool:
    """Nothing in the cell (a "no" in a yes/no column counts as nothing)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return True
    if column.option is not None:
        return value.strip().casefold() in FALSE_WORDS if isinstance(value, str) else value in (False, 0)
    return False

