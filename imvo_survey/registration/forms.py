"""Forms of self-registration: the public registration form, and the secretariat's
merge and reject forms."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from ..extensions import db
from ..forms import MultilineField, ValidEmail, code_choices, coerce_optional_int, empty_to_none, options, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import Organisation, Sector
from ..organisations.forms import taxonomy_choices
from ..organisations.services import association_options, resolve_organisation

#: Labels of the registration statuses (the list's tabs and the detail page).
STATUS_LABELS = {
    "pending": _l("Waiting for confirmation"),
    "confirmed": _l("Added and invited"),
    "review": _l("To review"),
    "merged": _l("Merged"),
    "rejected": _l("Rejected"),
}


def status_label(status: str) -> str:
    """The translated label of a registration status."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status


def kvk_filter(value):
    """People type a KvK number with spaces or dots ("1234 5678"): drop those; blank
    becomes None."""
    if isinstance(value, str):
        value = re.sub(r"[\s.]", "", value)
    return value or None


class RegistrationForm(FlaskForm):
    """The public form on which a company registers to report."""

    name = StringField(_l("Company name"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the name of the company.")), Length(max=200)],
                       render_kw={"autocomplete": "organization"})
    kvk_number = StringField(
        _l("KvK number"), filters=[kvk_filter],
        validators=[Optional(), Regexp(r"^\d{8}$", message=_l("A KvK number has exactly 8 digits."))],
        description=_l("Chamber of Commerce number: 8 digits. Optional, but it helps us avoid duplicates."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    sector_id = SelectField(_l("Sector"), coerce=coerce_optional_int,
                            validators=[DataRequired(_l("Choose the sector (or Other)."))])
    size = SelectField(_l("Size"), default="mkb", validators=[DataRequired(_l("Choose the size."))],
                       description=_l("MKB (SME): fewer than 250 employees."))
    association_id = SelectField(_l("Branch association or board"), coerce=coerce_optional_int,
                                 validators=[Optional()],
                                 description=_l("The branch association or board your company is a member "
                                                "of, if any."))
    association_name = StringField(_l("Or its name, if it is not in the list"), filters=[empty_to_none],
                                   validators=[Optional(), Length(max=200)])
    contact_name = StringField(_l("Your name"), filters=[strip_filter],
                               validators=[DataRequired(_l("Enter your name.")), Length(max=200)],
                               render_kw={"autocomplete": "name"})
    contact_email = EmailField(_l("Your e-mail address"), filters=[strip_filter],
                               validators=[DataRequired(_l("Enter your e-mail address.")), ValidEmail(),
                                           Length(max=254)],
                               description=_l("We send a link to this address to confirm the registration."),
                               render_kw={"autocomplete": "email"})
    language = SelectField(_l("Language of our messages"), default="nl")
    #: A trap for robots: hidden from sight, and labelled so that a screen reader user
    #: leaves it alone. Anything in it means spam.
    website = StringField(_l("Leave this empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})
    submit = SubmitField(_l("Register"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector_id.choices = taxonomy_choices(Sector, _l("Choose..."))
        self.size.choices = code_choices("size")
        self.association_id.choices = options(
            [("", _l("None, or not in the list"))] + [(a.id, a.name) for a in association_options()])
        self.language.choices = code_choices("language")

    @property
    def is_spam(self) -> bool:
        """True when the hidden field was filled in."""
        return bool((self.website.data or "").strip())


class MergeForm(FlaskForm):
    """Choose the organisation of the register a registration belongs to."""

    organisation_id = SelectField(_l("Organisation"), coerce=coerce_optional_int)
    other = StringField(_l("Or another organisation: its KvK number or its number in the register"),
                        filters=[strip_filter], validators=[Length(max=20)])
    submit = SubmitField(_l("Merge"))

    def __init__(self, *args, candidates: list[Organisation] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_id.choices = options(
            [("", _l("Choose..."))] + [(o.id, f"{o.name} ({o.kvk_number or '-'})") for o in candidates])
        #: The organisation chosen, once the form is valid.
        self.organisation: Organisation | None = None

    def validate_organisation_id(self, field) -> None:
        if field.data is None and not self.other.data:
            raise ValidationError(_l("Choose the organisation to merge into."))
        if field.data is not None:
            self.organisation = db.session.get(Organisation, field.data)

    def validate_other(self, field) -> None:
        if not field.data:
            return
        if self.organisation_id.data is not None:
            raise ValidationError(_l("Choose one organisation: from the list or by its number, not both."))
        self.organisation = resolve_organisation(field.data)
        if self.organisation is None:
            raise ValidationError(_l("There is no organisation with this number."))


class RejectForm(FlaskForm):
    """Reject a registration, with an optional note."""

    note = MultilineField(_l("Note (optional)"), filters=[empty_to_none], validators=[Optional(), Length(max=2000)],
                         description=_l("Why, for the secretariat's records. The registrant is not told."))
    submit = SubmitField(_l("Reject"))
