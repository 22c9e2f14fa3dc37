"""Forms of the respondent's landing page: decline, and set a password."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import PasswordField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..auth.services import MIN_PASSWORD_LENGTH
from ..forms import MultilineField, empty_to_none
from ..i18n import lazy_gettext as _l
from ..i18n import lazy_ngettext


class DeclineForm(FlaskForm):
    """Decline to take part, with an optional reason."""

    reason = MultilineField(_l("Reason (optional)"), filters=[empty_to_none],
                           validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField(_l("We do not take part"))


class SetPasswordForm(FlaskForm):
    """Choose a password so the contact can come back by logging in."""

    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Enter a password.")),
        Length(min=MIN_PASSWORD_LENGTH, message=lazy_ngettext(
            "Use at least %(num)d character.", "Use at least %(num)d characters.", MIN_PASSWORD_LENGTH))],
        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"), validators=[
        DataRequired(_l("Repeat the password.")), EqualTo("password", _l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Save the password"))
