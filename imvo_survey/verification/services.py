"""Drawing and keeping samples: the database side of `drawing` (services flush; the
view or command commits)."""

from __future__ import annotations

import secrets

from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import Response, Round, SampledResponse, Sector, User, VerificationSample
from .drawing import NO_SECTOR, Candidate, draw, size_for

#: The responses a sample draws from: those submitted (accepted ones included).
SAMPLED_STATUSES = ("submitted", "accepted")
#: Seeds are whole numbers from 0 up to this (they fit every database's integer).
MAX_SEED = 2**31 - 1


class SampleError(ValueError):
    """A sample cannot be drawn as asked; the message says why (translated)."""


def candidates(round: Round) -> tuple[list[Candidate], dict[str, int | None]]:
    """The round's submitted responses as candidates (stratum: the sector's code at
    submission), and each stratum's sector id."""
    rows = db.session.execute(
        select(Response.id, Sector.id, Sector.code)
        .outerjoin(Sector, Sector.id == Response.snapshot_sector_id)
        .where(Response.round_id == round.id, Response.status.in_(SAMPLED_STATUSES))
        .order_by(Response.id)).all()
    sectors = {code or NO_SECTOR: sector_id for _id, sector_id, code in rows}
    return [Candidate(response_id, code or NO_SECTOR) for response_id, _sector_id, code in rows], sectors


def draw_sample(round: Round, *, size: int | None = None, percent: float | None = None, seed: int | None = None,
                stratified: bool = False, user: User | None = None) -> VerificationSample:
    """Draw and store a new sample of `round` (an earlier one is kept as it is)."""
    if (size is None) == (percent is None):
        raise SampleError(_l("Give a number or a percentage of responses."))
    if size is not None and size < 1:
        raise SampleError(_l("Draw at least one response."))
    if percent is not None and not 0 < percent <= 100:
        raise SampleError(_l("A percentage lies above 0 and at most 100."))
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise SampleError(_l("A seed is a whole number from 0 to %(max)d.", max=MAX_SEED))
    pool, sectors = candidates(round)
    if not pool:
        raise SampleError(_l("The round has no submitted responses to draw from."))
    seed = secrets.randbelow(MAX_SEED + 1) if seed is None else seed
    chosen = draw(pool, size_for(len(pool), size=size, percent=percent), seed, stratified)
    sample = VerificationSample(round=round, method="stratified" if stratified else "simple", seed=seed,
                                requested_size=size, requested_percent=percent, population=len(pool),
                                drawn_by=user)
    sample.members = [SampledResponse(response_id=candidate.response_id, sector_id=sectors[candidate.stratum])
                      for candidate in chosen]
    db.session.add(sample)
    db.session.flush()
    return sample


def samples_of(round: Round | None = None) -> list[VerificationSample]:
    """Every sample (of one round), the latest first."""
    query = select(VerificationSample).order_by(VerificationSample.id.desc())
    if round is not None:
        query = query.where(VerificationSample.round_id == round.id)
    return list(db.session.scalars(query))
