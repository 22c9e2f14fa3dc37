"""The shape every export table has, whatever the format it is written to: columns with
a stable code, a header in the user's language, a Table Schema type and a description,
and rows produced lazily so that a table of a million rows is never held in memory.

Row values are plain Python: None (empty), bool, int, float (never NaN), str, date or a
naive datetime. `plain()` turns pandas and numpy values into those.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import numpy as np
import pandas as pd

#: The Frictionless Table Schema types the exports use ("any" for mixed columns).
TYPES = ("string", "integer", "number", "boolean", "date", "datetime", "any")


@dataclass(frozen=True)
class Column:
    """One column of an export table."""

    #: Stable snake_case name: the SPSS variable name and the key in JSON.
    code: str
    #: The header in the user's language (also the Table Schema field name).
    header: str
    #: One of TYPES.
    type: str = "string"
    #: What the column holds (datapackage.json).
    description: str = ""
    #: For text columns with a fixed list of values: the labels in reference order, so
    #: that SPSS codes 1..n stay the same from export to export.
    categories: tuple[str, ...] | None = None
    #: Excel number format for the XLSX writer ("0.0" for percentages, say).
    number_format: str | None = None

    def __post_init__(self):
        if self.type not in TYPES:
            raise ValueError(f"Unknown column type {self.type!r}.")


@dataclass
class Table:
    """A table to export: a sheet in XLSX, a CSV file in the ZIP."""

    #: Stable key: matrix, activities, activities_long, ... (the datapackage resource name).
    key: str
    #: Sheet title and CSV file name, in the user's language.
    title: str
    columns: list[Column]
    #: A callable returning a fresh iterator of rows (sequences matching `columns`).
    rows: Callable[[], Iterable[Sequence]]
    #: How many rows there will be, when known beforehand (needed for Excel's row limit).
    count: int | None = None
    description: str = ""
    #: (label, value) lines written above the table in XLSX only (filters, measure, ...).
    preamble: list[tuple[str, object]] = field(default_factory=list)
    #: (row index, column index) of data cells to mark in XLSX (lagging cells).
    highlight: frozenset[tuple[int, int]] = frozenset()

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    def iter_rows(self) -> Iterator[Sequence]:
        return iter(self.rows())


def static_table(key: str, title: str, columns: list[Column], rows: list[Sequence], **options) -> Table:
    """A table whose rows are already in memory."""
    return Table(key, title, columns, lambda: iter(rows), count=len(rows), **options)


def plain(value):
    """A pandas or numpy value as plain Python; NaN, NaT and NA become None."""
    if value is None or isinstance(value, str):
        return value
    if value is pd.NaT or value is pd.NA:
        return None
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, (datetime, date)):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        number = float(value)
        return None if math.isnan(number) or math.isinf(number) else number
    return value


def plain_int(value) -> int | None:
    """A count or a year that pandas may hold as a float."""
    value = plain(value)
    return None if value is None else int(value)


def csv_paths(tables: Iterable[Table]) -> list[str]:
    """One CSV file name per table (its title), unique within the ZIP: the CSV export's
    names, which the XLSX explanation sheet also gives for the tables it leaves out."""
    paths, used = [], set()
    for table in tables:
        stem = re.sub(r"[^\w.-]+", "_", table.title).strip("._") or table.key
        path, number = f"{stem}.csv", 2
        while path.casefold() in used:
            path, number = f"{stem}_{number}.csv", number + 1
        used.add(path.casefold())
        paths.append(path)
    return paths
