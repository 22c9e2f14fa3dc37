"""Sheets as the XLSForm reader sees them: cell values as text, rows by column key,
columns with their language, and the error type that says where a problem is. Plain
data: the checks that report problems are in the reader modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

#: Language names people write without a code, as in `label::Dutch`.
LANGUAGE_NAMES = {"dutch": "nl", "nederlands": "nl", "english": "en", "engels": "en"}
#: Columns that carry a language (`label::English (en)`); the rest are plain.
TEXT_COLUMNS = ("label", "hint", "constraint_message")

RawRows = list[tuple[int, tuple]]  # (row number, cell values) per spreadsheet row


@dataclass
class WorkbookError:
    """A problem in a workbook, where it is: sheet, 1-based row (the header is row 1)
    and column header; None where the problem is about the whole sheet or file."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str


class WorkbookWarning(WorkbookError):
    """Something in a workbook that is read past: the import goes ahead, and says what
    it ignored and where, so that nothing is dropped in silence."""


@dataclass
class LeftOut(WorkbookWarning):
    """Content of a workbook the survey cannot use as written: a row or cell that is
    left out (a calculate, a geopoint, a choice filter, a repeat inside a repeat) or
    kept in another form (a note as text of its section, a time as a text question).
    The message says which; `name` is the row's name. Unlike other warnings, these are
    shown before the import, which waits for the user to confirm."""

    name: str = ""


def cell_text(value: object) -> str:
    """A cell as text as its author sees it: 3 not 3.0, booleans as true/false."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)


def is_blank(value: object) -> bool:
    return cell_text(value).strip() == ""


def language_code(text: str) -> str | None:
    """The language a column suffix or setting names: `Nederlands (nl)`, `nl`, `Dutch`."""
    text = text.strip()
    match = re.fullmatch(r"[^()]*\(\s*([A-Za-z-]{2,8})\s*\)", text)
    if match:
        return match.group(1).lower()
    if re.fullmatch(r"[A-Za-z]{2,3}", text):
        return text.lower()
    return LANGUAGE_NAMES.get(text.lower())


@dataclass
class Row:
    """A non-empty spreadsheet row: its filled cells by column key (`label::nl`, `type`)."""

    sheet: str
    number: int
    cells: dict[str, object]

    def value(self, key: str) -> str:
        """The cell as stripped text, "" when empty."""
        return cell_text(self.cells.get(key)).strip()

    def words(self, key: str) -> str:
        """The cell as the author wrote it (texts keep their spacing), "" when blank."""
        text = cell_text(self.cells.get(key))
        return text if text.strip() else ""


@dataclass
class Column:
    index: int
    header: str  # as written
    base: str  # lower case, without the language: "label", "imvo::type"
    language: str | None
    filled: list[int]  # the rows with a value

    @property
    def key(self) -> str:
        return f"{self.base}::{self.language}" if self.language else self.base


@dataclass
class Table:
    """A sheet read: the accepted columns (key -> header as written) and the rows."""

    sheet: str
    headers: dict[str, str]
    rows: list[Row]
    languages: set[str]  # the languages with a filled label column


def filled_rows(raw: RawRows) -> dict[int, list[int]]:
    """Column index -> the rows (after the header) with a value in that column, in one
    pass over the cells: asking each column in turn would read every row once per
    column, and a sheet whose rows are padded to a far column made that slow."""
    filled: dict[int, list[int]] = {}
    for number, values in raw[1:]:
        for index, value in enumerate(values):
            if value is not None and not is_blank(value):
                filled.setdefault(index, []).append(number)
    return filled


def read_column(index: int, header: str, filled: list[int], default_language: str, tokens: tuple[str, ...]
                ) -> Column:
    """A column from its header split into (column, language) by pyxform's rules
    (`reader_aliases.column_tokens`), and the rows (after the header) that fill it.
    A text column with a language we cannot name (`label::chinese`) keeps the word as
    its language, so that it is reported as another language, not as an unknown column."""
    base, language = tokens[0].strip().lower(), None
    if len(tokens) > 1:
        language = language_code(tokens[-1])
        if language is None and base in TEXT_COLUMNS and len(tokens) == 2 and tokens[1].strip():
            language = tokens[1].strip().lower()
        base = ("::".join(tokens[:-1]) if language else "::".join(tokens)).strip().lower()
    if language is None and base in TEXT_COLUMNS:
        language = default_language  # a bare `label` is in the form's default language
    return Column(index, header, base, language, filled)
