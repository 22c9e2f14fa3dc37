"""Benchmark imports: each file imported is a record (who, when, what, the warnings of
its reconciliation) that can be undone as a whole; and the names mapped by hand during
an import, remembered so the next file with the same spelling matches by itself."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import UTCDateTime, one_of, utcnow
from .organisation import Organisation
from .reference import Sector
from .user import User

LEVELS = ("sector", "organisation")


class BenchmarkImport(db.Model):
    """One imported file: its scores are `BenchmarkScore` rows pointing here."""

    __tablename__ = "benchmark_import"
    __table_args__ = (
        one_of("level", LEVELS, "level"),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
        CheckConstraint("row_count >= 0", name="row_count_positive"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The name of the file as uploaded (or given on the command line).
    filename: Mapped[str] = mapped_column(String(255), nullable=False)
    #: The benchmark's name (`BenchmarkScore.source` of every row imported).
    source: Mapped[str] = mapped_column(String(100), nullable=False)
    #: The benchmark year of every row imported.
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    #: sector or organisation.
    level: Mapped[str] = mapped_column(String(12), nullable=False)
    #: How many scores the import saved (the total row not counted).
    row_count: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The reconciliation's findings, as data (`benchmark_scores.reconcile.Finding`), so
    #: they can be said in the reader's language.
    warnings: Mapped[list] = mapped_column(JSON, nullable=False, default=list)
    #: Who imported it (None: the command line, or an account since removed).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was imported (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: When it was undone (its scores removed); None while it stands.
    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    #: Who undid it.
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])


class BenchmarkAlias(db.Model):
    """A name in a benchmark file mapped by hand to a sector or an organisation."""

    __tablename__ = "benchmark_alias"
    __table_args__ = (
        one_of("level", LEVELS, "level"),
        CheckConstraint(
            "(level = 'sector' AND sector_id IS NOT NULL AND organisation_id IS NULL) OR "
            "(level = 'organisation' AND organisation_id IS NOT NULL AND sector_id IS NULL)",
            name="level_subject",
        ),
        UniqueConstraint("level", "name_key"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: sector or organisation: what the name stands for.
    level: Mapped[str] = mapped_column(String(12), nullable=False)
    #: The name as it was written in the file.
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The name without case, accents, punctuation and spacing (`matching.normalise`).
    name_key: Mapped[str] = mapped_column(String(200), nullable=False)
    #: The sector it stands for (sector level).
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), index=True)
    #: The organisation it stands for (organisation level).
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True)
    #: Who mapped it (None: the command line, or an account since removed).
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    #: When it was mapped (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)

    sector: Mapped[Sector | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    created_by: Mapped[User | None] = relationship()
