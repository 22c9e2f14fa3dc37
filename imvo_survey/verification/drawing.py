"""Drawing a sample: pure functions over (response id, stratum) pairs, no database.

Reproducible: the candidates are sorted by response id and the strata by their key
before `random.Random(seed)` draws, so the same seed and candidates give the same sample
whatever order a database returned the rows in (SQLite and PostgreSQL alike).

Stratified by sector, the sample size is shared out in proportion to each sector's
responses (Hamilton's largest-remainder method), with at least one response from every
sector that has responses:

1. each sector gets the whole part of its quota n x N_s / N, but at least one (and at
   most N_s);
2. while the total is short of n, the sector with the largest remainder (quota minus
   what it got) gets one more; while it is over n (because of the minimum of one), the
   sector with the smallest remainder among those with more than one gives one back;
   ties go to the sector whose key sorts first.

When n is smaller than the number of sectors, every sector still gets one: the sample
is then larger than asked (the caller says so).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The key of the stratum of responses without a sector at submission.
NO_SECTOR = ""


@dataclass(frozen=True)
class Candidate:
    """A submitted response that can be drawn, and its stratum (a sector code)."""

    response_id: int
    stratum: str


def size_for(population: int, size: int | None = None, percent: float | None = None) -> int:
    """The number to draw: `size` (at most the population), or `percent` of the
    population rounded up (so that any percentage draws at least one response)."""
    if (size is None) == (percent is None):
        raise ValueError("Give a size or a percentage, not both.")
    wanted = size if size is not None else math.ceil(population * percent / 100 - 1e-9)
    return max(0, min(population, wanted))


def allocate(stratum_sizes: dict[str, int], n: int) -> dict[str, int]:
    """How many to draw per stratum: proportional, at least one in each (see above)."""
    strata = sorted(key for key, count in stratum_sizes.items() if count > 0)
    total = sum(stratum_sizes[key] for key in strata)
    if not strata or n <= 0:
        return {}
    n = min(max(n, len(strata)), total)
    quota = {key: n * stratum_sizes[key] / total for key in strata}
    given = {key: min(stratum_sizes[key], max(1, math.floor(quota[key]))) for key in strata}
    while sum(given.values()) < n:
        open_strata = [key for key in strata if given[key] < stratum_sizes[key]]
        key = max(open_strata, key=lambda k: (quota[k] - given[k], -strata.index(k)))
        given[key] += 1
    while sum(given.values()) > n:
        key = min((k for k in strata if given[k] > 1), key=lambda k: (quota[k] - given[k], strata.index(k)))
        given[key] -= 1
    return given


def draw(candidates: Iterable[Candidate], n: int, seed: int, stratified: bool) -> list[Candidate]:
    """The sample, sorted by response id: `n` candidates at random from `seed`, simple
    or stratified (then possibly more than `n`, one per stratum at least)."""
    ordered = sorted(candidates, key=lambda candidate: candidate.response_id)
    generator = random.Random(seed)  # noqa: S311  (a reproducible sample, not a secret)
    if not stratified:
        return sorted(generator.sample(ordered, min(n, len(ordered))), key=lambda c: c.response_id)
    by_stratum: dict[str, list[Candidate]] = {}
    for candidate in ordered:
        by_stratum.setdefault(candidate.stratum, []).append(candidate)
    shares = allocate({key: len(members) for key, members in by_stratum.items()}, n)
    chosen: list[Candidate] = []
    for key in sorted(shares):
        chosen.extend(generator.sample(by_stratum[key], shares[key]))
    return sorted(chosen, key=lambda c: c.response_id)


def strata_counts(sample: Sequence[Candidate]) -> dict[str, int]:
    """How many of the sample come from each stratum."""
    counts: dict[str, int] = {}
    for candidate in sample:
        counts[candidate.stratum] = counts.get(candidate.stratum, 0) + 1
    return counts
