"""Typed answer values: reading what a respondent typed (web form or workbook), checking
it against the question's type and rules, and comparing and showing values.

A value is None (not answered), a str (texts, codes, "yes"/"no", scale points "1".."5"),
an int (whole numbers, years), a float (decimals, percentages), a date, or a list of
codes (multiple choice, several from a reference list). What differs by type lives in
the type's class (questionnaires.question_types); this module is the one entry point
the answer code uses. No Flask app needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from ..questionnaires.question_types import AllowedCodes, AnswerError, is_empty, question_type
from ..questionnaires.question_types.base import Labels

__all__ = ["AllowedCodes", "AnswerError", "display", "fixed_codes", "from_json", "is_empty", "parse", "same",
           "to_json"]


def parse(question: Mapping, raw, allowed: AllowedCodes, language: str = "nl"):
    """The typed value of `raw` (a string, a list of strings, or a spreadsheet cell),
    or None when blank. Raises AnswerError with a message for the respondent."""
    return question_type(question).parse(question, raw, allowed, language)


def fixed_codes(question: Mapping) -> list[str] | None:
    """The codes of a question with its own options (None for reference lists)."""
    return question_type(question).fixed_codes(question)


def same(first, second) -> bool:
    """Two values are the same answer (selections regardless of order)."""
    if isinstance(first, list) or isinstance(second, list):
        return sorted(first or []) == sorted(second or [])
    if is_empty(first) and is_empty(second):
        return True
    return first == second


def to_json(value):
    """A value as JSON (dates as ISO strings), for hidden form fields and the audit trail."""
    if isinstance(value, date):
        return value.isoformat()
    return value


def from_json(question: Mapping, value):
    """The inverse of to_json for a question's type."""
    if value is None:
        return None
    return question_type(question).from_json(question, value)


def display(question: Mapping, value, language: str, labels: Labels) -> str:
    """A value in words, for the summary, the confirmation mail and the audit trail."""
    if is_empty(value):
        return ""
    if isinstance(value, list):
        names = labels(question)
        return "; ".join(names.get(code, code) for code in value)
    return question_type(question).display(question, value, language, labels)
