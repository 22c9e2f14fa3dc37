"""What the offline workbook's writer and reader share: the names of its hidden sheets,
the columns of a repeating group's table, the options of questions (codes and labels
in both languages), text cells safe from formulas, the snapshot of a response that
serves as the base of the three-way merge, and `WorkbookUpload`, what a read gives.

No Flask routes; texts are translated by the caller's locale."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from ..models.questionnaire_vocabulary import YES_NO_CHOICES
from ..questionnaires.formbuilder import choices_of
from ..questionnaires.question_types import question_type
from ..spreadsheets.writing import FORMULA_PREFIXES, cell_text
from ..text import from_spreadsheet, to_spreadsheet
from ..uploads import parse_json
from .document import Document, References
from .layout import Layout
from .values import to_json

#: Written in the hidden sheet: a workbook of another format is refused.
FORMAT = "imvo-workbook-1"
#: The hidden sheet with the response, its lock version and the base values.
META_SHEET = "_imvo"
#: The hidden sheet with the option lists that the drop-downs read.
LIST_SHEET = "_lists"
#: Marks the hidden key column and the hidden row of codes of a table.
KEY_CODE = "_key"
#: Separates a question code from an option code in a yes/no column's code.
OPTION_SEPARATOR = "::"
#: A multiple choice with at most this many options gets one yes/no column per option
#: in a table (more would make the table too wide).
OPTION_COLUMNS_LIMIT = 8
#: Lists up to this long are spelled out in the help column.
SMALL_LIST = 20
#: The header row and the (hidden) row of codes of a table; entries start below.
HEADER_ROW, CODE_ROW, FIRST_ENTRY_ROW = 1, 2, 3
#: Section sheets: code, question, help, answer.
CODE_COLUMN, ANSWER_COLUMN = "A", "D"
#: A cell holds at most 32,767 characters: the base JSON is cut into chunks.
CHUNK = 30000


@dataclass
class Column:
    """One column of a table: a sub-question, or one option of a multiple choice."""

    question: dict
    option: str | None = None

    @property
    def code(self) -> str:
        return self.question["code"] + (OPTION_SEPARATOR + self.option if self.option else "")


@dataclass
class WorkbookUpload:
    """A read workbook: errors (sheet, cell, message), or its content.

    `answers` holds the plain answers by section, `entries` the rows of each repeating
    group as (entry key or None for a new entry, values), and `base` the values as
    they were when the workbook was downloaded (JSON: {"answers": {code: value},
    "entries": {repeat: {key: {code: value}}}}), for the three-way merge."""

    errors: list[tuple[str, str, str]] = field(default_factory=list)
    response_id: int | None = None
    version_id: int | None = None
    lock_version: int | None = None
    answers: dict[str, dict] = field(default_factory=dict)
    entries: dict[str, list[tuple[str | None, dict]]] = field(default_factory=dict)
    base: dict = field(default_factory=lambda: {"answers": {}, "entries": {}})

    @property
    def valid(self) -> bool:
        return not self.errors

    def known_keys(self, repeat_code: str) -> set[str]:
        """The entries that were in the workbook when it was downloaded."""
        return set(self.base["entries"].get(repeat_code, {}))

    def to_json(self) -> str:
        """The content as JSON (for the conflict page, which sends it back)."""
        return json.dumps({
            "response_id": self.response_id, "version_id": self.version_id, "lock_version": self.lock_version,
            "answers": {section: {code: to_json(value) for code, value in values.items()}
                        for section, values in self.answers.items()},
            "entries": {repeat: [[key, {code: to_json(value) for code, value in values.items()}]
                                 for key, values in rows] for repeat, rows in self.entries.items()},
            "base": self.base})

    @classmethod
    def from_json(cls, text: str) -> WorkbookUpload:
        """The inverse of `to_json`; raises ValueError for anything else. Values stay
        JSON (dates as ISO text): applying an upload checks every value again."""
        data = parse_json(text)
        try:
            upload = cls(response_id=int(data["response_id"]), version_id=int(data["version_id"]),
                         lock_version=int(data["lock_version"]),
                         answers={section: dict(values) for section, values in data["answers"].items()},
                         entries={repeat: [(key if isinstance(key, str) else None, dict(values))
                                           for key, values in rows] for repeat, rows in data["entries"].items()},
                         base=check_base(data["base"]))
        except (KeyError, TypeError, AttributeError) as error:
            raise ValueError("not an upload") from error
        return upload


def check_base(base) -> dict:
    """The base JSON when it has the expected shape; raises ValueError otherwise."""
    if not isinstance(base, dict) or not isinstance(base.get("answers"), dict) or \
            not isinstance(base.get("entries"), dict):
        raise ValueError("not a base")
    for rows in base["entries"].values():
        if not isinstance(rows, dict) or not all(isinstance(values, dict) for values in rows.values()):
            raise ValueError("not a base")
    return base


def snapshot(layout: Layout, document: Document) -> dict:
    """The response's values as JSON, in the shape of `WorkbookUpload.base`."""
    answers = {q["code"]: to_json(document.answers.get(q["code"]))
               for section in layout.sections for q in layout.plain_questions(section)}
    entries = {repeat["code"]: {entry.key: {child["code"]: to_json(entry.values.get(child["code"]))
                                            for child in repeat["questions"]}
                                for entry in document.entries.get(repeat["code"], [])}
               for repeat in layout.repeats()}
    return {"answers": answers, "entries": entries}


