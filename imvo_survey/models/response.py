"""Responses: an organisation's answers to one round, stored so that they add up in SQL.

Plain answers are rows of `answer` (one per question, typed value columns); entries of
repeating groups that are not bound to the inventory are answer rows with an entry
number. The inventory (activities, dilemmas, bottlenecks) lives only in its own tables
with many-to-many links, which the coverage matrix reads.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, one_of, utcnow
from .organisation import KINDS, Contact, Organisation
from .questionnaire import Question, QuestionnaireVersion
from .reference import ActivityType, Aspect, Branch, ChainInitiative, Country, ProductGroup, ReportingChannel, Sector
from .round import Invitation, Round
from .user import User

RESPONSE_STATUSES = ("in_progress", "submitted", "returned", "accepted", "declined")
CARRY_STATUSES = ("carried", "continued", "changed", "ended")


def _link(name: str, owner: str, target: str) -> Table:
    """A many-to-many link table, e.g. activity_aspect(activity_id, aspect_id)."""
    return Table(
        name, db.metadata,
        Column(f"{owner}_id", ForeignKey(f"{owner}.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{target}_id", ForeignKey(f"{target}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


activity_aspect = _link("activity_aspect", "activity", "aspect")
activity_country = _link("activity_country", "activity", "country")
activity_product_group = _link("activity_product_group", "activity", "product_group")
activity_channel = _link("activity_channel", "activity", "reporting_channel")
activity_partner = _link("activity_partner", "activity", "chain_initiative")
dilemma_aspect = _link("dilemma_aspect", "dilemma", "aspect")
dilemma_country = _link("dilemma_country", "dilemma", "country")
bottleneck_aspect = _link("bottleneck_aspect", "bottleneck", "aspect")


class Response(TimestampMixin, db.Model):
    """One organisation's response to one round, answering one questionnaire version."""

    __tablename__ = "response"
    __table_args__ = (
        UniqueConstraint("invitation_id"),
        one_of("status", RESPONSE_STATUSES, "status"),
        one_of("snapshot_kind", KINDS,
               "snapshot_kind"),
        CheckConstraint("lock_version >= 1", name="lock_version_positive"),
        CheckConstraint("status NOT IN ('submitted', 'accepted') OR submitted_at IS NOT NULL",
                        name="submitted_at_when_submitted"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The invitation (organisation and round) it answers.
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), nullable=False)
    #: The organisation (copied from the invitation, for queries).
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    #: The round (copied from the invitation, for queries).
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The questionnaire version answered.
    version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_version.id"), nullable=False, index=True)
    #: in_progress, submitted, returned, accepted, declined.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="in_progress")
    #: Raised by every save: a save made on an older number is a conflict. Also the
    #: row's version counter: every UPDATE names the number it read, so of two requests
    #: that changed the response at once, the second fails and runs again (`unit_of_work`).
    lock_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: When it was started, last saved, submitted (UTC).
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: Last save (UTC).
    last_saved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Submission time (UTC).
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who submitted: an account ...
    submitted_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: ... or the contact whose link was used.
    submitted_by_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    #: When the secretariat returned it for clarification, its message, and until when it
    #: stays open for the respondent.
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The secretariat's question to the respondent.
    return_message: Mapped[str | None] = mapped_column(Text)
    #: Until when a returned response can be changed (UTC).
    returned_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When the secretariat accepted it.
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The earlier response it started from, if any.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"))
    #: The register data at submission that the figures group by (kind, size, sector,
    #: branch, members), so later edits of the register do not change earlier rounds.
    snapshot_kind: Mapped[str | None] = mapped_column(String(30))
    #: Size of a company at submission.
    snapshot_size: Mapped[str | None] = mapped_column(String(10))
    #: Sector at submission.
    snapshot_sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), index=True)
    #: Branch at submission.
    snapshot_branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    #: Member companies at submission.
    snapshot_member_count: Mapped[int | None] = mapped_column(Integer)
    #: MKB members at submission.
    snapshot_mkb_member_count: Mapped[int | None] = mapped_column(Integer)
    #: The highest entry number ever given to an entry of a repeating group that is not
    #: bound to the inventory; a new entry gets the next one, so a number is never reused
    #: and a stale page's key of a removed entry never meets a new entry.
    last_entry_number: Mapped[int] = mapped_column(Integer, nullable=False, default=0, server_default="0")

    invitation: Mapped[Invitation] = relationship()
    organisation: Mapped[Organisation] = relationship()
    round: Mapped[Round] = relationship()
    version: Mapped[QuestionnaireVersion] = relationship()
    submitted_by_user: Mapped[User | None] = relationship(foreign_keys=[submitted_by_user_id])
    submitted_by_contact: Mapped[Contact | None] = relationship(foreign_keys=[submitted_by_contact_id])
    carried_from: Mapped[Response | None] = relationship(remote_side=lambda: Response.id)
    snapshot_sector: Mapped[Sector | None] = relationship(foreign_keys=[snapshot_sector_id])
    snapshot_branch: Mapped[Branch | None] = relationship(foreign_keys=[snapshot_branch_id])
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")
    activities: Mapped[list[Activity]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                      order_by="Activity.position")
    dilemmas: Mapped[list[Dilemma]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                   order_by="Dilemma.position")
    bottlenecks: Mapped[list[Bottleneck]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                         order_by="Bottleneck.position")
    events: Mapped[list[ResponseEvent]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                       order_by="ResponseEvent.id")
    notes: Mapped[list[ResponseNote]] = relationship(back_populates="response", cascade="all, delete-orphan",
                                                     order_by="ResponseNote.id")

    # The application raises lock_version itself (on saves, not on every UPDATE).
    __mapper_args__ = {"version_id_col": lock_version, "version_id_generator": False}

    def __repr__(self) -> str:
        return f"<Response {self.id} {self.status} v{self.lock_version}>"


