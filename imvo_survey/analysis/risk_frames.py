"""Loading what the relevance is computed from (`relevance.RiskFrames`): the risk
entries, the regions' countries, the chains a round's responses name, the imported
import shares and the relevance set by hand. `relevance.py` computes from these alone."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from ..models import (
    RESPONDED_STATUSES,
    Aspect,
    AspectGroup,
    Branch,
    Country,
    ImportShare,
    ManualRelevance,
    ProductGroup,
    Response,
    RiskEntry,
    Sector,
    User,
    country_region,
)
from ..models.response import Activity, activity_country, activity_product_group
from .relevance import RiskFrames


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)


def load_risks(conn) -> pd.DataFrame:
    """The risk entries: country (or region) code, product group, aspect, level."""
    query = (select(Country.code, ProductGroup.code, Aspect.code, RiskEntry.level)
             .join(Country, Country.id == RiskEntry.country_id)
             .join(ProductGroup, ProductGroup.id == RiskEntry.product_group_id)
             .join(Aspect, Aspect.id == RiskEntry.aspect_id))
    return _frame(conn.execute(query), ["country", "product_group", "aspect", "level"])


def load_regions(conn) -> pd.DataFrame:
    """Each region's countries: region, country (codes)."""
    region, member = aliased(Country), aliased(Country)
    query = (select(region.code, member.code)
             .join(country_region, country_region.c.region_id == region.id)
             .join(member, member.id == country_region.c.country_id))
    return _frame(conn.execute(query), ["region", "country"])


def _chain_links(round_id: int):
    """Per responding organisation of the round and chain (product group x country) its
    counted activities name: organisation, sector and branch kept at submission, product
    group and country ids, each once."""
    return (select(Response.organisation_id, Response.snapshot_sector_id.label("sector"),
                   Response.snapshot_branch_id.label("branch"),
                   activity_product_group.c.product_group_id, activity_country.c.country_id)
            .select_from(Activity)
            .join(Response, Response.id == Activity.response_id)
            .join(activity_product_group, activity_product_group.c.activity_id == Activity.id)
            .join(activity_country, activity_country.c.activity_id == Activity.id)
            .where(Response.round_id == round_id, Response.status.in_(RESPONDED_STATUSES),
                   or_(Activity.carry_status.is_(None), Activity.carry_status != "ended"))
            .distinct())


def load_round_chains(conn, round_id: int) -> pd.DataFrame:
    """The chains with a risk entry (for their country or its region) that each
    responding organisation of the round names, once each, with the sector and branch
    its response kept. Not narrowed by the matrix's filters: a sector's risks do not
    change when the page shows only some activities. Only chains at risk are read (the
    rest count in `load_round_totals`), and as ids: a round names hundreds of thousands
    of chains, and turning each into a Python row cost more than the query."""
    risky_country = or_(
        activity_country.c.country_id.in_(select(RiskEntry.country_id)),
        activity_country.c.country_id.in_(select(country_region.c.country_id).join(
            RiskEntry, RiskEntry.country_id == country_region.c.region_id)))
    query = _chain_links(round_id).where(
        activity_product_group.c.product_group_id.in_(select(RiskEntry.product_group_id)), risky_country)
    frame = _frame(conn.execute(query), ["organisation_id", "sector", "branch", "product_group", "country"])
    for column, model in (("sector", Sector), ("branch", Branch), ("product_group", ProductGroup),
                          ("country", Country)):
        codes = dict(conn.execute(select(model.id, model.code)).all())
        frame[column] = frame[column].map(codes).astype(object)
    return frame


def load_round_totals(conn, round_id: int) -> pd.DataFrame:
    """Per sector and branch (codes, None for none): how many chains its responding
    organisations name, each organisation's chain once; counted in the database."""
    links = _chain_links(round_id).subquery()
    sector, branch = aliased(Sector), aliased(Branch)
    query = (select(sector.code, branch.code, func.count())
             .select_from(links)
             .outerjoin(sector, sector.id == links.c.sector)
             .outerjoin(branch, branch.id == links.c.branch)
             .group_by(sector.code, branch.code))
    return _frame(conn.execute(query), ["sector", "branch", "chains"])


def load_import_shares(conn) -> pd.DataFrame:
    """The imported shares: subject (sector or branch), code, product group, country, share."""
    query = (select(Sector.code, Branch.code, ProductGroup.code, Country.code, ImportShare.share)
             .select_from(ImportShare)
             .outerjoin(Sector, Sector.id == ImportShare.sector_id)
             .outerjoin(Branch, Branch.id == ImportShare.branch_id)
             .join(ProductGroup, ProductGroup.id == ImportShare.product_group_id)
             .join(Country, Country.id == ImportShare.country_id))
    frame = _frame(conn.execute(query), ["sector", "branch", "product_group", "country", "share"])
    return _by_subject(frame, ["product_group", "country", "share"])


def load_manual_relevance(conn) -> pd.DataFrame:
    """Relevance set by hand: subject, code, aspect, value, reason, set_by (a name), set_at."""
    query = (select(Sector.code, Branch.code, Aspect.code, ManualRelevance.value, ManualRelevance.reason,
                    func.coalesce(User.name, User.email), ManualRelevance.set_at)
             .select_from(ManualRelevance)
             .outerjoin(Sector, Sector.id == ManualRelevance.sector_id)
             .outerjoin(Branch, Branch.id == ManualRelevance.branch_id)
             .join(Aspect, Aspect.id == ManualRelevance.aspect_id)
             .outerjoin(User, User.id == ManualRelevance.set_by_id))
    frame = _frame(conn.execute(query), ["sector", "branch", "aspect", "value", "reason", "set_by", "set_at"])
    return _by_subject(frame, ["aspect", "value", "reason", "set_by", "set_at"])


def _by_subject(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    subject = frame["sector"].notna().map({True: "sector", False: "branch"})
    code = frame["sector"].where(frame["sector"].notna(), frame["branch"])
    return pd.concat([pd.DataFrame({"subject": subject, "code": code}), frame[columns]], axis=1)


def load_aspect_groups(conn) -> dict[str, str]:
    """aspect code -> its group's code."""
    query = select(Aspect.code, AspectGroup.code).join(AspectGroup, AspectGroup.id == Aspect.group_id)
    return {aspect: group for aspect, group in conn.execute(query)}


def load_risk_frames(conn, round_id: int | None) -> RiskFrames:
    """Everything the relevance of the round's matrix is computed from; without a
    round, only imported shares make up the import profiles."""
    risks, manual = load_risks(conn), load_manual_relevance(conn)
    if risks.empty and manual.empty:
        # No risk analysis: nothing else is needed (and the round's chains are not read).
        empty = pd.DataFrame(columns=["organisation_id", "sector", "branch", "product_group", "country"])
        return RiskFrames(risks, pd.DataFrame(columns=["region", "country"]), empty,
                          pd.DataFrame(columns=["subject", "code", "product_group", "country", "share"]),
                          manual, {})
    round_id = round_id if round_id is not None else -1
    return RiskFrames(risks=risks, regions=load_regions(conn), round_chains=load_round_chains(conn, round_id),
                      shares=load_import_shares(conn), manual=manual, aspect_groups=load_aspect_groups(conn),
                      round_totals=load_round_totals(conn, round_id))
