"""Accounts: secretariat staff, analysts, and respondents of one organisation."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, one_of
from .organisation import LANGUAGES, Organisation, name_key

ROLES = ("secretariat", "analyst", "respondent")
#: The roles of the secretariat's side, who read the register, rounds and matrix.
STAFF_ROLES = ("secretariat", "analyst")


class User(UserMixin, TimestampMixin, db.Model):
    """Someone who logs in. A respondent belongs to exactly one organisation."""

    __tablename__ = "user_account"  # "user" is reserved in PostgreSQL
    __table_args__ = (
        one_of("role", ROLES, "role"),
        one_of("language", LANGUAGES, "language"),
        CheckConstraint("email = LOWER(email)", name="email_lowercase"),
        CheckConstraint(
            "(role = 'respondent' AND organisation_id IS NOT NULL) OR "
            "(role <> 'respondent' AND organisation_id IS NULL)",
            name="organisation_for_respondents",
        ),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Login name; stored in lower case, so unique without regard to case.
    email: Mapped[str] = mapped_column(String(254), unique=True, nullable=False)
    #: Display name.
    name: Mapped[str | None] = mapped_column(String(200))
    #: The name as searched: case (beyond ASCII too) and spacing do not count. Kept in
    #: step with `name`; SQLite's lower() folds only ASCII letters.
    name_key: Mapped[str | None] = mapped_column(String(200))
    #: argon2id hash; empty until a password is set.
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: secretariat, analyst or respondent.
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The respondent's organisation (respondents only).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    #: Preferred interface language, if chosen.
    language: Mapped[str | None] = mapped_column(String(2))
    #: Deactivated users cannot log in; their history stays.
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Raised whenever the password, the role or the organisation changes and when the
    #: account is (de)activated: every login session of the user (and its "remember me"
    #: cookie) made before then ends (see `LoginSession.auth_version`).
    auth_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Last successful login (UTC).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the account was anonymised with its contact person's data (privacy).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()

    #: The token of the login session this object was loaded through or logged in with
    #: in this request (set by `auth.sessions`; not a column).
    login_token = None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the "remember me" cookie: the token
        of this login session (the database keeps only its hash), never the user id."""
        if not self.login_token:
            raise RuntimeError("Log in through auth.sessions.start_session, which makes the login session.")
        return self.login_token

    # UserMixin compares users by get_id(), which is now a login token: compare the rows.
    def __eq__(self, other) -> bool:
        return self is other or (isinstance(other, User) and self.id is not None and self.id == other.id)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    __hash__ = object.__hash__

    @validates("role", "is_active", "organisation_id", "organisation")
    def _end_sessions_on_change(self, key: str, value):
        """A change of what the account may do ends all its login sessions: an account
        deactivated (by its page, its organisation or the CLI) or given another role or
        organisation must log in again, and a copy of an old cookie stays dead even after
        the account is activated again."""
        if self.id is not None:  # a new account has no sessions yet
            old = getattr(self, key)
            if key == "organisation":
                old, value_id = getattr(old, "id", None), getattr(value, "id", None)
                changed = old != value_id
            else:
                changed = old != value
            if changed:
                self.auth_version = (self.auth_version or 0) + 1
        return value

    @property
    def is_secretariat(self) -> bool:
        return self.role == "secretariat"

    @validates("name")
    def _keep_name_key(self, key: str, value: str | None) -> str | None:
        self.name_key = name_key(value) if value else None
        return value

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
