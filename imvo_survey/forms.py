"""Form pieces shared by several blueprints: e-mail checks and value parsing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField, ValidationError

from .auth.services import InvalidEmail, normalise_email


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
