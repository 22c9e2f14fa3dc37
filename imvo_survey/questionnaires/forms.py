"""Forms of the authoring pages: questionnaire, section, question, import."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, HiddenField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..forms import DecimalCommaField, MultilineField, WholeNumberField, empty_to_none, options, strip_filter
from ..i18n import lazy_gettext as _l
from ..models.questionnaire_vocabulary import INVENTORY_FIELDS, spaced, valid_choice_code
from . import conditions
from .question_types import TYPES

CODE_PATTERN = r"^[A-Za-z_][A-Za-z0-9_.-]{0,79}$"
CODE_MESSAGE = _l("Use letters, digits and _ . - only, starting with a letter or _.")

AUDIENCE_LABELS = {"association": _l("Branch associations and boards"), "company": _l("Companies")}
TYPE_LABELS = {
    "text": _l("Short text"), "long_text": _l("Long text"), "integer": _l("Whole number"),
    "decimal": _l("Number with decimals"), "percentage": _l("Percentage (0-100)"), "year": _l("Year"),
    "date": _l("Date"), "yes_no": _l("Yes/no"), "single_choice": _l("Single choice"),
    "multiple_choice": _l("Multiple choice"), "scale": _l("Scale 1-5"),
    "reference_one": _l("Pick one from a reference list"), "reference_many": _l("Pick several from a reference list"),
    "repeat": _l("Repeating group"),
}
REFERENCE_LABELS = {
    "aspect": _l("IMVO aspects"), "activity_type": _l("Activity types"), "country": _l("Countries and regions"),
    "product_group": _l("Product groups"), "reporting_channel": _l("Reporting channels"), "sector": _l("Sectors"),
    "chain_initiative": _l("Chain initiatives"),
}
INVENTORY_LABELS = {"activity": _l("Activities"), "dilemma": _l("Dilemmas"), "bottleneck": _l("Bottlenecks")}


def _blank_is_none(value):
    """A select's blank option means 'none'."""
    return value or None


def _choices(labels: dict, blank=None) -> list:
    items = [(code, label) for code, label in labels.items()]
    return options(([("", blank)] if blank is not None else []) + items)


