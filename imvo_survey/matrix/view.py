"""Turning a Matrix into what the page shows: rows of plain values with their label
and their formatted cells (a colour class is a second cue; the number and the lagging
symbol are the first), in order. The analysis core gives codes and numbers (NaN where
there is no figure); here they become labels through the translation catalogue and
None, so the templates never handle pandas."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd
from flask_babel import gettext

from ..analysis.filters import MEASURE_COLUMNS
from ..analysis.matrix import TOTAL_KEY, Matrix, row_parts
from ..figures import figure_text
from ..i18n import code_label, current_language

#: The benchmark figures beside a row, as `Matrix.rows` names them.
BENCHMARK_FIGURES = ("benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed")


@dataclass
class CellView:
    """One cell as shown."""

    text: str
    value: float | None
    css: str
    lagging: bool
    empty: bool
    #: The column's code (for the link to what is behind the cell).
    column: str = ""
    #: Whether the aspect is relevant in the row (risk analysis); a cell that is not
    #: cannot lag and is marked as not relevant, not hidden.
    relevant: bool = True


@dataclass
class ColumnView:
    """A column head: the aspect's (or group's) code and label."""

    code: str
    label: str
    #: "aspect" or "group".
    kind: str = "aspect"
    #: An aspect's group code (None for a group).
    group: str | None = None
    #: A group whose aspects are shown beside it.
    expanded: bool = False


@dataclass
class RowView:
    """One row as shown: its label, response figures, benchmark and cells; None where
    there is no figure."""

    key: str
    label: str
    is_total: bool
    lagging: bool
    targeted: int
    responded: int
    declined: int
    response_rate: float | None
    #: benchmark_total, benchmark_chain, benchmark_companies, benchmark_listed.
    benchmark: dict[str, float | None]
    benchmark_year: int | None
    benchmark_level: str | None
    #: The organisations' scores were used and a sector row of the same year differs.
    benchmark_differs: bool = False
    cells: list[CellView] = field(default_factory=list)
    #: The sector (or branch) code of the row, for the link to its risk page; None for
    #: the totals row and organisations without one.
    code: str | None = None


def _is_empty(value) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def plain(value) -> float | None:
    """A figure as a Python number, or None for no figure (None or NaN)."""
    return None if _is_empty(value) else float(value)


def _whole(value) -> int | None:
    return None if _is_empty(value) else int(value)


def _label_column() -> str:
    return "label_en" if current_language() == "en" else "label_nl"


def row_label(matrix: Matrix, key: str) -> str:
    """A row's label in the current language: the reference list's label, "sector /
    kind" for rows by sector and kind, "None" for organisations without one, "Total"."""
    if key == TOTAL_KEY:
        return gettext("Total")
    code, kind = row_parts(key)
    name = gettext("None") if code is None else str(matrix.row_reference.at[code, _label_column()])
    if matrix.rows_by != "sector_kind":
        return name
    return f"{name} / {gettext('None') if kind is None else code_label(kind, 'kind')}"


def column_views(matrix: Matrix) -> list[ColumnView]:
    """The column heads in order, labelled in the current language."""
    column = _label_column()
    kind = "group" if matrix.columns_by == "aspect_group" else "aspect"
    return [ColumnView(code, str(labels[column]), kind, None if kind == "group" else labels["group"])
            for code, labels in matrix.column_labels.iterrows()]


def with_aspects(columns: list[ColumnView], rows: list[RowView], aspect_columns: list[ColumnView],
                 aspect_rows: list[RowView], expanded: set[str]) -> list[ColumnView]:
    """Group columns, each expanded group followed by its aspects' columns (from the
    aspect matrix of the same view): the columns in order, and each row's cells put in
    that order in place."""
    of_group: dict[str | None, list[int]] = {}
    for index, column in enumerate(aspect_columns):
        of_group.setdefault(column.group, []).append(index)
    order, merged = [], []
    for index, column in enumerate(columns):
        column.expanded = column.code in expanded
        order.append((False, index))
        merged.append(column)
        if column.expanded:
            order += [(True, number) for number in of_group.get(column.code, [])]
            merged += [aspect_columns[number] for number in of_group.get(column.code, [])]
    detail = {row.key: row.cells for row in aspect_rows}
    for row in rows:
        aspects = detail.get(row.key, [])
        row.cells = [aspects[number] if is_aspect and number < len(aspects) else
                     CellView("\u2013", None, "cell-empty", False, True, merged[position].code)
                     if is_aspect else row.cells[number]
                     for position, (is_aspect, number) in enumerate(order)]
    return merged


