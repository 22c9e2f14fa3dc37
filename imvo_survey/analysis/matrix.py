"""The coverage matrix: rows (sectors, branches, or sector and kind) by columns (IMVO
aspects or aspect groups), per cell the organisations with at least one activity on
the aspect, their share of the row's responding organisations, the activities, and for
associations and boards the member coverage; per row the response figures and the
benchmark; a totals row computed from the organisations themselves; lagging cells."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from . import benchmark as benchmarks
from . import queries
from .export_labels import code_label
from .filters import COLUMNS, ROWS, FilterError, Filters

NONE_KEY = "_none"  # the row of organisations without a sector (or branch)
TOTAL_KEY = "_total"
NONE_LABEL = {"nl": "Geen", "en": "None"}
DEFAULT_THRESHOLD = 25.0

#: relevance(row_key, column_key) -> 0..1; the risk analysis will supply it, until then 1.
Relevance = Callable[[str, str], float]


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
    row_labels: pd.DataFrame
    column_labels: pd.DataFrame
    notes: dict = field(default_factory=dict)
    #: The targeted organisations with their row, response and status.
    organisations: pd.DataFrame = field(default_factory=pd.DataFrame)

    def wide(self, measure: str) -> pd.DataFrame:
        """One measure as a table: rows by columns (totals row last)."""
        column = {"share": "share", "organisations": "organisations", "members": "member_coverage",
                  "activities": "activities", "change": "change"}[measure]
        table = self.cells[column].unstack("column")
        order = [key for key in self.row_order() if key in table.index]
        return table.reindex(index=order, columns=list(self.column_labels.index))

    def row_order(self) -> list[str]:
        keys = [key for key in self.row_labels.index if key in self.rows.index and key != TOTAL_KEY]
        return keys + [TOTAL_KEY]


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
                 row_of: dict[int, str] | None = None) -> Matrix:
    """The matrix of one round. `only_organisations` and `row_of` serve the panel view:
    only organisations that responded in both rounds, each in the row of its newer snapshot."""
    if rows not in ROWS or columns not in COLUMNS:
        raise FilterError(f"rows must be one of {ROWS} and columns one of {COLUMNS}.")
    if lagging_measure not in ("share", "members"):
        raise FilterError("The lagging measure is share or members.")
    round = queries.round_info(conn, filters.round)
    organisations = queries.organisations(conn, round.id, filters)
    if only_organisations is not None:
        organisations = organisations[organisations["organisation_id"].isin(only_organisations)]
    organisations = organisations.assign(row=_row_key(organisations, rows))
    if row_of:
        organisations["row"] = organisations["organisation_id"].map(row_of).fillna(organisations["row"])
    responding = organisations[organisations["responded"]]
    column_labels = queries.labels(conn, columns)
    counts = queries.cell_counts(conn, round.id, filters, columns)
    links = counts.merge(responding[["response_id", "organisation_id", "row", "association", "members"]],
                         on="response_id", how="inner")
    row_labels = _row_labels(conn, rows, organisations)
    cells = _cells(links, responding, list(row_labels.index), list(column_labels.index))
    row_frame = _rows(conn, organisations, responding, round, rows)
    notes = _notes(queries.activities_without_share(conn, round.id, filters), responding)
    matrix = Matrix(round, filters, rows, columns, threshold, lagging_measure, cells, row_frame, row_labels,
                    column_labels, notes, organisations)
    _mark_lagging(matrix, relevance)
    return matrix


def _row_labels(conn, rows_by: str, organisations: pd.DataFrame) -> pd.DataFrame:
    """The rows in display order: the reference list's entries that occur, then 'none'."""
    present = set(organisations["row"])
    if rows_by in ("sector", "branch"):
        reference = queries.labels(conn, rows_by)
        keys = [code for code in reference.index if code in present]
        frame = reference.loc[keys, ["label_nl", "label_en"]]
    else:
        sectors = queries.labels(conn, "sector")
        order = {code: number for number, code in enumerate(sectors.index)}
        keys = sorted((key for key in present if key.split("|")[0] in order or key.startswith(NONE_KEY)),
                      key=lambda key: (order.get(key.split("|")[0], 999), key))
        frame = pd.DataFrame({"label_nl": [_pair_label(k, sectors, "nl") for k in keys],
                              "label_en": [_pair_label(k, sectors, "en") for k in keys]}, index=keys,
                             dtype=object)
    if NONE_KEY in present:
        frame.loc[NONE_KEY] = [NONE_LABEL["nl"], NONE_LABEL["en"]]
    frame.loc[TOTAL_KEY] = ["Totaal", "Total"]
    return frame


