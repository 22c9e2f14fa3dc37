"""The forms of the risk analysis: a risk entry, an import file, a relevance set by hand."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..forms import DecimalCommaField, MultilineField, coerce_optional_int, options, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import Aspect, Country, ProductGroup
from ..organisations.forms import taxonomy_choices


def level_choices() -> list:
    return options([("", _l("Choose...")), ("low", _l("low")), ("medium", _l("medium")), ("high", _l("high"))])


class RiskEntryForm(FlaskForm):
    """Country or region x product group -> an aspect at risk, with its level and source."""

    country_id = SelectField(_l("Country or region"), coerce=coerce_optional_int,
                             validators=[DataRequired(_l("Choose the country or region."))])
    product_group_id = SelectField(_l("Product group"), coerce=coerce_optional_int,
                                   validators=[DataRequired(_l("Choose the product group."))])
    aspect_id = SelectField(_l("IMVO aspect"), coerce=coerce_optional_int,
                            validators=[DataRequired(_l("Choose the aspect at risk."))])
    level = SelectField(_l("Risk level"), validators=[DataRequired(_l("Choose the level."))])
    source = StringField(_l("Source"), filters=[strip_filter], validators=[Optional(), Length(max=300)],
                         description=_l("Where the assessment comes from: a report, a study, a year."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_id.choices = taxonomy_choices(Country, _l("Choose..."))
        self.product_group_id.choices = taxonomy_choices(ProductGroup, _l("Choose..."))
        self.aspect_id.choices = taxonomy_choices(Aspect, _l("Choose..."))
        self.level.choices = level_choices()


class RiskImportForm(FlaskForm):
    """Upload a CSV or XLSX file of risk entries or import shares."""

    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")), FileAllowed(["csv", "xlsx", "txt"], _l("Choose a CSV or XLSX file."))])
    submit = SubmitField(_l("Import"))


class ManualRelevanceForm(FlaskForm):
    """Set the relevance of an aspect in a sector (or branch) by hand, with a reason."""

    aspect_id = SelectField(_l("IMVO aspect"), coerce=coerce_optional_int,
                            validators=[DataRequired(_l("Choose the aspect."))])
    value = DecimalCommaField(_l("Relevance (0-1)"), validators=[
        InputRequired(_l("Enter the relevance, from 0 to 1.")),
        NumberRange(min=0, max=1, message=_l("The relevance lies between 0 and 1."))],
        description=_l("0 not relevant, 1 as relevant as can be. Decimal comma or point: 0,6 or 0.6."))
    reason = MultilineField(_l("Reason"), filters=[strip_filter], validators=[
        DataRequired(_l("Say why the computed relevance does not hold.")), Length(max=2000)])
    submit = SubmitField(_l("Set the relevance"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.aspect_id.choices = taxonomy_choices(Aspect, _l("Choose..."))
