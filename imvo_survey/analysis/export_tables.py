"""The coverage matrix and everything behind it as export tables, the same for XLSX,
CSV, JSON and SPSS: the matrix as on the page (with its filters and measure), the
inventory, the answers, the codebook, the response, the benchmark and an explanation.

`prepare_export` computes the matrix (and the comparison round when the measure is the
change) once; `export_tables` then returns every sheet as a `Table` whose rows are read
from the database only while they are written. No Flask here: the CLI, the matrix page
and the API call these with a database connection and plain values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
from sqlalchemy import select

from .. import __version__
from ..models import Response, Round
from . import benchmark as benchmarks
from . import export_labels as words
from . import measures, queries
from .export_answers import answers_table, codebook_table, local_time, questions, response_table
from .export_inventory import activities_long_table, activities_table, bottlenecks_table, dilemmas_table
from .export_reading import describe_organisations, load_vocabulary, responders, select_activities
from .export_schema import Column, Table, plain, plain_int, static_table
from .export_verification import definition as verification_definition
from .export_verification import verification_document, verification_table
from .filters import CHANGE_OF, DEFAULT_THRESHOLD, MEASURES, FilterError, Filters
from .matrix import TOTAL_KEY, Comparison, Matrix, build_matrix, year_over_year
from .relevance import DEFAULT_RELEVANCE_THRESHOLD

#: The sheets in workbook order.
TABLE_KEYS = ("matrix", "activities", "activities_long", "dilemmas", "bottlenecks", "answers", "codebook",
              "response", "benchmark", "verification", "explanation")
BENCHMARK_COLUMNS = (("benchmark_total", "number"), ("benchmark_chain", "number"),
                     ("benchmark_companies", "integer"), ("benchmark_listed", "integer"),
                     ("benchmark_year", "integer"), ("benchmark_level", "string"))
RESPONSE_COLUMNS = (("targeted", "integer"), ("responded", "integer"), ("declined", "integer"),
                    ("response_rate", "number"))


@dataclass(frozen=True)
class ExportOptions:
    """What to export: the filters and the matrix's settings, as on the page."""

    filters: Filters
    measure: str = "share"
    rows: str = "sector"
    columns: str = "aspect"
    threshold: float = DEFAULT_THRESHOLD
    lagging_measure: str = "share"
    compare: int | str | None = None
    panel: bool = False
    language: str = "nl"
    #: What the change since the comparison round is of: share or members (member coverage).
    change_of: str = "share"
    #: Above this relevance an aspect is relevant (and only then can lag).
    relevance_threshold: float = DEFAULT_RELEVANCE_THRESHOLD
    #: "gap": the rows with the largest gap first.
    sort: str | None = None

    def matrix_options(self) -> dict:
        return {"rows": self.rows, "columns": self.columns, "threshold": self.threshold,
                "lagging_measure": self.lagging_measure, "relevance_threshold": self.relevance_threshold,
                "sort": self.sort}


@dataclass
class MatrixExport:
    """A computed matrix with what the export says about it."""

    options: ExportOptions
    matrix: Matrix
    comparison: Comparison | None
    exported_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def language(self) -> str:
        return self.options.language

    def values(self) -> pd.DataFrame:
        """The measure shown, rows by columns (totals row last)."""
        if self.options.measure != "change":
            return self.matrix.wide(self.options.measure)
        table = self.change().unstack("column")
        return table.reindex(index=self.matrix.row_order(), columns=list(self.matrix.column_labels.index))

    def change(self) -> pd.Series | None:
        """The change per cell of the chosen base measure, or None without a comparison."""
        return self.comparison.change(self.options.change_of) if self.comparison is not None else None


def prepare_export(conn, options: ExportOptions, now: datetime | None = None) -> MatrixExport:
    """The matrix of the round, beside the comparison round when the measure is the
    change or a comparison (or the panel) is asked for."""
    if options.measure not in MEASURES:
        raise FilterError(f"The measure is one of {', '.join(MEASURES)}.")
    if options.change_of not in CHANGE_OF:
        raise FilterError(f"The change is of one of {', '.join(CHANGE_OF)}.")
    comparison = None
    if options.measure == "change" or options.compare is not None or options.panel:
        comparison = year_over_year(conn, options.filters, compare_with=options.compare, panel=options.panel,
                                    **options.matrix_options())
        if comparison is None:
            raise FilterError("There is no round to compare with: give --compare ROUND, or mark a round as "
                              "the baseline.")
    matrix = comparison.new if comparison else build_matrix(conn, options.filters, **options.matrix_options())
    return MatrixExport(options, matrix, comparison, now or datetime.now(UTC))


