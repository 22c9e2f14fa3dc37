"""Turning models and the analysis results into plain JSON values.

The matrix's figures are rounded by their rule in `analysis/measures.py` (the same
numbers as on the page and in the exports); the `figures` entry of the matrix document
names each, with its meaning and decimals.

Empty figures (NaN in the analysis: a row without responding organisations, say) become
null, never 0, and numpy numbers become Python numbers."""

from __future__ import annotations

import math

import pandas as pd

from ..analysis import measures
from ..analysis.export_labels import row_label
from ..analysis.filters import MEASURE_COLUMNS
from ..analysis.matrix import TOTAL_KEY, Matrix
from ..analysis.queries import RoundInfo
from ..models import Activity, BenchmarkScore, Bottleneck, Dilemma, Response, Round

#: The cell figures, as the analysis names them.
CELL_FIGURES = ("organisations", "activities", "share", "member_coverage", "relevance", "gap")
BENCHMARK_FIGURES = {"total": "benchmark_total", "chain": "benchmark_chain", "companies": "benchmark_companies",
                     "listed": "benchmark_listed"}


def number(value) -> float | None:
    """A float, or None for empty (None, NaN, pd.NA)."""
    if value is None or value is pd.NA:
        return None
    value = float(value)
    return None if math.isnan(value) else value


def whole(value) -> int | None:
    value = number(value)
    return None if value is None else int(value)


def text(value) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def moment(value) -> str | None:
    return value.isoformat() if value is not None else None


def round_summary(round: Round) -> dict:
    return {"id": round.id, "slug": round.slug, "name": round.name, "year": round.year, "status": round.status,
            "is_baseline": round.is_baseline, "opens_at": moment(round.opens_at),
            "closes_at": moment(round.closes_at)}


def round_reference(info: RoundInfo) -> dict:
    return {"id": info.id, "slug": info.slug, "name": info.name, "year": info.year, "is_baseline": info.is_baseline}


def _row(matrix: Matrix, key: str) -> dict:
    figures = matrix.rows.loc[key]
    return {
        "key": key, "label_nl": row_label(matrix, key, "nl"), "label_en": row_label(matrix, key, "en"),
        "targeted": whole(figures["targeted"]) or 0, "responded": whole(figures["responded"]) or 0,
        "declined": whole(figures["declined"]) or 0,
        "response_rate": measures.rounded("response_rate", figures["response_rate"]),
        "lagging": bool(figures.get("lagging", False)),
        "benchmark": {
            **{name: measures.rounded(column, figures.get(column)) for name, column in BENCHMARK_FIGURES.items()},
            "year": whole(figures.get("benchmark_year")), "level": text(figures.get("benchmark_level")),
        },
    }


def _cells(matrix: Matrix, measure: str, change: pd.Series | None, sort: str | None = None) -> list[dict]:
    cells = []
    row_keys = matrix.row_order()
    for (row, column), figures in matrix.cells.iterrows():
        if row not in row_keys:
            continue
        cell = {"row": row, "column": column,
                **{name: measures.rounded(name, figures[name]) for name in CELL_FIGURES},
                "relevant": bool(figures["relevant"]), "lagging": bool(figures["lagging"])}
        if change is not None:
            cell["change"] = measures.rounded("change", change.get((row, column)))
        cell["value"] = cell[MEASURE_COLUMNS[measure]]
        cells.append(cell)
    order = {key: number for number, key in enumerate(row_keys)}
    columns = {key: number for number, key in enumerate(matrix.column_labels.index)}
    cells.sort(key=lambda cell: (order[cell["row"]], columns.get(cell["column"], 0)))
    if sort == "gap":
        # The largest gap first, cells without one last; within a gap in the order above.
        cells.sort(key=lambda cell: -cell["gap"] if cell["gap"] is not None else 1.0)
    return cells


