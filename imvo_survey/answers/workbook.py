"""The offline workbook: a response as an XLSX workbook to fill in without the website,
and the same workbook read back.

The workbook has an instructions sheet; one sheet per section with a row per question
(code, question, help, answer); one sheet per repeating group with a row per entry
(its key in a hidden column, so that a changed row updates the same entry and a
deleted row removes it) and empty rows to add entries; a hidden sheet of option lists
for the drop-downs; and a hidden sheet `_imvo` with the response, its lock version and
the values as downloaded, so that an upload over answers changed on the website since
gets the same three-way merge as the web form.

`write_workbook` is here, `read_workbook` in `workbook_read` (re-exported), applying
an upload in `workbook_apply`. No Flask routes: see `imvo_survey.respondent.workbook`.
"""

from __future__ import annotations

import json
from io import BytesIO

from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..models import Response
from ..questionnaires.describe import describe_condition
from ..questionnaires.question_types import QuestionType, question_type
from ..spreadsheets.writing import sheet_title
from . import document as documents
from .document import References
from .layout import layout_of
from .values import is_empty
from .workbook_format import (
    CHUNK,
    CODE_ROW,
    FIRST_ENTRY_ROW,
    FORMAT,
    HEADER_ROW,
    KEY_CODE,
    LIST_SHEET,
    META_SHEET,
    SMALL_LIST,
    Column,
    Options,
    WorkbookUpload,
    list_key,
    snapshot,
    table_columns,
    text_cell,
)
from .workbook_instructions import write_instructions
from .workbook_read import read_workbook

__all__ = ["WorkbookUpload", "read_workbook", "write_workbook"]

#: Empty rows offered below the entries of a table without a maximum.
BLANK_ROWS = 20
#: The list of a yes/no column (one option of a multiple choice).
YES_NO = {"type": "yes_no", "code": "yes_no"}
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
HEADER_FILL = PatternFill("solid", fgColor="DDDDDD")
ANSWER_FILL = PatternFill("solid", fgColor="FFF7D6")


def write_workbook(response: Response, language: str, references: References) -> bytes:
    """The response as an XLSX workbook in `language`, filled with what is saved."""
    with force_locale(language):
        return _Writer(response, language, references).write()


def _in(text: dict | None, language: str) -> str:
    text = text or {}
    return text.get(language) or text.get("nl") or text.get("en") or ""


class _ListSheet:
    """The option lists the drop-downs read: a code and a label column per list."""

    def __init__(self, options: Options):
        self.options = options
        self.lists: dict[str, list[tuple[str, str]]] = {}

    def range_for(self, question: dict) -> str | None:
        key = list_key(question)
        if key not in self.lists:
            self.lists[key] = self.options.choices(question)
        if not self.lists[key]:
            return None
        letter = get_column_letter(list(self.lists).index(key) * 2 + 2)
        return f"'{LIST_SHEET}'!${letter}$2:${letter}${len(self.lists[key]) + 1}"

    def write(self, sheet) -> None:
        for index, (key, items) in enumerate(self.lists.items()):
            column = index * 2 + 1
            sheet.cell(1, column, key)
            sheet.cell(1, column + 1, key)
            for row, (code, label) in enumerate(items, start=2):
                sheet.cell(row, column, text_cell(code))
                sheet.cell(row, column + 1, text_cell(str(label)))
        sheet.sheet_state = "hidden"


