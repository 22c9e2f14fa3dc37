"""Login sessions: one row per login in one browser, so that a login can be ended on
the server (logout, deactivation, a role or password change), whatever copies of its
cookies are still around."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User


class LoginSession(db.Model):
    """What the session cookie and the "remember me" cookie of one login point at.

    The cookies carry a random token; only its SHA-256 is kept here, so a copy of this
    table opens nothing. Deleting the row ends the login (logout); a change of the
    user's `auth_version` ends all of the user's logins at once."""

    __tablename__ = "login_session"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Who logged in.
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    #: SHA-256 of the token in the cookies, hex; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: The user's auth_version at login: when it has moved on (password, role or
    #: organisation changed, account deactivated), this login no longer counts.
    auth_version: Mapped[int] = mapped_column(Integer, nullable=False)
    #: When the user logged in (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: The last request seen, to the minute (UTC): the idle timeout counts from here.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<LoginSession {self.id} of user {self.user_id}>"
