"""Survey rounds (uitvragen), their invitations with per-contact tokens, deadline
extensions, reminders and the round's event log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    or_,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, one_of, utcnow
from .organisation import Contact, Organisation
from .questionnaire import Questionnaire, QuestionnaireVersion
from .user import User

ROUND_STATUSES = ("draft", "open", "closed")
CONTACT_MODES = ("primary", "all")
INVITATION_STATUSES = ("targeted", "invited", "opened", "in_progress", "submitted", "returned", "accepted",
                       "declined", "bounced")
#: Statuses that count as having responded (for response rates and reminders).
RESPONDED_STATUSES = ("submitted", "returned", "accepted")
#: Statuses that still get reminders: invited, but not (yet) answered or declined.
REMINDABLE_STATUSES = ("invited", "opened", "in_progress")
#: Statuses in which the organisation has not yet done anything with its invitation. Its
#: own acts (opening a link, saving) move it on from these; a failed delivery ("bounced")
#: is not an act of the organisation and never hides one.
NOT_YET_ACTED_STATUSES = ("targeted", "invited", "bounced")
AUDIENCE_VERSIONS = {"association": "association_version", "company": "company_version"}


class Round(TimestampMixin, db.Model):
    """An inventory round: which questionnaire versions, for whom, from when until when."""

    __tablename__ = "round"
    __table_args__ = (
        one_of("status", ROUND_STATUSES, "status"),
        one_of("contact_mode", CONTACT_MODES, "contact_mode"),
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("year BETWEEN 2000 AND 2100", name="year_range"),
        CheckConstraint("(association_version_id IS NULL) = (association_questionnaire_id IS NULL)",
                        name="association_questionnaire_matches"),
        CheckConstraint("(company_version_id IS NULL) = (company_questionnaire_id IS NULL)",
                        name="company_questionnaire_matches"),
        # At most one baseline (nulmeting) round per questionnaire.
        Index("uq_round_baseline_association", "association_questionnaire_id", unique=True,
              sqlite_where=text("is_baseline"), postgresql_where=text("is_baseline")),
        Index("uq_round_baseline_company", "company_questionnaire_id", unique=True,
              sqlite_where=text("is_baseline"), postgresql_where=text("is_baseline")),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Name, such as "Inventarisatie IMVO 2010".
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Unique short name used in URLs and the CLI, such as imvo-2010.
    slug: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    #: The year the round inventories.
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    #: draft, open or closed.
    status: Mapped[str] = mapped_column(String(10), nullable=False, default="draft")
    #: The baseline (nulmeting) that later rounds are compared with.
    is_baseline: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Published version for branch associations and boards.
    association_version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    #: Its questionnaire (kept here so the baseline rule can be a database index).
    association_questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"))
    #: Published version for companies.
    company_version_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire_version.id"))
    #: Its questionnaire.
    company_questionnaire_id: Mapped[int | None] = mapped_column(ForeignKey("questionnaire.id"))
    #: Opening time (UTC; shown in Europe/Amsterdam).
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: Closing time (UTC; shown in Europe/Amsterdam).
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: Write to the primary contact only, or to all contacts.
    contact_mode: Mapped[str] = mapped_column(String(10), nullable=False, default="primary")
    #: Days before closing on which the worker sends reminders, e.g. [7, 2].
    reminder_days: Mapped[list] = mapped_column(JSON, nullable=False, default=lambda: [7, 2])
    #: Subject of the invitation, in Dutch.
    invitation_subject_nl: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Subject of the invitation, in English.
    invitation_subject_en: Mapped[str] = mapped_column(String(300), nullable=False)
    #: Opening text of the invitation, in Dutch.
    invitation_intro_nl: Mapped[str] = mapped_column(Text, nullable=False)
    #: Opening text of the invitation, in English.
    invitation_intro_en: Mapped[str] = mapped_column(Text, nullable=False)
    #: The round this one was copied from.
    copied_from_id: Mapped[int | None] = mapped_column(ForeignKey("round.id", ondelete="SET NULL"))
    #: Version counter, raised by every UPDATE: of two requests that change the round at
    #: once (open, close), the second fails and runs again (see `unit_of_work`).
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    association_version: Mapped[QuestionnaireVersion | None] = relationship(foreign_keys=[association_version_id])
    company_version: Mapped[QuestionnaireVersion | None] = relationship(foreign_keys=[company_version_id])
    association_questionnaire: Mapped[Questionnaire | None] = relationship(
        foreign_keys=[association_questionnaire_id])
    company_questionnaire: Mapped[Questionnaire | None] = relationship(foreign_keys=[company_questionnaire_id])
    copied_from: Mapped[Round | None] = relationship(remote_side=lambda: Round.id)
    invitations: Mapped[list[Invitation]] = relationship(back_populates="round", cascade="all, delete-orphan")
    extensions: Mapped[list[DeadlineExtension]] = relationship(back_populates="round",
                                                               cascade="all, delete-orphan")
    events: Mapped[list[RoundEvent]] = relationship(back_populates="round", cascade="all, delete-orphan",
                                                    order_by="RoundEvent.created_at")

    __mapper_args__ = {"version_id_col": row_version}

    @classmethod
    def newest_first(cls) -> tuple:
        """Rounds in the order they follow each other, newest first: by year, then by
        closing time (when a round happened to be opened says nothing), then by id."""
        return (cls.year.desc(), cls.closes_at.desc(), cls.id.desc())

    @classmethod
    def oldest_first(cls) -> tuple:
        """The same order, oldest first."""
        return (cls.year, cls.closes_at, cls.id)

    @classmethod
    def earlier_than(cls, other: Round):
        """A condition: the round comes before `other` in that order."""
        return or_(cls.year < other.year,
                   and_(cls.year == other.year,
                        or_(cls.closes_at < other.closes_at,
                            and_(cls.closes_at == other.closes_at, cls.id < other.id))))

    def version_for(self, audience: str) -> QuestionnaireVersion | None:
        """The questionnaire version an audience (association or company) answers."""
        return getattr(self, AUDIENCE_VERSIONS[audience])

    def subject(self, language: str) -> str:
        return self.invitation_subject_en if language == "en" else self.invitation_subject_nl

    def intro(self, language: str) -> str:
        return self.invitation_intro_en if language == "en" else self.invitation_intro_nl

    def __repr__(self) -> str:
        return f"<Round {self.slug} {self.status}>"


class RoundEvent(db.Model):
    """Something that happened to a round: opened, closed, reopened (with the reason)."""

    __tablename__ = "round_event"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The round.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: What happened: created, opened, closed, reopened, copied, invited, reminded, extended.
    kind: Mapped[str] = mapped_column(String(20), nullable=False)
    #: Why, or a summary.
    detail: Mapped[str | None] = mapped_column(Text)
    #: Who did it (None for the worker or the CLI without a user).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="events")
    user: Mapped[User | None] = relationship()


class DeadlineExtension(db.Model):
    """A later deadline for one organisation in one round."""

    __tablename__ = "deadline_extension"
    __table_args__ = (UniqueConstraint("round_id", "organisation_id"),)

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The round.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The organisation that may answer longer.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False)
    #: The new deadline (UTC).
    until: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False)
    #: Why.
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    #: Who granted it.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was granted (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    round: Mapped[Round] = relationship(back_populates="extensions")
    organisation: Mapped[Organisation] = relationship()


class Invitation(TimestampMixin, db.Model):
    """One organisation's invitation to one round; its status follows its response."""

    __tablename__ = "invitation"
    __table_args__ = (
        UniqueConstraint("round_id", "organisation_id"),
        one_of("status", INVITATION_STATUSES, "status"),
        one_of("audience", ("association", "company"), "audience"),
        CheckConstraint("reminder_count >= 0", name="reminder_count_positive"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The round.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), nullable=False, index=True)
    #: The organisation invited.
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False,
                                                 index=True)
    #: Which questionnaire it answers: association (associations and boards) or company.
    audience: Mapped[str] = mapped_column(String(20), nullable=False)
    #: targeted, invited, opened, in_progress, submitted, returned, accepted, declined, bounced.
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="targeted")
    #: When the first invitation was queued (UTC).
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When a link was first opened (UTC).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Last time the organisation did anything (UTC).
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: When it declined, and why.
    declined_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: The reason given for declining.
    decline_reason: Mapped[str | None] = mapped_column(Text)
    #: The status before declining or bouncing, to go back to on undo.
    status_before: Mapped[str | None] = mapped_column(String(20))
    #: The SMTP error or note when the invitation bounced.
    bounce_reason: Mapped[str | None] = mapped_column(Text)
    #: Number of reminders sent.
    reminder_count: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: Version counter, raised by every UPDATE: of two requests that change the invitation
    #: at once (invite, remind, decline), the second fails and runs again (`unit_of_work`).
    row_version: Mapped[int] = mapped_column(Integer, nullable=False, default=1, server_default="1")

    round: Mapped[Round] = relationship(back_populates="invitations")
    organisation: Mapped[Organisation] = relationship()
    tokens: Mapped[list[InvitationToken]] = relationship(back_populates="invitation", cascade="all, delete-orphan",
                                                         order_by="InvitationToken.created_at")
    reminders: Mapped[list[Reminder]] = relationship(back_populates="invitation", cascade="all, delete-orphan",
                                                     order_by="Reminder.created_at")

    __mapper_args__ = {"version_id_col": row_version}

    def mark_bounced(self, reason: str) -> None:
        """A permanent SMTP refusal (or the secretariat's note): the invitation bounced. The
        reason is kept; the status says "not delivered" only while the organisation has done
        nothing yet: a failed reminder does not hide that it opened the link or is answering.
        Here, below the outbox and the rounds, so that both can use it."""
        if self.status in ("targeted", "invited"):
            self.status_before = self.status
            self.status = "bounced"
        self.bounce_reason = reason[:2000]

    def __repr__(self) -> str:
        return f"<Invitation {self.round_id}/{self.organisation_id} {self.status}>"