class _Writer:
    """Writes one response's workbook."""

    def __init__(self, response: Response, language: str, references: References):
        self.response = response
        self.language = language
        self.layout = layout_of(response.version)
        self.document = documents.load(response, self.layout)
        self.options = Options(references, language)
        self.lists = _ListSheet(self.options)
        self.book = Workbook()
        self.used = {META_SHEET.casefold(), LIST_SHEET.casefold()}
        self.sheets: list[tuple[str, str, str]] = []
        self.validations: dict[tuple[str, str], DataValidation] = {}

    def write(self) -> bytes:
        instructions = self.book.active
        instructions.title = sheet_title(_("Instructions"), self.used)
        write_instructions(instructions, self.response, self.language, self.options)
        for section in self.layout.sections:
            questions = self.layout.plain_questions(section)
            repeats = self.layout.repeats(section)
            title = _in(section["title"], self.language)
            if questions:
                self._section_sheet(section, questions, title)
            for repeat in repeats:
                alone = not questions and len(repeats) == 1
                self._table_sheet(repeat, title if alone else f"{title} - {_in(repeat['label'], self.language)}")
        self.lists.write(self.book.create_sheet(LIST_SHEET))
        self._meta_sheet(self.book.create_sheet(META_SHEET))
        buffer = BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()

    # --- sections ------------------------------------------------------------------

    def _section_sheet(self, section: dict, questions: list[dict], title: str) -> None:
        sheet = self.book.create_sheet(sheet_title(title, self.used))
        self.sheets.append((sheet.title, "section", section["code"]))
        for column, (header, width) in enumerate(((_("Code"), 4), (_("Question"), 50), (_("Help"), 45),
                                                  (_("Answer"), 45)), start=1):
            _header_cell(sheet.cell(1, column, header))
            sheet.column_dimensions[get_column_letter(column)].width = width
        row = 2
        intro = _in(section.get("intro"), self.language)
        if intro:
            sheet.cell(row, 2, text_cell(intro)).font = Font(italic=True)
            sheet.cell(row, 2).alignment = WRAP
            row += 1
        for question in questions:
            sheet.cell(row, 1, question["code"])
            sheet.cell(row, 2, text_cell(self._label(question))).alignment = WRAP
            sheet.cell(row, 3, text_cell(self._help(question))).alignment = WRAP
            answer = sheet.cell(row, 4, self._value(question, self.document.answers.get(question["code"])))
            self._answer_cell(sheet, answer, question)
            row += 1
        sheet.column_dimensions["A"].hidden = True
        sheet.freeze_panes = "A2"

    def _label(self, question: dict) -> str:
        return _in(question["label"], self.language) + (" *" if question.get("required") else "")

    def _help(self, question: dict) -> str:
        """The hint, when the question applies, and what to type."""
        parts = [_in(question.get("hint"), self.language)]
        if question.get("show_if"):
            parts.append(_("Only when %(condition)s.", condition=describe_condition(
                question["show_if"], self.layout.questions, self.language, self.options.reference_options)))
        parts.append(self._format_note(question))
        return "\n".join(part for part in parts if part)

    def _format_note(self, question: dict) -> str:
        kind = question_type(question)
        if kind.multiple:
            choices = self.options.choices(question)
            if len(choices) <= SMALL_LIST:
                return _("Several answers: type the codes separated by ;") + "\n" + \
                    "\n".join(f"{code} = {label}" for code, label in choices)
            self.lists.range_for(question)  # so that the list is there to look codes up
            return _("Several answers: type the codes or names separated by ; (the list is on the hidden sheet "
                     "%(sheet)s).", sheet=LIST_SHEET)
        return kind.note(question)

    def _value(self, question: dict, value):
        """A saved value as the workbook shows it: choices by label, several codes
        separated by ';', texts neutralised; numbers and dates as themselves."""
        if is_empty(value):
            return None
        kind = question_type(question)
        if kind.multiple:
            return text_cell("; ".join(value))
        if kind.single_code:
            return text_cell(str(self.options.label(question, str(value))))
        if isinstance(value, str):
            return text_cell(value)
        return value

    def _answer_cell(self, sheet, cell, question: dict) -> None:
        _style_answer(cell, question_type(question))
        if question_type(question).single_code:
            self._drop_down(sheet, question, cell.coordinate)

    def _drop_down(self, sheet, question: dict, cells: str) -> None:
        formula = self.lists.range_for(question)
        if formula is None:
            return
        validation = self.validations.get((sheet.title, formula))
        if validation is None:
            validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                        errorStyle="warning", errorTitle=_("Not in the list"),
                                        error=_("Choose a value from the list."))
            sheet.add_data_validation(validation)
            self.validations[(sheet.title, formula)] = validation
        validation.add(cells)

    # --- repeating groups ----------------------------------------------------------

    def _table_sheet(self, repeat: dict, title: str) -> None:
        sheet = self.book.create_sheet(sheet_title(title, self.used))
        self.sheets.append((sheet.title, "repeat", repeat["code"]))
        columns = table_columns(repeat, self.options)
        entries = self.document.entries.get(repeat["code"], [])
        capacity = max(len(entries), repeat.get("max_repeat") or len(entries) + BLANK_ROWS)
        last = FIRST_ENTRY_ROW + capacity - 1
        _header_cell(sheet.cell(HEADER_ROW, 1, _("Key")))
        sheet.cell(CODE_ROW, 1, KEY_CODE)
        for index, column in enumerate(columns, start=2):
            self._table_column(sheet, index, column, last)
        for row, entry in enumerate(entries, start=FIRST_ENTRY_ROW):
            sheet.cell(row, 1, entry.key)
            for index, column in enumerate(columns, start=2):
                sheet.cell(row, index).value = self._table_value(column, entry.values)
        sheet.column_dimensions["A"].hidden = True
        sheet.row_dimensions[CODE_ROW].hidden = True
        sheet.freeze_panes = sheet.cell(FIRST_ENTRY_ROW, 2).coordinate

    def _table_column(self, sheet, index: int, column: Column, last: int) -> None:
        question = column.question
        header = self._label(question)
        if column.option is not None:
            header = f"{_in(question['label'], self.language)}: {self.options.label(question, column.option)}"
        cell = _header_cell(sheet.cell(HEADER_ROW, index, text_cell(header)))
        note = _in(question.get("hint"), self.language) if column.option else self._help(question)
        if note:
            cell.comment = Comment(note, "IMVO", width=300, height=160)
        sheet.cell(CODE_ROW, index, column.code)
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 40 if question_type(question).is_text else 18
        kind = question_type(YES_NO if column.option is not None else question)
        for row in range(FIRST_ENTRY_ROW, last + 1):
            _style_answer(sheet.cell(row, index), kind)
        if kind.single_code:
            self._drop_down(sheet, YES_NO if column.option is not None else question,
                            f"{letter}{FIRST_ENTRY_ROW}:{letter}{last}")

    def _table_value(self, column: Column, values: dict):
        value = values.get(column.question["code"])
        if column.option is None:
            return self._value(column.question, value)
        yes, no = self.options.yes_no()
        return yes if column.option in (value or []) else no

    # --- the hidden sheet ----------------------------------------------------------

    def _meta_sheet(self, sheet) -> None:
        """The response, its lock version, the questionnaire version, the sheets, and
        the values as downloaded (JSON in chunks, as a cell holds 32,767 characters)."""
        sheet.append(["format", FORMAT])
        sheet.append(["response", self.response.id])
        sheet.append(["lock_version", self.response.lock_version])
        sheet.append(["version", self.response.version_id])
        sheet.append(["language", self.language])
        for title, kind, code in self.sheets:
            sheet.append(["sheet", text_cell(title), kind, code])
        text = json.dumps(snapshot(self.layout, self.document))
        for start in range(0, len(text), CHUNK):
            # The "~" keeps a chunk that begins with "=" from being stored as a formula.
            sheet.append(["base", "~" + text[start:start + CHUNK]])
        sheet.sheet_state = "hidden"


def _style_answer(cell, kind: QuestionType) -> None:
    """A cell to fill in: coloured; dates shown as dd-mm-yyyy; texts and lists of codes
    kept as text (so that Excel does not turn "1-2" into a date)."""
    cell.fill = ANSWER_FILL
    cell.alignment = WRAP
    if kind.cell_format:
        cell.number_format = kind.cell_format


def _header_cell(cell):
    cell.font = BOLD
    cell.fill = HEADER_FILL
    cell.alignment = WRAP
    return cell
