"""Forms of the review pages: the status filter, returning, and internal notes."""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, SelectField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Length

from ..forms import MultilineField, code_choices, strip_filter
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..rounds.services import local_to_utc, utc_to_local

#: How long a returned response stays open by default.
RETURN_DAYS = 14
#: The hour (Dutch time) a returned response closes by default, as round deadlines do.
RETURN_HOUR = 17


def default_until() -> datetime:
    """Fourteen days from now at 17:00 Dutch time, as the form shows it (naive, local)."""
    day = utc_to_local(utcnow()) + timedelta(days=RETURN_DAYS)
    return day.replace(hour=RETURN_HOUR, minute=0, second=0, microsecond=0, tzinfo=None)


class StatusFilterForm(FlaskForm):
    """The status filter of the responses list (a GET form: no token needed)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = code_choices("response_status", blank=_l("All statuses"))


class ReturnForm(FlaskForm):
    """Send a response back to the organisation with a question."""

    message = MultilineField(_l("What needs clarification"), filters=[strip_filter],
                            validators=[DataRequired(_l("Write what needs clarification.")), Length(max=5000)],
                            description=_l("The organisation's contacts receive this message by e-mail."),
                            render_kw={"rows": 5})
    until = DateTimeLocalField(_l("Open for changes until"), format="%Y-%m-%dT%H:%M", default=default_until,
                               validators=[DataRequired(_l("Enter the date until which it can be changed."))],
                               description=_l("Dutch time."))
    submit = SubmitField(_l("Return for clarification"))

    def validate_until(self, field) -> None:
        if field.data and local_to_utc(field.data) <= utcnow():
            raise ValidationError(_l("The date must lie in the future."))


class NoteForm(FlaskForm):
    """An internal note of the secretariat."""

    text = MultilineField(_l("Note"), filters=[strip_filter],
                         validators=[DataRequired(_l("Write the note.")), Length(max=5000)],
                         description=_l("Only the secretariat sees notes; the organisation does not."),
                         render_kw={"rows": 3})
    submit = SubmitField(_l("Add the note"))
