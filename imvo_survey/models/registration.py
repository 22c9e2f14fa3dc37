"""MKB companies that register themselves to report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, digits_only, one_of
from .organisation import LANGUAGES, SIZES, Organisation
from .reference import Sector
from .user import User

REGISTRATION_STATUSES = ("pending", "confirmed", "review", "merged", "rejected")


class Registration(TimestampMixin, db.Model):
    """A company's request to report, from the public registration page.

    pending: waiting for the e-mail confirmation; confirmed: the company was added and
    invited; review: it looks like an organisation already in the register, so the
    secretariat decides (merge or reject); merged, rejected: decided."""

    __tablename__ = "registration"
    __table_args__ = (
        one_of("status", REGISTRATION_STATUSES, "status"),
        one_of("size", SIZES, "size"),
        one_of("language", LANGUAGES, "language"),
        CheckConstraint("contact_email = LOWER(contact_email)", name="email_lowercase"),
        CheckConstraint("kvk_number IS NULL OR (LENGTH(kvk_number) = 8 AND " + digits_only("kvk_number") + ")",
                        name="kvk_eight_digits"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Company name as given.
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: KvK number as given.
    kvk_number: Mapped[str | None] = mapped_column(String(8), index=True)
    #: Sector as chosen.
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    #: large or mkb.
    size: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The branch association it belongs to, if chosen from the register.
    association_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    #: A branch association named in words (when not in the list).
    association_name: Mapped[str | None] = mapped_column(String(200))
    #: Name of the person registering.
    contact_name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Their e-mail address (normalised).
    contact_email: Mapped[str] = mapped_column(String(254), nullable=False)
    #: Language of messages.
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl")
    #: SHA-256 of the confirmation token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: pending, confirmed, review, merged, rejected.
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="pending")
    #: When the e-mail address was confirmed (UTC).
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The organisation it became or was merged into.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id", ondelete="SET NULL"))
    #: Who decided (merge or reject), and when.
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was handled (UTC).
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: A note of the secretariat (why rejected, say).
    note: Mapped[str | None] = mapped_column(Text)

    sector: Mapped[Sector | None] = relationship()
    association: Mapped[Organisation | None] = relationship(foreign_keys=[association_id])
    organisation: Mapped[Organisation | None] = relationship(foreign_keys=[organisation_id])
    handled_by: Mapped[User | None] = relationship()
