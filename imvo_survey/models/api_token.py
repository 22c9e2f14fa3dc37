"""Personal API tokens for the read-only API (staff only; stored as hashes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

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
