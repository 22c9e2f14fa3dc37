"""The form that makes an API token."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import strip_filter
from ..i18n import lazy_gettext as _l


class TokenForm(FlaskForm):
    """A name, so the user recognises the token later ("R script", "Power BI")."""

    name = StringField(_l("Name of the token"), filters=[strip_filter],
                       validators=[DataRequired(_l("Give the token a name.")), Length(max=100)],
                       description=_l("What you use it for, such as \"R script\"."))
    submit = SubmitField(_l("Make a token"))
