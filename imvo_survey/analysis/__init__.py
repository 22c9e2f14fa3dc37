"""The analysis module: what responding organisations actually do, per sector (or
branch) and IMVO aspect, beside the Transparantiebenchmark scores.

Functions take a SQLAlchemy session or connection and plain filter values, and return
pandas DataFrames (or a `Matrix` of them). The matrix page, the exports, the CLI and the
API all call these same functions. No Flask imports here.
"""

from .filters import MEASURES, Filters
from .matrix import Comparison, Matrix, build_matrix, compare_matrices, year_over_year

__all__ = ["MEASURES", "Comparison", "Filters", "Matrix", "build_matrix", "compare_matrices", "year_over_year"]
