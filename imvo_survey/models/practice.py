"""Good practices: activities the secretariat marked for publication, with a public text.

A mark copies nothing about the organisation or its consent: the public page joins the
activity, its response and the organisation's name consent at the moment it is read, so
a consent withdrawn takes the practice (or the name) off the page at once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, utcnow
from .response import Activity
from .user import User

#: The longest public text: a short paragraph, not an essay.
PUBLIC_TEXT_MAX = 2000


class GoodPractice(TimestampMixin, db.Model):
    """An activity marked as good practice, and the public text that introduces it."""

    __tablename__ = "good_practice"
    __table_args__ = (
        CheckConstraint(f"length(public_text) BETWEEN 1 AND {PUBLIC_TEXT_MAX}", name="public_text_length"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The activity (one mark per activity; removed with it).
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                                             unique=True)
    #: The short text shown to the public, written (and edited) by the secretariat.
    public_text: Mapped[str] = mapped_column(Text, nullable=False)
    #: Who marked it last.
    marked_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was first marked (UTC); the Atom feed's publication time.
    marked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    activity: Mapped[Activity] = relationship()
    marked_by: Mapped[User | None] = relationship()
