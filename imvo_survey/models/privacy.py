"""The privacy log: who exported or erased a contact person's data, when, and how
(AVG/GDPR accountability). It names the contact by id only, never by personal data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .user import User

#: export: everything held about a contact, as JSON; erase: the contact anonymised on
#: request; purge: anonymised by the retention purge.
PRIVACY_ACTIONS = ("export", "erase", "purge")
PRIVACY_CHANNELS = ("web", "cli")


class PrivacyEvent(db.Model):
    """One export or erasure of a contact person's data."""

    __tablename__ = "privacy_event"
    __table_args__ = (one_of("action", PRIVACY_ACTIONS, "action"), one_of("channel", PRIVACY_CHANNELS, "channel"))

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: export, erase or purge.
    action: Mapped[str] = mapped_column(String(10), nullable=False)
    #: The contact concerned, by id; no foreign key, so the entry outlives the contact.
    #: NULL for what a purge cleared without a contact (accounts, traces of removed contacts).
    contact_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The contact's organisation, by id (no foreign key either).
    organisation_id: Mapped[int | None] = mapped_column(Integer, index=True)
    #: The secretariat account that did it from the web pages; NULL from the command line.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Who did it, as they were then: the account's e-mail address, or the system user of
    #: the command line ("cli:root").
    actor: Mapped[str] = mapped_column(String(254), nullable=False)
    #: web or cli.
    channel: Mapped[str] = mapped_column(String(3), nullable=False)
    #: What was exported or changed, counted per kind: {"tokens": 2, "events": 5, ...}.
    summary: Mapped[dict | None] = mapped_column(JSON)
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)

    user: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<PrivacyEvent {self.id} {self.action} contact {self.contact_id}>"