def _pair_label(key: str, sectors: pd.DataFrame, language: str) -> str:
    """'Voedsel en drank / Brancheorganisatie': the sector's label and the kind's, in `language`."""
    sector, _, kind = key.partition("|")
    column = f"label_{language}"
    name = sectors.at[sector, column] if sector in sectors.index else NONE_LABEL[language]
    kind_name = NONE_LABEL[language] if kind == NONE_KEY else code_label("kind", kind, language)
    return f"{name} / {kind_name}"


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


def _rows(conn, organisations: pd.DataFrame, responding: pd.DataFrame, round, rows_by: str) -> pd.DataFrame:
    """Per row: targeted, responded, declined, response rate and the benchmark."""
    def figures(frame: pd.DataFrame) -> pd.DataFrame:
        grouped = frame.groupby("row")
        result = pd.DataFrame({
            "targeted": grouped["organisation_id"].nunique(),
            "responded": grouped["responded"].sum(),
            "declined": grouped["declined"].sum(),
        })
        result["response_rate"] = result["responded"] / result["targeted"] * 100
        return result

    table = figures(organisations)
    table.loc[TOTAL_KEY] = figures(organisations.assign(row=TOTAL_KEY)).loc[TOTAL_KEY] if len(organisations) else \
        [0, 0, 0, np.nan]
    if rows_by == "branch":
        # A branch can span several sectors, and the benchmark scores sectors: no one
        # sector's figures belong beside a branch, so the columns stay empty.
        for column in benchmarks.COLUMNS:
            table[column] = np.nan
        return table
    # By sector, or by sector and kind: each row has one sector (the key's first part).
    keys = [key for key in table.index if key != TOTAL_KEY]
    sectors = [key.partition("|")[0] for key in keys]
    bench = benchmarks.benchmark_by_sector(conn, round.year)
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
    """Lagging: relevant aspect, coverage under the threshold. Empty cells never lag."""
    cells = matrix.cells
    keys = cells.index.to_frame(index=False)
    cells["relevance"] = [1.0 if relevance is None else float(relevance(row, column))
                          for row, column in zip(keys["row"], keys["column"], strict=True)]
    value = cells["share"] if matrix.lagging_measure == "share" else cells["member_coverage"]
    cells["gap"] = (cells["relevance"] * (1 - value / 100)).where(value.notna())
    cells["lagging"] = (value.notna() & (cells["relevance"] > 0) & (value < matrix.threshold)).astype(bool)
    matrix.rows["lagging"] = cells["lagging"].groupby(level="row").any().reindex(matrix.rows.index).fillna(False)


def compare_matrices(new: Matrix, old: Matrix, measure: str = "share") -> pd.Series:
    """The difference per cell in percentage points (or counts), new minus old; empty
    where either is empty."""
    column = {"share": "share", "members": "member_coverage", "organisations": "organisations",
              "activities": "activities"}[measure]
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
    """The matrix of the round and of the comparison round (default: the baseline of the
    same questionnaire). In the panel view only organisations that responded in both
    rounds count, each in the row of its newer snapshot, so that a change in who
    responded does not look like progress. None when there is nothing to compare with."""
    round = queries.round_info(conn, filters.round)
    other = queries.round_info(conn, compare_with) if compare_with is not None else queries.baseline_of(conn, round)
    if other is None or other.id == round.id:
        return None
    old_filters = filters.with_round(other.id)
    if not panel:
        return Comparison(build_matrix(conn, filters, **options), build_matrix(conn, old_filters, **options), False)
    # Who is in the panel is decided by the newer data: an organisation that moved into
    # the filtered sector since is in it, in both rounds.
    old_filters = replace(old_filters, audience="both", kind=None, size=None, sector=None, branch=None)
    new_all = build_matrix(conn, filters, **options)
    old_all = build_matrix(conn, old_filters, **options)
    newer = new_all.organisations[new_all.organisations["responded"]]
    older = old_all.organisations[old_all.organisations["responded"]]
    both = set(newer["organisation_id"]) & set(older["organisation_id"])
    row_of = dict(zip(newer["organisation_id"], newer["row"], strict=True))
    return Comparison(build_matrix(conn, filters, only_organisations=both, **options),
                      build_matrix(conn, old_filters, only_organisations=both, row_of=row_of, **options), True)
