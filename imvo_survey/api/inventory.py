"""Which activities, dilemmas and bottlenecks an API call returns.

The same selection as the analysis module: the round's counted responses of the
organisations the filters keep (`queries.organisations`), the activity-level filters
(`queries.activity_conditions`), and for one row of the matrix the organisations the
matrix puts in that row. The page of activities is cut in SQL, not in Python."""

from __future__ import annotations

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import selectinload

from ..analysis import Filters, build_matrix, queries
from ..analysis.filters import FilterError
from ..analysis.matrix import NONE_KEY, TOTAL_KEY
from ..extensions import db
from ..models import Activity, Aspect, Bottleneck, Dilemma, Organisation, Response
from ..models.response import activity_aspect, bottleneck_aspect, dilemma_aspect

DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 500


def response_ids(conn, filters: Filters, rows: str = "sector", row: str | None = None) -> list[int]:
    """The counted responses of the filtered organisations; with `row`, only those the
    matrix (rows by `rows`) puts in that row."""
    if row is None or row == TOTAL_KEY:
        round = queries.round_info(conn, filters.round)
        organisations = queries.organisations(conn, round.id, filters)
    else:
        _check_row(conn, rows, row)
        organisations = build_matrix(conn, filters, rows=rows).organisations
        organisations = organisations[organisations["row"] == row]
    return [int(value) for value in organisations.loc[organisations["responded"], "response_id"].dropna()]


def _check_row(conn, rows: str, row: str) -> None:
    """A row key must be one the matrix could show: a code, `_none` or `_total`
    (`sector|kind` for rows by sector and kind)."""
    if rows == "sector_kind":
        sector, _, kind = row.partition("|")
        valid = (sector == NONE_KEY or sector in queries.labels(conn, "sector").index) and \
            kind in (*queries.ASSOCIATION_KINDS, "company", NONE_KEY)
    else:
        valid = row == NONE_KEY or row in queries.labels(conn, rows).index
    if not valid:
        raise FilterError(f"Unknown row {row!r} for rows by {rows}.")


def _aspect_condition(link, key: str, owner, aspect: str):
    return exists().where(getattr(link.c, key) == owner.id, link.c.aspect_id == select(Aspect.id)
                          .where(Aspect.code == aspect).scalar_subquery())


def activity_page(conn, filters: Filters, responses: list[int], aspect: str | None, page: int,
                  per_page: int) -> tuple[int, list[Activity]]:
    """The number of matching activities and one page of them, ordered by organisation."""
    round = queries.round_info(conn, filters.round)
    conditions = [*queries.activity_conditions(conn, round.id, filters), Activity.response_id.in_(responses or [-1])]
    if aspect is not None:
        conditions.append(_aspect_condition(activity_aspect, "activity_id", Activity, aspect))
    base = select(Activity.id).join(Response, Response.id == Activity.response_id).where(and_(*conditions))
    total = db.session.scalar(select(func.count()).select_from(base.subquery()))
    offset = (page - 1) * per_page
    if offset >= total:  # also keeps absurd page numbers out of the database
        return total, []
    items = db.session.scalars(
        select(Activity).join(Response, Response.id == Activity.response_id)
        .join(Organisation, Organisation.id == Response.organisation_id)
        .where(Activity.id.in_(base)).order_by(Organisation.name, Response.id, Activity.position, Activity.id)
        .offset(offset).limit(per_page)
        .options(selectinload(Activity.aspects), selectinload(Activity.countries),
                 selectinload(Activity.product_groups), selectinload(Activity.partners),
                 selectinload(Activity.channels), selectinload(Activity.activity_type),
                 *_respondent_options(Activity))).all()
    return total, list(items)


def _respondent_options(model) -> list:
    response = selectinload(model.response)
    return [response.selectinload(Response.organisation), response.selectinload(Response.snapshot_sector),
            response.selectinload(Response.snapshot_branch)]


ENTRY_MODELS = {"dilemma": (Dilemma, dilemma_aspect), "bottleneck": (Bottleneck, bottleneck_aspect)}


def entries(kind: str, responses: list[int], aspect: str | None) -> list:
    """The dilemmas or bottlenecks of `responses`, optionally only those on `aspect`."""
    model, link = ENTRY_MODELS[kind]
    query = (select(model).join(Response, Response.id == model.response_id)
             .join(Organisation, Organisation.id == Response.organisation_id)
             .where(model.response_id.in_(responses or [-1]))
             .order_by(Organisation.name, Response.id, model.position, model.id)
             .options(selectinload(model.aspects), *_respondent_options(model)))
    if aspect is not None:
        query = query.where(_aspect_condition(link, f"{kind}_id", model, aspect))
    if kind == "dilemma":
        query = query.options(selectinload(Dilemma.countries))
    return list(db.session.scalars(query))
