"""The form that starts a new version of a round's progress report."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SubmitField
from wtforms.validators import DataRequired

from ..forms import options
from ..i18n import lazy_gettext as _l


class BuildReportForm(FlaskForm):
    """Build a new version, in Dutch or English."""

    language = SelectField(_l("Language of the report"), validators=[DataRequired()],
                           choices=options([("nl", _l("Dutch")), ("en", _l("English"))]))
    submit = SubmitField(_l("Build a new version"))
