"""Reading what the matrix needs from the database as DataFrames: the round, the
targeted organisations (grouped by the snapshot their response kept at submission),
and per response and aspect (or aspect group) the activities and the highest member
share. Those per-response counts come from the `activity_count` table the model layer
keeps (a full round has a million activity-aspect links); with filters on activities
they are counted from the links themselves, in one GROUP BY in SQL."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased

from ..models import (
    ASSOCIATION_KINDS,
    RESPONDED_STATUSES,
    ActivityCheck,
    ActivityCount,
    ActivityType,
    Aspect,
    AspectGroup,
    Branch,
    Country,
    EvidenceFile,
    Invitation,
    Organisation,
    ProductGroup,
    Response,
    Round,
    SampledResponse,
    Sector,
    country_region,
)
from ..models.response import Activity, activity_aspect, activity_country, activity_product_group
from ..whole_numbers import fits_an_id
from .filters import FilterError, Filters


@dataclass(frozen=True)
class RoundInfo:
    """The facts of a round the analysis needs."""

    id: int
    slug: str
    name: str
    year: int
    is_baseline: bool
    questionnaire_ids: tuple[int, ...]


def _frame(rows, columns: list[str]) -> pd.DataFrame:
    # Plain tuples: pandas probes each Row object for attributes, which is slow.
    return pd.DataFrame.from_records([tuple(row) for row in rows], columns=columns)


def round_info(conn, reference) -> RoundInfo:
    """A round by id or slug."""
    query = select(Round.id, Round.slug, Round.name, Round.year, Round.is_baseline,
                   Round.association_questionnaire_id, Round.company_questionnaire_id)
    if isinstance(reference, int) or (isinstance(reference, str) and reference.isdigit()):
        if not fits_an_id(str(reference)):  # names no round, and would overflow the query
            raise FilterError(f"No round {reference!r}.")
        query = query.where(Round.id == int(reference))
    else:
        query = query.where(Round.slug == reference)
    row = conn.execute(query).first()
    if row is None:
        raise FilterError(f"No round {reference!r}.")
    return RoundInfo(row.id, row.slug, row.name, row.year, row.is_baseline,
                     tuple(q for q in (row.association_questionnaire_id, row.company_questionnaire_id) if q))


def baseline_of(conn, round: RoundInfo) -> RoundInfo | None:
    """The baseline round of the same questionnaire(s), other than the round itself."""
    if not round.questionnaire_ids:
        return None
    row = conn.execute(select(Round.id).where(
        Round.is_baseline, Round.id != round.id,
        or_(Round.association_questionnaire_id.in_(round.questionnaire_ids),
            Round.company_questionnaire_id.in_(round.questionnaire_ids)))
        .order_by(*Round.oldest_first()).limit(1)).first()
    return round_info(conn, row.id) if row else None


def responded_condition():
    """Whether an organisation responded, in SQL: its response's status is one of
    `RESPONDED_STATUSES` (the definition is `response.py`'s)."""
    return Response.status.in_(RESPONDED_STATUSES)


def organisations(conn, round_id: int, filters: Filters) -> pd.DataFrame:
    """One row per invited (targeted) organisation: whether it responded or declined,
    and the data the rows group by: the response's snapshot when it responded, else the
    register. Organisation-level filters (audience, kind, size, sector, branch) applied."""
    snap_sector, reg_sector = aliased(Sector), aliased(Sector)
    snap_branch, reg_branch = aliased(Branch), aliased(Branch)
    responded = responded_condition()
    query = (
        select(Invitation.organisation_id, Organisation.name, Invitation.audience, Invitation.status,
               Response.id.label("response_id"), responded.label("responded"),
               case((responded, Response.snapshot_kind), else_=Organisation.kind).label("kind"),
               case((responded, Response.snapshot_size), else_=Organisation.size).label("size"),
               case((responded, snap_sector.code), else_=reg_sector.code).label("sector"),
               case((responded, snap_branch.code), else_=reg_branch.code).label("branch"),
               case((responded, Response.snapshot_member_count), else_=Organisation.member_count).label("members"),
               Organisation.is_listed)
        .select_from(Invitation)
        .join(Organisation, Organisation.id == Invitation.organisation_id)
        .outerjoin(Response, Response.invitation_id == Invitation.id)
        .outerjoin(snap_sector, snap_sector.id == Response.snapshot_sector_id)
        .outerjoin(reg_sector, reg_sector.id == Organisation.sector_id)
        .outerjoin(snap_branch, snap_branch.id == Response.snapshot_branch_id)
        .outerjoin(reg_branch, reg_branch.id == Organisation.branch_id)
        .where(Invitation.round_id == round_id))
    frame = _frame(conn.execute(query), ["organisation_id", "name", "audience", "status", "response_id",
                                         "responded", "kind", "size", "sector", "branch", "members", "is_listed"])
    frame["responded"] = frame["responded"].fillna(False).astype(bool)
    frame["declined"] = frame["status"] == "declined"
    frame["association"] = frame["kind"].isin(ASSOCIATION_KINDS)
    return _apply_organisation_filters(frame, filters)


def targeted_in_rounds(conn, round_ids: list[int]) -> pd.DataFrame:
    """One row per targeted organisation of each of the rounds, with `round_id`,
    `organisation_id`, `responded` and `declined` read as `organisations` reads them: the
    response figures of many rounds at once (the rounds list), without their grouping data."""
    query = (select(Invitation.round_id, Invitation.organisation_id, Invitation.status,
                    responded_condition().label("responded"))
             .select_from(Invitation)
             .outerjoin(Response, Response.invitation_id == Invitation.id)
             .where(Invitation.round_id.in_(round_ids)))
    frame = _frame(conn.execute(query), ["round_id", "organisation_id", "status", "responded"])
    frame["responded"] = frame["responded"].fillna(False).astype(bool)
    frame["declined"] = frame["status"] == "declined"
    return frame


def _apply_organisation_filters(frame: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    if filters.audience != "both":
        mask &= frame["audience"] == filters.audience
    for key in ("kind", "size", "sector", "branch"):
        value = getattr(filters, key)
        if value is not None:
            mask &= frame[key] == value
    return frame[mask].reset_index(drop=True)


def _country_ids(conn, code: str) -> list[int]:
    """A country, or a region with its countries (an activity in Ghana counts for West Africa)."""
    found = conn.execute(select(Country.id, Country.is_region).where(Country.code == code)).first()
    if found is None:
        raise FilterError(f"Unknown country or region {code!r}.")
    ids = [found.id]
    if found.is_region:
        ids += list(conn.execute(select(country_region.c.country_id)
                                 .where(country_region.c.region_id == found.id)).scalars())
    return ids


def evidence_condition(level: str):
    """Activities at `level` or above: verified means confirmed in a sample's check;
    documented, that its response's respondent uploaded evidence (or that it is verified)."""
    verified = exists().where(ActivityCheck.activity_id == Activity.id, ActivityCheck.outcome == "confirmed")
    if level == "verified":
        return verified
    documented = exists().where(SampledResponse.response_id == Activity.response_id,
                                EvidenceFile.member_id == SampledResponse.id)
    return or_(documented, verified)


def activity_conditions(conn, round_id: int, filters: Filters) -> list:
    """WHERE clauses on activities: the round's counted responses, not ended carry-overs,
    and the activity-level filters."""
    conditions = [Response.round_id == round_id, responded_condition(),
                  or_(Activity.carry_status.is_(None), Activity.carry_status != "ended")]
    if filters.activity_type:
        conditions.append(Activity.activity_type_id == select(ActivityType.id)
                          .where(ActivityType.code == filters.activity_type).scalar_subquery())
    if filters.consented:
        conditions.append(Activity.publish_consent.is_(True))
    if filters.evidence in ("documented", "verified"):
        conditions.append(evidence_condition(filters.evidence))
    if filters.country:
        ids = _country_ids(conn, filters.country)
        conditions.append(exists().where(activity_country.c.activity_id == Activity.id,
                                         activity_country.c.country_id.in_(ids)))
    if filters.product_group:
        conditions.append(exists().where(
            activity_product_group.c.activity_id == Activity.id,
            activity_product_group.c.product_group_id == select(ProductGroup.id)
            .where(ProductGroup.code == filters.product_group).scalar_subquery()))
    return conditions


def cell_counts(conn, round_id: int, filters: Filters, columns: str = "aspect") -> pd.DataFrame:
    """Per response and aspect (or aspect group): activities, the highest member share,
    and how many of those activities gave no share."""
    if not filters.filters_activities:
        return stored_counts(conn, round_id, columns)
    return counted_from_links(conn, round_id, filters, columns)


def activities_without_share(conn, round_id: int, filters: Filters) -> pd.Series:
    """Per response: its counted activities on at least one aspect that gave no member
    share (each once, however many aspects it touches), under the activity filters."""
    query = (select(Activity.response_id, func.count(Activity.id))
             .join(Response, Response.id == Activity.response_id)
             .where(and_(*activity_conditions(conn, round_id, filters)), Activity.member_share.is_(None),
                    exists().where(activity_aspect.c.activity_id == Activity.id))
             .group_by(Activity.response_id))
    rows = [tuple(row) for row in conn.execute(query)]
    return pd.Series({response_id: count for response_id, count in rows}, dtype="int64")


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Fixed dtypes, also when empty (an empty frame's object columns do not merge)."""
    return frame.astype({"response_id": "int64", "column": "object", "activities": "int64",
                         "max_share": "float64", "missing_share": "int64"})


def stored_counts(conn, round_id: int, columns: str = "aspect") -> pd.DataFrame:
    """cell_counts without activity filters, from the kept counts."""
    target = Aspect if columns == "aspect" else AspectGroup
    query = (select(ActivityCount.response_id, target.code, ActivityCount.activities, ActivityCount.max_share,
                    ActivityCount.missing_share)
             .join(Response, Response.id == ActivityCount.response_id)
             .join(target, target.id == ActivityCount.key_id)
             .where(ActivityCount.dimension == columns, Response.round_id == round_id,
                    responded_condition()))
    return _typed(_frame(conn.execute(query), ["response_id", "column", "activities", "max_share", "missing_share"]))


def counted_from_links(conn, round_id: int, filters: Filters, columns: str = "aspect") -> pd.DataFrame:
    """cell_counts from the activity-aspect links, under the activity filters.

    First one row per counted activity and column (an activity on two aspects of one
    group counts once for the group), then plain COUNT and MAX per response and column:
    with COUNT(DISTINCT ...) PostgreSQL aggregated in one process (a DISTINCT aggregate
    does not run in parallel workers). The codes are joined only to the grouped rows."""
    key = activity_aspect.c.aspect_id if columns == "aspect" else Aspect.group_id
    pairs = (select(Activity.response_id, key.label("key_id"), Activity.member_share)
             .select_from(Activity)
             .join(Response, Response.id == Activity.response_id)
             .join(activity_aspect, activity_aspect.c.activity_id == Activity.id)
             .where(and_(*activity_conditions(conn, round_id, filters))))
    if columns != "aspect":
        # (activity, aspect) is the links' key, so only aspect groups need DISTINCT.
        pairs = (pairs.add_columns(Activity.id).join(Aspect, Aspect.id == activity_aspect.c.aspect_id)
                 .where(Aspect.group_id.is_not(None)).distinct())
    pairs = pairs.subquery()
    counted = (select(pairs.c.response_id, pairs.c.key_id, func.count().label("activities"),
                      func.max(pairs.c.member_share).label("max_share"),
                      func.count(case((pairs.c.member_share.is_(None), 1))).label("missing_share"))
               .group_by(pairs.c.response_id, pairs.c.key_id)).subquery()
    target = Aspect if columns == "aspect" else AspectGroup
    query = (select(counted.c.response_id, target.code, counted.c.activities, counted.c.max_share,
                    counted.c.missing_share)
             .join(target, target.id == counted.c.key_id))
    return _typed(_frame(conn.execute(query), ["response_id", "column", "activities", "max_share", "missing_share"]))


def labels(conn, table: str) -> pd.DataFrame:
    """Codes with their Dutch and English labels, in display order."""
    model = {"aspect": Aspect, "aspect_group": AspectGroup, "sector": Sector, "branch": Branch}[table]
    columns = [model.code, model.label_nl, model.label_en, model.position]
    if table == "aspect":
        group = select(AspectGroup.code).where(AspectGroup.id == Aspect.group_id).scalar_subquery()
        columns.append(group.label("group"))
    else:
        columns.append(literal(None).label("group"))
    frame = _frame(conn.execute(select(*columns).order_by(model.position)),
                   ["code", "label_nl", "label_en", "position", "group"])
    return frame.set_index("code")
