"""Progress reports (*voortgangsrapportages*): each build of a round's report is a dated
version that never changes afterwards. The page (HTML) is kept in the row, the PDF
under the instance folder by a generated name with its SHA-256, so that what was
published in October can be shown again exactly, whatever the data became since."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .round import Round
from .user import User

#: Where a build stands: under way, done (and then fixed for good), or failed.
REPORT_STATUSES = ("building", "ready", "failed")
REPORT_LANGUAGES = ("nl", "en")
#: What a ready version's content is; none of it may change once it is ready.
FIXED_FIELDS = ("html", "pdf_name", "pdf_sha256", "pdf_size", "built_at", "language", "round_id", "status")


class ReportChangedError(ValueError):
    """An attempt to change a report version that is ready: versions never change."""


class ProgressReport(db.Model):
    """One version of a round's progress report, in one language."""

    __tablename__ = "progress_report"
    __table_args__ = (
        one_of("status", REPORT_STATUSES, "status"),
        one_of("language", REPORT_LANGUAGES, "language"),
        CheckConstraint("status != 'ready' OR (html IS NOT NULL AND pdf_sha256 IS NOT NULL)", name="ready_complete"),
    )

    #: Primary key; also the version's number in the round's list.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The round reported on.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: nl or en.
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    #: building, ready or failed (`REPORT_STATUSES`).
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="building")
    #: Steps done and in all, while building (the page shows them).
    step: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    steps: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Why a build failed.
    error: Mapped[str | None] = mapped_column(Text)
    #: When the build started and when it was done (UTC); the version's date is `built_at`.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    built_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who asked for it (NULL from the command line or once the account is gone).
    built_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The report as HTML (the article the page shows and the PDF is made from).
    html: Mapped[str | None] = mapped_column(Text)
    #: The PDF's generated file name under instance/reports, its SHA-256 and size in bytes.
    pdf_name: Mapped[str | None] = mapped_column(String(64))
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_size: Mapped[int | None] = mapped_column(Integer)

    round: Mapped[Round] = relationship()
    built_by: Mapped[User | None] = relationship()

    @validates(*FIXED_FIELDS)
    def _unchanged_once_ready(self, key: str, value):
        """A ready version (once saved) is fixed: refuse any change to what it says."""
        if self.status == "ready" and inspect(self).persistent and getattr(self, key) != value:
            raise ReportChangedError(f"Report version {self.id} is ready and does not change ({key}).")
        return value

    def __repr__(self) -> str:
        return f"<ProgressReport {self.id} round={self.round_id} {self.language} {self.status}>"
