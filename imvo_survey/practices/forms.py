"""Forms of good practices: the secretariat's public text, the respondent's consent."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired, Length

from ..forms import MultilineField, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import PUBLIC_TEXT_MAX
from . import NOT_IN_XML


def without_control_characters(value):
    """Leave out what XML forbids (the feed) and PostgreSQL refuses (NUL)."""
    return NOT_IN_XML.sub("", value) if isinstance(value, str) else value


class PracticeForm(FlaskForm):
    """The public text of a good practice."""

    public_text = MultilineField(
        _l("Public text"), filters=[without_control_characters, strip_filter],
        validators=[DataRequired(_l("Write the public text.")), Length(max=PUBLIC_TEXT_MAX)],
        description=_l("Shown on the public page of good practices. Describe the practice in a few sentences; "
                       "the organisation's name is added only where it consented."),
        render_kw={"rows": 5})
    submit = SubmitField(_l("Publish as good practice"))


class ConsentForm(FlaskForm):
    """The respondent's consents; the per-activity boxes are named `activity` (one per
    activity, its id as value) and read by the view, as their number varies."""

    name = BooleanField(_l("The name of our organisation may appear with our published good practices"))
    submit = SubmitField(_l("Save the consents"))
