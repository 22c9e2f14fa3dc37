"""The register: organisations (associations, boards, companies) and their contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, digits_only, one_of
from .reference import Branch, Sector

KINDS = ("branch_association", "product_board", "industry_board", "company")
#: Kinds that have members and answer the association questionnaire.
ASSOCIATION_KINDS = ("branch_association", "product_board", "industry_board")
SIZES = ("large", "mkb")
LANGUAGES = ("nl", "en")

#: A company may belong to several branch associations (or boards).
organisation_membership = Table(
    "organisation_membership",
    db.metadata,
    Column("member_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    Column("association_id", ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True),
    CheckConstraint("member_id <> association_id", name="not_self"),
)


def name_key(name: str) -> str:
    """The form of a name used to find duplicates: case and spacing do not count."""
    return " ".join(name.split()).casefold()


class Organisation(TimestampMixin, db.Model):
    """A branch association, product or industry board, or company in the register."""

    __tablename__ = "organisation"
    __table_args__ = (
        one_of("kind", KINDS, "kind"),
        one_of("size", SIZES, "size"),
        CheckConstraint("kind = 'company' OR size IS NULL", name="size_only_companies"),
        CheckConstraint(
            "kvk_number IS NULL OR (LENGTH(kvk_number) = 8 AND " + digits_only("kvk_number") + ")",
            name="kvk_eight_digits",
        ),
        CheckConstraint("member_count IS NULL OR member_count >= 0", name="member_count_positive"),
        CheckConstraint(
            "mkb_member_count IS NULL OR (mkb_member_count >= 0 AND "
            "(member_count IS NULL OR mkb_member_count <= member_count))",
            name="mkb_members_within_members",
        ),
        CheckConstraint(
            "kind <> 'company' OR (member_count IS NULL AND mkb_member_count IS NULL)",
            name="members_only_associations",
        ),
        CheckConstraint("kind = 'company' OR NOT is_listed", name="listed_only_companies"),
        CheckConstraint("LENGTH(TRIM(name)) > 0", name="name_not_blank"),
        UniqueConstraint("name_key", "kind"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Official name.
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: `name` without case and extra spaces; with `kind` it identifies an organisation
    #: that has no KvK number.
    name_key: Mapped[str] = mapped_column(String(200), nullable=False)
    #: branch_association, product_board, industry_board or company.
    kind: Mapped[str] = mapped_column(String(30), nullable=False)
    #: large or mkb; companies only.
    size: Mapped[str | None] = mapped_column(String(10))
    #: Transparantiebenchmark sector.
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), index=True)
    #: MVO Nederland branch, if any.
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id"), index=True)
    #: Chamber of Commerce (KvK) number: eight digits, unique when given.
    kvk_number: Mapped[str | None] = mapped_column(String(8), unique=True)
    #: Number of member companies (associations and boards).
    member_count: Mapped[int | None] = mapped_column(Integer)
    #: Of which MKB (SME) members.
    mkb_member_count: Mapped[int | None] = mapped_column(Integer)
    #: Public website.
    website: Mapped[str | None] = mapped_column(String(300))
    #: Listed on a stock exchange (companies only).
    is_listed: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Inactive organisations stay in earlier rounds but are not targeted any more.
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: Synthetic demonstration data (`imvo seed --demo`), never real.
    is_demo: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: Internal notes of the secretariat.
    notes: Mapped[str | None] = mapped_column(Text)

    sector: Mapped[Sector | None] = relationship()
    branch: Mapped[Branch | None] = relationship()
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="organisation",
        cascade="all, delete-orphan",
        order_by="(Contact.is_primary.desc(), Contact.name)",
    )
    #: The branch associations or boards this organisation is a member of.
    associations: Mapped[list[Organisation]] = relationship(
        secondary=organisation_membership,
        primaryjoin=lambda: Organisation.id == organisation_membership.c.member_id,
        secondaryjoin=lambda: Organisation.id == organisation_membership.c.association_id,
        back_populates="members",
        order_by=lambda: Organisation.name,
    )
    #: The registered members of this association or board.
    members: Mapped[list[Organisation]] = relationship(
        secondary=organisation_membership,
        primaryjoin=lambda: Organisation.id == organisation_membership.c.association_id,
        secondaryjoin=lambda: Organisation.id == organisation_membership.c.member_id,
        back_populates="associations",
        order_by=lambda: Organisation.name,
    )

    @validates("name")
    def _keep_name_key(self, key: str, value: str) -> str:
        value = " ".join((value or "").split())
        self.name_key = name_key(value)
        return value

    @property
    def is_association(self) -> bool:
        """True for branch associations and product or industry boards."""
        return self.kind in ASSOCIATION_KINDS

    @property
    def primary_contact(self) -> Contact | None:
        """The primary contact, or else the first one."""
        for contact in self.contacts:
            if contact.is_primary:
                return contact
        return self.contacts[0] if self.contacts else None

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.name!r}>"


class Contact(TimestampMixin, db.Model):
    """A person at an organisation whom the secretariat writes to."""

    __tablename__ = "contact"
    __table_args__ = (
        UniqueConstraint("organisation_id", "email"),
        one_of("language", LANGUAGES, "language"),
        CheckConstraint("email = LOWER(email)", name="email_lowercase"),
        CheckConstraint("LENGTH(TRIM(name)) > 0", name="name_not_blank"),
        # A deactivated contact is never the one invitations go to.
        CheckConstraint("is_active OR NOT is_primary", name="primary_is_active"),
        # At most one primary contact per organisation.
        Index(
            "uq_contact_primary_per_organisation",
            "organisation_id",
            unique=True,
            sqlite_where=text("is_primary"),
            postgresql_where=text("is_primary"),
        ),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The organisation the contact works for.
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), nullable=False, index=True
    )
    #: Full name.
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: E-mail address, validated and normalised (lower case).
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    #: Telephone number as given.
    phone: Mapped[str | None] = mapped_column(String(40))
    #: Job title or role.
    function: Mapped[str | None] = mapped_column(String(200))
    #: Language of messages: nl or en.
    language: Mapped[str] = mapped_column(String(2), nullable=False, default="nl")
    #: The organisation's main contact.
    is_primary: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    #: False once deactivated: kept for the history, sent nothing, its links void.
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    #: When the person's data were erased (privacy): name, address, phone and function
    #: replaced or cleared everywhere; the row stays so the history keeps its facts.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")

    def __repr__(self) -> str:
        return f"<Contact {self.id} {self.email}>"