class Answer(db.Model):
    """The answer to one question (or to a sub-question in one entry of an unbound group)."""

    __tablename__ = "answer"
    __table_args__ = (UniqueConstraint("response_id", "question_id", "entry"),
                      CheckConstraint("entry >= 0", name="entry_positive"))

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The question answered.
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id"), nullable=False, index=True)
    #: The question's code (kept for queries across versions).
    code: Mapped[str] = mapped_column(String(80), nullable=False, index=True)
    #: 0 for a plain question; 1, 2, ... for the entries of a repeating group.
    entry: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Texts, codes of single choices, yes/no.
    text_value: Mapped[str | None] = mapped_column(Text)
    #: Numbers (whole numbers, decimals, percentages, years).
    number_value: Mapped[float | None] = mapped_column(Float)
    #: Dates.
    date_value: Mapped[date | None] = mapped_column(Date)
    #: Several codes (multiple choice, several from a reference list).
    json_value: Mapped[list | None] = mapped_column(JSON)

    response: Mapped[Response] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Activity(TimestampMixin, db.Model):
    """An IMVO activity of a responding organisation: the unit the matrix counts."""

    __tablename__ = "activity"
    __table_args__ = (
        CheckConstraint("member_share IS NULL OR (member_share >= 0 AND member_share <= 100)", name="share_range"),
        CheckConstraint("start_year IS NULL OR start_year BETWEEN 1900 AND 2100", name="year_range"),
        one_of("carry_status", CARRY_STATUSES, "carry_status"),
        # Ids are never reused (SQLite would hand out a deleted highest id again), so a
        # page's stale key of a removed entry never meets a new one.
        {"sqlite_autoincrement": True},
    )

    #: Primary key (never reused).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Order within the response (1, 2, ...).
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: Short title.
    title: Mapped[str] = mapped_column(String(500), nullable=False)
    #: Description.
    description: Mapped[str | None] = mapped_column(Text)
    #: Kind of activity.
    activity_type_id: Mapped[int | None] = mapped_column(ForeignKey("activity_type.id"), index=True)
    #: Since which year.
    start_year: Mapped[int | None] = mapped_column(Integer)
    #: Share of the members taking part, 0-100 (associations).
    member_share: Mapped[float | None] = mapped_column(Float)
    #: Partners in words, besides the chain initiatives.
    partners_other: Mapped[str | None] = mapped_column(Text)
    #: May be published as a good practice.
    publish_consent: Mapped[bool | None] = mapped_column(Boolean)
    #: For an activity carried over from last year: carried (to confirm), continued,
    #: changed or ended.
    carry_status: Mapped[str | None] = mapped_column(String(10))
    #: The activity of last year's response it was carried over from.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id", ondelete="SET NULL"))

    response: Mapped[Response] = relationship(back_populates="activities")
    activity_type: Mapped[ActivityType | None] = relationship()
    aspects: Mapped[list[Aspect]] = relationship(secondary=activity_aspect, order_by="Aspect.position")
    countries: Mapped[list[Country]] = relationship(secondary=activity_country, order_by="Country.position")
    product_groups: Mapped[list[ProductGroup]] = relationship(secondary=activity_product_group,
                                                              order_by="ProductGroup.position")
    channels: Mapped[list[ReportingChannel]] = relationship(secondary=activity_channel,
                                                            order_by="ReportingChannel.position")
    partners: Mapped[list[ChainInitiative]] = relationship(secondary=activity_partner,
                                                           order_by="ChainInitiative.position")


