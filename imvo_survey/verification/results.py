"""The verification result of a sample: the share of checked activities confirmed,
with a 95 % confidence interval (Wilson's score interval), in all and per sector.

What counts: each checked activity once. Confirmed counts as confirmed; partly
confirmed and not confirmed count as not confirmed; not verifiable is left out of the
share (it says nothing either way) and shown apart. Activities are the unit, so the
interval ignores that activities of one organisation resemble each other: it is, if
anything, too narrow. A sector's interval is given where at least `MIN_CHECKED`
activities of it were checked; below that the sample does not allow one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..models import VerificationSample

#: z for a two-sided 95 % interval.
Z_95 = 1.959963984540054
#: The fewest checked activities (verifiable ones) for which a sector's interval is given.
MIN_CHECKED = 5


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

    @property
    def verifiable(self) -> int:
        return self.confirmed + self.partly + self.not_confirmed

    @property
    def share(self) -> float | None:
        return self.confirmed / self.verifiable if self.verifiable else None

    @property
    def interval(self) -> tuple[float, float] | None:
        return wilson(self.confirmed, self.verifiable) if self.verifiable >= MIN_CHECKED else None


def _row(label: str, outcomes: list[str]) -> ResultRow:
    return ResultRow(label, outcomes.count("confirmed"), outcomes.count("partly_confirmed"),
                     outcomes.count("not_confirmed"), outcomes.count("not_verifiable"))


def sample_results(sample: VerificationSample, language: str, no_sector: str) -> tuple[list[ResultRow], ResultRow]:
    """Per sector (in the sectors' order, labelled in `language`) and for the whole sample."""
    by_sector: dict[tuple, list[str]] = {}
    everything: list[str] = []
    for member in sample.members:
        key = (member.sector.position, member.sector.label(language)) if member.sector else (10**9, no_sector)
        outcomes = [check.outcome for check in member.checks]
        by_sector.setdefault(key, []).extend(outcomes)
        everything.extend(outcomes)
    rows = [_row(label, outcomes) for (_position, label), outcomes in sorted(by_sector.items(),
                                                                          key=lambda item: item[0][0])]
    return rows, _row("", everything)
