"""The analysis module: what responding organisations actually do, per sector (or
branch) and IMVO aspect, beside the Transparantiebenchmark scores.

Loading and computing are apart: `load_matrix(conn, filters)` runs the queries and
returns plain DataFrames (`MatrixFrames`); `compute_matrix(frames, options)` and the
response figures (`response.py`) are pandas only, and give codes and numbers, never
labels. `build_matrix` does both; `load_comparison` and `compare` are the two halves of
`year_over_year`. The matrix page, the exports, the CLI and the API all
call these same functions. No Flask imports here.
"""

from .filters import MEASURES, Filters
from .frames import MatrixFrames, load_comparison, load_matrix
from .matrix import (
    Comparison,
    Matrix,
    MatrixOptions,
    build_matrix,
    compare,
    compare_matrices,
    compute_matrix,
    year_over_year,
)

__all__ = ["MEASURES", "Comparison", "Filters", "Matrix", "MatrixFrames", "MatrixOptions", "build_matrix",
           "compare", "compare_matrices", "compute_matrix", "load_comparison", "load_matrix", "year_over_year"]
