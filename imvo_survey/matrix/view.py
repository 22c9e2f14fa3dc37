"""Turning a Matrix into what the page shows: formatted cells with a colour class (a
second cue; the number and the lagging symbol are the first), rows in order, and the
URL parameters of every link."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask_babel import format_decimal

from ..analysis.matrix import TOTAL_KEY, Matrix

MEASURE_COLUMNS = {"share": "share", "organisations": "organisations", "members": "member_coverage",
                   "activities": "activities", "change": "change"}


@dataclass
class CellView:
    """One cell as shown."""

    text: str
    value: float | None
    css: str
    lagging: bool
    empty: bool


def _is_empty(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_value(value, measure: str) -> str:
    if _is_empty(value):
        return "\u2013"
    if measure in ("share", "members"):
        return f"{format_decimal(value, format='#,##0')} %"
    if measure == "change":
        sign = "+" if value > 0 else ""
        return f"{sign}{format_decimal(value, format='#,##0')}"
    return format_decimal(value, format="#,##0")


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
        views[key] = CellView(text=format_value(value, measure), value=None if _is_empty(value) else float(value),
                              css=colour_class(value, measure), lagging=bool(cell["lagging"]), empty=empty)
    return views


def ordered_rows(matrix: Matrix, sort: str | None) -> list[str]:
    """The rows in display order, or by their largest gap (most lagging first)."""
    keys = [key for key in matrix.row_order() if key != TOTAL_KEY]
    if sort == "gap":
        gaps = matrix.cells["gap"].groupby(level="row").max()
        keys.sort(key=lambda key: -(gaps.get(key) if not _is_empty(gaps.get(key)) else -1))
    return keys + [TOTAL_KEY]
