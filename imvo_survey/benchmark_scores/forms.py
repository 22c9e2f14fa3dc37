"""The form of one benchmark score (its ranges mirror the database constraints), and the
forms of a benchmark import: the upload, and the preview's check-again-or-save."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..extensions import db
from ..forms import DecimalCommaField, WholeNumberField, code_choices, coerce_optional_int, options, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import DEFAULT_SOURCE, BenchmarkScore, Organisation, Sector
from ..organisations.forms import taxonomy_choices


class BenchmarkScoreForm(FlaskForm):
    """A sector's or an organisation's scores for one year."""

    source = StringField(_l("Source"), default=DEFAULT_SOURCE, filters=[strip_filter],
                         validators=[DataRequired(_l("Enter the source.")), Length(max=100)])
    year = IntegerField(_l("Year"), validators=[
        DataRequired(_l("Enter the year.")),
        NumberRange(min=1990, max=2100, message=_l("Enter a year between 1990 and 2100."))])
    level = SelectField(_l("Level"), default="sector")
    sector_id = SelectField(_l("Sector"), coerce=coerce_optional_int, validators=[Optional()])
    organisation_id = SelectField(_l("Organisation"), coerce=coerce_optional_int, validators=[Optional()])
    total_score = DecimalCommaField(_l("Total score (0-100)"), validators=[
        Optional(), NumberRange(min=0, max=100, message=_l("The total score lies between 0 and 100."))])
    chain_score = DecimalCommaField(_l("Chain-management score (0-10)"), validators=[
        Optional(), NumberRange(min=0, max=10, message=_l("The chain score lies between 0 and 10."))],
        description=_l("Ketenbeheer. Decimal comma or point: 5,5 or 5.5."))
    company_count = WholeNumberField(_l("Number of companies"), validators=[
        Optional(), NumberRange(min=0, message=_l("Enter a whole number of 0 or more."))])
    listed_count = WholeNumberField(_l("Of which listed"), validators=[
        Optional(), NumberRange(min=0, message=_l("Enter a whole number of 0 or more."))])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, score: BenchmarkScore | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.score = score
        self.level.choices = code_choices("level")
        self.sector_id.choices = taxonomy_choices(Sector, _l("Choose..."))
        companies = db.session.scalars(select(Organisation).where(Organisation.kind == "company")
                                       .order_by(Organisation.name_key))
        self.organisation_id.choices = options([("", _l("Choose..."))] + [(o.id, o.name) for o in companies])

    def validate(self, extra_validators=None) -> bool:
        """The subject depends on the level; one row per source, year and subject."""
        valid = super().validate(extra_validators)
        subject_field = self.sector_id if self.level.data == "sector" else self.organisation_id
        if not subject_field.data:
            subject_field.errors.append(_l("Choose the sector or organisation this score is for."))
            return False
        if (self.company_count.data is not None and self.listed_count.data is not None
                and self.listed_count.data > self.company_count.data):
            self.listed_count.errors.append(_l("There cannot be more listed companies than companies."))
            valid = False
        column = BenchmarkScore.sector_id if self.level.data == "sector" else BenchmarkScore.organisation_id
        other = db.session.scalar(select(BenchmarkScore).where(
            BenchmarkScore.source == self.source.data, BenchmarkScore.year == self.year.data,
            column == subject_field.data))
        if other is not None and other is not self.score:
            self.year.errors.append(_l("There is already a score for this source, year and subject."))
            valid = False
        return valid


class BenchmarkImportForm(FlaskForm):
    """Upload a file of benchmark scores, with what it is: year, level and source."""

    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("Choose a CSV or XLSX file."))])
    year = IntegerField(_l("Benchmark year"), validators=[
        DataRequired(_l("Enter the year.")),
        NumberRange(min=1990, max=2100, message=_l("Enter a year between 1990 and 2100."))])
    level = SelectField(_l("Level"), default="sector",
                        description=_l("One row per sector, or one row per organisation."))
    source = StringField(_l("Source"), default=DEFAULT_SOURCE, filters=[strip_filter],
                         validators=[DataRequired(_l("Enter the source.")), Length(max=100)])
    save_when_valid = BooleanField(_l("Save a large file at once when every row is valid"), description=_l(
        "A file with many rows is checked in the background while a page shows the progress. Ticked, it "
        "is then saved at once if every row is valid; otherwise you see the outcome first and confirm."))
    submit = SubmitField(_l("Check the file"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.level.choices = code_choices("level")


class ReviewImportForm(FlaskForm):
    """The checked file's preview: check again with the names mapped by hand, or save."""

    upload = HiddenField(validators=[DataRequired()])
    check = SubmitField(_l("Check again"))
    save = SubmitField(_l("Import"))
