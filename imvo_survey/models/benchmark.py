"""Transparantiebenchmark scores, per sector or per organisation, per year."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TimestampMixin, one_of
from .benchmark_import import LEVELS, BenchmarkImport
from .organisation import Organisation
from .reference import Sector

DEFAULT_SOURCE = "Transparantiebenchmark"


class BenchmarkScore(TimestampMixin, db.Model):
    """One benchmark row: a sector's (or one organisation's) scores for a year."""

    __tablename__ = "benchmark_score"
    __table_args__ = (
        one_of("level", LEVELS, "level"),
        CheckConstraint(
            "(level = 'sector' AND sector_id IS NOT NULL AND organisation_id IS NULL) OR "
            "(level = 'organisation' AND organisation_id IS NOT NULL AND sector_id IS NULL)",
            name="level_subject",
        ),
        CheckConstraint("year BETWEEN 1990 AND 2100", name="year_range"),
        CheckConstraint("total_score IS NULL OR total_score BETWEEN 0 AND 100", name="total_range"),
        CheckConstraint("chain_score IS NULL OR chain_score BETWEEN 0 AND 10", name="chain_range"),
        CheckConstraint("company_count IS NULL OR company_count >= 0", name="companies_positive"),
        CheckConstraint(
            "listed_count IS NULL OR (listed_count >= 0 AND "
            "(company_count IS NULL OR listed_count <= company_count))",
            name="listed_within_companies",
        ),
        # NULLs are distinct, so each constraint only bites at its own level.
        UniqueConstraint("source", "year", "sector_id"),
        UniqueConstraint("source", "year", "organisation_id"),
    )

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Where the score comes from.
    source: Mapped[str] = mapped_column(String(100), nullable=False, default=DEFAULT_SOURCE)
    #: Benchmark year (the reporting year the benchmark assessed).
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    #: sector or organisation.
    level: Mapped[str] = mapped_column(String(12), nullable=False)
    #: The sector scored (sector level).
    sector_id: Mapped[int | None] = mapped_column(ForeignKey("sector.id"), index=True)
    #: The organisation scored (organisation level); its sector comes from the register.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    #: Total score, 0-100.
    total_score: Mapped[float | None] = mapped_column(Float)
    #: Chain-management (ketenbeheer) score, 0-10.
    chain_score: Mapped[float | None] = mapped_column(Float)
    #: Number of companies assessed (sector level).
    company_count: Mapped[int | None] = mapped_column(Integer)
    #: Of which listed on a stock exchange (organisation level: 1 or 0, when the file said).
    listed_count: Mapped[int | None] = mapped_column(Integer)
    #: The import that brought this row (None: typed in by hand, or seeded); undoing
    #: the import removes it.
    import_id: Mapped[int | None] = mapped_column(
        ForeignKey("benchmark_import.id", ondelete="SET NULL"), index=True)

    sector: Mapped[Sector | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()
    imported_by: Mapped[BenchmarkImport | None] = relationship()
