"""E-mail addresses as the whole app stores them: checked by email-validator and kept in
lower case. Below the forms, the accounts and the register, which all take addresses."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email


class InvalidEmail(ValueError):
    """An e-mail address that email-validator refuses; the message says why."""


def normalise_email(address: str, check_deliverability: bool = False) -> str:
    """Validate an e-mail address and return it normalised, in lower case."""
    try:
        result = validate_email(address.strip(), check_deliverability=check_deliverability)
    except EmailNotValidError as error:
        raise InvalidEmail(str(error)) from None
    return result.normalized.lower()