def export_tables(conn, export: MatrixExport, keys=TABLE_KEYS) -> list[Table]:
    """The sheets named in `keys`, in workbook order; rows are read lazily."""
    language, matrix = export.language, export.matrix
    round_id = matrix.round.id
    vocabulary = load_vocabulary(conn, language)
    described = describe_organisations(conn, matrix.organisations, vocabulary)
    people = responders(matrix.organisations, described)
    builders = {
        "matrix": lambda: matrix_table(export),
        "activities": lambda: activities_table(conn, selection(), people, vocabulary),
        "activities_long": lambda: activities_long_table(conn, selection(), people, vocabulary),
        "dilemmas": lambda: dilemmas_table(conn, round_id, people, vocabulary),
        "bottlenecks": lambda: bottlenecks_table(conn, round_id, people, vocabulary),
        "answers": lambda: answers_table(conn, catalogue(), people, language),
        "codebook": lambda: codebook_table(catalogue(), language),
        "response": lambda: response_table(conn, round_id, matrix.organisations, described, language),
        "benchmark": lambda: benchmark_table(conn, matrix.round.year, language),
        "verification": lambda: verification_table(conn, round_id, language),
        "explanation": lambda: explanation_table(export),
    }
    found: dict[str, object] = {}

    def selection():
        if "selection" not in found:
            found["selection"] = select_activities(conn, round_id, matrix.filters, people)
        return found["selection"]

    def catalogue():
        if "catalogue" not in found:
            found["catalogue"] = questions(conn, _version_ids(conn, round_id), language)
        return found["catalogue"]

    return [builders[key]() for key in TABLE_KEYS if key in keys]


def _version_ids(conn, round_id: int) -> list[int]:
    """The round's questionnaire versions, then any other version a response answered."""
    row = conn.execute(select(Round.association_version_id, Round.company_version_id)
                       .where(Round.id == round_id)).one()
    ids = [version_id for version_id in row if version_id]
    answered = conn.execute(select(Response.version_id).where(Response.round_id == round_id,
                                                              queries.responded_condition()).distinct()).scalars()
    return ids + sorted(set(answered) - set(ids))


def _row_header(rows_by: str, language: str) -> str:
    return words.header(f"row_{rows_by}", language)


def matrix_columns(export: MatrixExport) -> list[Column]:
    """Row label and code, the benchmark, the response, one column per aspect, lagging."""
    language, matrix, measure = export.language, export.matrix, export.options.measure
    label = f"label_{'en' if language == 'en' else 'nl'}"
    columns = [Column("row", _row_header(matrix.rows_by, language), "string"),
               Column("row_code", words.header("row_code", language), "string",
                      words.column_description("row_code", language))]
    for code, kind in BENCHMARK_COLUMNS + RESPONSE_COLUMNS:
        columns.append(Column(code, words.header(code, language), kind, words.column_description(code, language),
                              number_format=_number_format(code, kind)))
    shown = measures.figure(measure)
    kind = "integer" if shown.decimals == 0 else "number"
    description = measures.description(measure, language)
    for code in matrix.column_labels.index:
        columns.append(Column(code, str(matrix.column_labels.at[code, label]), kind, description,
                              number_format=shown.excel_format))
    columns.append(Column("lagging", words.header("lagging", language), "string",
                          words.column_description("lagging", language)))
    return columns


def _number_format(code: str, kind: str) -> str | None:
    return measures.FIGURES[code].excel_format if kind in ("number", "integer") and code in measures.FIGURES \
        else None


