"""The base of every question type, and the value checks several types share.

A value is None (not answered), a str (texts, codes, "yes"/"no", scale points "1".."5"),
an int (whole numbers, years), a float (decimals, percentages), a date, or a list of
codes (multiple choice, several from a reference list). No Flask app needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import date
from typing import ClassVar

from wtforms import Field

from ...i18n import lazy_gettext as _l
from ...i18n import lazy_ngettext
from .cells import CodeFor

#: Every code a question may take, by question code: choices, yes/no, scale or a
#: reference list (given by the caller, which knows the database).
AllowedCodes = Callable[[Mapping], Collection[str]]
#: (code, label) pairs of a reference list in a language.
OptionsProvider = Callable[[str, str], list[tuple[str, str]]]
#: code -> label of a question's options, for showing a value in words.
Labels = Callable[[Mapping], Mapping[str, str]]


class AnswerError(ValueError):
    """A typed value that does not fit its question; the message says what to do."""


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


def text_in(pair: Mapping | None, language: str) -> str:
    """A {"nl": ..., "en": ...} text in `language`, falling back to the other."""
    if not pair:
        return ""
    return pair.get(language) or pair.get("nl") or pair.get("en") or ""


def rule_message(question: Mapping, language: str, default) -> str:
    """The question's own message for a failed rule, else the default."""
    rules = question.get("validation") or {}
    return (rules.get("message") or {}).get(language) or str(default)


def number_text(number) -> str:
    """A number the Dutch way: 12,5 (and 12 rather than 12.0)."""
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number).replace(".", ",")


def check_codes(question: Mapping, codes: list[str], allowed: AllowedCodes) -> list[str]:
    """The codes without repeats, or AnswerError when one is not an option."""
    known = allowed(question)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise AnswerError(_l("%(value)s is not one of the options.", value=", ".join(unknown)))
    seen: list[str] = []
    for code in codes:
        if code not in seen:
            seen.append(code)
    return seen


def check_text(question: Mapping, text: str, language: str) -> str:
    rules = question.get("validation") or {}
    if "max_length" in rules and len(text) > rules["max_length"]:
        raise AnswerError(rule_message(question, language, lazy_ngettext(
            "Use at most %(num)d character (now %(now)d).", "Use at most %(num)d characters (now %(now)d).",
            rules["max_length"], now=len(text))))
    if "pattern" in rules and not re.fullmatch(rules["pattern"], text):
        raise AnswerError(rule_message(question, language, _l("This answer does not have the expected form.")))
    return text


