"""Form pieces shared by several blueprints: e-mail checks and value parsing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, StringField, SubmitField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice

from .emails import InvalidEmail, normalise_email
from .i18n import CODE_LABELS
from .i18n import lazy_gettext as _l
from .spreadsheets.reading import parse_decimal
from .text import normalise_newlines
from .whole_numbers import MAX_INT, parse_whole_number


class ValidEmail:
    """A WTForms validator that checks an address with email-validator and stores the
    normalised (lower-case) form back in the field."""

    def __init__(self, message: str | None = None):
        self.message = message

    def __call__(self, form, field) -> None:
        if not field.data:
            return
        try:
            field.data = normalise_email(field.data)
        except InvalidEmail:
            raise ValidationError(
                self.message or _l("Enter a valid e-mail address, such as name@example.org.")
            ) from None


def strip_filter(value):
    """Strip surrounding spaces from text input (a WTForms filter)."""
    return value.strip() if isinstance(value, str) else value


def empty_to_none(value):
    """Blank text becomes None, so optional columns stay NULL."""
    if isinstance(value, str):
        value = value.strip()
    return value or None


class WholeNumberField(IntegerField):
    """An IntegerField that refuses a number larger than a database integer holds: the
    insert would fail with a 500 (an OverflowError on SQLite, "integer out of range" on
    PostgreSQL). The field says so instead, as for any other typing error."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not -MAX_INT <= self.data <= MAX_INT:
            self.data = None
            raise ValueError(_l("Enter a smaller number (at most %(max)s).", max=MAX_INT))


class MultilineField(TextAreaField):
    """A textarea whose lines end in LF: browsers send CR LF, which would be stored as
    typed and turn up as `_x000D_` in XLSX exports. Use it for every textarea."""

    def process_formdata(self, valuelist):
        super().process_formdata([normalise_newlines(value) if isinstance(value, str) else value
                                  for value in valuelist])


class DecimalCommaField(StringField):
    """A number field that reads Dutch notation ("5,5", "1.234,5") as well as "5.5".

    The typed text is shown back unchanged when it is not a number, with a message."""

    def __init__(self, *args, message: str | None = None, **kwargs):
        kwargs.setdefault("render_kw", {}).setdefault("inputmode", "decimal")
        super().__init__(*args, **kwargs)
        self.message = message

    def process_formdata(self, valuelist):

        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = float(parse_decimal(valuelist[0]))
            except ValueError:
                self.data = None
                raise ValueError(self.message or _l("Enter a number, such as 5,5.")) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        return f"{self.data:g}".replace(".", ",")


def options(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs (WTForms 3.3 deprecates plain tuples)."""
    return [SelectChoice(value, label) for value, label in pairs]


def coerce_optional_int(value):
    """Coerce a select's value to an int, or None for the blank choice. A number past
    what a database integer holds raises ValueError, which WTForms reports as an
    invalid choice (a filter form's value must never reach a query unchecked)."""
    if value in (None, "", "None"):
        return None
    if isinstance(value, int):
        return value
    return parse_whole_number(str(value), minimum=-MAX_INT)


def safe_next_url(target: str | None) -> str | None:
    """`target` when it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


class ActionForm(FlaskForm):
    """A form with only a button, for actions such as deactivate (its token is the point)."""

    submit = SubmitField()


class OnceForm(ActionForm):
    """A button for an action that may be repeated on purpose but not by accident (send
    reminders, send feedback): it carries the newest record its page knew of, so that a
    second click, a second page or a colleague at the same moment does not do it twice."""

    seen = HiddenField()

    @property
    def seen_id(self) -> int | None:
        return int(self.seen.data) if (self.seen.data or "").isdigit() else None


def code_choices(code_list: str, blank: str | None = None) -> list[SelectChoice]:
    """Select options for a code list, after an optional blank option."""
    pairs = [(code, label) for code, label in CODE_LABELS[code_list].items()]
    return options(([("", blank)] if blank is not None else []) + pairs)
