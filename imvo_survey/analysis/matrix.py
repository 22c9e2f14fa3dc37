"""The coverage matrix: rows (sectors, branches, or sector and kind) by columns (IMVO
aspects or aspect groups), per cell the organisations with at least one activity on
the aspect, their share of the row's responding organisations, the activities, and for
associations and boards the member coverage; per row the response figures and the
benchmark; a totals row computed from the organisations themselves; lagging cells.

`compute_matrix(frames, options)` is pandas only: it takes the `MatrixFrames` that
`frames.load_matrix` read and returns a `Matrix` of codes and numbers. Labels are the
readers' business (the matrix page through the translation catalogue, the exports and
the API through `export_labels`); here a row is its key: a sector or branch code,
"sector|kind", `NONE_KEY` for organisations without one, `TOTAL_KEY` for the totals.
`build_matrix(conn, ...)` loads and computes in one call."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import benchmark as benchmarks
from . import measures, queries, relevance_cache
from .filters import COLUMNS, DEFAULT_THRESHOLD, LAGGING_MEASURES, MEASURE_COLUMNS, ROWS, FilterError, Filters
from .frames import MatrixFrames, load_comparison, load_matrix
from .relevance import DEFAULT_RELEVANCE_THRESHOLD, RelevanceResult, is_relevant, relevance_lookup
from .response import response_figures, total_response

NONE_KEY = "_none"  # the row (or the part of a row key) of organisations without a sector or branch
TOTAL_KEY = "_total"

#: relevance(row_key, column_key) -> 0..1. Given, it wins; else the risk analysis's
#: (`relevance.py`, from the frames' `risk`), or 1 everywhere when there is none.
Relevance = Callable[[str, str], float]
#: How rows can be ordered: as the reference list, or by their largest gap first.
SORTS = ("", "gap")

__all__ = ["DEFAULT_THRESHOLD", "NONE_KEY", "TOTAL_KEY", "Comparison", "Matrix",
           "MatrixOptions", "build_matrix", "compare", "compare_matrices", "compute_matrix", "row_parts",
           "year_over_year"]


@dataclass(frozen=True)
class MatrixOptions:
    """How to compute a matrix from its frames. `only_organisations` and `row_of` serve
    the panel view: only organisations that responded in both rounds, each in the row of
    its newer snapshot."""

    rows: str = "sector"
    columns: str = "aspect"
    threshold: float = DEFAULT_THRESHOLD
    lagging_measure: str = "share"
    relevance: Relevance | None = None
    only_organisations: frozenset[int] | set[int] | None = None
    row_of: Mapping[int, str] | None = None
    #: An aspect is relevant in a row when its relevance is above this (0-1).
    relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD
    #: "gap": the rows with the largest gap first; else the reference list's order.
    sort: str | None = None

    def check(self) -> None:
        """Refuse rows, columns, a lagging measure or an order that do not exist."""
        if self.rows not in ROWS or self.columns not in COLUMNS:
            raise FilterError(f"rows must be one of {ROWS} and columns one of {COLUMNS}.")
        if self.lagging_measure not in LAGGING_MEASURES:
            raise FilterError("The lagging measure is share or members.")
        if (self.sort or "") not in SORTS:
            raise FilterError("sort is gap, or empty for the reference list's order.")


@dataclass
class Matrix:
    """A computed matrix. `cells` is indexed by (row, column); `rows` by row; the totals
    row is in both under TOTAL_KEY. Empty cells (no responding organisation in the row)
    have NaN, never 0."""

    round: queries.RoundInfo
    filters: Filters
    rows_by: str
    columns_by: str
    threshold: float
    lagging_measure: str
    cells: pd.DataFrame
    rows: pd.DataFrame
    #: The rows in display order (the reference list's order, "none" last), without the totals.
    row_keys: list[str]
    #: The columns' reference list (code -> label_nl, label_en, position, group), in order.
    column_labels: pd.DataFrame
    #: The reference list the row keys' codes come from: sectors (also for sector and
    #: kind) or branches, code -> label_nl, label_en.
    row_reference: pd.DataFrame
    notes: dict = field(default_factory=dict)
    #: The targeted organisations with their row, response and status.
    organisations: pd.DataFrame = field(default_factory=pd.DataFrame)
    #: Above this relevance an aspect is relevant in a row (and only then can lag).
    relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD
    #: The risk analysis's relevance behind the cells (with the chains); None when the
    #: relevance was given or there is no risk analysis (every aspect relevant).
    relevance: RelevanceResult | None = None

    def wide(self, measure: str) -> pd.DataFrame:
        """One measure as a table: rows by columns (totals row last)."""
        table = self.cells[MEASURE_COLUMNS[measure]].unstack("column")
        order = [key for key in self.row_order() if key in table.index]
        return table.reindex(index=order, columns=list(self.column_labels.index))

    def row_order(self) -> list[str]:
        """Every row key in display order, the totals row last."""
        return [key for key in self.row_keys if key in self.rows.index] + [TOTAL_KEY]


def row_parts(key: str) -> tuple[str | None, str | None]:
    """A row key as its (sector or branch code, kind code), None for "none" in either
    part; the kind is None when the rows are not by sector and kind. Not for TOTAL_KEY."""
    code, _, kind = key.partition("|")
    return (None if code == NONE_KEY else code), (None if kind in ("", NONE_KEY) else kind)


def _row_key(frame: pd.DataFrame, rows_by: str) -> pd.Series:
    sector = frame["sector"].fillna(NONE_KEY)
    if rows_by == "sector":
        return sector
    if rows_by == "branch":
        return frame["branch"].fillna(NONE_KEY)
    return sector + "|" + frame["kind"].fillna(NONE_KEY)


def build_matrix(conn, filters: Filters, rows: str = "sector", columns: str = "aspect",
                 threshold: float = DEFAULT_THRESHOLD, lagging_measure: str = "share",
                 relevance: Relevance | None = None, only_organisations: set[int] | None = None,
                 row_of: dict[int, str] | None = None,
                 relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD, sort: str | None = None) -> Matrix:
    """The matrix of one round: `load_matrix`, then `compute_matrix`."""
    options = MatrixOptions(rows, columns, threshold, lagging_measure, relevance, only_organisations, row_of,
                            relevance_threshold, sort)
    options.check()
    return compute_matrix(load_matrix(conn, filters, columns, risk=relevance is None), options)


def compute_matrix(frames: MatrixFrames, options: MatrixOptions | None = None) -> Matrix:
    """The matrix from its frames (pandas only)."""
    options = options or MatrixOptions(columns=frames.columns_by)
    options.check()
    if options.columns != frames.columns_by:
        raise ValueError(f"The frames were loaded for columns by {frames.columns_by}, not {options.columns}.")
    organisations = frames.organisations
    if options.only_organisations is not None:
        organisations = organisations[organisations["organisation_id"].isin(options.only_organisations)]
    organisations = organisations.assign(row=_row_key(organisations, options.rows))
    if options.row_of:
        organisations["row"] = organisations["organisation_id"].map(options.row_of).fillna(organisations["row"])
    responding = organisations[organisations["responded"]]
    links = frames.counts.merge(responding[["response_id", "organisation_id", "row", "association", "members"]],
                                on="response_id", how="inner")
    reference = frames.branches if options.rows == "branch" else frames.sectors
    row_keys = _row_keys(options.rows, set(organisations["row"]), reference)
    column_labels = frames.columns
    cells = _cells(links, responding, row_keys, list(column_labels.index))
    row_frame = _rows(frames, organisations, options.rows)
    matrix = Matrix(frames.round, frames.filters, options.rows, options.columns, options.threshold,
                    options.lagging_measure, cells, row_frame, row_keys, column_labels, reference,
                    _notes(frames.without_share, responding), organisations, options.relevance_threshold)
    relevance = options.relevance
    if relevance is None and frames.risk is not None and frames.risk.assessed:
        matrix.relevance = relevance_cache.relevance(frames.risk, options.rows, NONE_KEY)
        relevance = relevance_lookup(matrix.relevance, options.columns, frames.risk.aspect_groups, TOTAL_KEY)
    _mark_lagging(matrix, relevance)
    if options.sort == "gap":
        _sort_by_gap(matrix)
    return matrix


def _row_keys(rows_by: str, present: set[str], reference: pd.DataFrame) -> list[str]:
    """The rows in display order: the reference list's entries that occur, then "none"
    (by sector and kind: per sector in its order, the kinds by code; no sector last)."""
    if rows_by in ("sector", "branch"):
        keys = [code for code in reference.index if code in present]
    else:
        order = {code: number for number, code in enumerate(reference.index)}
        keys = sorted((key for key in present if key.split("|")[0] in order or key.startswith(NONE_KEY)),
                      key=lambda key: (order.get(key.split("|")[0], 999), key))
    if NONE_KEY in present:
        keys.append(NONE_KEY)
    return keys


def _cells(links: pd.DataFrame, responding: pd.DataFrame, row_keys: list[str], column_keys: list[str]):
    """Every (row, column) with its figures; the totals row from the organisations."""
    plain_rows = [key for key in row_keys if key != TOTAL_KEY]
    return pd.concat([
        _cell_figures(links, responding, plain_rows, column_keys),
        _cell_figures(links.assign(row=TOTAL_KEY), responding.assign(row=TOTAL_KEY), [TOTAL_KEY], column_keys),
    ])


def _cell_figures(links, responding, row_keys, column_keys) -> pd.DataFrame:
    index = pd.MultiIndex.from_product([row_keys, column_keys], names=["row", "column"])
    responded = responding.groupby("row")["organisation_id"].nunique()
    # Member coverage: associations with a member count only; a missing share counts as 0.
    members = responding[responding["association"] & responding["members"].notna()]
    member_base = members.groupby("row")["members"].sum()
    grouped = links.groupby(["row", "column"])
    figures = pd.DataFrame({
        "organisations": grouped["organisation_id"].nunique(),
        "activities": grouped["activities"].sum(),
    }).reindex(index)
    counted = links[links["association"] & links["members"].notna()]
    reached = (counted["max_share"].fillna(0) / 100.0 * counted["members"]).groupby(
        [counted["row"], counted["column"]]).sum()
    figures["members_reached"] = reached.reindex(index)
    row_level = figures.index.get_level_values("row")
    figures["responding"] = responded.reindex(row_level).to_numpy()
    figures["member_base"] = member_base.reindex(row_level).to_numpy()
    has_responses = figures["responding"].fillna(0) > 0
    for column in ("organisations", "activities"):
        figures[column] = figures[column].fillna(0).where(has_responses)
    figures["share"] = (figures["organisations"] / figures["responding"] * 100).where(has_responses)
    has_members = figures["member_base"].fillna(0) > 0
    figures["members_reached"] = figures["members_reached"].fillna(0).where(has_members)
    figures["member_coverage"] = (figures["members_reached"] / figures["member_base"] * 100).where(has_members)
    return figures


def _rows(frames: MatrixFrames, organisations: pd.DataFrame, rows_by: str) -> pd.DataFrame:
    """Per row: the response figures (`response.py`) and the benchmark."""
    table = response_figures(organisations, "row")
    table.loc[TOTAL_KEY] = total_response(organisations)
    if rows_by == "branch":
        # A branch can span several sectors, and the benchmark scores sectors: no one
        # sector's figures belong beside a branch, so the columns stay empty.
        for column in benchmarks.COLUMNS:
            table[column] = np.nan
        return table
    # By sector, or by sector and kind: each row has one sector (the key's first part).
    keys = [key for key in table.index if key != TOTAL_KEY]
    sectors = [key.partition("|")[0] for key in keys]
    bench = frames.benchmark
    beside = bench.reindex(sectors)
    beside.index = pd.Index(keys, dtype=object)
    table = table.join(beside, how="left")
    # The totals row counts each sector once, however many kinds it is split into.
    for key, value in benchmarks.totals(bench.reindex(sorted(set(sectors)))).items():
        table.loc[TOTAL_KEY, key] = value
    return table


def _notes(without_share: pd.Series, responding: pd.DataFrame) -> dict:
    """What the member coverage leaves out, to be said beside the figures: associations
    without a member count, and the activities of the others that gave no share."""
    associations = responding[responding["association"]]
    counted = associations[associations["members"].notna()]["response_id"]
    return {
        "associations_without_member_count": int(associations["members"].isna().sum()),
        "activities_without_member_share": int(without_share.reindex(counted).fillna(0).sum()),
    }


def _mark_lagging(matrix: Matrix, relevance: Relevance | None) -> None:
    """Lagging: relevant aspect (relevance above the relevance threshold), coverage
    under the threshold; gap = relevance x (1 - coverage). Empty cells never lag."""
    cells = matrix.cells
    keys = cells.index.to_frame(index=False)
    cells["relevance"] = [1.0 if relevance is None else float(relevance(row, column))
                          for row, column in zip(keys["row"], keys["column"], strict=True)]
    # Relevant and lagging are decided on the figures as shown (measures.rounded), so that
    # a cell shown as 25 % is never marked "under 25 %"; the gap keeps full precision.
    cells["relevant"] = cells["relevance"].map(lambda value: is_relevant(value, matrix.relevance_threshold)).astype(bool)
    measure = "share" if matrix.lagging_measure == "share" else "member_coverage"
    value = cells[measure]
    shown = value.map(lambda figure: measures.rounded(measure, figure)).astype(float)
    cells["gap"] = (cells["relevance"] * (1 - value / 100)).where(value.notna())
    cells["lagging"] = (shown.notna() & cells["relevant"] & (shown < matrix.threshold)).astype(bool)
    matrix.rows["lagging"] = cells["lagging"].groupby(level="row").any().reindex(matrix.rows.index).fillna(False)


def _sort_by_gap(matrix: Matrix) -> None:
    """The rows by their largest gap, largest first (rows without a figure last); the
    totals row stays last."""
    gaps = matrix.cells["gap"].groupby(level="row").max()
    matrix.row_keys = sorted(matrix.row_keys, key=lambda key: -gaps.get(key, -1.0) if pd.notna(gaps.get(key))
                             else 1.0)


def compare_matrices(new: Matrix, old: Matrix, measure: str = "share") -> pd.Series:
    """The difference per cell in percentage points (or counts), new minus old; empty
    where either is empty."""
    column = MEASURE_COLUMNS[measure]
    return new.cells[column] - old.cells[column].reindex(new.cells.index)


@dataclass
class Comparison:
    """A round beside its comparison round (by default the baseline)."""

    new: Matrix
    old: Matrix
    panel: bool

    def change(self, measure: str = "share") -> pd.Series:
        """The change per cell of `measure`: share or members (percentage points), or
        organisations or activities (counts)."""
        return compare_matrices(self.new, self.old, measure)


def year_over_year(conn, filters: Filters, compare_with=None, panel: bool = False, **options) -> Comparison | None:
    """The matrix of the round and of the comparison round (`frames.load_comparison`,
    default: the baseline of the same questionnaire), each round loaded once. None when
    there is nothing to compare with."""
    settings = MatrixOptions(**options)
    settings.check()
    frames = load_comparison(conn, filters, compare_with, panel, settings.columns, risk=settings.relevance is None)
    return None if frames is None else compare(*frames, settings, panel)


def compare(new: MatrixFrames, old: MatrixFrames, options: MatrixOptions, panel: bool = False) -> Comparison:
    """Two rounds' matrices from their frames (pandas only). In the panel view only
    organisations that responded in both rounds count, each in the row of its newer
    snapshot, so that a change in who responded does not look like progress; `old`
    is then loaded without organisation filters (see `frames.load_comparison`)."""
    if not panel:
        return Comparison(compute_matrix(new, options), compute_matrix(old, options), False)
    new_all, old_all = compute_matrix(new, options), compute_matrix(old, options)
    newer = new_all.organisations[new_all.organisations["responded"]]
    older = old_all.organisations[old_all.organisations["responded"]]
    both = set(newer["organisation_id"]) & set(older["organisation_id"])
    row_of = dict(zip(newer["organisation_id"], newer["row"], strict=True))
    return Comparison(compute_matrix(new, replace(options, only_organisations=both)),
                      compute_matrix(old, replace(options, only_organisations=both, row_of=row_of)), True)
