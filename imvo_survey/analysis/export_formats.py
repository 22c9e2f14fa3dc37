"""Writing export tables in every format: XLSX (see export_xlsx), a ZIP of CSV files
with a Frictionless `datapackage.json`, JSON of the matrix, and SPSS (.sav) of the long
activity table. Pure functions over `Table`s: no Flask, no database of their own.

CSV is what Dutch Excel opens by a double click: UTF-8 with a byte order mark, `;`
between fields and decimal commas; or `,` and decimal points on request. Every text
cell is neutralised as in the XLSX (see imvo_survey.spreadsheets.writing).
"""

from __future__ import annotations

import io
import json
import math
import re
import zipfile
from array import array
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ..spreadsheets.writing import write_csv
from . import export_labels as words
from .export_schema import Table, csv_paths
from .export_tables import ExportOptions, export_tables, json_document, prepare_export
from .export_xlsx import PROGRESS_EVERY, Progress, ProgressEvent, write_xlsx

__all__ = ["FORMATS", "Progress", "ProgressEvent", "datapackage", "write_csv_zip", "write_export", "write_json",
           "write_sav", "write_xlsx"]

#: The export formats: every sheet as XLSX, a ZIP of CSV files, the matrix as JSON, the
#: long activity table as SPSS.
FORMATS = ("xlsx", "csv", "json", "sav")

#: Words SPSS reserves; a variable may not be called so.
SPSS_RESERVED = {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}


def write_export(conn, filters, file_format: str, target, language: str = "nl", progress: Progress | None = None,
                 separator: str = ";", **options) -> dict[str, int]:
    """Compute the matrix of `filters` (a Filters, or ExportOptions with everything) and
    write the export in `file_format` to `target`. `options` are ExportOptions fields
    (measure, rows, columns, threshold, lagging_measure, compare, panel). Returns the
    rows written per table key. The entry point of the CLI, the page and the benchmark."""

    if file_format not in FORMATS:
        raise ValueError(f"The format is one of {', '.join(FORMATS)}.")
    settings = filters if isinstance(filters, ExportOptions) else ExportOptions(filters, language=language,
                                                                                 **options)
    export = prepare_export(conn, settings)
    if file_format == "json":
        write_json(target, json_document(conn, export))
        return {"matrix": len(export.matrix.row_order())}
    if file_format == "sav":
        (table,) = export_tables(conn, export, keys=("activities_long",))
        return {table.key: write_sav(target, table, progress, export.language)}
    tables = export_tables(conn, export)
    if file_format == "csv":
        round = export.matrix.round
        return write_csv_zip(target, tables, delimiter=separator, progress=progress, name=f"imvo-{round.slug}",
                             title=round.name, description=tables[0].description)
    return write_xlsx(target, tables, progress, language=export.language)