def matrix_table(export: MatrixExport) -> Table:
    """The matrix as on the page: empty cells empty, lagging cells marked and listed."""
    language, matrix = export.language, export.matrix
    columns = matrix_columns(export)
    values = export.values()
    keys = list(matrix.column_labels.index)
    first_cell = 2 + len(BENCHMARK_COLUMNS) + len(RESPONSE_COLUMNS)
    rows, highlight = [], set()
    for number, key in enumerate(matrix.row_order()):
        figures = matrix.rows.loc[key]
        cells = [measures.rounded(export.options.measure, value) for value in values.loc[key, keys]]
        lagging = [code for code in keys if bool(matrix.cells.at[(key, code), "lagging"])]
        highlight.update((number, first_cell + keys.index(code)) for code in lagging)
        rows.append((words.row_label(matrix, key, language), key, *_benchmark_values(figures, language),
                     *(measures.rounded(code, figures[code]) for code in measures.RESPONSE_FIGURES), *cells,
                     "; ".join(columns[first_cell + keys.index(code)].header for code in lagging) or None))
    return static_table("matrix", words.sheet("matrix", language), columns, rows,
                        description=words.text(words.MEASURES[export.options.measure], language),
                        preamble=matrix_preamble(export), highlight=frozenset(highlight))


def _benchmark_values(figures, language: str) -> list:
    level = plain(figures.get("benchmark_level"))
    return [*(measures.rounded(code, figures.get(code)) for code in measures.BENCHMARK_FIGURES),
            plain_int(figures.get("benchmark_year")), words.code_label("level", level, language)]


def describe_filters(filters: Filters, language: str) -> str:
    """The filters set, as KEY=VALUE (the round left out), or 'none'."""
    params = {key: value for key, value in filters.params().items() if key != "round"}
    return "; ".join(f"{key}={value}" for key, value in params.items()) or words.text(words.NO_FILTERS, language)


def matrix_preamble(export: MatrixExport) -> list[tuple[str, object]]:
    """What the matrix shows, above the table: round, measure, filters, threshold."""
    language, matrix, options = export.language, export.matrix, export.options

    def item(code: str) -> str:
        return words.text(words.ITEMS[code], language)

    lines = [(item("round"), f"{matrix.round.name} ({matrix.round.slug})"),
             (item("measure"), words.text(words.MEASURES[options.measure], language)),
             (item("filters"), describe_filters(matrix.filters, language)),
             (item("rows"), words.code_label("rows", matrix.rows_by, language)),
             (item("columns"), words.code_label("columns", matrix.columns_by, language)),
             (item("threshold"), float(matrix.threshold)),
             (item("lagging_measure"), words.text(words.MEASURES[matrix.lagging_measure], language))]
    if export.comparison is not None:
        old = export.comparison.old.round
        lines.append((item("compared_with"), f"{old.name} ({old.slug})"
                      + (f"; {item('panel')}" if export.comparison.panel else "")))
        lines.append((item("change_of"), words.text(words.MEASURES[options.change_of], language)))
    lines.append((item("exported_at"), local_time(export.exported_at)))
    return lines


def benchmark_table(conn, year: int, language: str) -> Table:
    """Per sector the benchmark scores the matrix uses (year and level chosen), and the total."""
    chosen = benchmarks.benchmark_by_sector(conn, year)
    sectors = queries.labels(conn, "sector")
    label = f"label_{'en' if language == 'en' else 'nl'}"
    rows = [(str(sectors.at[code, label]), code, *_benchmark_values(chosen.loc[code], language))
            for code in sectors.index if code in chosen.index]
    if len(chosen):
        totals = pd.Series(benchmarks.totals(chosen))
        rows.append((words.text(words.ROW_MARKERS["total"], language), TOTAL_KEY, *_benchmark_values(totals, language)))
    columns = [Column("sector", words.header("sector", language), "string"),
               Column("sector_code", words.header("sector_code", language), "string")]
    columns += [Column(code, words.header(code, language), kind, words.column_description(code, language),
                       number_format=_number_format(code, kind)) for code, kind in BENCHMARK_COLUMNS]
    return static_table("benchmark", words.sheet("benchmark", language), columns, rows,
                        description=words.text(words.DEFINITIONS["benchmark"], language))