class Dilemma(TimestampMixin, db.Model):
    """A dilemma an organisation meets, with the aspects and countries it touches."""

    __tablename__ = "dilemma"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused, as for activities

    #: Primary key (never reused).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Order within the response.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: What the dilemma is.
    description: Mapped[str] = mapped_column(Text, nullable=False)

    response: Mapped[Response] = relationship(back_populates="dilemmas")
    aspects: Mapped[list[Aspect]] = relationship(secondary=dilemma_aspect, order_by="Aspect.position")
    countries: Mapped[list[Country]] = relationship(secondary=dilemma_country, order_by="Country.position")


class Bottleneck(TimestampMixin, db.Model):
    """A bottleneck (knelpunt), the aspects it touches and what would help."""

    __tablename__ = "bottleneck"
    __table_args__ = ({"sqlite_autoincrement": True},)  # ids never reused, as for activities

    #: Primary key (never reused).
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Order within the response.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    #: What the bottleneck is.
    description: Mapped[str] = mapped_column(Text, nullable=False)
    #: What would help.
    what_would_help: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="bottlenecks")
    aspects: Mapped[list[Aspect]] = relationship(secondary=bottleneck_aspect, order_by="Aspect.position")


class ResponseEvent(db.Model):
    """The audit trail: who saved, submitted, returned, accepted, and what changed."""

    __tablename__ = "response_event"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: started, saved, submitted, returned, accepted, declined, undeclined, imported, carried_over, ...
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    #: The account that did it, if any.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The contact whose link was used, if any.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"))
    #: The name and e-mail address of who acted, as they were then: the trail stays
    #: readable after the contact or account is removed.
    actor_name: Mapped[str | None] = mapped_column(String(200))
    #: See `actor_name`.
    actor_email: Mapped[str | None] = mapped_column(String(254))
    #: True once who acted was erased (privacy): name and address are gone, and the
    #: trail says "a removed contact".
    actor_erased: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False, server_default=false())
    #: True when the secretariat acted on the organisation's behalf.
    on_behalf: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: What changed: [{"code", "entry", "old", "new"}, ...].
    changes: Mapped[list | None] = mapped_column(JSON)
    #: A message (the question when returned, say).
    message: Mapped[str | None] = mapped_column(Text)
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()
    contact: Mapped[Contact | None] = relationship()


class ResponseSection(db.Model):
    """A section of a response that has been saved at least once: the progress shows a
    section as done only when it has been saved and nothing required is missing there.

    A row of its own rather than a list on `response`: two people saving different
    sections at the same moment each add a row (INSERT ... ON CONFLICT DO NOTHING)
    instead of overwriting each other's list."""

    __tablename__ = "response_section"

    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    #: The section's code in the response's questionnaire version.
    section_code: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: When it was first saved (UTC).
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)


class ResponseNote(db.Model):
    """An internal note of the secretariat on a response, never shown to the respondent."""

    __tablename__ = "response_note"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), nullable=False, index=True)
    #: Who wrote it.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The note.
    text: Mapped[str] = mapped_column(Text, nullable=False)
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    response: Mapped[Response] = relationship(back_populates="notes")
    user: Mapped[User | None] = relationship()


class PendingSave(db.Model):
    """What a respondent typed when the save could not be accepted (the login had ended),
    kept for this browser session so it can be put back in the form after logging in."""

    __tablename__ = "pending_save"

    #: A random key, kept in the browser session.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The page the form was on.
    path: Mapped[str] = mapped_column(String(500), nullable=False)
    #: The submitted form fields.
    data: Mapped[dict] = mapped_column(JSON, nullable=False)
    #: When (UTC); old ones are removed.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