def text_cell(value: str) -> str:
    """Text typed by a respondent, safe in a cell: never read as a formula, and read back
    by `text_from_cell` as it was."""
    return to_spreadsheet(cell_text(value))


def text_from_cell(value: str) -> str:
    """The inverse of `text_cell`: Excel's escapes (`_x000D_`) decoded, line ends as LF,
    and the quote that neutralised a formula goes again."""
    value = from_spreadsheet(value)
    if value.startswith("'") and value[1:].startswith(FORMULA_PREFIXES):
        return value[1:]
    return value


class Options:
    """The options of questions with choices: codes with labels in the workbook's
    language, and every way to name an option (code, Dutch or English label)."""

    def __init__(self, references: References, language: str):
        self.references = references
        self.language = language
        self._lookups: dict[str, dict[str, str]] = {}

    def reference_options(self, name: str, language: str) -> list[tuple[str, str]]:
        """(code, label) of a reference list in display order (an OptionsProvider)."""
        return self.references.list(name).options(language)

    def choices(self, question: dict, language: str | None = None) -> list[tuple[str, str]]:
        return choices_of(question, language or self.language, self.reference_options)

    def label(self, question: dict, code: str) -> str:
        return dict(self.choices(question)).get(code, code)

    def yes_no(self) -> tuple[str, str]:
        """The words for yes and no in the workbook's language."""
        (_, yes_nl, yes_en), (_, no_nl, no_en) = YES_NO_CHOICES
        return (yes_nl, no_nl) if self.language == "nl" else (yes_en, no_en)

    def code_for(self, question: dict, text: str) -> str | None:
        """The code an option is named by (code or label, any case), or None."""
        key = list_key(question)
        if key not in self._lookups:
            lookup: dict[str, str] = {}
            for language in ("nl", "en"):
                for code, label in self.choices(question, language):
                    lookup.setdefault(code.casefold(), code)
                    lookup.setdefault(str(label).strip().casefold(), code)
            self._lookups[key] = lookup
        return self._lookups[key].get(str(text).strip().casefold())


def table_columns(repeat: dict, options: Options) -> list[Column]:
    """The columns of a repeating group's table: one per sub-question, or one per option
    for a multiple choice with few options."""
    columns = []
    for child in repeat["questions"]:
        if question_type(child).multiple:
            codes = [code for code, _label in options.choices(child)]
            if len(codes) <= OPTION_COLUMNS_LIMIT:
                columns.extend(Column(child, code) for code in codes)
                continue
        columns.append(Column(child))
    return columns


def list_key(question: dict) -> str:
    """The name of a question's option list on the list sheet."""
    if question_type(question).shared_list:
        return question_type(question).shared_list
    if question.get("reference"):
        return "ref:" + question["reference"]
    return "q:" + question["code"]
