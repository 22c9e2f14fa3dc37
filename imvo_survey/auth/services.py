"""Passwords, login bookkeeping and password-reset tokens (login sessions: `sessions`)."""

from __future__ import annotations

import hashlib
import secrets
import string

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from ..extensions import db
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..models import User, utcnow
from .limits import email_key
from .sessions import load_user  # noqa: F401  (Flask-Login's loader; create_app registers it)

RESET_SALT = "imvo-password-reset"
MIN_PASSWORD_LENGTH = 10


def _hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    """An argon2id hash of `password` with the configured cost."""
    return _hasher().hash(password)


def verify_password(user: User, password: str) -> bool:
    """True when `password` is the user's; rehashes when the cost settings changed."""
    if not user.password_hash:
        # Spend the same time as a real check, so timing does not reveal accounts.
        _hasher().hash(password)
        return False
    hasher = _hasher()
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def set_password(user: User, password: str) -> None:
    """Set a new password, which also ends every login session of the user (the
    password-change page starts a new one for the browser it was changed in)."""
    user.password_hash = hash_password(password)
    user.auth_version = (user.auth_version or 0) + 1


def generate_password(length: int = 16) -> str:
    """A random password of letters and digits, for a first admin account."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def find_user_by_email(email: str) -> User | None:
    """The user with this e-mail address, whatever its case (lowered as stored, and as
    the per-account rate limits key it: `limits.email_key`)."""
    return db.session.scalar(select(User).where(User.email == email_key(email)))


def authenticate(email: str, password: str) -> User | None:
    """The active user with these credentials, or None. Records the login time."""
    user = find_user_by_email(email)
    if user is None:
        _hasher().hash(password)  # same work as a real check
        return None
    if not verify_password(user, password) or not user.is_active:
        return None
    user.last_login_at = utcnow()
    return user


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, so a reset link works once only."""
    material = f"{user.password_hash or ''}:{user.auth_version}".encode()
    return hashlib.sha256(material).hexdigest()[:16]


def make_reset_token(user: User) -> str:
    """A signed, expiring, single-use token for resetting the user's password."""
    return _serializer().dumps({"u": user.id, "f": _password_fingerprint(user)})


def user_for_reset_token(token: str) -> User | None:
    """The user a reset token belongs to, or None when it is expired, used or forged."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict):
        return None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("f") != _password_fingerprint(user):
        return None
    return user


def send_reset_mail(user) -> None:
    """Queue a reset link for the user, built from the configured base URL (flushes)."""
    token = make_reset_token(user)
    link = external_url("auth.reset_password", token=token)
    with force_locale(user.language or current_app.config["BABEL_DEFAULT_LOCALE"]):
        message = build_message(
            user.email,
            _("Choose a new password for the IMVO inventory"),
            "password_reset",
            user=user,
            link=link,
            minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60,
        )
    queue(message, "password_reset")
