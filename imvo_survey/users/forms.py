"""The account form of the secretariat and the search above the list of accounts."""

from __future__ import annotations

from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    PasswordField,
    SearchField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..auth.services import MIN_PASSWORD_LENGTH
from ..extensions import db
from ..forms import ValidEmail, code_choices, coerce_optional_int, empty_to_none, options, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import Organisation, User


class UserForm(FlaskForm):
    """Create or edit an account."""

    email = EmailField(_l("E-mail address"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the e-mail address.")), ValidEmail(), Length(max=254)],
                       render_kw={"autocomplete": "off"})
    name = StringField(_l("Name"), filters=[empty_to_none], validators=[Optional(), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired(_l("Choose a role."))])
    organisation_id = SelectField(_l("Organisation (respondents)"), coerce=coerce_optional_int,
                                  validators=[Optional()])
    language = SelectField(_l("Language"), filters=[empty_to_none], validators=[Optional()])
    password = PasswordField(
        _l("Password"), validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH)],
        description=_l("Leave blank to send the user a link to choose a password."),
        render_kw={"autocomplete": "new-password"})
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, user: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.role.choices = code_choices("role", blank=_l("Choose..."))
        organisations = db.session.scalars(
            select(Organisation).where(Organisation.is_active).order_by(Organisation.name_key))
        self.organisation_id.choices = options([("", _l("None"))] + [(o.id, o.name) for o in organisations])
        self.language.choices = code_choices("language", blank=_l("Not chosen (Dutch)"))
        if user is not None:
            del self.password

    def validate_email(self, field) -> None:
        other = db.session.scalar(select(User).where(User.email == func.lower(field.data)))
        if other is not None and other is not self.user:
            raise ValidationError(_l("There is already an account with this e-mail address."))

    def validate(self, extra_validators=None) -> bool:
        """The organisation depends on the role (checked here: the field is optional)."""
        valid = super().validate(extra_validators)
        if self.role.data == "respondent" and not self.organisation_id.data:
            self.organisation_id.errors.append(_l("A respondent needs an organisation."))
            valid = False
        elif self.role.data and self.role.data != "respondent" and self.organisation_id.data:
            self.organisation_id.errors.append(_l("Only respondents belong to an organisation."))
            valid = False
        return valid


#: The tabs of the list: which accounts by their active flag.
STATUSES = ("active", "inactive", "all")


class UserFilterForm(FlaskForm):
    """The search and role filter above the accounts (a GET form: no token needed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip_filter],
                    description=_l("E-mail address, name or organisation."))
    role = SelectField(_l("Role"), validators=[Optional()])
    #: The Active / Inactive / All tab, kept when the search changes.
    status = HiddenField(default="active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = code_choices("role", blank=_l("All roles"))
        if self.status.data not in STATUSES:
            self.status.data = "active"

