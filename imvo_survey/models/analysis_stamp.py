"""A stamp per round that is renewed, in the same transaction, by every flush that
changes what the round's risk relevance is computed from; the matrix keeps the relevance
per process for as long as the stamp stays the same (`analysis.relevance_cache`).

What moves a round's relevance: a responded response of it (submitted, returned,
accepted) coming, going, changing status, sector, branch or organisation, or any of
its activities (with their countries and product groups) changing; and, for every round,
the risk entries, the import shares, the relevance set by hand and the reference lists
they name (a region's countries, a code). A respondent's save of a draft moves nothing:
the statement that would stamp its round selects no row then.

A round without a row has never changed since the table came: its stamp is 0. A row of
its own (rather than a column of `round`) keeps these writes off the round's row, which
its version counter guards. Work done past the ORM (a bulk DELETE) calls `stamp_rounds`.
"""

from __future__ import annotations

import secrets

from sqlalchemy import ForeignKey, Integer, event, inspect, literal, select, true
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..extensions import db
from .reference import Aspect, AspectGroup, Branch, Country, ProductGroup, Sector
from .response import Activity, Response
from .risk import ImportShare, ManualRelevance, RiskEntry
from .round import RESPONDED_STATUSES, Round


class AnalysisStamp(db.Model):
    """Which state of the round's risk relevance is current (`analysis.relevance_cache`)."""

    __tablename__ = "analysis_stamp"

    #: The round.
    round_id: Mapped[int] = mapped_column(ForeignKey("round.id", ondelete="CASCADE"), primary_key=True)
    #: A new random number at every change (`stamp_rounds`; 0 when there is no row).
    stamp: Mapped[int] = mapped_column(Integer, nullable=False)


#: A change to any of these moves the relevance of every round.
_EVERY_ROUND = (RiskEntry, ImportShare, ManualRelevance, Country, ProductGroup, Aspect, AspectGroup,
                Sector, Branch)
#: A response's columns that the relevance reads.
_READ_COLUMNS = ("status", "snapshot_sector_id", "snapshot_branch_id", "organisation_id", "round_id")


def stamp_rounds(connection, rounds=None) -> None:
    """A new stamp for the rounds that `rounds` selects (a SELECT of round ids, or a list
    of them), or for every round when None: one statement. A random number rather than a
    count: a transaction that changed the relevance, viewed the matrix (keeping what it
    saw under its stamp) and was then rolled back leaves no number that a later change
    would count up to again."""
    stamp = literal(secrets.randbits(31), Integer)
    if rounds is None:
        rounds = select(Round.id)
    elif not hasattr(rounds, "subquery"):
        rounds = select(Round.id).where(Round.id.in_(list(rounds)))
    insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    # The WHERE keeps SQLite from reading ON CONFLICT as part of the SELECT's join.
    source = rounds.add_columns(stamp).distinct().where(true())
    statement = insert(AnalysisStamp).from_select(["round_id", "stamp"], source)
    connection.execute(statement.on_conflict_do_update(index_elements=[AnalysisStamp.__table__.c.round_id],
                                                       set_={"stamp": statement.excluded.stamp}))


def _responded(response: Response) -> bool:
    """Whether the response counts in the relevance now or did before this flush."""
    if response.status in RESPONDED_STATUSES:
        return True
    return any(old in RESPONDED_STATUSES for old in inspect(response).attrs.status.history.deleted)


def _moved(response: Response, session: Session) -> bool:
    if response in session.new or response in session.deleted:
        return True
    state = inspect(response)
    return any(state.attrs[column].history.has_changes() for column in _READ_COLUMNS)


@event.listens_for(Session, "after_flush")
def _stamp_changed_rounds(session: Session, _flush_context) -> None:
    changed = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(item, _EVERY_ROUND) for item in changed):
        stamp_rounds(session.connection())
        return
    rounds = {item.round_id for item in changed
              if isinstance(item, Response) and _responded(item) and _moved(item, session)}
    if rounds:
        stamp_rounds(session.connection(), rounds)
    activities_of = {item.response_id for item in changed
                     if isinstance(item, Activity) and item.response_id is not None}
    if activities_of:
        # One statement whatever the number; a draft's activities select no round.
        stamp_rounds(session.connection(), select(Response.round_id).where(
            Response.id.in_(activities_of), Response.status.in_(RESPONDED_STATUSES)))
