"""The publication of a round's public figures: the secretariat decides per round
whether its suppressed sector matrix (imvo_survey/public) is public. A row means yes;
the round's event log keeps who published and withdrew them, and when."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, utcnow
from .round import Round
from .user import User


class FiguresPublication(db.Model):
    """A round whose public figures are published (one row per round at most)."""

    __tablename__ = "figures_publication"

    #: The round (its key: a round is published once or not at all).
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), primary_key=True)
    #: When they were published (UTC).
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Who published them (None once that account is removed).
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
    published_by: Mapped[User | None] = relationship()
