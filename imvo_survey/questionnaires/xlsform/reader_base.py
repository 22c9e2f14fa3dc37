"""The base of the XLSForm reader: its state, how it records errors, and what all
sheets need: tables with their columns checked, texts in both languages and names."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import spaced, valid_choice_code
from .common import LANGUAGES, SETTINGS_COLUMNS
from .reader_aliases import column_tokens, uses_double_colon
from .reader_sheets import (
    TEXT_COLUMNS,
    Column,
    LeftOut,
    RawRows,
    Row,
    Table,
    WorkbookError,
    WorkbookWarning,
    filled_rows,
    is_blank,
    read_column,
)

NAME_PATTERN = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]*")
MAX_NAME_LENGTH = 80  # as the JSON Schema's codes
#: An answer shown in a text, as the XLSForm tools fill it in: ${name}.
PIPED = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}")
#: XLSForm columns for features we do not have; a filled cell is reported.
UNSUPPORTED_COLUMNS = frozenset({"calculation", "choice_filter", "default", "read_only", "repeat_count",
                                 "trigger", "parameters", "required_message", "guidance_hint", "image",
                                 "audio", "video", "big-image", "autoplay", "rows", "no_app_error_string",
                                 "save_to"})
UNSUPPORTED_PREFIXES = ("media::", "bind::", "body::", "instance::", "control::")
SETTINGS_KNOWN = frozenset(SETTINGS_COLUMNS)
LANGUAGE_NAMES_SHOWN = {"nl": _l("Dutch"), "en": _l("English")}


@dataclass
class Open:
    """A group or repeat begun and not yet ended; `node` is None when unsupported."""

    kind: str  # "group" or "repeat"
    row: int
    node: dict | None
    fields: dict[str, int] = field(default_factory=dict)  # inventory field -> row
    fields_checked: bool = True  # False when the repeat's inventory is wrong (already reported)
    left_out: bool = False  # True: the block and every row in it are left out (a repeat in a repeat, a loop)
    condition: dict | None = None  # a group's condition, put on each of its questions
    dropped: int = 0  # rows inside that were left out


#: Between a text column and its language: `label::Français (fr)`, or `label:French`.
LANGUAGE_SEPARATOR = re.compile("::|:")


class ReaderBase:
    """What every part of the reader uses: the state of reading one workbook, the
    errors found, the tables read, texts and names. The parts for each sheet extend it
    (reader_settings, reader_choices, reader_questions, reader_survey)."""

    def __init__(self, reference_lists: Collection[str], filename: str | None = None, language: str | None = None):
        self.reference_lists = reference_lists
        self.filename = filename  # the code when the settings give no form_id
        self.picked_language = language  # the language of texts without one, as the user chose
        self.bare_texts = False  # True: a filled text column without a language (label, hint)
        self.errors: list[WorkbookError] = []
        self.warnings: list[WorkbookWarning] = []  # what is ignored; the import goes ahead
        self.tables: dict[str, Table] = {}
        self.default_language = "nl"
        self.form_title: dict | None = None
        self.lists: dict[str, list[Row]] | None = None  # None: no usable choices sheet
        self.choices_missing = False  # True: the sheet is absent (reported once when needed)
        self.checked_lists: dict[tuple[str, str], object] = {}
        self.used_lists: set[str] = set()  # the lists a question read uses
        self.names: dict[str, int] = {}
        self.taken: set[str] = set()
        self.sections: list[dict] = []
        self.stack: list[Open] = []
        self.loose: dict | None = None  # the section taking questions outside any group
        self.loose_count = 0
        self.relevant: list[tuple[Row, dict, dict | None]] = []  # (row, condition, node it is on)
        self.left_out_names: dict[str, int] = {}  # name -> row, of rows left out
        self.group_rows: dict[str, int] = {}  # section code -> row of its begin_group
        self.emptied: dict[str, int] = {}  # section code -> rows left out inside the group
        self.piped: set[tuple[str, int, str]] = set()  # (sheet, row, text column) with ${...}, named once
        self.version = 1

    def error(self, sheet: str | None, row: int | None, key: str | None, message) -> None:
        """Record a problem; `key` is a column key, reported as its header as written."""
        table = self.tables.get(sheet) if sheet else None
        column = table.headers.get(key, key) if table and key else key
        self.errors.append(WorkbookError(sheet, row, column, message))

    def row_error(self, row: Row, key: str | None, message) -> None:
        self.error(row.sheet, row.number, key, message)

    def warn(self, sheet: str | None, row: int | None, key: str | None, message) -> None:
        """Record something ignored; `key` is a column key, reported as its header as written."""
        table = self.tables.get(sheet) if sheet else None
        column = table.headers.get(key, key) if table and key else key
        self.warnings.append(WorkbookWarning(sheet, row, column, message))

    def row_warning(self, row: Row, key: str | None, message) -> None:
        self.warn(row.sheet, row.number, key, message)

    def leave_out(self, row: Row, key: str | None, message, whole_row: bool = True) -> None:
        """Record content the survey cannot use (see LeftOut); with `whole_row`, the row's
        name is remembered, so that conditions on it are left out too, not refused."""
        table = self.tables.get(row.sheet)
        column = table.headers.get(key, key) if table and key else key
        name = row.value("name")
        self.warnings.append(LeftOut(row.sheet, row.number, column, message, name))
        if whole_row and name:
            self.left_out_names.setdefault(name, row.number)
        for still_open in self.stack:
            still_open.dropped += 1

    def left_out_warning(self, number: int, name: str, message) -> LeftOut:
        """A LeftOut about a survey row by its number (for a block closed later)."""
        table = self.tables.get("survey")
        return LeftOut("survey", number, table.headers.get("type", "type") if table else "type", message, name)

    def appearance(self, row: Row, supported: frozenset[str] = frozenset()) -> None:
        """Report the appearances of a row that are not in `supported` (they only style
        KoBoToolbox and ODK forms, so they are ignored, but not in silence)."""
        ignored = [word for word in row.value("appearance").split() if word.lower() not in supported]
        if ignored:
            self.row_warning(row, "appearance", _l(
                "The appearance %(appearance)s is ignored: only multiline, on a text question, is read.",
                appearance=" ".join(ignored)))

    # --- tables

    def table(self, sheet: str, raw: RawRows, known: frozenset[str] | None) -> Table:
        """The accepted columns and non-empty rows of a sheet. With `known`, columns we
        do not read are reported when they hold anything; `$` columns are KoBoToolbox's."""
        headers = raw[0][1] if raw else ()
        columns: dict[str, Column] = {}
        filled = filled_rows(raw)
        double_colon = uses_double_colon(headers)
        width = max(len(headers), max(filled, default=-1) + 1)  # rows may be longer than the header
        read: list[Column] = []
        for index, header in enumerate(headers[index] if index < len(headers) else None for index in range(width)):
            if is_blank(header):
                self.headerless_column(sheet, index, filled.get(index, []))
                continue
            if str(header).strip().startswith("$"):
                continue
            written = str(header).strip()
            tokens = column_tokens(sheet, written, double_colon, known or SETTINGS_KNOWN)
            read.append(read_column(index, written, filled.get(index, []), self.default_language, tokens))
            if read[-1].filled and read[-1].base in TEXT_COLUMNS and len(tokens) == 1:
                self.bare_texts = True
        self.stand_in_language(sheet, read)
        for column in read:
            if known is not None and not self.column_accepted(sheet, column, known):
                continue
            previous = columns.get(column.key)
            if previous is not None and previous.filled and column.filled:
                self.errors.append(WorkbookError(sheet, 1, column.header, _l(
                    "The column %(column)s appears twice. Remove one.", column=column.header)))
            elif previous is None or column.filled:  # a filled column wins over an empty one
                columns[column.key] = column
        table = Table(sheet, {key: c.header for key, c in columns.items()}, [],
                      {c.language for c in columns.values() if c.base == "label" and c.filled})
        for number, values in raw[1:]:
            cells = {key: values[c.index] for key, c in columns.items()
                     if c.index < len(values) and not is_blank(values[c.index])}
            if cells:
                table.rows.append(Row(sheet, number, cells))
        self.tables[sheet] = table
        return table

    def stand_in_language(self, sheet: str, columns: list[Column]) -> None:
        """A sheet whose labels are in neither Dutch nor English (only French, say) is
        read with its first language standing in for the language of texts without one,
        said so; otherwise no label would be left and the form could not be used."""
        labelled = [column.language for column in columns if column.base == "label" and column.filled]
        if not labelled or any(language in LANGUAGES for language in labelled):
            return
        stand_in = labelled[0]
        for column in columns:
            if column.base in TEXT_COLUMNS and column.language == stand_in:
                column.language = self.default_language
        first = next(column for column in columns if column.base == "label" and column.filled)
        self.warnings.append(WorkbookWarning(sheet, first.filled[0], first.header, _l(
            "The form has no Dutch or English texts, so the texts in %(column)s are read as %(language)s.",
            column=first.header, language=str(LANGUAGE_NAMES_SHOWN[self.default_language]))))

    def headerless_column(self, sheet: str, index: int, filled: list[int]) -> None:
        """A column with values but no header cannot be read; say so instead of skipping it."""
        if filled:
            self.warnings.append(WorkbookWarning(sheet, filled[0], None, _l(
                "Column %(letter)s has no header, so its values are ignored.", letter=get_column_letter(index + 1))))

    def column_accepted(self, sheet: str, column: Column, known: frozenset[str]) -> bool:
        """Whether a column is one we read. Columns of XLSForm features we do not have
        (calculation, choice_filter, default, media, bind::...) are kept, so that each
        row that fills them says so (`unsupported_cells`); other columns are reported
        once: an unknown `imvo::` column is an error (a typo would lose our own data),
        any other unknown column a warning, and a text in another language than Dutch or
        English is left out (respondents see only those two)."""
        if _unsupported(column.base):
            return True
        if not column.filled:
            return column.base in known
        header = column.header
        if column.base not in known:
            if column.base.startswith("imvo::"):
                self.errors.append(WorkbookError(sheet, column.filled[0], header, _l(
                    "Unknown column %(column)s. Remove it, or start its name with $ to have it ignored.",
                    column=header)))
            else:
                self.warnings.append(WorkbookWarning(sheet, column.filled[0], header, _l(
                    "The column %(column)s is not an XLSForm column the survey reads, so its values are ignored.",
                    column=header)))
        elif column.base in TEXT_COLUMNS and column.language not in LANGUAGES:
            # Kept with the questions and choices (`other_texts`) and written back on
            # export; named in the preview, since respondents never see them.
            self.warnings.append(LeftOut(sheet, column.filled[0], header, _l(
                "The texts in %(column)s are kept with the questions and choices and exported again (section "
                "titles in it are not), but respondents see only Dutch and English.", column=header)))
            return True
        else:
            return True
        return False

    def unsupported_cells(self, row: Row) -> None:
        """Name each filled cell of the row in a column of a feature we do not have."""
        for key in row.cells:
            if not _unsupported(key):
                continue
            base = key.split("::")[0]
            header = self.tables[row.sheet].headers.get(key, key)
            if base == "choice_filter":
                message = _l("The choice filter is left out: every choice of the list is shown.")
            elif base == "default":
                message = _l("The default %(value)r is left out: the question starts empty.", value=row.value(key))
            else:
                message = _l("The column %(column)s is not supported, so its value here is left out.", column=header)
            self.leave_out(row, key, message, whole_row=False)

    def require_columns(self, table: Table, keys: Sequence[str]) -> bool:
        """Report the columns a sheet lacks (a label column in any language will do)."""
        present = {key.split("::")[0] if key.startswith("label::") else key for key in table.headers}
        missing = [key for key in keys if key not in present]
        for key in missing:
            self.error(table.sheet, 1, key, _l("The column %(column)s is missing. Add it.", column=key))
        return not missing

    # --- texts and cells

    def texts(self, row: Row, column: str) -> dict[str, str]:
        """A text in both languages; a language the sheet does not have takes the other."""
        languages = self.tables[row.sheet].languages
        values = {language: row.words(f"{column}::{language}") for language in LANGUAGES}
        for language, other in (("nl", "en"), ("en", "nl")):
            if language not in languages and not values[language]:
                values[language] = values[other]
        self.name_piped(row, column, values)
        return values

    def name_piped(self, row: Row, column: str, values: dict[str, str]) -> None:
        """A text that shows an answer (`Your name is ${name}`, as the XLSForm tools fill
        in) is kept as written, which respondents then see: named once for the preview."""
        names = sorted({name for text in values.values() for name in PIPED.findall(text)})
        if not names or (row.sheet, row.number, column) in self.piped:
            return
        self.piped.add((row.sheet, row.number, column))
        table = self.tables.get(row.sheet)
        written = [f"{column}::{language}" for language in LANGUAGES if PIPED.search(row.words(f"{column}::{language}"))]
        key = written[0] if written else column
        self.warnings.append(LeftOut(row.sheet, row.number, table.headers.get(key, key) if table else key, _l(
            "This text shows the answer to %(names)s (${...}), which the survey cannot fill in: respondents see "
            "it as written. Rewrite the text without it, or import it as it is.",
            names=", ".join(names)), row.value("name")))

    def other_texts(self, row: Row) -> dict[str, str]:
        """The row's texts in languages other than Dutch and English, by column header
        as written (`label::Français (fr)`), to be kept and exported again."""
        table = self.tables.get(row.sheet)
        found = {}
        for key in row.cells:
            base, _sep, language = key.rpartition("::")
            if base in TEXT_COLUMNS and language not in LANGUAGES and row.words(key) and table is not None:
                # Written back with two colons, as the writer writes every text column.
                parts = LANGUAGE_SEPARATOR.split(table.headers[key], maxsplit=1)
                found[f"{base}::{parts[1].strip() if len(parts) > 1 else language}"] = row.words(key)
        return found

    def label(self, row: Row) -> dict[str, str]:
        """A label; one empty language takes the other. Without one, the name is shown,
        as ODK does (said so); a row with neither is an error."""
        values = self.texts(row, "label")
        if not values["nl"] and not values["en"]:
            headers = self.tables[row.sheet].headers
            key = "label::nl" if "label::nl" in headers else "label::en" if "label::en" in headers else "name"
            name = row.value("name")
            if not name:
                self.row_error(row, key, _l("The label is missing. Fill it in."))
            else:
                self.row_warning(row, key, _l("The label is missing, so the name is shown instead."))
                return {"nl": name, "en": name}
        return {"nl": values["nl"] or values["en"], "en": values["en"] or values["nl"]}

    def optional_text(self, row: Row, column: str) -> dict[str, str] | None:
        values = self.texts(row, column)
        return values if values["nl"] or values["en"] else None

    def name(self, row: Row) -> str:
        """The row's name, checked; names are unique across sections, repeats and questions."""
        name = row.value("name")
        if not self.valid_name(row, "name", name):
            return name
        if name in self.names:
            self.row_error(row, "name", _l("The name %(name)r is already used in row %(row)s. Choose another name.",
                                           name=name, row=self.names[name]))
        else:
            self.names[name] = row.number
        return name

    def valid_name(self, row: Row, key: str, name: str) -> bool:
        """Whether a name (or code) is filled in and well formed; reports it when not."""
        if not name:
            self.row_error(row, key, _l("The name is missing. Fill it in."))
            return False
        if not NAME_PATTERN.fullmatch(name) or len(name) > MAX_NAME_LENGTH:
            self.row_error(row, key, _l(
                "The name %(name)r is not valid. Start with a letter or _, then use letters, digits, _, - or . "
                "(at most 80 characters).", name=name))
            return False
        return True

    def valid_choice_name(self, row: Row, name: str) -> bool:
        """Whether a choice name is as the XLSForm tools accept it (see
        valid_choice_code); reports it when not."""
        if not valid_choice_code(name):
            self.row_error(row, "name", _l(
                "The choice name %(name)r is not valid: use one line of at most 80 characters.", name=name))
            return False
        return True

    def unspaced_choice_name(self, row: Row, name: str) -> None:
        """Reports a choice name with a space in a list that a select_multiple uses (as
        the XLSForm tools do): its answers are the chosen names joined by spaces."""
        if valid_choice_code(name) and spaced(name):  # an invalid name is reported as such
            self.row_error(row, "name", _l(
                "The choice name %(name)r has a space, and a select_multiple question uses the list %(list)s: "
                "its answers are the chosen names joined by spaces. Write the name without spaces.",
                name=name, list=row.value("list_name")))

    # --- rows

    def check_columns(self, row: Row, allowed: frozenset[str]) -> None:
        """Report filled cells in columns that do not apply to this kind of row, and
        name those of features we do not have (left out)."""
        self.unsupported_cells(row)
        for key in row.cells:
            base = key.split("::")[0] if key.split("::")[0] in TEXT_COLUMNS else key
            if base not in allowed and not _unsupported(key):
                self.row_error(row, key, _l(
                    "The column %(column)s does not apply to a %(type)s row. Empty this cell.",
                    column=self.tables[row.sheet].headers.get(key, key), type=row.value("type")))


def _unsupported(key: str) -> bool:
    """A column (its key, with or without a language) of an XLSForm feature we do not
    have: its values are left out, row by row."""
    base = key.split("::")[0]
    return (key in UNSUPPORTED_COLUMNS or base in UNSUPPORTED_COLUMNS
            or key.startswith(UNSUPPORTED_PREFIXES))
