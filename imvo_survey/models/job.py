"""Background jobs: long work (a whole round's export, a progress report) that a page
asks for and a worker does, so that no request waits for it. The queue itself is huey's
(`imvo_survey/jobs`); this row is what the pages show and what survives a restart: who
asked, where the job stands, its file when it is done, why it failed.

A job the worker took but never finished (the worker stopped) is found by its
heartbeat and taken up again, or marked failed with the reason: never silently lost."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .user import User

#: queued (waiting for the worker), running, done (its file can be downloaded until it
#: expires), failed (with the reason), expired (done, its file removed).
JOB_STATUSES = ("queued", "running", "done", "failed", "expired")
#: What a job does (`jobs.runner.KINDS` says which function does it).
JOB_KINDS = ("export", "report", "import", "invitations")


class Job(db.Model):
    """One piece of background work asked for by a user."""

    __tablename__ = "job"
    __table_args__ = (
        one_of("status", JOB_STATUSES, "status"),
        one_of("kind", JOB_KINDS, "kind"),
        CheckConstraint("attempts >= 0", name="attempts_positive"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: export, report, import or invitations (`JOB_KINDS`).
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    #: queued, running, done, failed or expired (`JOB_STATUSES`).
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="queued", index=True)
    #: Who asked for it: only they see the job and download its file (NULL once the account is gone).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    #: The language of the pages and the file (nl or en), as the owner had it.
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl")
    #: What to do: the kind's own parameters (plain JSON).
    params: Mapped[dict] = mapped_column(JSON, nullable=False, default=dict)
    #: What it is, in the owner's words (the page's title: "XLSX export of round 2011").
    title: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: Progress: steps done, steps in all, and what is being done now.
    step: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    steps: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    message: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: How many times a worker took it up (a job interrupted once is taken up again).
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: When it was asked for, taken up, last heard of (for a queued job: last handed to the
    #: queue), finished, and until when its file is kept (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The file made: its generated name under instance/jobs, the name it is downloaded
    #: as, its media type and size.
    result_name: Mapped[str | None] = mapped_column(String(64))
    result_filename: Mapped[str | None] = mapped_column(String(200))
    result_mimetype: Mapped[str | None] = mapped_column(String(100))
    result_size: Mapped[int | None] = mapped_column(Integer)
    #: Where the owner goes when it is done instead of a download (a report's page).
    result_url: Mapped[str | None] = mapped_column(String(300))
    #: Why it failed.
    error: Mapped[str | None] = mapped_column(Text)

    owner: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.status in ("done", "failed", "expired")

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.kind} {self.status}>"
