"""The rows of a database as a backup sees them: every table read in primary-key order,
every value encoded the same way on SQLite and PostgreSQL, and a checksum per table.

The checksum of a table is the SHA-256 of its rows, one line per row in primary-key
order (text keys compared byte by byte, so the order does not depend on a collation),
each line the row's values as compact JSON with sorted object keys, ending in a newline.
Values are encoded by the kind of their column:

- NULL is `null`; whole numbers, decimals (floats), booleans and text are themselves;
- timestamps and dates are ISO 8601 text (`2010-06-01T09:00:00`, `2010-06-01`);
- binary values are base64 text;
- a JSON column's value is wrapped in a one-element list (`[{"a": 1}]`, `[null]`), so
  that SQL NULL (`null`) and a stored JSON null (`[null]`) stay apart.

A PostgreSQL dump stores exactly these lines, so its checksums can be checked from the
file alone. The same data gives the same checksum on two databases of one kind.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

#: Rows fetched from the database at a time.
BATCH = 2000


@dataclass(frozen=True)
class Column:
    """A column of a table: its name, how its values are encoded, its database type."""

    name: str
    kind: str
    type: sa.types.TypeEngine


@dataclass(frozen=True)
class Shape:
    """A table as the backup reads and writes it."""

    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    #: Columns that refer to this table's own primary key (a round copied from a round).
    self_references: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]


def kind_of(type_: sa.types.TypeEngine) -> str:
    """How values of a column type are encoded (see the module's docstring)."""
    checks = ((sa.JSON, "json"), (sa.LargeBinary, "bytes"), (sa.DateTime, "datetime"), (sa.Date, "date"),
              (sa.Boolean, "bool"), (sa.Float, "float"), (sa.Numeric, "decimal"), (sa.Integer, "int"))
    return next((kind for cls, kind in checks if isinstance(type_, cls)), "str")


def shapes(connection: Connection) -> list[Shape]:
    """Every table of the database (the migrations' own `alembic_version` included), a
    table before the tables that refer to it."""
    inspector = sa.inspect(connection)
    names = [name for name, _constraints in inspector.get_sorted_table_and_fkc_names() if name]
    found = []
    for name in names:
        columns = tuple(Column(c["name"], kind_of(c["type"]), c["type"]) for c in inspector.get_columns(name))
        primary_key = tuple(inspector.get_pk_constraint(name)["constrained_columns"])
        own = tuple(column for fk in inspector.get_foreign_keys(name) if fk["referred_table"] == name
                    and list(fk["referred_columns"]) == list(primary_key) for column in fk["constrained_columns"])
        found.append(Shape(name, columns, primary_key or tuple(c.name for c in columns), own))
    return found


def encode(kind: str, value):
    """A column value as it is hashed and written to a dump (JSON columns: see `rows`)."""
    if value is None:
        return None
    if kind in ("datetime", "date"):
        return value.isoformat()
    if kind == "bytes":
        return base64.b64encode(bytes(value)).decode("ascii")
    if kind == "decimal":
        return str(value)
    return value


def decode(kind: str, value):
    """The value `encode` was given, ready to insert (a JSON null as `sa.JSON.NULL`)."""
    if value is None:
        return None
    if kind == "json":
        return sa.JSON.NULL if value[0] is None else value[0]
    if kind == "datetime":
        return datetime.fromisoformat(value)
    if kind == "date":
        return date.fromisoformat(value)
    if kind == "bytes":
        return base64.b64decode(value)
    if kind == "decimal":
        return Decimal(value)
    return value


def line(values: list) -> bytes:
    """One row as the bytes hashed and written to a dump (without the newline)."""
    return json.dumps(values, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _select(connection: Connection, shape: Shape) -> sa.Select:
    """The table's rows in primary-key order; a JSON column also says whether it is SQL NULL."""
    columns = []
    for column in shape.columns:
        columns.append(sa.column(column.name, column.type))
        if column.kind == "json":
            columns.append(sa.column(column.name).is_(None).label(f"{column.name}__is_null"))
    order = []
    for name in shape.primary_key:
        key = sa.column(name)
        kind = next(column.kind for column in shape.columns if column.name == name)
        if kind == "str" and connection.dialect.name == "postgresql":
            key = key.collate("C")  # byte order, as SQLite compares text
        order.append(key)
    return sa.select(*columns).select_from(sa.table(shape.name)).order_by(*order)


def rows(connection: Connection, shape: Shape) -> Iterator[list]:
    """The encoded rows of a table, in primary-key order."""
    result = connection.execution_options(yield_per=BATCH).execute(_select(connection, shape))
    for row in result:
        mapping = row._mapping
        values = []
        for column in shape.columns:
            value = mapping[column.name]
            if column.kind == "json":
                # A JSON null reads as None too: only the IS NULL test tells them apart.
                values.append(None if mapping[f"{column.name}__is_null"] else [value])
            else:
                values.append(encode(column.kind, value))
        yield values


class Tally:
    """Row count and checksum of one table, fed one row line at a time."""

    def __init__(self):
        self.count = 0
        self._hash = hashlib.sha256()

    def add(self, row_line: bytes) -> None:
        self.count += 1
        self._hash.update(row_line + b"\n")

    def result(self) -> dict:
        return {"rows": self.count, "checksum": self._hash.hexdigest()}


def manifest_tables(connection: Connection, found: list[Shape],
                    on_table: Callable[[str], None] | None = None) -> dict[str, dict]:
    """Row count and checksum of every table, read through `connection` (so within its
    transaction's snapshot)."""
    tables = {}
    for shape in found:
        if on_table is not None:
            on_table(shape.name)
        tally = Tally()
        for values in rows(connection, shape):
            tally.add(line(values))
        tables[shape.name] = tally.result()
    return tables


def differences(expected: dict[str, dict], found: dict[str, dict]) -> list[str]:
    """The tables whose row count or checksum differ, in words (empty when they agree)."""
    problems = []
    for name in sorted(set(expected) | set(found)):
        if name not in found:
            problems.append(f"{name}: missing")
        elif name not in expected:
            problems.append(f"{name}: not in the backup")
        elif expected[name] != found[name]:
            problems.append(f"{name}: expected {expected[name]['rows']} rows with checksum "
                            f"{expected[name]['checksum'][:16]}..., found {found[name]['rows']} rows with "
                            f"checksum {found[name]['checksum'][:16]}...")
    return problems