def format_value(value, measure: str) -> str:
    """A cell's figure as shown: rounded by its measure's rule, with its unit; a change signed."""
    return figure_text(measure, value, signed=measure == "change")


def colour_class(value, measure: str) -> str:
    """Five bands for percentages; change is coloured by sign."""
    if _is_empty(value):
        return "cell-empty"
    if measure == "change":
        return "cell-up" if value > 0 else "cell-down" if value < 0 else "cell-same"
    if measure in ("share", "members"):
        band = min(4, int(value // 20)) if value < 100 else 4
        return f"cell-band-{band}"
    return "cell-count"


def cell_views(matrix: Matrix, measure: str, change=None) -> dict[tuple[str, str], CellView]:
    """Every cell formatted for `measure` (`change` is a Series for the change measure)."""
    views = {}
    column = MEASURE_COLUMNS[measure]
    for key, cell in matrix.cells.iterrows():
        value = change.get(key) if measure == "change" and change is not None else cell.get(column)
        empty = _is_empty(cell["share"])
        views[key] = CellView(text=format_value(value, measure), value=plain(value),
                              css=colour_class(value, measure), lagging=bool(cell["lagging"]), empty=empty,
                              column=key[1], relevant=bool(cell["relevant"]))
    return views


def ordered_rows(matrix: Matrix, sort: str | None) -> list[str]:
    """The rows in display order, or by their largest gap (most lagging first)."""
    keys = [key for key in matrix.row_order() if key != TOTAL_KEY]
    if sort == "gap":
        gaps = matrix.cells["gap"].groupby(level="row").max()
        keys.sort(key=lambda key: -(gaps.get(key) if not _is_empty(gaps.get(key)) else -1))
    return keys + [TOTAL_KEY]


def row_views(matrix: Matrix, measure: str, change=None, sort: str | None = None) -> list[RowView]:
    """The rows as shown, in display order (or by largest gap), the totals row last."""
    cells = cell_views(matrix, measure, change)
    codes = list(matrix.column_labels.index)
    views = []
    for key in ordered_rows(matrix, sort):
        figures = matrix.rows.loc[key]
        views.append(RowView(
            key=key, label=row_label(matrix, key), is_total=key == TOTAL_KEY,
            lagging=bool(figures.get("lagging", False)), targeted=_whole(figures["targeted"]) or 0,
            responded=_whole(figures["responded"]) or 0, declined=_whole(figures["declined"]) or 0,
            response_rate=plain(figures["response_rate"]),
            benchmark={name: plain(figures.get(name)) for name in BENCHMARK_FIGURES},
            benchmark_year=_whole(figures.get("benchmark_year")),
            benchmark_level=None if _is_empty(figures.get("benchmark_level")) else str(figures["benchmark_level"]),
            benchmark_differs=not _is_empty(figures.get("benchmark_differs")) and bool(figures["benchmark_differs"]),
            cells=[cells[(key, code)] for code in codes],
            code=None if key == TOTAL_KEY else row_parts(key)[0]))
    return views


@dataclass
class CellSummary:
    """What the page behind a cell says about its figures; None where there is none."""

    row_label: str
    column_label: str
    organisations: int | None
    responding: int
    activities: int | None


def cell_summary(matrix: Matrix, row: str, column: str) -> CellSummary:
    figures = matrix.cells.loc[(row, column)]
    return CellSummary(row_label(matrix, row), str(matrix.column_labels.at[column, _label_column()]),
                       _whole(figures["organisations"]), _whole(figures["responding"]) or 0,
                       _whole(figures["activities"]))


def activity_rows(activities: pd.DataFrame) -> list[dict]:
    """The activities behind a cell as plain dicts, None for a missing value."""
    return [{name: None if _is_empty(value) else value for name, value in record.items()}
            for record in activities.to_dict("records")]
