"""Forms of the round pages."""

from __future__ import annotations

import re
import unicodedata

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..extensions import db
from ..forms import MultilineField, code_choices, coerce_optional_int, empty_to_none, options, strip_filter
from ..i18n import current_language
from ..i18n import lazy_gettext as _l
from ..models import Questionnaire, QuestionnaireVersion, Round

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,79}$"


def version_choices(audience: str) -> list:
    """The published versions of the questionnaires for an audience, newest first."""
    language = current_language()
    versions = db.session.scalars(
        select(QuestionnaireVersion).join(Questionnaire)
        .where(Questionnaire.audience == audience, QuestionnaireVersion.status == "published")
        .order_by(Questionnaire.code, QuestionnaireVersion.number.desc()))
    return options([("", _l("None"))] + [
        (v.id, f"{v.questionnaire.title(language)} ({v.questionnaire.code}, {_l('version')} {v.number})")
        for v in versions])


def slugify(name: str) -> str:
    """A short name for URLs from a round's name: 'Inventarisatie IMVO 2010' -> 'inventarisatie-imvo-2010'."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:80] or "round"


class RoundForm(FlaskForm):
    """A round's settings."""

    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter a name.")), Length(max=200)],
                       description=_l("For example: Inventarisatie IMVO 2010."))
    slug = StringField(_l("Short name"), filters=[empty_to_none],
                       validators=[Optional(), Regexp(SLUG_PATTERN, message=_l(
                           "Use lower-case letters, digits and hyphens, such as imvo-2010."))],
                       description=_l("Used in addresses and on the command line. Made from the name when blank."))
    year = IntegerField(_l("Year"), validators=[DataRequired(_l("Enter the year.")),
                                               NumberRange(min=2000, max=2100, message=_l("Enter a year such as 2010."))])
    association_version_id = SelectField(_l("Questionnaire for branch associations and boards"),
                                         coerce=coerce_optional_int, validators=[Optional()])
    company_version_id = SelectField(_l("Questionnaire for companies"), coerce=coerce_optional_int,
                                     validators=[Optional()])
    opens_at = DateTimeLocalField(_l("Opens on"), format="%Y-%m-%dT%H:%M",
                                  validators=[DataRequired(_l("Enter the opening date and time."))],
                                  description=_l("Dutch time."))
    closes_at = DateTimeLocalField(_l("Closes on"), format="%Y-%m-%dT%H:%M",
                                   validators=[DataRequired(_l("Enter the closing date and time."))],
                                   description=_l("Dutch time."))
    is_baseline = BooleanField(_l("This round is the baseline (nulmeting)"),
                               description=_l("Later rounds are compared with it. One baseline per questionnaire."))
    contact_mode = RadioField(_l("Send invitations to"), default="primary")
    reminder_days = StringField(_l("Reminders, days before the deadline"), default="7, 2",
                                filters=[strip_filter],
                                description=_l("Sent by the mail worker, for example 7, 2. Leave blank for none."))
    invitation_subject_nl = StringField(_l("Subject of the invitation (Dutch)"), filters=[strip_filter],
                                        validators=[Optional(), Length(max=300)])
    invitation_subject_en = StringField(_l("Subject of the invitation (English)"), filters=[strip_filter],
                                        validators=[Optional(), Length(max=300)])
    invitation_intro_nl = MultilineField(_l("Opening text of the invitation (Dutch)"), filters=[strip_filter],
                                        render_kw={"rows": 4})
    invitation_intro_en = MultilineField(_l("Opening text of the invitation (English)"), filters=[strip_filter],
                                        render_kw={"rows": 4})
    copy_of = SelectField(_l("Copy the settings and target list of"), coerce=coerce_optional_int,
                          validators=[Optional()],
                          description=_l("Optional. The newest published questionnaire versions are used."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, round: Round | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.round = round
        self.association_version_id.choices = version_choices("association")
        self.company_version_id.choices = version_choices("company")
        self.contact_mode.choices = code_choices("contact_mode")
        rounds = db.session.scalars(select(Round).order_by(*Round.newest_first()))
        self.copy_of.choices = options([("", _l("None"))] + [(r.id, r.name) for r in rounds])
        if round is not None:
            del self.copy_of

    def validate_reminder_days(self, field) -> None:
        # Not posted at all (a crafted request): the round's own list, not an error page.
        text = field.data if isinstance(field.data, str) else ", ".join(str(day) for day in field.data or [])
        try:
            field.parsed = sorted({int(part) for part in re.split(r"[,\s;]+", text) if part},
                                  reverse=True)
        except ValueError:
            raise ValidationError(_l("Write whole numbers of days separated by commas, such as 7, 2.")) from None
        if any(days < 0 or days > 90 for days in field.parsed):
            raise ValidationError(_l("Use numbers of days between 0 and 90."))

    def validate_closes_at(self, field) -> None:
        if field.data and self.opens_at.data and field.data <= self.opens_at.data:
            raise ValidationError(_l("The round must close after it opens."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        copying = getattr(self, "copy_of", None) is not None and self.copy_of.data
        if not copying and not self.association_version_id.data and not self.company_version_id.data:
            self.association_version_id.errors.append(_l("Choose at least one questionnaire."))
            valid = False
        return valid


class ReasonForm(FlaskForm):
    """An action that needs a reason (reopening)."""

    reason = MultilineField(_l("Reason"), filters=[strip_filter],
                           validators=[DataRequired(_l("Give a reason.")), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("Reopen the round"))


class ExtensionForm(FlaskForm):
    """A later deadline for one organisation."""

    until = DateTimeLocalField(_l("New deadline"), format="%Y-%m-%dT%H:%M",
                               validators=[DataRequired(_l("Enter the new deadline."))], description=_l("Dutch time."))
    reason = MultilineField(_l("Reason"), filters=[strip_filter],
                           validators=[DataRequired(_l("Give a reason.")), Length(max=2000)], render_kw={"rows": 2})
    submit = SubmitField(_l("Extend the deadline"))


class BounceForm(FlaskForm):
    """Mark an invitation as not delivered by hand."""

    note = StringField(_l("Note"), filters=[strip_filter], validators=[DataRequired(_l("Write a short note.")),
                                                                     Length(max=500)])
    submit = SubmitField(_l("Mark as not delivered"))


class TargetConfirmForm(FlaskForm):
    """Confirm adding the organisations of a targeting preview."""

    organisation = HiddenField()
    submit = SubmitField(_l("Add these organisations"))
