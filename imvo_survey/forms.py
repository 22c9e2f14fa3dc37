"""Form pieces shared by several blueprints: e-mail checks and value parsing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField, TextAreaField, ValidationError
from wtforms.fields.choices import SelectChoice

from .auth.services import InvalidEmail, normalise_email
from .text import normalise_newlines


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
        from .tabular import parse_decimal

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
    """Coerce a select's value to an int, or None for the blank choice."""
    return int(value) if value not in (None, "", "None") else None


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
