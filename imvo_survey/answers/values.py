"""Typed answer values: reading what a respondent typed (web form or workbook), checking
it against the question's type and rules, and comparing and showing values.

A value is None (not answered), a str (texts, codes, "yes"/"no", scale points "1".."5"),
an int (whole numbers, years), a float (decimals, percentages), a date, or a list of
codes (multiple choice, several from a reference list). No Flask app needed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import date, datetime

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from ..models.questionnaire_vocabulary import CHOICE_TYPES, MULTIPLE_TYPES, SCALE_POINTS
from ..spreadsheets.reading import parse_decimal, parse_int
from ..text import normalise_newlines
from ..whole_numbers import NUMBER_LIMIT

YEAR_RANGE = (1900, 2100)


class AnswerError(ValueError):
    """A typed value that does not fit its question; the message says what to do."""


#: Every code a question may take, by question code: choices, yes/no, scale or a
#: reference list (given by the caller, which knows the database).
AllowedCodes = Callable[[Mapping], Collection[str]]


def is_empty(value) -> bool:
    return value is None or value == "" or value == []


def _rule_message(question: Mapping, language: str, default) -> str:
    """The question's own message for a failed rule, else the default."""
    rules = question.get("validation") or {}
    return (rules.get("message") or {}).get(language) or str(default)


def parse(question: Mapping, raw, allowed: AllowedCodes, language: str = "nl"):
    """The typed value of `raw` (a string, a list of strings, or a spreadsheet cell),
    or None when blank. Raises AnswerError with a message for the respondent."""
    kind = question["type"]
    if kind in MULTIPLE_TYPES:
        items = raw if isinstance(raw, (list, tuple)) else [part for part in re.split(r"[;,\n]", str(raw or ""))]
        codes = [str(item).strip() for item in items if str(item).strip()]
        return _check_codes(question, codes, allowed, language) or None
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if kind in ("text", "long_text"):
        text = normalise_newlines(str(raw))
        return _check_text(question, text.strip() if kind == "text" else text.strip("\n"), language)
    if kind in ("integer", "year"):
        return _check_number(question, _whole_number(raw), language)
    if kind in ("decimal", "percentage"):
        return _check_number(question, _decimal(raw), language)
    if kind == "date":
        return _date(raw)
    if kind in ("yes_no", "single_choice", "scale", "reference_one"):
        code = _code(question, raw)
        return _check_codes(question, [code], allowed, language)[0]
    raise AnswerError(_l("This question cannot be answered here."))


def _whole_number(raw) -> int:
    try:
        if isinstance(raw, bool):  # a ticked box is not a count
            raise ValueError("not a whole number")
        number = parse_int(raw)
    except ValueError:
        raise AnswerError(_l("Enter a whole number, such as 12.")) from None
    return _storable(number)


def _decimal(raw) -> float:
    try:
        number = parse_decimal(raw)
    except ValueError:
        raise AnswerError(_l("Enter a number, such as 12,5.")) from None
    return float(_storable(number))


def _storable(number):
    """A number small enough to be stored (as floating point) without losing digits."""
    if not abs(number) < NUMBER_LIMIT:
        raise AnswerError(_l("Enter a number of at most 15 digits before the decimal point."))
    return number


def _date(raw) -> date:
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


def _code(question: Mapping, raw) -> str:
    """A single code; yes/no also reads Ja/Nee/true/false, a scale also 1.0."""
    text = str(raw).strip()
    if question["type"] == "yes_no":
        lowered = text.casefold()
        if lowered in ("ja", "j", "true", "waar", "1", "y"):
            return "yes"
        if lowered in ("nee", "n", "false", "onwaar", "0"):
            return "no"
    if question["type"] == "scale" and re.fullmatch(r"\d+(\.0+)?", text):
        return str(int(float(text)))
    return text


def _check_codes(question: Mapping, codes: list[str], allowed: AllowedCodes, language: str) -> list[str]:
    known = allowed(question)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise AnswerError(_l("%(value)s is not one of the options.", value=", ".join(unknown)))
    seen: list[str] = []
    for code in codes:
        if code not in seen:
            seen.append(code)
    return seen


def _check_text(question: Mapping, text: str, language: str) -> str:
    rules = question.get("validation") or {}
    if "max_length" in rules and len(text) > rules["max_length"]:
        raise AnswerError(_rule_message(question, language, lazy_ngettext(
            "Use at most %(num)d character (now %(now)d).", "Use at most %(num)d characters (now %(now)d).",
            rules["max_length"], now=len(text))))
    if "pattern" in rules and not re.fullmatch(rules["pattern"], text):
        raise AnswerError(_rule_message(question, language, _l("This answer does not have the expected form.")))
    return text


def _check_number(question: Mapping, number, language: str):
    rules = dict(question.get("validation") or {})
    if question["type"] == "percentage":
        rules.setdefault("min", 0)
        rules.setdefault("max", 100)
    if question["type"] == "year":
        rules.setdefault("min", YEAR_RANGE[0])
        rules.setdefault("max", YEAR_RANGE[1])
    low, high = rules.get("min"), rules.get("max")
    if (low is not None and number < low) or (high is not None and number > high):
        if low is not None and high is not None:
            default = _l("Enter a number from %(low)s to %(high)s.", low=_number_text(low), high=_number_text(high))
        elif low is not None:
            default = _l("Enter a number of at least %(low)s.", low=_number_text(low))
        else:
            default = _l("Enter a number of at most %(high)s.", high=_number_text(high))
        raise AnswerError(_rule_message(question, language, default))
    return number


def _number_text(number) -> str:
    if isinstance(number, float) and number.is_integer():
        number = int(number)
    return str(number).replace(".", ",")


def fixed_codes(question: Mapping) -> list[str] | None:
    """The codes of a question with its own options (None for reference lists)."""
    kind = question["type"]
    if kind == "yes_no":
        return ["yes", "no"]
    if kind == "scale":
        return [str(point) for point in SCALE_POINTS]
    if kind in CHOICE_TYPES:
        return [choice["code"] for choice in question.get("choices", [])]
    return None


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
    if question["type"] == "date" and isinstance(value, str):
        return date.fromisoformat(value)
    if question["type"] in ("integer", "year") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def display(question: Mapping, value, language: str, labels: Callable[[Mapping], Mapping[str, str]]) -> str:
    """A value in words, for the summary, the confirmation mail and the audit trail."""
    if is_empty(value):
        return ""
    if isinstance(value, list):
        names = labels(question)
        return "; ".join(names.get(code, code) for code in value)
    if question["type"] in ("yes_no", "single_choice", "scale", "reference_one"):
        return labels(question).get(str(value), str(value))
    if isinstance(value, float):
        return _number_text(round(value, 4)) + (" %" if question["type"] == "percentage" else "")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)