class InvitationToken(db.Model):
    """A personal link for one contact: only its SHA-256 hash is stored."""

    __tablename__ = "invitation_token"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The invitation it opens.
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    #: The contact it was sent to, so every save is traceable to a person.
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id", ondelete="SET NULL"), index=True)
    #: The e-mail address it was sent to (kept if the contact is removed).
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    #: SHA-256 of the token, in hex; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    #: When it was made (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    #: When it was revoked or replaced by a new one (UTC).
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Last use (UTC).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    invitation: Mapped[Invitation] = relationship(back_populates="tokens")
    contact: Mapped[Contact | None] = relationship()


class Reminder(db.Model):
    """One reminder sent for an invitation (by hand or by the schedule)."""

    __tablename__ = "reminder"
    __table_args__ = (one_of("kind", ("manual", "scheduled"), "kind"),
                      # A scheduled reminder goes out once per invitation and day.
                      Index("uq_reminder_scheduled", "invitation_id", "days_before", unique=True,
                            sqlite_where=text("kind = 'scheduled'"), postgresql_where=text("kind = 'scheduled'")))

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The invitation reminded.
    invitation_id: Mapped[int] = mapped_column(ForeignKey("invitation.id", ondelete="CASCADE"), nullable=False,
                                               index=True)
    #: manual or scheduled.
    kind: Mapped[str] = mapped_column(String(10), nullable=False)
    #: For a scheduled reminder: how many days before the deadline.
    days_before: Mapped[int | None] = mapped_column(Integer)
    #: Who sent it by hand.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    invitation: Mapped[Invitation] = relationship(back_populates="reminders")
