"""Reference taxonomies: sectors, branches, IMVO aspects, activity types, reporting
channels, product groups, chain initiatives and countries (with regions).

Codes are those of DOMAIN.md's "Reference codes"; `imvo_survey.seed` loads them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .base import TaxonomyMixin

branch_sector = Table(
    "branch_sector",
    db.metadata,
    Column("branch_id", ForeignKey("branch.id", ondelete="CASCADE"), primary_key=True),
    Column("sector_id", ForeignKey("sector.id", ondelete="CASCADE"), primary_key=True),
)

country_region = Table(
    "country_region",
    db.metadata,
    Column("region_id", ForeignKey("country.id", ondelete="CASCADE"), primary_key=True),
    Column("country_id", ForeignKey("country.id", ondelete="CASCADE"), primary_key=True),
)


class Sector(TaxonomyMixin, db.Model):
    """One of the 18 Transparantiebenchmark sectors (seed, Tabel 1): the row of everything."""

    __tablename__ = "sector"

    #: Other spellings met in imported tables ("Consumentenp.", "Voedsel/drank", ...).
    aliases: Mapped[list[SectorAlias]] = relationship(
        back_populates="sector", cascade="all, delete-orphan", order_by="SectorAlias.alias"
    )
    branches: Mapped[list[Branch]] = relationship(
        secondary=branch_sector, back_populates="sectors", order_by="Branch.position"
    )


class SectorAlias(db.Model):
    """Another name of a sector, as printed in a source table."""

    __tablename__ = "sector_alias"

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: The sector this name stands for.
    sector_id: Mapped[int] = mapped_column(ForeignKey("sector.id", ondelete="CASCADE"), nullable=False)
    #: The alias exactly as printed; unique over all sectors.
    alias: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)

    sector: Mapped[Sector] = relationship(back_populates="aliases")


class Branch(TaxonomyMixin, db.Model):
    """One of MVO Nederland's selected branches (or wholesale and retail)."""

    __tablename__ = "branch"

    sectors: Mapped[list[Sector]] = relationship(
        secondary=branch_sector, back_populates="branches", order_by="Sector.position"
    )


class AspectGroup(TaxonomyMixin, db.Model):
    """A group of IMVO aspects (human rights, labour, environment, governance, animal welfare)."""

    __tablename__ = "aspect_group"

    aspects: Mapped[list[Aspect]] = relationship(back_populates="group", order_by="Aspect.position")


class Aspect(TaxonomyMixin, db.Model):
    """An IMVO aspect: a column of the coverage matrix."""

    __tablename__ = "aspect"

    #: The group the aspect belongs to.
    group_id: Mapped[int] = mapped_column(ForeignKey("aspect_group.id"), nullable=False)

    group: Mapped[AspectGroup] = relationship(back_populates="aspects")


class ActivityType(TaxonomyMixin, db.Model):
    """What kind of thing an activity is (code of conduct, audit, certification, ...)."""

    __tablename__ = "activity_type"


class ReportingChannel(TaxonomyMixin, db.Model):
    """Where an organisation reports (annual report, sustainability report, website, ...)."""

    __tablename__ = "reporting_channel"


class ProductGroup(TaxonomyMixin, db.Model):
    """An imported product group with known IMVO risks (coffee, cocoa, soy, ...)."""

    __tablename__ = "product_group"


class ChainInitiative(TaxonomyMixin, db.Model):
    """A chain initiative or label an activity can be part of (IDH, FSC, RSPO, ...)."""

    __tablename__ = "chain_initiative"


class Country(TaxonomyMixin, db.Model):
    """A country (ISO 3166-1 alpha-2 code) or a region made of countries (`west_africa`)."""

    __tablename__ = "country"

    #: True for a region such as West Africa; its countries are in `members`.
    is_region: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)

    members: Mapped[list[Country]] = relationship(
        secondary=country_region,
        primaryjoin=lambda: Country.id == country_region.c.region_id,
        secondaryjoin=lambda: Country.id == country_region.c.country_id,
        order_by=lambda: Country.position,
    )


#: The taxonomies a questionnaire's reference pickers can point at, by list name.
TAXONOMIES: dict[str, type[TaxonomyMixin]] = {
    "sector": Sector,
    "branch": Branch,
    "aspect": Aspect,
    "activity_type": ActivityType,
    "reporting_channel": ReportingChannel,
    "product_group": ProductGroup,
    "chain_initiative": ChainInitiative,
    "country": Country,
}
