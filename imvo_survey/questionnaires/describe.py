"""Conditions and questions in words, for the authoring pages and the preview."""

from __future__ import annotations

from flask_babel import gettext as _

from .formbuilder import choices_of
from .question_types import question_type


def describe_condition(condition: dict | None, questions: dict[str, dict], language: str, options) -> str:
    """A show-if condition as a sentence, with the questions' labels and the choices' labels."""
    if not condition:
        return ""
    if "all" in condition or "any" in condition:
        joiner = _(" and ") if "all" in condition else _(" or ")
        parts = condition.get("all") or condition.get("any")
        return joiner.join(f"({describe_condition(p, questions, language, options)})" if ("all" in p or "any" in p)
                           else describe_condition(p, questions, language, options) for p in parts)
    question = questions.get(condition["question"])
    name = _quote(question["label"].get(language) or question["code"]) if question else condition["question"]

    def value_label(value) -> str:
        if question is None:
            return _quote(str(value))
        kind = question_type(question)
        labels = dict(choices_of(question, language, options)) if kind.multiple or kind.single_code else {}
        return _quote(labels.get(str(value), str(value)))

    operator = condition["op"]
    if operator == "answered":
        return _("%(question)s is answered", question=name)
    if operator == "equals":
        return _("%(question)s is %(value)s", question=name, value=value_label(condition["value"]))
    if operator == "not_equals":
        return _("%(question)s is not %(value)s", question=name, value=value_label(condition["value"]))
    return _("%(question)s is one of %(values)s", question=name,
             values=", ".join(value_label(v) for v in condition["values"]))


def _quote(text: str) -> str:
    short = text if len(text) <= 60 else text[:57] + "..."
    return f"\u2018{short}\u2019"
