"""Personal API tokens for the read-only API (staff only; stored as hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .user import User


class ApiToken(db.Model):
    """A token a user made in their profile; only its SHA-256 hash is kept."""

    __tablename__ = "api_token"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The owner (secretariat or analyst; respondents get no token).
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False, index=True)
    #: A name the user gave it ("R-script", say).
    name: Mapped[str] = mapped_column(String(100), nullable=False)
    #: SHA-256 of the token, hex.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: The first characters of the token, to recognise it in the list.
    prefix: Mapped[str] = mapped_column(String(12), nullable=False)
    #: When it was made (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Last use (UTC).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it was revoked (UTC).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


@event.listens_for(Session, "after_flush")
def _revoke_on_deactivation(session: Session, _flush_context) -> None:
    """An account deactivated or given another role loses its API tokens for good, in
    the same transaction, as its login sessions end (`User.auth_version`): activated
    again, it makes new ones. Without this an old token worked again after
    reactivation."""
    users = [user.id for user in session.dirty if isinstance(user, User) and _lost_access(user)]
    if users:
        session.connection().execute(update(ApiToken).where(ApiToken.user_id.in_(users),
                                                            ApiToken.revoked_at.is_(None))
                                     .values(revoked_at=utcnow()))


def _lost_access(user: User) -> bool:
    state = inspect(user)
    deactivated = False in state.attrs.is_active.history.added
    return deactivated or state.attrs.role.history.has_changes()
