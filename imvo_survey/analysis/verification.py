"""The verification results of a round's samples, with their margins: per sample and
sector the checks' outcomes, the share confirmed and its 95 % confidence interval
(Wilson's score interval), and the same for the whole sample.

What counts: each checked activity once. Confirmed counts as confirmed; partly
confirmed and not confirmed count as not confirmed; not verifiable is left out of the
share (it says nothing either way) and shown apart. Activities are the unit, so the
interval ignores that activities of one organisation resemble each other: it is, if
anything, too narrow. An interval is given where at least `MIN_CHECKED` activities
could be checked; below that the sample does not allow one.

No Flask here: the sample page, the progress report, the exports and the API all
compute from these functions (`round_results`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, select

from ..models import ActivityCheck, SampledResponse, Sector, VerificationSample
from . import measures

#: z for a two-sided 95 % interval.
Z_95 = 1.959963984540054
#: The fewest checked activities (verifiable ones) for which an interval is given.
MIN_CHECKED = 5
#: The figures of a result row as exported (rounded by `measures.rounded`).
FIGURES = measures.VERIFICATION_FIGURES
#: The counts of a result row, in the order every table shows them.
COUNTS = ("confirmed", "partly", "not_confirmed", "not_verifiable")


def wilson(successes: int, n: int, z: float = Z_95) -> tuple[float, float] | None:
    """Wilson's score interval for `successes` out of `n` (None when n is 0)."""
    if n <= 0:
        return None
    if not 0 <= successes <= n:
        raise ValueError("successes must lie between 0 and n")
    share = successes / n
    z2 = z * z
    denominator = 1 + z2 / n
    centre = (share + z2 / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class ResultRow:
    """One sector's (or the whole sample's) result."""

    label: str
    confirmed: int
    partly: int
    not_confirmed: int
    not_verifiable: int
    #: The sector's code; None for "no sector" and for the sample's total.
    code: str | None = None

    @property
    def verifiable(self) -> int:
        return self.confirmed + self.partly + self.not_confirmed

    @property
    def share(self) -> float | None:
        return self.confirmed / self.verifiable if self.verifiable else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.confirmed, self.verifiable) if self.verifiable >= MIN_CHECKED else None

    def figures(self) -> dict[str, int | float | None]:
        """Share and interval in %, rounded by their figures' rule (None where there is none)."""
        interval = self.interval or (None, None)
        values = (self.share, *interval)
        return {code: measures.rounded(code, None if value is None else value * 100)
                for code, value in zip(FIGURES, values, strict=True)}

    def counts(self) -> dict[str, int]:
        return {code: getattr(self, code) for code in COUNTS}


def result_row(label: str, outcomes: list[str], code: str | None = None) -> ResultRow:
    """The result of a list of check outcomes."""
    return ResultRow(label, outcomes.count("confirmed"), outcomes.count("partly_confirmed"),
                     outcomes.count("not_confirmed"), outcomes.count("not_verifiable"), code)


@dataclass(frozen=True)
class SampleResult:
    """One sample of a round: how it was drawn, its result per sector and in all."""

    id: int
    drawn_at: datetime
    seed: int
    method: str
    population: int
    size: int
    sectors: list[ResultRow]
    total: ResultRow


def round_results(conn, round_id: int, language: str, no_sector: str, total: str = "",
                  sample_id: int | None = None) -> list[SampleResult]:
    """Every sample of the round (or only `sample_id`), oldest first, with its results;
    sectors in the reference list's order, labelled in `language`, "no sector" last as
    `no_sector`. The sample page, the report, the exports and the API all read them here."""
    which = VerificationSample.round_id == round_id
    if sample_id is not None:
        which = and_(which, VerificationSample.id == sample_id)
    samples = conn.execute(
        select(VerificationSample.id, VerificationSample.drawn_at, VerificationSample.seed, VerificationSample.method,
               VerificationSample.population, func.count(SampledResponse.id))
        .outerjoin(SampledResponse, SampledResponse.sample_id == VerificationSample.id)
        .where(which)
        .group_by(VerificationSample.id).order_by(VerificationSample.drawn_at, VerificationSample.id)).all()
    label = Sector.label_en if language == "en" else Sector.label_nl
    checks = conn.execute(
        select(SampledResponse.sample_id, Sector.code, label, Sector.position, ActivityCheck.outcome)
        .outerjoin(ActivityCheck, ActivityCheck.member_id == SampledResponse.id)
        .outerjoin(Sector, Sector.id == SampledResponse.sector_id)
        .join(VerificationSample, VerificationSample.id == SampledResponse.sample_id)
        .where(which)
        .order_by(SampledResponse.id, ActivityCheck.id)).all()
    # Every sector drawn has a row, checked or not yet (outcome None: a member without checks).
    outcomes: dict[int, dict[tuple, list[str]]] = {}
    for sample_id, code, name, position, outcome in checks:
        key = (10**9, "", no_sector) if code is None else (position, code, name)
        found = outcomes.setdefault(sample_id, {}).setdefault(key, [])
        if outcome is not None:
            found.append(outcome)
    results = []
    for sample_id, drawn_at, seed, method, population, size in samples:
        by_sector = outcomes.get(sample_id, {})
        sectors = [result_row(name, by_sector[(position, code, name)], code or None)
                   for position, code, name in sorted(by_sector)]
        everything = [outcome for found in by_sector.values() for outcome in found]
        results.append(SampleResult(sample_id, drawn_at, seed, method, population, size, sectors,
                                    result_row(total, everything)))
    return results
