"""Loading what the matrix is computed from: every query the matrix needs, run once,
returned as plain DataFrames in a `MatrixFrames`. `compute_matrix` (matrix.py) then
works on those frames alone, so the computing can be tested on frames built in a test
and two matrices of the same round (the panel view) share one load. `load_comparison`
reads the frames of a round and of the round it is compared with, for `matrix.compare`."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd

from . import benchmark as benchmarks
from . import queries, relevance_cache
from .filters import COLUMNS, FilterError, Filters
from .relevance import RiskFrames


@dataclass(frozen=True)
class MatrixFrames:
    """The data of one round's matrix under one set of filters."""

    round: queries.RoundInfo
    filters: Filters
    #: What the columns are: "aspect" or "aspect_group" (the counts are per column).
    columns_by: str
    #: One row per targeted organisation (see `queries.organisations`).
    organisations: pd.DataFrame
    #: Per response and column: activities, max_share, missing_share (`queries.cell_counts`).
    counts: pd.DataFrame
    #: Per response id: its counted activities that gave no member share.
    without_share: pd.Series
    #: The columns' reference list: code -> label_nl, label_en, position, group.
    columns: pd.DataFrame
    #: The sectors' and branches' reference lists, in display order.
    sectors: pd.DataFrame
    branches: pd.DataFrame
    #: The benchmark per sector for the round's year (`benchmark.benchmark_by_sector`).
    benchmark: pd.DataFrame
    #: What the relevance is computed from; None: every aspect counts as relevant.
    risk: RiskFrames | None = field(default=None)


def load_matrix(conn, filters: Filters, columns: str = "aspect", risk: bool = True) -> MatrixFrames:
    """Run the matrix's queries for the round of `filters`; `risk=False` leaves out what
    the relevance is computed from (for a matrix given its relevance)."""
    if columns not in COLUMNS:
        raise FilterError(f"columns must be one of {COLUMNS}.")
    round = queries.round_info(conn, filters.round)
    return MatrixFrames(
        round=round, filters=filters, columns_by=columns,
        organisations=queries.organisations(conn, round.id, filters),
        counts=queries.cell_counts(conn, round.id, filters, columns),
        without_share=queries.activities_without_share(conn, round.id, filters),
        columns=queries.labels(conn, columns),
        sectors=queries.labels(conn, "sector"),
        branches=queries.labels(conn, "branch"),
        benchmark=benchmarks.benchmark_by_sector(conn, round.year),
        risk=relevance_cache.risk_frames(conn, round.id) if risk else None)


def load_comparison(conn, filters: Filters, compare_with=None, panel: bool = False,
                    columns: str = "aspect", risk: bool = True) -> tuple[MatrixFrames, MatrixFrames] | None:
    """The frames of the round of `filters` and of the comparison round (default: the
    baseline of the same questionnaire), each loaded once; None when there is nothing to
    compare with. In the panel view the older round is loaded without organisation
    filters: who is in the panel is decided by the newer data, so an organisation that
    moved into the filtered sector since is in it, in both rounds. `risk` as for load_matrix."""
    round = queries.round_info(conn, filters.round)
    other = queries.round_info(conn, compare_with) if compare_with is not None else queries.baseline_of(conn, round)
    if other is None or other.id == round.id:
        return None
    old_filters = filters.with_round(other.id)
    if panel:
        old_filters = replace(old_filters, audience="both", kind=None, size=None, sector=None, branch=None)
    return load_matrix(conn, filters, columns, risk), load_matrix(conn, old_filters, columns, risk)
