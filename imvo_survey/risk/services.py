"""Keeping the risk analysis: risk entries, relevance set by hand, the exports, and the
relevance settings every matrix (page, exports, API, CLI) is computed with. Services
flush; the view or the command commits."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..models import Aspect, Branch, Country, ImportShare, ManualRelevance, ProductGroup, RiskEntry, Sector, User


class RiskError(Exception):
    """A change the risk analysis refuses; the message says why."""


def relevance_options(sort: str | None = None) -> dict:
    """The matrix's relevance settings, the same for the matrix page, its exports, the
    API and the CLI: the threshold above which an aspect is relevant (config
    `RISK_RELEVANCE_THRESHOLD`) and the order of the rows. The relevance itself is
    loaded with the matrix's frames (`analysis.frames.load_matrix`)."""
    return {"relevance_threshold": float(current_app.config["RISK_RELEVANCE_THRESHOLD"]), "sort": sort or None}


def save_entry(entry: RiskEntry | None, *, country: Country, product_group: ProductGroup, aspect: Aspect,
               level: str, source: str) -> RiskEntry:
    """Add a risk entry, or change one (it is then no longer an example)."""
    other = db.session.scalar(select(RiskEntry).where(
        RiskEntry.country_id == country.id, RiskEntry.product_group_id == product_group.id,
        RiskEntry.aspect_id == aspect.id))
    if other is not None and other is not entry:
        raise RiskError("duplicate")
    if entry is None:
        entry = RiskEntry()
        db.session.add(entry)
    entry.country, entry.product_group, entry.aspect = country, product_group, aspect
    entry.level, entry.source, entry.example = level, source, False
    db.session.flush()
    return entry


def delete_entry(entry: RiskEntry) -> None:
    db.session.delete(entry)
    db.session.flush()


def manual_for(sector: Sector | None, branch: Branch | None, aspect: Aspect) -> ManualRelevance | None:
    """The relevance set by hand for a sector (or branch) and aspect, if any."""
    subject = (ManualRelevance.sector_id == sector.id) if sector is not None else (ManualRelevance.branch_id
                                                                                    == branch.id)
    return db.session.scalar(select(ManualRelevance).where(subject, ManualRelevance.aspect_id == aspect.id))


def set_manual(*, aspect: Aspect, value: float, reason: str, user: User | None, sector: Sector | None = None,
               branch: Branch | None = None) -> ManualRelevance:
    """Set a relevance by hand (it wins over the computed one), with who and when."""
    if (sector is None) == (branch is None):
        raise ValueError("A relevance is set for a sector or for a branch.")
    if not 0 <= value <= 1:
        raise RiskError("range")
    item = manual_for(sector, branch, aspect)
    if item is None:
        item = ManualRelevance(sector=sector, branch=branch, aspect=aspect)
        db.session.add(item)
    item.value, item.reason, item.set_by, item.set_at = value, reason, user, datetime.now(UTC)
    db.session.flush()
    return item


def remove_manual(item: ManualRelevance) -> None:
    """Go back to the computed relevance."""
    db.session.delete(item)
    db.session.flush()


def _label(item, language: str) -> str:
    return item.label(language) if item is not None else ""


def entry_table(language: str = "nl") -> tuple[list[str], list[tuple]]:
    """Every risk entry as (headers, rows) in the import's own format (codes), with
    labels beside them; the writers neutralise formulas."""
    headers = ["country", "country_name", "product_group", "product_group_name", "aspect", "aspect_name",
               "level", "source", "example"]
    entries = db.session.scalars(select(RiskEntry).join(Country, Country.id == RiskEntry.country_id)
                                 .join(ProductGroup, ProductGroup.id == RiskEntry.product_group_id)
                                 .join(Aspect, Aspect.id == RiskEntry.aspect_id)
                                 .order_by(ProductGroup.position, Country.position, Aspect.position))
    rows = [(e.country.code, _label(e.country, language), e.product_group.code, _label(e.product_group, language),
             e.aspect.code, _label(e.aspect, language), e.level, e.source, "ja" if e.example else "nee")
            for e in entries]
    return headers, rows


def share_table(language: str = "nl") -> tuple[list[str], list[tuple]]:
    """Every import share as (headers, rows) in the import's own format."""
    headers = ["sector", "branch", "product_group", "product_group_name", "country", "country_name", "share",
               "source"]
    shares = db.session.scalars(select(ImportShare).order_by(ImportShare.sector_id, ImportShare.branch_id,
                                                             ImportShare.share.desc(), ImportShare.id))
    rows = [(s.sector.code if s.sector else None, s.branch.code if s.branch else None, s.product_group.code,
             _label(s.product_group, language), s.country.code, _label(s.country, language), s.share, s.source)
            for s in shares]
    return headers, rows
