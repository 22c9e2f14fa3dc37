"""WTForms fields generated from a questionnaire definition: one form per section
(or per entry of a repeating group), in the respondent's language.

Used by the preview of the authoring pages and by the respondent's forms, so both
show a question the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..forms import DecimalCommaField, MultilineField
from ..forms import options as select_options
from ..i18n import lazy_gettext as _l
from ..models.questionnaire_vocabulary import REFERENCE_TYPES, SCALE_POINTS, YES_NO_CHOICES

#: Lists longer than this are a (multi-)select instead of radio buttons or checkboxes.
CHECKBOX_LIMIT = 20

#: (code, label) pairs of a reference list in a language.
OptionsProvider = Callable[[str, str], list[tuple[str, str]]]


class CheckboxListField(SelectMultipleField):
    """A multiple choice shown as checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _text(pair: dict | None, language: str) -> str:
    if not pair:
        return ""
    return pair.get(language) or pair.get("nl") or pair.get("en") or ""


def choices_of(question: dict, language: str, options: OptionsProvider) -> list[tuple[str, str]]:
    """The (code, label) options of a question with choices, in `language`."""
    kind = question["type"]
    if kind == "yes_no":
        return [(code, nl if language == "nl" else en) for code, nl, en in YES_NO_CHOICES]
    if kind == "scale":
        scale = question.get("scale") or {}
        low, high = _text(scale.get("min_label"), language), _text(scale.get("max_label"), language)
        return [(str(point), f"{point} - {low}" if point == SCALE_POINTS[0] else
                 f"{point} - {high}" if point == SCALE_POINTS[-1] else str(point)) for point in SCALE_POINTS]
    if kind in REFERENCE_TYPES:
        return options(question["reference"], language)
    return [(choice["code"], _text(choice["label"], language)) for choice in question.get("choices", [])]


def make_field(question: dict, language: str, options: OptionsProvider) -> Field | None:
    """The unbound field for a question (None for a repeating group, shown as a table)."""
    kind = question["type"]
    label = _text(question["label"], language)
    description = _text(question.get("hint"), language)
    rules = question.get("validation") or {}
    common = {"label": label, "description": description, "validators": [Optional()]}
    if kind == "repeat":
        return None
    if kind == "text":
        return StringField(render_kw={"maxlength": rules["max_length"]} if "max_length" in rules else None, **common)
    if kind == "long_text":
        render = {"rows": 6}
        if "max_length" in rules:
            render["maxlength"] = rules["max_length"]
        return MultilineField(render_kw=render, **common)
    if kind in ("integer", "year"):
        render = {"inputmode": "numeric"}
        if kind == "year":
            render["autocomplete"] = "off"
        return IntegerField(render_kw=render, **common)
    if kind in ("decimal", "percentage"):
        render = {"class": "input-percentage"} if kind == "percentage" else {}
        return DecimalCommaField(render_kw=render, **common)
    if kind == "date":
        return DateField(format="%Y-%m-%d", render_kw={"max": date(2100, 12, 31).isoformat()}, **common)
    option_list = choices_of(question, language, options)
    if kind in ("multiple_choice", "reference_many"):
        field_class = CheckboxListField if len(option_list) <= CHECKBOX_LIMIT else SelectMultipleField
        return field_class(choices=select_options(option_list), **common)
    if len(option_list) <= CHECKBOX_LIMIT or kind in ("yes_no", "scale"):
        return RadioField(choices=select_options(option_list), **common)
    return SelectField(choices=select_options([("", _l("Choose..."))] + option_list), **common)


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
