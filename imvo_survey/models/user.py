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
    #: Raised whenever the password changes, which ends every other session and
    #: "remember me" cookie of this user.
    auth_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Last successful login (UTC).
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the account was anonymised with its contact person's data (privacy).
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation | None] = relationship()

    def get_id(self) -> str:
        """The session identity: id and auth version, so a password change logs out elsewhere."""
        return f"{self.id}:{self.auth_version}"

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
