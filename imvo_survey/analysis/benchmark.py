"""The Transparantiebenchmark columns of the matrix, chosen per sector: the latest
year not after the round's year at either level; within that year the organisations'
scores (averaged over the sector's organisations) when there are any, else the
sector's own row. A sector without data gets none (not 0).

`benchmark_level` says which the matrix used, and `benchmark_differs` whether a sector
row of the same year says otherwise than the organisations' scores (`differs`: another
number of companies, or a mean half a point or more from the row's total score, or
0.05 or more from its chain score: beyond the rounding of a printed table).
`organisation_figures` gives the benchmark page both sides, per sector and source."""

from __future__ import annotations

import math

import pandas as pd
from sqlalchemy import select

from ..models import DEFAULT_SOURCE, BenchmarkScore, Organisation, Sector

COLUMNS = ["benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed", "benchmark_year",
           "benchmark_level", "benchmark_differs"]
#: Differences within the rounding of a printed table (total score whole, chain score one decimal).
TOLERANCE = {"total": 0.5, "chain": 0.05}


def benchmark_by_sector(conn, year: int, source: str = DEFAULT_SOURCE) -> pd.DataFrame:
    """One row per sector that has benchmark data of `source` up to `year`, indexed by
    sector code. One source only: the matrix's columns are the Transparantiebenchmark's,
    and two benchmarks' scores are never averaged together."""
    sector_rows = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, BenchmarkScore.year, BenchmarkScore.total_score, BenchmarkScore.chain_score,
               BenchmarkScore.company_count, BenchmarkScore.listed_count)
        .join(Sector, Sector.id == BenchmarkScore.sector_id)
        .where(BenchmarkScore.level == "sector", BenchmarkScore.year <= year, BenchmarkScore.source == source))),
        columns=["sector", "year", "total", "chain", "companies", "listed"])
    organisation_rows = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, BenchmarkScore.year, BenchmarkScore.total_score, BenchmarkScore.chain_score,
               BenchmarkScore.listed_count, Organisation.is_listed)
        .join(Organisation, Organisation.id == BenchmarkScore.organisation_id)
        .join(Sector, Sector.id == Organisation.sector_id)
        .where(BenchmarkScore.level == "organisation", BenchmarkScore.year <= year,
               BenchmarkScore.source == source))),
        columns=["sector", "year", "total", "chain", "listed_in_file", "is_listed"])
    # Listed as the benchmark file said (an import's "listed" column), else as the register says.
    registered = organisation_rows["is_listed"].astype(int)
    organisation_rows["listed"] = organisation_rows["listed_in_file"].astype(float).fillna(registered).astype(int)
    result = {}
    for sector in set(sector_rows["sector"]) | set(organisation_rows["sector"]):
        result[sector] = _choose(sector_rows[sector_rows["sector"] == sector],
                                 organisation_rows[organisation_rows["sector"] == sector])
    frame = pd.DataFrame.from_dict(result, orient="index", columns=COLUMNS)
    frame.index.name = "sector"
    return frame


def _choose(sector_rows: pd.DataFrame, organisation_rows: pd.DataFrame) -> list:
    latest = max([*sector_rows["year"], *organisation_rows["year"]])
    organisations = organisation_rows[organisation_rows["year"] == latest]
    same_year = sector_rows[sector_rows["year"] == latest]
    if len(organisations):
        figures = {"total": organisations["total"].mean(), "chain": organisations["chain"].mean(),
                   "companies": len(organisations)}
        differs = any(differs_from(figures, row) for _, row in same_year.iterrows())
        return [figures["total"], figures["chain"], figures["companies"], int(organisations["listed"].sum()), latest,
                "organisation", differs]
    row = same_year.iloc[0]
    return [row["total"], row["chain"], row["companies"], row["listed"], latest, "sector", False]


def differs_from(figures: dict, row) -> bool:
    """Whether figures from organisations' scores differ from a sector row beyond rounding."""
    if pd.notna(row["companies"]) and int(row["companies"]) != figures["companies"]:
        return True
    return any(pd.notna(row[key]) and pd.notna(figures[key]) and abs(row[key] - figures[key]) >= tolerance - 1e-9
               for key, tolerance in TOLERANCE.items())


def organisation_figures(conn, year: int) -> list[dict]:
    """Per sector and source, from the organisations' scores of `year`: mean and median
    total and chain score and the number of companies, beside the sector row of the same
    year and source (its figures, or None) and whether the two differ. Plain values
    (None, never NaN), for a page to show as they are."""
    scores = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, Sector.position, BenchmarkScore.source, BenchmarkScore.total_score,
               BenchmarkScore.chain_score)
        .join(Organisation, Organisation.id == BenchmarkScore.organisation_id)
        .join(Sector, Sector.id == Organisation.sector_id)
        .where(BenchmarkScore.level == "organisation", BenchmarkScore.year == year))),
        columns=["sector", "position", "source", "total", "chain"])
    rows = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, BenchmarkScore.source, BenchmarkScore.total_score, BenchmarkScore.chain_score,
               BenchmarkScore.company_count)
        .join(Sector, Sector.id == BenchmarkScore.sector_id)
        .where(BenchmarkScore.level == "sector", BenchmarkScore.year == year))),
        columns=["sector", "source", "total", "chain", "companies"]).set_index(["sector", "source"])
    result = []
    for (sector, source), group in scores.sort_values("position").groupby(["sector", "source"], sort=False):
        figures = {"sector": sector, "source": source, "total": group["total"].mean(),
                   "total_median": group["total"].median(), "chain": group["chain"].mean(),
                   "chain_median": group["chain"].median(), "companies": len(group)}
        row = rows.loc[(sector, source)] if (sector, source) in rows.index else None
        for key in ("total", "chain", "companies"):
            figures[f"row_{key}"] = row[key] if row is not None else None
        figures["differs"] = row is not None and differs_from(figures, row)
        result.append({key: None if _missing(value) else value for key, value in figures.items()})
    return result


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def totals(frame: pd.DataFrame) -> dict:
    """Summed companies and listed companies, and the company-weighted mean scores."""
    counted = frame[frame["benchmark_companies"].fillna(0) > 0]
    companies = counted["benchmark_companies"].sum()
    result = {"benchmark_companies": companies if len(counted) else None,
              "benchmark_listed": counted["benchmark_listed"].sum() if len(counted) else None,
              "benchmark_year": None, "benchmark_level": None, "benchmark_differs": None}
    for key in ("benchmark_total", "benchmark_chain"):
        scored = counted[counted[key].notna()]
        weight = scored["benchmark_companies"].sum()
        result[key] = (scored[key] * scored["benchmark_companies"]).sum() / weight if weight else None
    return result
