"""The risk page of one sector (or branch): its aspects by relevance with the chains
behind them, beside the coverage of the latest round with submitted responses, the
biggest gaps first. Reads the same relevance as the matrix (`build_matrix` with the
settings of `services.relevance_options`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import exists, select

from ..analysis import Filters, build_matrix
from ..analysis.matrix import NONE_KEY
from ..analysis.relevance import OTHER, RelevanceResult, is_relevant, relevance_for
from ..analysis.risk_frames import load_risk_frames
from ..extensions import db
from ..i18n import current_language
from ..models import RESPONDED_STATUSES, Aspect, Country, ProductGroup, Response, Round
from .services import relevance_options


@dataclass
class Chain:
    """One chain behind a relevance: palm oil from Indonesia, 40 % of the imports, high."""

    product_group: str
    country: str
    share: float
    level: str | None = None


@dataclass
class AspectRisk:
    """One aspect of the sector, as the risk page shows it; None where there is no figure."""

    code: str
    label: str
    relevance: float
    computed: float
    relevant: bool
    manual: bool = False
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime | None = None
    coverage: float | None = None
    gap: float | None = None
    lagging: bool = False
    chains: list[Chain] = field(default_factory=list)


@dataclass
class SubjectRisks:
    """What the risk page of a sector or branch shows."""

    round: Round | None
    assessed: bool
    threshold: float
    aspects: list[AspectRisk]
    #: The import profile: chains with their share and where the weights came from.
    profile: list[Chain]
    origin: str | None


def latest_round_with_responses() -> Round | None:
    """The newest round with a submitted (counted) response."""
    counted = exists().where(Response.round_id == Round.id, Response.status.in_(RESPONDED_STATUSES))
    return db.session.scalar(select(Round).where(counted).order_by(*Round.newest_first()).limit(1))


def _number(value) -> float | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


def subject_risks(subject: str, code: str) -> SubjectRisks:
    """The aspects of one sector (subject "sector") or branch by gap, then relevance."""
    conn = db.session.connection()
    settings = relevance_options()
    round = latest_round_with_responses()
    cells = None
    if round is not None:
        matrix = build_matrix(conn, Filters(round=round.id), rows=subject, **settings)
        result = matrix.relevance
        cells = matrix.cells
    else:
        frames = load_risk_frames(conn, None)
        result = relevance_for(frames, subject, NONE_KEY) if frames.assessed else None
    language = current_language()
    names = _names(language)
    aspects = [_aspect(aspect, code, result, cells, settings["relevance_threshold"], names, language)
               for aspect in db.session.scalars(select(Aspect).order_by(Aspect.position))]
    aspects.sort(key=lambda item: (-(item.gap if item.gap is not None else -1.0), -item.relevance))
    profile, origin = _profile(result, code, names)
    return SubjectRisks(round, result is not None, settings["relevance_threshold"], aspects, profile, origin)


def _names(language: str) -> dict[str, dict[str, str]]:
    return {"product_group": {p.code: p.label(language) for p in db.session.scalars(select(ProductGroup))},
            "country": {c.code: c.label(language) for c in db.session.scalars(select(Country))}}


def _aspect(aspect: Aspect, code: str, result: RelevanceResult | None, cells, threshold: float, names,
            language: str) -> AspectRisk:
    relevance = result.value(code, aspect.code) if result is not None else 1.0
    item = AspectRisk(aspect.code, aspect.label(language), relevance, relevance, is_relevant(relevance, threshold))
    if result is not None and (code, aspect.code) in result.relevance.index:
        figures = result.relevance.loc[(code, aspect.code)]
        item.computed = float(figures["computed"])
        if figures["manual"]:
            item.manual, item.reason, item.set_by = True, figures["reason"], figures["set_by"]
            item.set_at = figures["set_at"]
        chains = result.chains[(result.chains["row"] == code) & (result.chains["aspect"] == aspect.code)]
        item.chains = [Chain(names["product_group"].get(row.product_group, row.product_group),
                             names["country"].get(row.country, row.country), float(row.share), row.level)
                       for row in chains.itertuples()]
    if cells is not None and (code, aspect.code) in cells.index:
        figures = cells.loc[(code, aspect.code)]
        item.coverage, item.gap = _number(figures["share"]), _number(figures["gap"])
        item.lagging = bool(figures["lagging"])
    return item


def _profile(result: RelevanceResult | None, code: str, names) -> tuple[list[Chain], str | None]:
    if result is None:
        return [], None
    rows = result.profile[result.profile["row"] == code].sort_values("share", ascending=False)
    chains = [Chain(gettext("other chains, without a risk entry"), "", float(row.share)) if row.product_group == OTHER
              else Chain(names["product_group"].get(row.product_group, row.product_group),
                         names["country"].get(row.country, row.country), float(row.share))
              for row in rows.itertuples()]
    return chains, (str(rows["origin"].iloc[0]) if len(rows) else None)
