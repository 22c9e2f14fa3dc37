"""The mail outbox: every message is written here in the transaction of the change
that causes it, and a worker (`imvo mail send`) delivers it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .round import Invitation, Round

OUTBOX_STATUSES = ("queued", "sent", "failed")


class OutboxMessage(db.Model):
    """A message waiting to be sent, sent, or failed for good (with the SMTP error)."""

    __tablename__ = "outbox_message"
    __table_args__ = (
        one_of("status", OUTBOX_STATUSES, "status"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_at_when_sent"),
        Index("ix_outbox_message_due", "status", "next_attempt_at"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: invitation, reminder, password_reset, confirmation, registration, returned, ...
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    #: Recipient address.
    to_address: Mapped[str] = mapped_column(String(254), nullable=False)
    #: Subject (for the outbox page).
    subject: Mapped[str] = mapped_column(String(300), nullable=False)
    #: The whole message (RFC 5322 bytes), built when queued; its Message-ID never changes.
    #: Its personal links work only until it is delivered or fails for good: then their
    #: tokens are masked (see `links_masked_at`).
    raw: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    #: When the personal links in `raw` were masked (at delivery, or when it failed for
    #: good); None while it holds no masked link. A masked message cannot be sent again.
    links_masked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: queued, sent or failed.
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued")
    #: Delivery attempts so far.
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Not to be tried before this time (UTC): the backoff after a failure.
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: The worker that claimed it for sending.
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    #: The claim holds until then (UTC); after it, another worker may try again.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The last delivery error (the SMTP reply).
    last_error: Mapped[str | None] = mapped_column(Text)
    #: When it was delivered (UTC).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it was queued (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: The invitation it is about, if any.
    invitation_id: Mapped[int | None] = mapped_column(ForeignKey("invitation.id", ondelete="SET NULL"), index=True)
    #: The round it is about, if any.
    round_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"), index=True)

    invitation: Mapped[Invitation | None] = relationship()
    round: Mapped[Round | None] = relationship()

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"
