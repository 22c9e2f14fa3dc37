"""The matrix page's chart: per row (sector) its coverage against the benchmark's chain
score, as a scatter plot (`charts.py` draws it, `macros/charts.html` writes the SVG).

A row's coverage here is the mean, over the columns shown (aspects or aspect groups),
of the lagging measure (share of organisations or member coverage): one number per
sector that reads like the cells it summarises. Rows without a figure on either axis
(no responding organisation, no benchmark, rows by branch) are left out and named."""

from __future__ import annotations

from flask_babel import gettext as _

from ..analysis import measures
from ..analysis.matrix import TOTAL_KEY, Matrix
from ..charts import Chart, scatter
from ..figures import figure_name, figure_number
from .view import plain, row_label

#: The chain score's scale (Transparantiebenchmark), and a percentage's.
CHAIN_RANGE = (0.0, 10.0)
PERCENT_RANGE = (0.0, 100.0)


def coverage_by_row(matrix: Matrix) -> dict[str, float | None]:
    """Per row (not the totals) the mean of the lagging measure over its columns."""
    column = measures.figure(matrix.lagging_measure).code
    means = matrix.cells[column].groupby(level="row").mean()
    return {key: plain(means.get(key)) for key in matrix.row_keys if key != TOTAL_KEY}


def coverage_chart(matrix: Matrix) -> Chart:
    """Coverage (y) against the chain score (x), one point per row with both."""
    coverage_name = figure_name(matrix.lagging_measure)
    points, left_out = [], []
    for key, coverage in coverage_by_row(matrix).items():
        chain = plain(matrix.rows.at[key, "benchmark_chain"]) if "benchmark_chain" in matrix.rows else None
        if coverage is None or chain is None:
            left_out.append(row_label(matrix, key))
        else:
            points.append((row_label(matrix, key), chain, coverage))
    description = _("Per row the mean of '%(coverage)s' over the columns of the table, against the chain score "
                    "of the Transparantiebenchmark (0-10).", coverage=coverage_name)
    if left_out:
        description += " " + _("Left out for want of a figure: %(rows)s.", rows=", ".join(left_out))
    return scatter(
        _("Coverage against the benchmark's chain score"), description, figure_name("benchmark_chain"),
        _("%(coverage)s, mean (%%)", coverage=coverage_name), points, CHAIN_RANGE, PERCENT_RANGE,
        lambda value: figure_number("benchmark_chain", value), lambda value: figure_number("share", value) + " %")
