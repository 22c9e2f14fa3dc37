"""The Transparantiebenchmark columns of the matrix, chosen per sector: the latest
year not after the round's year at either level; within that year the organisations'
scores (averaged over the sector's organisations) when there are any, else the
sector's own row. A sector without data gets none (not 0)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select

from ..models import BenchmarkScore, Organisation, Sector

COLUMNS = ["benchmark_total", "benchmark_chain", "benchmark_companies", "benchmark_listed", "benchmark_year",
           "benchmark_level"]


def benchmark_by_sector(conn, year: int) -> pd.DataFrame:
    """One row per sector that has benchmark data up to `year`, indexed by sector code."""
    sector_rows = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, BenchmarkScore.year, BenchmarkScore.total_score, BenchmarkScore.chain_score,
               BenchmarkScore.company_count, BenchmarkScore.listed_count)
        .join(Sector, Sector.id == BenchmarkScore.sector_id)
        .where(BenchmarkScore.level == "sector", BenchmarkScore.year <= year))),
        columns=["sector", "year", "total", "chain", "companies", "listed"])
    organisation_rows = pd.DataFrame.from_records(list(conn.execute(
        select(Sector.code, BenchmarkScore.year, BenchmarkScore.total_score, BenchmarkScore.chain_score,
               Organisation.is_listed)
        .join(Organisation, Organisation.id == BenchmarkScore.organisation_id)
        .join(Sector, Sector.id == Organisation.sector_id)
        .where(BenchmarkScore.level == "organisation", BenchmarkScore.year <= year))),
        columns=["sector", "year", "total", "chain", "listed"])
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
    if len(organisations):
        return [organisations["total"].mean(), organisations["chain"].mean(), len(organisations),
                int(organisations["listed"].sum()), latest, "organisation"]
    row = sector_rows[sector_rows["year"] == latest].iloc[0]
    return [row["total"], row["chain"], row["companies"], row["listed"], latest, "sector"]


def totals(frame: pd.DataFrame) -> dict:
    """Summed companies and listed companies, and the company-weighted mean scores."""
    counted = frame[frame["benchmark_companies"].fillna(0) > 0]
    companies = counted["benchmark_companies"].sum()
    result = {"benchmark_companies": companies if len(counted) else None,
              "benchmark_listed": counted["benchmark_listed"].sum() if len(counted) else None,
              "benchmark_year": None, "benchmark_level": None}
    for key in ("benchmark_total", "benchmark_chain"):
        scored = counted[counted[key].notna()]
        weight = scored["benchmark_companies"].sum()
        result[key] = (scored[key] * scored["benchmark_companies"]).sum() / weight if weight else None
    return result
