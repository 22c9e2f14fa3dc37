"""The inventory behind the matrix as tables: the activities behind a cell (the
drill-down), all activities with every attribute, dilemmas and bottlenecks."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from ..models import Aspect, AspectGroup, Organisation, Response
from ..models.response import Activity, activity_aspect
from . import queries
from .filters import Filters
from .matrix import TOTAL_KEY, Matrix


def _joined(items, language: str) -> str:
    return "; ".join(item.label(language) for item in items)


def cell_activities(conn, matrix: Matrix, row: str, column: str, language: str = "nl") -> pd.DataFrame:
    """The activities behind one cell: organisation, title, type, countries, product
    groups, share, consent, description."""
    organisations = matrix.organisations[matrix.organisations["responded"]]
    if row != TOTAL_KEY:
        organisations = organisations[organisations["row"] == row]
    response_ids = [int(value) for value in organisations["response_id"].dropna()]
    if not response_ids:
        return pd.DataFrame(columns=ACTIVITY_COLUMNS)
    key = Aspect.code if matrix.columns_by == "aspect" else AspectGroup.code
    conditions = queries.activity_conditions(conn, matrix.round.id, matrix.filters)
    ids = (select(Activity.id).join(Response, Response.id == Activity.response_id)
           .join(activity_aspect, activity_aspect.c.activity_id == Activity.id)
           .join(Aspect, Aspect.id == activity_aspect.c.aspect_id)
           .join(AspectGroup, AspectGroup.id == Aspect.group_id)
           .where(and_(*conditions), Activity.response_id.in_(response_ids), key == column).distinct())
    return activities_frame(conn, Activity.id.in_(ids), language)


ACTIVITY_COLUMNS = ["activity_id", "organisation", "kvk_number", "title", "activity_type", "aspects", "countries",
                    "product_groups", "partners", "partners_other", "channels", "start_year", "member_share",
                    "publish_consent", "carry_status", "description"]


def activities_frame(conn, condition, language: str = "nl") -> pd.DataFrame:
    """Activities matching `condition` with every attribute (several values joined by ;)."""
    session = Session(bind=conn)
    try:
        rows = session.scalars(
            select(Activity).join(Response, Response.id == Activity.response_id)
            .join(Organisation, Organisation.id == Response.organisation_id)
            .where(condition).order_by(Organisation.name, Activity.position)
            .options(selectinload(Activity.aspects), selectinload(Activity.countries),
                     selectinload(Activity.product_groups), selectinload(Activity.partners),
                     selectinload(Activity.channels), selectinload(Activity.activity_type),
                     selectinload(Activity.response).selectinload(Response.organisation))).all()
        records = [[a.id, a.response.organisation.name, a.response.organisation.kvk_number, a.title,
                    a.activity_type.label(language) if a.activity_type else None, _joined(a.aspects, language),
                    _joined(a.countries, language), _joined(a.product_groups, language),
                    _joined(a.partners, language), a.partners_other, _joined(a.channels, language), a.start_year,
                    a.member_share, a.publish_consent, a.carry_status, a.description] for a in rows]
    finally:
        session.close()
    return pd.DataFrame.from_records(records, columns=ACTIVITY_COLUMNS)


def round_activities(conn, filters: Filters, language: str = "nl") -> pd.DataFrame:
    """All counted activities of a round under the filters."""
    round = queries.round_info(conn, filters.round)
    organisations = queries.organisations(conn, round.id, filters)
    response_ids = [int(value) for value in organisations.loc[organisations["responded"], "response_id"]]
    conditions = queries.activity_conditions(conn, round.id, filters)
    ids = select(Activity.id).join(Response, Response.id == Activity.response_id).where(
        and_(*conditions), Activity.response_id.in_(response_ids or [-1]))
    return activities_frame(conn, Activity.id.in_(ids), language)
