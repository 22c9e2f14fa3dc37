"""Visibility and completeness: which questions a respondent sees given the answers,
and what is still missing before a response can be submitted. No Flask app needed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext
from ..questionnaires import conditions
from ..questionnaires.question_types import question_type
from .document import Document
from .layout import Layout
from .values import AnswerError, is_empty, parse


@dataclass
class Missing:
    """Something to do before submitting, with where it is."""

    section: str
    code: str
    entry: str | None
    message: str


def shown(question: dict, answers: dict, entry_values: dict | None = None, repeat: dict | None = None) -> bool:
    """Whether the respondent sees a question, given the answers (and its entry's)."""
    context = dict(answers)
    if entry_values:
        context.update(entry_values)
    if repeat is not None and not conditions.evaluate(repeat.get("show_if"), answers):
        return False
    return conditions.evaluate(question.get("show_if"), context)


def parse_inputs(questions: list[dict], raw: dict, allowed: Callable, language: str) -> tuple[dict, dict]:
    """Typed values and errors (by code) for the questions whose input is in `raw`."""
    values, errors = {}, {}
    for question in questions:
        if question["code"] not in raw:
            continue
        try:
            values[question["code"]] = parse(question, raw[question["code"]], allowed, language)
        except AnswerError as error:
            errors[question["code"]] = str(error)
    return values, errors


def required_errors(questions: list[dict], values: dict, context: dict, repeat: dict | None = None) -> dict:
    """'Required' errors for shown, unanswered questions (used for entries and submit)."""
    errors = {}
    for question in questions:
        if question.get("required") and is_empty(values.get(question["code"])) and \
                shown(question, context, values, repeat):
            errors[question["code"]] = str(_l("This question needs an answer."))
    return errors


def missing(layout: Layout, document: Document) -> list[Missing]:
    """Everything a respondent must still do before submitting."""
    found: list[Missing] = []
    for section in layout.sections:
        for question in section["questions"]:
            if question_type(question).is_group:
                found.extend(_repeat_missing(section, question, document))
            elif question.get("required") and is_empty(document.answers.get(question["code"])) and \
                    shown(question, document.answers):
                found.append(Missing(section["code"], question["code"], None,
                                     str(_l("This question needs an answer."))))
    return found


def _repeat_missing(section: dict, repeat: dict, document: Document) -> list[Missing]:
    found = []
    if not shown(repeat, document.answers):
        return found
    entries = document.entries.get(repeat["code"], [])
    if repeat.get("min_repeat") and len(entries) < repeat["min_repeat"]:
        found.append(Missing(section["code"], repeat["code"], None, str(lazy_ngettext(
            "Add at least %(num)d entry.", "Add at least %(num)d entries.", repeat["min_repeat"]))))
    for entry in entries:
        if entry.carry_status == "carried":
            found.append(Missing(section["code"], repeat["code"], entry.key, str(_l(
                "Say whether this activity from last year continued, changed or ended."))))
        for code in required_errors(repeat["questions"], entry.values, document.answers, repeat):
            found.append(Missing(section["code"], code, entry.key, str(_l("This question needs an answer."))))
    return found


def hidden_answers(layout: Layout, document: Document) -> list[str]:
    """Codes of plain questions that have an answer but are not shown: those answers are
    not required and not submitted."""
    return [code for code, value in document.answers.items()
            if not is_empty(value) and code in layout.questions
            and not shown(layout.questions[code], document.answers)]
