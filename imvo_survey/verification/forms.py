"""The forms of verification samples: drawing one, uploading evidence, recording a check."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from wtforms import RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from ..extensions import db
from ..forms import DecimalCommaField, MultilineField, WholeNumberField, coerce_optional_int, options, strip_filter
from ..i18n import CODE_LABELS
from ..i18n import lazy_gettext as _l
from ..models import OUTCOMES, Round
from .services import MAX_SEED


class DrawSampleForm(FlaskForm):
    """A round, a number or a percentage, a method and (optionally) a seed."""

    round_id = SelectField(_l("Round"), coerce=coerce_optional_int, validators=[DataRequired(_l("Choose the round."))])
    size = WholeNumberField(_l("Number of responses"), validators=[Optional(), NumberRange(min=1)],
                            description=_l("Give a number or a percentage."))
    percent = DecimalCommaField(_l("Percentage of the responses"),
                                description=_l("Rounded up: 10 %% of 25 responses draws 3."))
    method = RadioField(_l("Method"), default="stratified", validators=[DataRequired()], choices=options([
        ("stratified", _l("Stratified by sector: in proportion, at least one in every sector with responses")),
        ("simple", _l("Simple random"))]))
    seed = WholeNumberField(_l("Seed"), validators=[Optional(), NumberRange(min=0, max=MAX_SEED)],
                            description=_l("Leave empty for a random seed. The same seed and round draw the same "
                                           "sample."))
    submit = SubmitField(_l("Draw a new sample"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rounds = db.session.scalars(select(Round).order_by(Round.year.desc(), Round.id.desc()))
        self.round_id.choices = options([("", _l("Choose..."))] + [(str(r.id), r.name) for r in rounds])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and (self.size.data is None) == (self.percent.data is None):
            self.size.errors.append(_l("Give a number or a percentage (one of them)."))
            return False
        if valid and self.percent.data is not None and not 0 < self.percent.data <= 100:
            self.percent.errors.append(_l("A percentage lies above 0 and at most 100."))
            return False
        return valid


class EvidenceForm(FlaskForm):
    """One evidence file: its kind is told by its content, not its name."""

    file = FileField(_l("File (PDF, PNG, JPEG, XLSX or DOCX)"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Upload"))


class CheckForm(FlaskForm):
    """What the check of one activity found, with a note."""

    outcome = SelectField(_l("Outcome"), validators=[DataRequired(_l("Choose the outcome."))])
    note = MultilineField(_l("Note"), filters=[strip_filter], validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = options([("", _l("Choose..."))]
                                       + [(code, CODE_LABELS["check_outcome"][code]) for code in OUTCOMES])
