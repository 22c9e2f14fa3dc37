"""Finding, creating and changing accounts (flush only; the caller commits)."""

from __future__ import annotations

from sqlalchemy import Select, or_, select

from ..auth.services import find_user_by_email, set_password
from ..emails import normalise_email
from ..extensions import db
from ..models import Organisation, User, name_key


class UserError(ValueError):
    """A user cannot be created or changed as asked; the message says why."""


def create_user(email: str, role: str, password: str | None = None, organisation=None,
                name: str | None = None, language: str | None = None) -> User:
    """A new active account. Without a password the user chooses one by a reset link."""

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


def user_query(q: str | None = None, role: str | None = None, status: str = "active") -> Select:
    """A SELECT of the accounts matching a search (e-mail address, name or organisation
    name, case-insensitive), a role and a status (active, inactive or all); ordered by
    role (secretariat, respondents, analysts), then e-mail address."""
    query = select(User).outerjoin(User.organisation).order_by(User.role.desc(), User.email)
    needle = name_key(q or "")
    if needle:
        escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{escaped}%"
        query = query.where(or_(
            User.email.like(pattern, escape="\\"),
            User.name_key.like(pattern, escape="\\"),
            Organisation.name_key.like(pattern, escape="\\"),
        ))
    if role:
        query = query.where(User.role == role)
    if status == "active":
        query = query.where(User.is_active)
    elif status == "inactive":
        query = query.where(~User.is_active)
    return query
