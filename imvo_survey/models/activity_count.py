"""Activity counts per response and IMVO aspect (and aspect group), kept in step with
the activities by the model layer.

The coverage matrix counts, per response and aspect, the activities, their highest
member share and how many gave no share. Computing that from the million activity-aspect
links of a full round means grouping a million rows, which SQLite cannot do within the
matrix's time budget; this table holds the result per response (some tens of rows each),
refreshed in the same transaction as every change to a response's activities. Filters on
activities (type, country, product group, consent) still count from the links themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import (
    Float,
    ForeignKey,
    Integer,
    String,
    and_,
    case,
    delete,
    event,
    func,
    insert,
    inspect,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .base import one_of
from .reference import Aspect
from .response import Activity, Response, activity_aspect

DIMENSIONS = ("aspect", "aspect_group")


class ActivityCount(db.Model):
    """One response's activities on one aspect or aspect group (ended carry-overs left out)."""

    __tablename__ = "activity_count"
    __table_args__ = (one_of("dimension", DIMENSIONS, "dimension"),)

    #: The response.
    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    #: `aspect` or `aspect_group`.
    dimension: Mapped[str] = mapped_column(String(12), primary_key=True)
    #: The aspect's or the group's id.
    key_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Activities on it (each once, also when it touches several aspects of a group).
    activities: Mapped[int] = mapped_column(Integer, nullable=False)
    #: The highest share of members taking part among those activities.
    max_share: Mapped[float | None] = mapped_column(Float)
    #: Of those activities, how many gave no share of members.
    missing_share: Mapped[int] = mapped_column(Integer, nullable=False)


def _counts(dimension: str, response_ids):
    key = activity_aspect.c.aspect_id if dimension == "aspect" else Aspect.group_id
    query = (
        select(Activity.response_id, key,
               func.count(func.distinct(Activity.id)),
               func.max(Activity.member_share),
               func.count(func.distinct(case((Activity.member_share.is_(None), Activity.id)))))
        .select_from(Activity)
        .join(activity_aspect, activity_aspect.c.activity_id == Activity.id))
    if dimension == "aspect_group":
        query = query.join(Aspect, Aspect.id == activity_aspect.c.aspect_id).where(Aspect.group_id.is_not(None))
    condition = or_(Activity.carry_status.is_(None), Activity.carry_status != "ended")
    if response_ids is not None:
        condition = and_(condition, Activity.response_id.in_(response_ids))
    return query.where(condition).group_by(Activity.response_id, key).add_columns(literal(dimension, String(12)))


def _recount(connection, response_ids: list[int] | None) -> None:
    table = ActivityCount.__table__
    if response_ids is not None and connection.dialect.name == "postgresql":
        # Two transactions recounting one response (an autosave beside an entry save)
        # take turns: the second deletes what the first inserted instead of inserting
        # the same keys again. (SQLite lets one writer in at a time anyway.)
        connection.execute(select(Response.id).where(Response.id.in_(response_ids)).with_for_update())
    connection.execute(delete(table) if response_ids is None
                       else delete(table).where(table.c.response_id.in_(response_ids)))
    for dimension in DIMENSIONS:
        connection.execute(insert(table).from_select(
            ["response_id", "key_id", "activities", "max_share", "missing_share", "dimension"],
            _counts(dimension, response_ids)))


def refresh_counts(connection, response_ids: Iterable[int] | None = None) -> None:
    """Recount the given responses, or every response when None (after a bulk load)."""
    if response_ids is None:
        _recount(connection, None)
        return
    ids = sorted(set(response_ids))
    for start in range(0, len(ids), 500):
        _recount(connection, ids[start:start + 500])


def _regrouped(session: Session) -> bool:
    """Whether this flush moves an aspect to another group or removes one (reference
    data, rarely): the groups' counts of every response change then."""
    return any(isinstance(item, Aspect) and (item in session.deleted
                                             or inspect(item).attrs.group_id.history.has_changes())
               for item in (*session.dirty, *session.deleted))


@event.listens_for(Session, "after_flush")
def _recount_changed_responses(session: Session, _flush_context) -> None:
    """Every flush that adds, changes or removes an activity (or its aspects) recounts
    that activity's response in the same transaction."""
    if _regrouped(session):
        refresh_counts(session.connection())
        return
    changed = {item.response_id for item in (*session.new, *session.dirty, *session.deleted)
               if isinstance(item, Activity) and item.response_id is not None}
    if changed:
        refresh_counts(session.connection(), changed)
