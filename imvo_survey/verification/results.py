"""The verification result of one sample for its page: the share of checked activities
confirmed, with a 95 % confidence interval (Wilson's score interval), in all and per
sector. The rules and the arithmetic live in `analysis.verification`, shared with the
exports and the API; this module reads one sample through its ORM objects.
"""

from __future__ import annotations

from ..analysis.verification import MIN_CHECKED, Z_95, ResultRow, result_row, wilson
from ..models import VerificationSample

__all__ = ["MIN_CHECKED", "Z_95", "ResultRow", "sample_results", "wilson"]


def sample_results(sample: VerificationSample, language: str, no_sector: str) -> tuple[list[ResultRow], ResultRow]:
    """Per sector (in the sectors' order, labelled in `language`) and for the whole sample."""
    by_sector: dict[tuple, list[str]] = {}
    everything: list[str] = []
    for member in sample.members:
        key = (member.sector.position, member.sector.label(language)) if member.sector else (10**9, no_sector)
        outcomes = [check.outcome for check in member.checks]
        by_sector.setdefault(key, []).extend(outcomes)
        everything.extend(outcomes)
    rows = [result_row(label, outcomes) for (_position, label), outcomes in sorted(by_sector.items(),
                                                                                key=lambda item: item[0][0])]
    return rows, result_row("", everything)