class QuestionnaireForm(FlaskForm):
    """A questionnaire's code, audience, titles and descriptions."""

    code = StringField(_l("Code"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter a code.")), Regexp(CODE_PATTERN, message=CODE_MESSAGE)],
                       description=_l("Stable: used in exports, the API and the CLI. For example imvo-companies."))
    audience = SelectField(_l("Audience"), choices=_choices(AUDIENCE_LABELS))
    title_nl = StringField(_l("Title (Dutch)"), filters=[strip_filter],
                           validators=[DataRequired(_l("Enter the Dutch title.")), Length(max=300)])
    title_en = StringField(_l("Title (English)"), filters=[strip_filter],
                           validators=[DataRequired(_l("Enter the English title.")), Length(max=300)])
    description_nl = MultilineField(_l("Description (Dutch)"), filters=[empty_to_none])
    description_en = MultilineField(_l("Description (English)"), filters=[empty_to_none])
    submit = SubmitField(_l("Save"))


class SectionForm(FlaskForm):
    """A section: code, titles and introductions."""

    code = StringField(_l("Code"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter a code.")), Regexp(CODE_PATTERN, message=CODE_MESSAGE)])
    title_nl = StringField(_l("Title (Dutch)"), filters=[strip_filter],
                           validators=[DataRequired(_l("Enter the Dutch title.")), Length(max=300)])
    title_en = StringField(_l("Title (English)"), filters=[strip_filter],
                           validators=[DataRequired(_l("Enter the English title.")), Length(max=300)])
    intro_nl = MultilineField(_l("Introduction (Dutch)"), filters=[empty_to_none])
    intro_en = MultilineField(_l("Introduction (English)"), filters=[empty_to_none])
    submit = SubmitField(_l("Save"))


class QuestionForm(FlaskForm):
    """A question with its type-specific settings; checked against the definition rules."""

    code = StringField(_l("Code"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter a code.")), Regexp(CODE_PATTERN, message=CODE_MESSAGE)],
                       description=_l("Keep the same code for the same question in every version: "
                                      "answers are carried over and compared by code."))
    type = SelectField(_l("Type"), choices=_choices(TYPE_LABELS))
    label_nl = MultilineField(_l("Question (Dutch)"), filters=[strip_filter],
                             validators=[DataRequired(_l("Enter the question in Dutch."))], render_kw={"rows": 2})
    label_en = MultilineField(_l("Question (English)"), filters=[strip_filter],
                             validators=[DataRequired(_l("Enter the question in English."))], render_kw={"rows": 2})
    hint_nl = MultilineField(_l("Help text (Dutch)"), filters=[empty_to_none], render_kw={"rows": 2})
    hint_en = MultilineField(_l("Help text (English)"), filters=[empty_to_none], render_kw={"rows": 2})
    required = BooleanField(_l("An answer is required (when the question is shown)"))
    show_if = StringField(
        _l("Show only if"), filters=[empty_to_none],
        description=_l("Leave blank to always show. Written as in XLSForm, for example "
                       "${has_code} = 'yes', ${frameworks} != '', selected(${frameworks}, 'oecd'), "
                       "(${size} = 'mkb' or ${size} = 'large'), combined with and / or."))
    choices = MultilineField(
        _l("Choices"), filters=[empty_to_none], render_kw={"rows": 6},
        description=_l("Single and multiple choice: one choice per line as code | Dutch label | English label."))
    list_name = StringField(_l("Name of the choice list in XLSForm"), filters=[empty_to_none],
                            validators=[Optional(), Regexp(CODE_PATTERN, message=CODE_MESSAGE)],
                            description=_l("Optional; the question code is used when blank."))
    reference = SelectField(_l("Reference list"), choices=_choices(REFERENCE_LABELS, blank=_l("None")),
                            coerce=_blank_is_none)
    scale_min_label_nl = StringField(_l("Label of 1 (Dutch)"), filters=[empty_to_none])
    scale_min_label_en = StringField(_l("Label of 1 (English)"), filters=[empty_to_none])
    scale_max_label_nl = StringField(_l("Label of 5 (Dutch)"), filters=[empty_to_none])
    scale_max_label_en = StringField(_l("Label of 5 (English)"), filters=[empty_to_none])
    min_value = DecimalCommaField(_l("Lowest value"), validators=[Optional()])
    max_value = DecimalCommaField(_l("Highest value"), validators=[Optional()])
    max_length = WholeNumberField(_l("Maximum length (characters)"), validators=[Optional(), NumberRange(min=1)])
    pattern = StringField(_l("Pattern (regular expression)"), filters=[empty_to_none])
    constraint_message_nl = StringField(_l("Message when a rule fails (Dutch)"), filters=[empty_to_none])
    constraint_message_en = StringField(_l("Message when a rule fails (English)"), filters=[empty_to_none])
    inventory = SelectField(_l("Feeds the inventory of"), choices=_choices(INVENTORY_LABELS, blank=_l("None")),
                            coerce=_blank_is_none, description=_l("Repeating groups only."))
    min_repeat = WholeNumberField(_l("Least number of entries"), validators=[Optional(), NumberRange(min=0)])
    max_repeat = WholeNumberField(_l("Largest number of entries"), validators=[Optional(), NumberRange(min=1)])
    inventory_field = SelectField(_l("Fills the inventory field"), coerce=_blank_is_none,
                                  description=_l("Sub-questions of a repeating group bound to an inventory."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, inventory: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = list(INVENTORY_FIELDS[inventory]) if inventory else []
        self.inventory_field.choices = options([("", _l("None"))] + [(f, f) for f in fields])

    def validate_show_if(self, field) -> None:
        if not field.data:
            return
        try:
            field.parsed = conditions.parse(field.data)
        except conditions.ConditionError as error:
            raise ValidationError(_l("The condition cannot be read: %(error)s", error=str(error))) from None

    def validate_choices(self, field) -> None:
        field.parsed = []
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if not line.strip():
                continue
            parts = [part.strip() for part in line.split("|")]
            if len(parts) != 3 or not all(parts):
                raise ValidationError(_l("Line %(number)d: write code | Dutch label | English label.", number=number))
            if not valid_choice_code(parts[0]):
                raise ValidationError(_l("Line %(number)d: the code can be at most 80 characters long.",
                                         number=number))
            kind = TYPES.get(self.type.data)  # None when not one of the choices: the type field says so
            if kind is not None and kind.multiple and spaced(parts[0]):
                raise ValidationError(_l(
                    "Line %(number)d: a multiple choice's codes cannot have spaces (its answers are the chosen "
                    "codes joined by spaces).", number=number))
            field.parsed.append({"code": parts[0], "label": {"nl": parts[1], "en": parts[2]}})

    def validate_pattern(self, field) -> None:
        if field.data:
            try:
                re.compile(field.data)
            except re.error as error:
                raise ValidationError(_l("Not a valid regular expression: %(error)s", error=str(error))) from None


#: The language of a bare `label` column: as the workbook's settings say (default_language), else Dutch.
TEXT_LANGUAGE_CHOICES = options([("", _l("As the form's settings say, else Dutch")), ("nl", _l("Dutch")), ("en", _l("English"))])


class ImportForm(FlaskForm):
    """Upload a questionnaire as XLSForm workbook or JSON."""

    file = FileField(_l("File (XLSX, XLS or JSON)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx", "xlsm", "xls", "json"], _l("Choose an Excel workbook (XLSX or XLS) or a JSON file."))])
    language = SelectField(_l("Language of texts without a language (a column label, not label::English)"),
                           choices=TEXT_LANGUAGE_CHOICES, default="")
    submit = SubmitField(_l("Import"))


class ConfirmImportForm(FlaskForm):
    """Import a checked workbook with the rows the survey cannot use left out, as the
    preview listed them, its texts without a language in the language chosen."""

    upload = HiddenField(validators=[DataRequired()])
    #: Not `language`: the upload form on the same page has that field (ids must differ).
    text_language = SelectField(_l("Language of texts without a language (a column label, not label::English)"),
                           choices=TEXT_LANGUAGE_CHOICES, default="")
    submit = SubmitField(_l("Import without them"))
