"""The risk analysis: which IMVO aspects are at risk in which chains (risk entries),
what a sector or branch imports from where (import shares from trade statistics), and
relevance values the secretariat set by hand.

A risk entry names a country or a region (a `Country` with `is_region`: an entry for
West Africa holds for each of its countries). The relevance itself is computed, not
stored: `analysis/relevance.py`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, UTCDateTime, one_of, utcnow
from .reference import Aspect, Branch, Country, ProductGroup, Sector
from .user import User

#: Risk levels, lowest first; `analysis.relevance.LEVEL_WEIGHTS` gives their weights.
RISK_LEVELS = ("low", "medium", "high")
#: Where a sector's or branch's chains are counted for: a relevance belongs to one of these.
SUBJECTS = ("sector", "branch")

_ONE_SUBJECT = ("(sector_id IS NOT NULL AND branch_id IS NULL) OR "
                "(sector_id IS NULL AND branch_id IS NOT NULL)")


class RiskEntry(TimestampMixin, db.Model):
    """Country (or region) x product group -> an IMVO aspect at risk, with a level."""

    __tablename__ = "risk_entry"
    __table_args__ = (
        one_of("level", RISK_LEVELS, "level"),
        UniqueConstraint("country_id", "product_group_id", "aspect_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The country, or the region whose countries the entry holds for.
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="CASCADE"), nullable=False,
                                            index=True)
    #: The product group imported from there.
    product_group_id: Mapped[int] = mapped_column(ForeignKey("product_group.id", ondelete="CASCADE"),
                                                  nullable=False, index=True)
    #: The aspect at risk in that chain.
    aspect_id: Mapped[int] = mapped_column(ForeignKey("aspect.id", ondelete="CASCADE"), nullable=False)
    #: low, medium or high.
    level: Mapped[str] = mapped_column(String(6), nullable=False)
    #: Where the assessment comes from (a report, a study, the seed document).
    source: Mapped[str] = mapped_column(String(300), nullable=False, default="")
    #: True for the examples shipped with `imvo seed` (the seed document's section 2.2);
    #: an entry the secretariat edits is no longer an example.
    example: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    country: Mapped[Country] = relationship()
    product_group: Mapped[ProductGroup] = relationship()
    aspect: Mapped[Aspect] = relationship()


class ImportShare(TimestampMixin, db.Model):
    """A sector's (or branch's) share of its imports of a product group from a country,
    from trade statistics. Where a sector or branch has any, they are its import profile
    instead of the chains named in the round's responses."""

    __tablename__ = "import_share"
    __table_args__ = (
        CheckConstraint(_ONE_SUBJECT, name="one_subject"),
        CheckConstraint("share > 0 AND share <= 100", name="share_range"),
        # NULLs are distinct, so each constraint only bites for its own subject.
        UniqueConstraint("sector_id", "product_group_id", "country_id"),
        UniqueConstraint("branch_id", "product_group_id", "country_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sector whose imports these are (or the branch below).
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), index=True)
    #: The branch whose imports these are (or the sector above).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    #: The product group imported.
    product_group_id: Mapped[int] = mapped_column(ForeignKey("product_group.id", ondelete="CASCADE"),
                                                  nullable=False)
    #: The country (or region) imported from.
    country_id: Mapped[int] = mapped_column(ForeignKey("country.id", ondelete="CASCADE"), nullable=False)
    #: Percentage of the sector's imports (0-100]; scaled to sum to 1 per sector when used.
    share: Mapped[float] = mapped_column(Float, nullable=False)
    #: Where the figure comes from (CBS trade statistics, a year).
    source: Mapped[str] = mapped_column(String(300), nullable=False, default="")

    sector: Mapped[Sector | None] = relationship()
    branch: Mapped[Branch | None] = relationship()
    product_group: Mapped[ProductGroup] = relationship()
    country: Mapped[Country] = relationship()


class ManualRelevance(db.Model):
    """A relevance the secretariat set by hand for a sector (or branch) and aspect: it
    wins over the computed one and is shown as set by hand, with its reason."""

    __tablename__ = "manual_relevance"
    __table_args__ = (
        CheckConstraint(_ONE_SUBJECT, name="one_subject"),
        CheckConstraint("value >= 0 AND value <= 1", name="value_range"),
        UniqueConstraint("sector_id", "aspect_id"),
        UniqueConstraint("branch_id", "aspect_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sector (or the branch below).
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), index=True)
    #: The branch (or the sector above).
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branch.id", ondelete="CASCADE"), index=True)
    #: The aspect.
    aspect_id: Mapped[int] = mapped_column(ForeignKey("aspect.id", ondelete="CASCADE"), nullable=False)
    #: The relevance, 0-1.
    value: Mapped[float] = mapped_column(Float, nullable=False)
    #: Why it was set by hand; required.
    reason: Mapped[str] = mapped_column(Text, nullable=False)
    #: Who set it (kept empty when the account is removed).
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was set (UTC).
    set_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    sector: Mapped[Sector | None] = relationship()
    branch: Mapped[Branch | None] = relationship()
    aspect: Mapped[Aspect] = relationship()
    set_by: Mapped[User | None] = relationship()
