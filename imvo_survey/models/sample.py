"""Verification samples (*steekproef*): a reproducible draw of a round's submitted
responses, the evidence their respondents upload, and what the check found per activity.

A sample is kept once drawn: drawing again makes a new sample beside it, so that every
published result can be traced to the seed and the responses it came from.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .reference import Sector
from .response import Activity, Response
from .round import Round
from .user import User

#: How a sample is drawn: simple random, or stratified by sector.
SAMPLE_METHODS = ("simple", "stratified")
#: What the check of one activity found.
OUTCOMES = ("confirmed", "partly_confirmed", "not_confirmed", "not_verifiable")
#: Kinds of evidence file, told by their content.
EVIDENCE_KINDS = ("pdf", "png", "jpeg", "xlsx", "docx")


class VerificationSample(db.Model):
    """One draw of a round's submitted responses, with the seed that reproduces it."""

    __tablename__ = "verification_sample"
    __table_args__ = (
        one_of("method", SAMPLE_METHODS, "method"),
        CheckConstraint("seed >= 0", name="seed_positive"),
        CheckConstraint("requested_size IS NULL OR requested_size >= 1", name="requested_size_positive"),
        CheckConstraint("requested_percent IS NULL OR (requested_percent > 0 AND requested_percent <= 100)",
                        name="requested_percent_range"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The round whose responses were drawn from.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: simple or stratified (by sector).
    method: Mapped[str] = mapped_column(String(12), nullable=False)
    #: The seed of `random.Random`: the same seed and round give the same sample.
    seed: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The number of responses asked for (or NULL when a percentage was asked).
    requested_size: Mapped[int | None] = mapped_column(Integer)
    #: The percentage of the responses asked for (or NULL when a number was asked).
    requested_percent: Mapped[float | None] = mapped_column(Float)
    #: How many submitted responses the round had when drawn (the population).
    population: Mapped[int] = mapped_column(Integer, nullable=False)
    #: When it was drawn (UTC).
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Who drew it (NULL when drawn from the command line or the account is gone).
    drawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    round: Mapped[Round] = relationship()
    drawn_by: Mapped[User | None] = relationship()
    members: Mapped[list[SampledResponse]] = relationship(back_populates="sample", cascade="all, delete-orphan",
                                                          order_by="SampledResponse.id")


class SampledResponse(db.Model):
    """A response drawn into a sample, and where its evidence request stands."""

    __tablename__ = "sampled_response"
    __table_args__ = (UniqueConstraint("sample_id", "response_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sample.
    sample_id: Mapped[int] = mapped_column(ForeignKey("verification_sample.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    #: The response drawn.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    #: The stratum it was drawn from (the response's sector at submission; NULL: none).
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"))
    #: When evidence was last asked for (UTC; NULL: not yet).
    evidence_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    sample: Mapped[VerificationSample] = relationship(back_populates="members")
    response: Mapped[Response] = relationship()
    sector: Mapped[Sector | None] = relationship()
    evidence: Mapped[list[EvidenceFile]] = relationship(back_populates="member", cascade="all, delete-orphan",
                                                        order_by="EvidenceFile.id")
    checks: Mapped[list[ActivityCheck]] = relationship(back_populates="member", cascade="all, delete-orphan",
                                                       order_by="ActivityCheck.id")


class EvidenceFile(db.Model):
    """A file a sampled respondent uploaded, stored under the instance folder."""

    __tablename__ = "evidence_file"
    __table_args__ = (
        one_of("kind", EVIDENCE_KINDS, "kind"),
        UniqueConstraint("stored_name"),
        CheckConstraint("size > 0", name="size_positive"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sampled response it documents.
    member_id: Mapped[int] = mapped_column(ForeignKey("sampled_response.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    #: The name it had on the respondent's computer (shown, never used as a path).
    original_name: Mapped[str] = mapped_column(String(255), nullable=False)
    #: The generated name it is stored under (random, no extension from the upload).
    stored_name: Mapped[str] = mapped_column(String(64), nullable=False)
    #: pdf, png, jpeg, xlsx or docx, told by the content.
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    #: Size in bytes.
    size: Mapped[int] = mapped_column(Integer, nullable=False)
    #: When it was uploaded (UTC).
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    member: Mapped[SampledResponse] = relationship(back_populates="evidence")


class ActivityCheck(db.Model):
    """What the verification of one sampled activity found."""

    __tablename__ = "activity_check"
    __table_args__ = (
        one_of("outcome", OUTCOMES, "outcome"),
        UniqueConstraint("member_id", "activity_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sampled response the activity belongs to.
    member_id: Mapped[int] = mapped_column(ForeignKey("sampled_response.id", ondelete="CASCADE"), nullable=False,
                                           index=True)
    #: The activity checked.
    activity_id: Mapped[int] = mapped_column(ForeignKey("activity.id", ondelete="CASCADE"), nullable=False,
                                             index=True)
    #: confirmed, partly_confirmed, not_confirmed or not_verifiable.
    outcome: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The checker's note.
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: When it was recorded (UTC).
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Who recorded it.
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    member: Mapped[SampledResponse] = relationship(back_populates="checks")
    activity: Mapped[Activity] = relationship()
    recorded_by: Mapped[User | None] = relationship()
