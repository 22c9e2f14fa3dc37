"""The question types whose answer is one typed value: texts, numbers and dates."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import ClassVar

from flask_babel import ngettext
from wtforms import DateField, Field, IntegerField, StringField

from ...forms import DecimalCommaField, MultilineField
from ...i18n import lazy_gettext as _l
from ...spreadsheets.reading import parse_decimal, parse_int
from ...text import normalise_newlines
from ...whole_numbers import NUMBER_LIMIT
from .base import (
    AllowedCodes,
    AnswerError,
    Labels,
    OptionsProvider,
    QuestionType,
    check_text,
    number_text,
    rule_message,
)
from .cells import CodeFor, as_text

YEAR_RANGE = (1900, 2100)


class Text(QuestionType):
    """Short text on one line."""

    name = "text"
    family = "text"
    is_text = True
    xlsform_name = "text"
    cell_format = "@"

    def parse_value(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        return check_text(question, self.trim(normalise_newlines(str(raw))), language)

    def trim(self, text: str) -> str:
        return text.strip()

    def note(self, question: Mapping) -> str:
        rules = question.get("validation") or {}
        if "max_length" in rules:
            return ngettext("At most %(num)d character.", "At most %(num)d characters.", rules["max_length"])
        return ""

    def from_cell(self, question: Mapping, value, number_format: str, code_for: CodeFor):
        return as_text(value)

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        rules = question.get("validation") or {}
        return StringField(render_kw={"maxlength": rules["max_length"]} if "max_length" in rules else None, **common)


class LongText(Text):
    """Long text, with an optional maximum length; keeps its own spaces and indents."""

    name = "long_text"
    xlsform_appearance = "multiline"

    def trim(self, text: str) -> str:
        return text.strip("\n")

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        rules = question.get("validation") or {}
        render = {"rows": 6}
        if "max_length" in rules:
            render["maxlength"] = rules["max_length"]
        return MultilineField(render_kw=render, **common)


def _storable(number):
    """A number small enough to be stored (as floating point) without losing digits."""
    if not abs(number) < NUMBER_LIMIT:
        raise AnswerError(_l("Enter a number of at most 15 digits before the decimal point."))
    return number


class Number(QuestionType):
    """The base of the number types: a value within the question's min and max."""

    is_number = True
    answer_column = "number_value"
    #: The range that applies when the question sets none, or None.
    default_range: ClassVar[tuple[float, float] | None] = None

    def parse_value(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        return self.check_range(question, self.number(raw), language)

    def number(self, raw):
        raise NotImplementedError

    def to_column(self, value):
        return float(value)

    def check_range(self, question: Mapping, number, language: str):
        rules = dict(question.get("validation") or {})
        if self.default_range is not None:
            rules.setdefault("min", self.default_range[0])
            rules.setdefault("max", self.default_range[1])
        low, high = rules.get("min"), rules.get("max")
        if (low is not None and number < low) or (high is not None and number > high):
            if low is not None and high is not None:
                default = _l("Enter a number from %(low)s to %(high)s.", low=number_text(low), high=number_text(high))
            elif low is not None:
                default = _l("Enter a number of at least %(low)s.", low=number_text(low))
            else:
                default = _l("Enter a number of at most %(high)s.", high=number_text(high))
            raise AnswerError(rule_message(question, language, default))
        return number


class Integer(Number):
    """A whole number."""

    name = "integer"
    family = "integer"
    xlsform_name = "integer"
    export_column = "integer"
    workbook_note = _l("A whole number.")

    def number(self, raw) -> int:
        try:
            if isinstance(raw, bool):  # a ticked box is not a count
                raise ValueError("not a whole number")
            number = parse_int(raw)
        except ValueError:
            raise AnswerError(_l("Enter a whole number, such as 12.")) from None
        return _storable(number)

    def from_json(self, question: Mapping, value):
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value

    def from_column(self, stored):
        return int(stored) if stored is not None else None

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return IntegerField(render_kw={"inputmode": "numeric"}, **common)


class Year(Integer):
    """A year, 1900-2100 unless the question says otherwise."""

    name = "year"
    xlsform_imvo_type = True
    workbook_note = _l("A year, such as 2010.")
    default_range = YEAR_RANGE

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return IntegerField(render_kw={"inputmode": "numeric", "autocomplete": "off"}, **common)


class DecimalNumber(Number):
    """A number with decimals (a comma or a point)."""

    name = "decimal"
    family = "decimal"
    xlsform_name = "decimal"
    export_column = "number"
    workbook_note = _l("A number; use a comma for decimals.")

    def number(self, raw) -> float:
        try:
            number = parse_decimal(raw)
        except ValueError:
            raise AnswerError(_l("Enter a number, such as 12,5.")) from None
        return float(_storable(number))

    def from_cell(self, question: Mapping, value, number_format: str, code_for: CodeFor):
        """A number Excel shows with % (0.5 as 50 %) is meant as 0-100."""
        if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (number_format or ""):
            return round(value * 100, 9)
        return value

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return DecimalCommaField(render_kw={}, **common)


class Percentage(DecimalNumber):
    """A number 0-100, shown with a percent sign."""

    name = "percentage"
    xlsform_imvo_type = True
    workbook_note = _l("A number from 0 to 100, without %.")
    default_range = (0, 100)

    def display(self, question: Mapping, value, language: str, labels: Labels) -> str:
        text = super().display(question, value, language, labels)
        return text + " %" if isinstance(value, float) else text

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return DecimalCommaField(render_kw={"class": "input-percentage"}, **common)


class Date(QuestionType):
    """A date; read as 2010-12-31, 31-12-2010 or 31/12/2010, or from a spreadsheet date."""

    name = "date"
    family = "date"
    xlsform_name = "date"
    export_column = "date"
    workbook_note = _l("A date: dd-mm-yyyy.")
    cell_format = "dd-mm-yyyy"
    answer_column = "date_value"

    def parse_value(self, question: Mapping, raw, allowed: AllowedCodes, language: str):
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        text = str(raw).strip()
        for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"):
            try:
                return datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise AnswerError(_l("Enter a date, such as 31-12-2010."))

    def from_json(self, question: Mapping, value):
        if isinstance(value, str):
            return date.fromisoformat(value)
        return value

    def to_column(self, value):
        return value

    def form_field(self, question: Mapping, language: str, options: OptionsProvider, common: dict) -> Field | None:
        return DateField(format="%Y-%m-%d", render_kw={"max": date(2100, 12, 31).isoformat()}, **common)