def _counted(table: Table, progress: Progress | None) -> Iterator:
    """The table's rows, reporting progress on the way."""
    done = 0
    for done, row in enumerate(table.iter_rows(), start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(ProgressEvent(table.title, done, table.count))
        yield row
    if progress:
        progress(ProgressEvent(table.title, done, table.count, True))


def write_csv_zip(target, tables: list[Table], delimiter: str = ";", decimal_comma: bool | None = None,
                  progress: Progress | None = None, name: str = "imvo-export", title: str = "",
                  description: str = "") -> dict[str, int]:
    """A ZIP with one CSV file per table and a `datapackage.json` describing them.
    Tables are streamed into the ZIP row by row. Returns the rows written per table key."""
    if delimiter not in (";", ","):
        raise ValueError("The separator is ';' or ','.")
    if decimal_comma is None:
        decimal_comma = delimiter == ";"
    written, paths = {}, csv_paths(tables)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for table, path in zip(tables, paths, strict=True):
            with archive.open(path, "w", force_zip64=True) as raw, \
                    io.TextIOWrapper(raw, encoding="utf-8", newline="") as stream:
                written[table.key] = write_csv(stream, table.headers, _counted(table, progress), delimiter,
                                               decimal_comma)
        package = datapackage(tables, paths, delimiter, decimal_comma, name=name, title=title,
                              description=description)
        archive.writestr("datapackage.json", json.dumps(package, ensure_ascii=False, indent=2))
    return written


def datapackage(tables: list[Table], paths: list[str], delimiter: str = ";", decimal_comma: bool = True,
                name: str = "imvo-export", title: str = "", description: str = "") -> dict:
    """A Frictionless Tabular Data Package: per CSV file its dialect and Table Schema."""
    dialect = {"delimiter": delimiter, "doubleQuote": True, "lineTerminator": "\r\n", "quoteChar": '"',
               "header": True}
    resources = []
    for table, path in zip(tables, paths, strict=True):
        resources.append({
            "name": re.sub(r"[^a-z0-9._-]+", "-", table.key.lower()), "path": path, "title": table.title,
            "description": table.description or table.title, "profile": "tabular-data-resource",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8", "dialect": dialect,
            "schema": {"fields": [_field(column, decimal_comma) for column in table.columns]},
        })
    package = {"profile": "tabular-data-package", "name": re.sub(r"[^a-z0-9._-]+", "-", name.lower()),
               "created": datetime.now(UTC).isoformat(timespec="seconds"), "resources": resources}
    if title:
        package["title"] = title
    if description:
        package["description"] = description
    return package


def _field(column, decimal_comma: bool) -> dict:
    """A Table Schema field, with how this CSV writes its numbers, booleans and times."""
    field = {"name": column.header, "type": column.type, "description": column.description or column.header}
    if column.type == "number" and decimal_comma:
        field["decimalChar"] = ","
    elif column.type == "boolean":
        field.update(trueValues=["1"], falseValues=["0"])
    elif column.type == "datetime":
        field["format"] = "%Y-%m-%d %H:%M:%S"
    if column.categories:
        field["constraints"] = {"enum": list(column.categories)}
    return field


def write_json(target, document: dict) -> None:
    """The matrix document (export_tables.matrix_document) as UTF-8 JSON, to a path or a
    binary file object. NaN never appears: empty cells are null."""
    data = json.dumps(document, ensure_ascii=False, indent=2, allow_nan=False, default=str).encode("utf-8")
    if hasattr(target, "write"):
        target.write(data)
    else:
        with open(target, "wb") as handle:
            handle.write(data)


def spss_names(codes: Iterable[str]) -> list[str]:
    """Valid, unique SPSS variable names: a letter first, then letters, digits and `_`,
    at most 64 characters, not a reserved word, not ending in `_` or `.`."""
    names, used = [], set()
    for code in codes:
        name = re.sub(r"[^A-Za-z0-9_]", "_", code).strip("_") or "var"
        if not name[0].isalpha():
            name = "v" + name
        name = name[:64].rstrip("_")
        if name.upper() in SPSS_RESERVED:
            name += "1"
        base, number = name, 2
        while name.lower() in used:
            suffix = str(number)
            name, number = base[:64 - len(suffix)] + suffix, number + 1
        used.add(name.lower())
        names.append(name)
    return names


def write_sav(path, table: Table, progress: Progress | None = None, language: str = "nl") -> int:
    """The table as an SPSS file: variable labels from the headers; text columns with a
    fixed list (`Column.categories`) and booleans as numbers with value labels, so that
    codes stay the same from export to export. Returns the rows written."""
    import pyreadstat  # noqa: PLC0415  (optional: only the SPSS export needs it)

    names = spss_names(column.code for column in table.columns)
    yes, no = (words.text(words.CODES["boolean"][key], language) for key in ("yes", "no"))
    codes = [{label: number for number, label in enumerate(column.categories or (), start=1)}
             for column in table.columns]
    numeric = [bool(column.categories) or column.type in ("integer", "number", "boolean")
               for column in table.columns]
    data = [array("d") if is_numeric else [] for is_numeric in numeric]
    for row in _counted(table, progress):
        for index, value in enumerate(row):
            data[index].append(_sav_value(value, codes[index], numeric[index]))
    # np.frombuffer shares the arrays' memory: a million-row table is not copied again.
    frame = pd.DataFrame({name: (np.frombuffer(values, dtype="float64") if numeric[index] else values)
                          for index, (name, values) in enumerate(zip(names, data, strict=True))}, copy=False)
    labels, measures = {}, {}
    for name, column, found in zip(names, table.columns, codes, strict=True):
        if column.categories:
            labels[name] = {float(number): label for label, number in found.items()}
            measures[name] = "nominal"
        elif column.type == "boolean":
            labels[name] = {1.0: yes, 0.0: no}
            measures[name] = "nominal"
        else:
            measures[name] = "scale" if column.type in ("integer", "number") else "nominal"
    pyreadstat.write_sav(frame, str(path), file_label=table.title[:64],
                         column_labels=[column.header for column in table.columns],
                         variable_value_labels=labels, variable_measure=measures, row_compress=True)
    return len(frame)


def _sav_value(value, codes: dict, numeric: bool):
    """A cell as SPSS holds it: a number (NaN when empty) or text ('' when empty)."""
    if not numeric:
        return "" if value is None else str(value)
    if value is None:
        return math.nan
    if codes or isinstance(value, str):
        if value not in codes:  # a label outside the reference list: give it the next code
            codes[value] = len(codes) + 1
        return float(codes[value])
    return float(value)
