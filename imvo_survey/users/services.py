"""Creating and changing accounts (flush only; the caller commits)."""

from __future__ import annotations

from ..auth.services import normalise_email, set_password
from ..extensions import db
from ..models import User


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def create_user(email: str, role: str, password: str | None = None, organisation=None,
                name: str | None = None, language: str | None = None) -> User:
    """A new active account. Without a password the user chooses one by a reset link."""
    from ..auth.services import find_user_by_email

    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise UserError(f"There is already an account for {email}.")
    if role == "respondent" and organisation is None:
        raise UserError("A respondent needs an organisation.")
    user = User(email=email, role=role, name=name, language=language,
                organisation=organisation if role == "respondent" else None, is_active=True)
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user
