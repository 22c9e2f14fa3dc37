"""Which round's matrix: the rounds to choose from (newest first, with year and status)
and the menu's default, the latest round with submitted responses."""

from __future__ import annotations

from sqlalchemy import exists, select

from ..extensions import db
from ..models import RESPONDED_STATUSES, Response, Round


def chooseable_rounds() -> list[Round]:
    """Every round past its draft, newest first (a draft has no responses to count)."""
    return list(db.session.scalars(select(Round).where(Round.status != "draft").order_by(*Round.newest_first())))


def latest_with_responses() -> Round | None:
    """The newest round with at least one submitted (returned, accepted) response."""
    submitted = exists().where(Response.round_id == Round.id, Response.status.in_(RESPONDED_STATUSES))
    return db.session.scalars(select(Round).where(submitted).order_by(*Round.newest_first()).limit(1)).first()
