"""Publishing a round's public figures and building them. The services flush; the
view commits (see `unit_of_work.saving`)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from ..analysis import Filters, build_matrix
from ..analysis.public_figures import PublicFigures, public_figures
from ..extensions import db
from ..models import FiguresPublication, Round, User
from ..rounds.services import log


def publication(round: Round) -> FiguresPublication | None:
    """The round's publication, or None while its public figures are not public."""
    return db.session.get(FiguresPublication, round.id)


def published_rounds() -> list[tuple[Round, FiguresPublication]]:
    """The rounds whose figures are public, the newest year first."""
    rows = db.session.execute(select(Round, FiguresPublication).join(FiguresPublication)
                              .order_by(Round.year.desc(), Round.name))
    return [tuple(row) for row in rows]


def publish(round: Round, user: User | None) -> bool:
    """Make the round's public figures public; False when they already were."""
    if publication(round) is not None:
        return False
    db.session.add(FiguresPublication(round_id=round.id, published_by=user))
    log(round, "figures_published", None, user)
    db.session.flush()
    return True


def withdraw(round: Round, user: User | None) -> bool:
    """Take the round's public figures offline; False when they were not public."""
    published = publication(round)
    if published is None:
        return False
    db.session.delete(published)
    log(round, "figures_withdrawn", None, user)
    db.session.flush()
    return True


def minimum() -> int:
    """The threshold: fewer organisations than this and a figure is not shown."""
    return int(current_app.config.get("PUBLIC_FIGURES_MINIMUM", 3))


def build(round: Round) -> PublicFigures:
    """The round's public figures: every targeted organisation, rows by sector, columns
    by aspect (relevance plays no part: nothing here lags or is ordered by a gap)."""
    matrix = build_matrix(db.session.connection(), Filters(round=round.id), rows="sector", columns="aspect",
                          relevance=lambda row, column: 1.0)
    return public_figures(matrix, minimum())