def matrix_document(matrix: Matrix, measure: str, comparison=None, change_of: str = "share",
                    sort: str | None = None) -> dict:
    """The whole matrix: rows with their figures and benchmark, columns, cells, totals.
    With a comparison, each cell's `change` is that of `change_of` (share or members)."""
    change = comparison.change(change_of) if comparison is not None else None
    return {
        "round": round_reference(matrix.round),
        "filters": {key: value for key, value in matrix.filters.params().items() if key != "round"},
        "rows_by": matrix.rows_by, "columns_by": matrix.columns_by, "measure": measure,
        "threshold": float(matrix.threshold), "lagging_measure": matrix.lagging_measure,
        "relevance_threshold": float(matrix.relevance_threshold), "sort": sort or None,
        "comparison": None if comparison is None else {"round": round_reference(comparison.old.round),
                                                       "panel": bool(comparison.panel), "change_of": change_of},
        "columns": [{"key": key, "label_nl": str(labels["label_nl"]), "label_en": str(labels["label_en"]),
                     "group": text(labels["group"])} for key, labels in matrix.column_labels.iterrows()],
        "rows": [_row(matrix, key) for key in matrix.row_order() if key != TOTAL_KEY],
        "totals": _row(matrix, TOTAL_KEY),
        "cells": _cells(matrix, measure, change, sort),
        "notes": {key: int(value) for key, value in matrix.notes.items()},
        "figures": figure_vocabulary(),
    }


def figure_vocabulary() -> dict:
    """Every figure of the matrix: its names, meaning and decimals (`analysis/measures.py`)."""
    return {code: {"name_nl": figure.name[0], "name_en": figure.name[1], "unit": figure.unit,
                   "decimals": figure.decimals, "description_en": figure.description[1]}
            for code, figure in measures.FIGURES.items()}


def _codes(items) -> list[str]:
    return [item.code for item in items]


def respondent(response: Response) -> dict:
    """The responding organisation as the figures count it: its data at submission."""
    return {"id": response.organisation_id, "name": response.organisation.name, "kind": response.snapshot_kind,
            "size": response.snapshot_size,
            "sector": response.snapshot_sector.code if response.snapshot_sector else None,
            "branch": response.snapshot_branch.code if response.snapshot_branch else None}


def activity(item: Activity) -> dict:
    return {
        "id": item.id, "response_id": item.response_id, "organisation": respondent(item.response),
        "position": item.position, "title": item.title, "description": item.description,
        "activity_type": item.activity_type.code if item.activity_type else None,
        "aspects": _codes(item.aspects), "countries": _codes(item.countries),
        "product_groups": _codes(item.product_groups), "partners": _codes(item.partners),
        "partners_other": item.partners_other, "channels": _codes(item.channels), "start_year": item.start_year,
        "member_share": number(item.member_share), "publish_consent": item.publish_consent,
        "carry_status": item.carry_status,
    }


def dilemma(item: Dilemma) -> dict:
    return {"id": item.id, "response_id": item.response_id, "organisation": respondent(item.response),
            "position": item.position, "description": item.description, "aspects": _codes(item.aspects),
            "countries": _codes(item.countries)}


def bottleneck(item: Bottleneck) -> dict:
    return {"id": item.id, "response_id": item.response_id, "organisation": respondent(item.response),
            "position": item.position, "description": item.description, "what_would_help": item.what_would_help,
            "aspects": _codes(item.aspects)}


def benchmark_score(score: BenchmarkScore) -> dict:
    organisation = score.organisation
    sector = score.sector if score.level == "sector" else (organisation.sector if organisation else None)
    return {
        "id": score.id, "source": score.source, "year": score.year, "level": score.level,
        "sector": sector.code if sector else None,
        "organisation": None if organisation is None else {"id": organisation.id, "name": organisation.name,
                                                           "is_listed": organisation.is_listed},
        "total_score": number(score.total_score), "chain_score": number(score.chain_score),
        "company_count": score.company_count, "listed_count": score.listed_count,
    }
