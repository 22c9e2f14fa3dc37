"""WTForms fields generated from a questionnaire definition: one form per section
(or per entry of a repeating group), in the respondent's language.

Used by the preview of the authoring pages and by the respondent's forms, so both
show a question the same way. Each question type makes its own field
(question_types); this module gives them their label and hint and builds the form.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import Field, RadioField
from wtforms.validators import Optional

from .question_types import CheckboxListField, OptionsProvider, question_type, text_in


def choices_of(question: dict, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
    """The (code, label) options of a question with choices, in `language`."""
    return question_type(question).choices(question, language, options)


def make_field(question: dict, language: str, options: OptionsProvider) -> Field | None:
    """The unbound field for a question (None for a repeating group, shown as a table)."""
    common = {"label": text_in(question["label"], language), "description": text_in(question.get("hint"), language),
              "validators": [Optional()]}
    return question_type(question).form_field(question, language, options, common)


def form_class(questions: list[dict], language: str, options: OptionsProvider,
               base: type[FlaskForm] = FlaskForm) -> type[FlaskForm]:
    """A form class with one field per question, named by the question's code."""
    attributes = {}
    for question in questions:
        field = make_field(question, language, options)
        if field is not None:
            attributes[question["code"]] = field
    return type("QuestionnaireSectionForm", (base,), attributes)


def field_kind(question: dict, field: Field | None) -> str:
    """How the template shows a field: group (radios, checkboxes), select, input or repeat."""
    if field is None:
        return "repeat"
    if isinstance(field, (RadioField, CheckboxListField)):
        return "group"
    return "single"