class QuestionType:
    """One question type: how its answer is read, checked, stored and shown.

    The defaults suit a type whose answer is one plain value; the subclasses override
    what differs. A class never holds per-question state: the question (a dict of the
    definition) is passed to every method.
    """

    #: The name in the JSON definition and the database (one of QUESTION_TYPES).
    name: ClassVar[str]
    #: The answer is a list of codes (conditions use selected() on it).
    multiple: ClassVar[bool] = False
    #: The answer is one code of a list of options (yes/no, a choice, a scale point, a reference).
    single_code: ClassVar[bool] = False
    #: Types of one family hold values that can move between them unchanged (a text
    #: and a long text, say), when a later version of a questionnaire changes the type.
    family: ClassVar[str]
    #: The answer is a number: the question may set a lowest and highest value.
    is_number: ClassVar[bool] = False
    #: The answer is a text: the question may set a maximum length and a pattern.
    is_text: ClassVar[bool] = False
    #: A repeating group: its sub-questions (under "questions") are answered 0..n times;
    #: it has no answer of its own and is never required (it sets a least number of entries).
    is_group: ClassVar[bool] = False
    #: The answer is chosen from the question's own choices (under "choices").
    own_choices: ClassVar[bool] = False
    #: The answer is chosen from a reference list (named under "reference").
    uses_reference: ClassVar[bool] = False
    #: The question labels the ends of its scale (under "scale").
    has_scale_labels: ClassVar[bool] = False

    #: XLSForm: the type in the survey sheet (a select is followed by its list's name).
    xlsform_name: ClassVar[str]
    #: XLSForm: the appearance that marks this type among those of its XLSForm type.
    xlsform_appearance: ClassVar[str | None] = None
    #: XLSForm: the XLSForm type alone does not tell this type, so imvo::type names it.
    xlsform_imvo_type: ClassVar[bool] = False
    #: XLSForm: the answer is chosen from a list of the choices sheet.
    xlsform_uses_list: ClassVar[bool] = False
    #: The one option list every question of this type uses, whatever its code (in an
    #: XLSForm workbook and on the list sheet of the offline workbook).
    shared_list: ClassVar[str | None] = None

    #: Storage: the column of the answer table that holds its value.
    answer_column: ClassVar[str] = "text_value"

    #: Exports: the column type of its answers ("string", "integer", "number" or "date").
    export_column: ClassVar[str] = "string"

    #: Workbook: what to type in an answer cell (None: nothing to say).
    workbook_note: ClassVar[str | None] = None
    #: Workbook: the number format of an answer cell ("@" keeps what is typed as text).
    cell_format: ClassVar[str | None] = None

    # --- the definition ---------------------------------------------------------

    def definition_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        """(part, message) for the keys of a question that its type needs or does not
        allow: choices, a reference list, the labels of a scale."""
        yield from self.choice_problems(question)
        yield from self.reference_problems(question)

    def choice_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        if question.get("choices"):
            yield "choices", _l("Only single- and multiple-choice questions have choices.")

    def reference_problems(self, question: Mapping) -> Iterator[tuple[str, str]]:
        if question.get("reference"):
            yield "reference", _l("Only reference pickers have a reference list.")

    def fills(self, question: Mapping, types: Collection[str], reference: str | None) -> bool:
        """Whether the question can fill an inventory field that takes questions of
        `types` (INVENTORY_FIELDS) and, when `reference` is given, only that reference list."""
        return self.name in types and (reference is None or question.get("reference") == reference)

    def condition_domain(self, question: Mapping) -> set | None:
        """The values a condition can meet for this question, as conditions compare
        them; None when they are not a fixed list."""
        codes = self.fixed_codes(question)
        return None if codes is None else set(codes)

    # --- answers ----------------------------------------------------------------

    def parse(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        """The typed value of `raw` (a string, a list of strings, or a spreadsheet cell),
        or None when blank. Raises AnswerError with a message for the respondent."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            return None
        return self.parse_value(question, raw, allowed, language)

    def parse_value(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        """The typed value of a raw value that is not blank."""
        raise AnswerError(_l("This question cannot be answered here."))

    def fixed_codes(self, question: Mapping) -> list[str] | None:
        """The codes of a question with its own options (None for reference lists and
        for types without options)."""
        return None

    def from_json(self, question: Mapping, value):
        """The inverse of answers.values.to_json (value is not None)."""
        return value

    def display(self, question: Mapping, value, language: str, labels: Labels) -> str:
        """A value that is not empty, in words."""
        if isinstance(value, float):
            return number_text(round(value, 4))
        if isinstance(value, date):
            return value.strftime("%d-%m-%Y")
        return str(value)

    def choices(self, question: Mapping, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
        """The (code, label) options of a question, in `language` (none by default)."""
        return []

    def list_entries(self, question: Mapping, reference_lists: Mapping[str, Sequence[tuple[str, str, str]]]
                     ) -> list[tuple[str, str, str]]:
        """(code, Dutch, English) of each option, for the choices sheet of an XLSForm
        workbook; `reference_lists` holds the entries of the reference lists."""
        return []

    def note(self, question: Mapping) -> str:
        """What to type in the question's answer cell of the offline workbook."""
        return str(self.workbook_note or "")

    def from_cell(self, question: Mapping, value, number_format: str, code_for: CodeFor):
        """What a workbook cell (not blank) says, as input for `parse`."""
        return value

    def to_column(self, value):
        """A value (not empty) as stored in `answer_column`."""
        return str(value)

    def from_column(self, stored):
        """The value of what `answer_column` holds (None when nothing)."""
        return stored

    def export_text(self, text):
        """A stored text answer as an export cell."""
        return text

    def codebook_choices(self, row, choices: list[tuple[str, str]], language: str) -> list[tuple[str, str]]:
        """The (code, label) pairs the codebook of an export lists for a question; `row`
        is its database row, `choices` its own choices in `language`."""
        return choices

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        """The unbound WTForms field; `common` holds its label, description and validators."""
        raise NotImplementedError