def explanation_table(export: MatrixExport) -> Table:
    """Item, value, explanation: the round, the settings and filters, the time of export,
    the software version, and the definition of every measure and column."""

    language, matrix = export.language, export.matrix

    def item(code: str) -> str:
        return words.text(words.ITEMS[code], language)

    def define(code: str) -> str:
        return words.text(words.DEFINITIONS[code], language)

    rows = [(label, value, None) for label, value in matrix_preamble(export)]
    rows += [(item("year"), matrix.round.year, None),
             (item("baseline"), matrix.round.is_baseline, None)]
    rows += [(f"{item('filter')}: {key}", value, None) for key, value in matrix.filters.params().items()
             if key != "round"]
    rows += [(item("software"), f"imvo-survey {__version__}", None),
             (item("without_member_count"), matrix.notes.get("associations_without_member_count"), None),
             (item("without_member_share"), matrix.notes.get("activities_without_member_share"), None)]
    rows += figure_rows(language)
    for code, title in (("lagging", words.header("lagging", language)), ("empty", item("empty")),
                        ("benchmark", words.sheet("benchmark", language)),
                        ("activities_long", words.sheet("activities_long", language)),
                        ("answers", words.sheet("answers", language)), ("neutralised", item("neutralised"))):
        rows.append((title, None, define(code)))
    rows.append((words.sheet("verification", language), None, verification_definition(language)))
    columns = [Column("item", words.header("item", language), "string"),
               Column("value", words.header("value", language), "any"),
               Column("explanation", words.header("explanation", language), "string")]
    return static_table("explanation", words.sheet("explanation", language), columns, rows)


def figure_rows(language: str) -> list[tuple[str, str, str]]:
    """Every figure of the matrix: its name, its rounding, what it means (`measures.py`)."""
    rounding = words.text(words.ITEMS["decimals"], language)
    return [(measures.header(code, language), f"{rounding}: {figure.decimals}", measures.description(code, language))
            for code, figure in measures.FIGURES.items()]


def json_document(conn, export: MatrixExport) -> dict:
    """The JSON export: the matrix document, with the round's verification results."""
    document = matrix_document(export)
    document["verification"] = verification_document(conn, export.matrix.round.id, export.language)
    return document


def matrix_document(export: MatrixExport) -> dict:
    """The matrix as JSON-ready data: settings, columns, and per row the response,
    the benchmark and every cell's figures (null where empty)."""

    matrix, language = export.matrix, export.language
    label = f"label_{'en' if language == 'en' else 'nl'}"
    change = export.change()
    figures = ("organisations", "activities", "share", "members_reached", "member_base", "member_coverage",
               "relevance", "gap")
    rows = []
    for key in matrix.row_order():
        cells = {}
        for code in matrix.column_labels.index:
            cell = matrix.cells.loc[(key, code)]
            cells[code] = {name: measures.rounded(name, cell[name]) for name in figures}
            cells[code]["lagging"] = bool(cell["lagging"])
            if change is not None:
                cells[code]["change"] = measures.rounded("change", change.get((key, code)))
        row = matrix.rows.loc[key]
        rows.append({"code": key, "label": words.row_label(matrix, key, language),
                     **{name: measures.rounded(name, row.get(name)) if name in measures.FIGURES else plain(row.get(name))
                        for name, _ in RESPONSE_COLUMNS + BENCHMARK_COLUMNS},
                     "lagging": bool(row.get("lagging", False)), "cells": cells})
    old = export.comparison.old.round if export.comparison is not None else None
    return {
        "round": {"id": matrix.round.id, "slug": matrix.round.slug, "name": matrix.round.name,
                  "year": matrix.round.year, "is_baseline": matrix.round.is_baseline},
        "compared_with": {"slug": old.slug, "name": old.name, "year": old.year,
                          "panel": export.comparison.panel, "change_of": export.options.change_of} if old else None,
        "filters": {key: value for key, value in matrix.filters.params().items() if key != "round"},
        "rows_by": matrix.rows_by, "columns_by": matrix.columns_by, "measure": export.options.measure,
        "threshold": float(matrix.threshold), "lagging_measure": matrix.lagging_measure, "language": language,
        "columns": [{"code": code, "label": str(matrix.column_labels.at[code, label])}
                    for code in matrix.column_labels.index],
        "rows": rows, "notes": {key: plain(value) for key, value in matrix.notes.items()},
        "definitions": {code: words.text(pair, language) for code, pair in words.DEFINITIONS.items()},
        "exported_at": export.exported_at.isoformat(timespec="seconds"), "software_version": __version__,
    }
