"""Sector figures from organisations' scores beside a sector row of the same year:
which one the matrix uses, and whether they differ beyond the rounding of a table."""

from __future__ import annotations

from imvo_survey.analysis.benchmark import benchmark_by_sector, organisation_figures
from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore

from .. import factories
from ..analysis.conftest import food_round  # noqa: F401  (the matrix's round, as its own tests use it)
from ..analysis.test_matrix_page import cells_of


def _scores(sector_code: str, row: dict, organisations: list[tuple], year: int = 2009) -> None:
    sector = factories.sector(sector_code)
    db.session.add(BenchmarkScore(source="Transparantiebenchmark", year=year, level="sector", sector=sector, **row))
    for index, (total, chain, listed) in enumerate(organisations):
        organisation = factories.make_organisation(name=f"{sector_code} {index}", kind="company", sector=sector,
                                                   is_listed=False)
        db.session.add(BenchmarkScore(source="Transparantiebenchmark", year=year, level="organisation",
                                      organisation=organisation, total_score=total, chain_score=chain,
                                      listed_count=listed))
    db.session.commit()


def test_the_matrix_says_it_used_the_organisations_and_that_the_sector_row_differs():
    _scores("banken", {"total_score": 72, "chain_score": 5.5, "company_count": 2}, [(60, 4, 1), (70, 6, None)])
    _scores("media", {"total_score": 65.4, "chain_score": 5.02, "company_count": 2}, [(60, 4, 0), (70, 6, 0)])
    chosen = benchmark_by_sector(db.session.connection(), 2010)
    assert chosen.loc["banken", ["benchmark_level", "benchmark_differs", "benchmark_listed"]].tolist() == [
        "organisation", True, 1]  # 65 against 72; listed as the file said, else as the register
    assert chosen.loc["media", ["benchmark_level", "benchmark_differs"]].tolist() == ["organisation", False]


def test_organisation_figures_beside_the_sector_row():
    _scores("banken", {"total_score": 70, "chain_score": 5.0, "company_count": 4},
            [(60, 4, None), (70, 5, None), (90, 9, None)])
    _scores("it", {}, [(25, 0.5, None)])
    db.session.query(BenchmarkScore).filter(BenchmarkScore.level == "sector",
                                            BenchmarkScore.total_score.is_(None)).delete()
    figures = {f["sector"]: f for f in organisation_figures(db.session.connection(), 2009)}
    banken = figures["banken"]
    assert (banken["companies"], banken["total"], banken["total_median"], banken["chain"], banken["chain_median"]) == (
        3, 220 / 3, 70, 6, 5)
    assert (banken["row_total"], banken["row_companies"], banken["differs"]) == (70, 4, True)
    assert (figures["it"]["row_total"], figures["it"]["differs"]) == (None, False)


def test_the_matrix_page_says_the_sector_row_differs(analyst_client, food_round):  # noqa: F811
    _scores("voedsel_drank", {"total_score": 36, "chain_score": 3.0, "company_count": 20}, [(50, 4, 0), (60, 5, 1)])
    html = analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    assert cells_of(html, "Voedsel en drank")[4] == "2009 (organisaties); de sectorrij wijkt af"  # after the four TB figures
    assert "wijkt af" not in cells_of(html, "Banken")[-1]


def test_the_matrix_takes_the_transparantiebenchmark_alone():
    """Another benchmark's scores of the same year neither replace nor join the
    Transparantiebenchmark's in the matrix's TB columns."""
    _scores("banken", {"total_score": 72, "chain_score": 5.5, "company_count": 5}, [])
    vbdo = factories.make_organisation(name="VBDO-bank", kind="company", sector=factories.sector("banken"))
    db.session.add_all([
        BenchmarkScore(source="VBDO", year=2010, level="sector", sector=factories.sector("banken"), total_score=10,
                       chain_score=1, company_count=9),
        BenchmarkScore(source="VBDO", year=2009, level="organisation", organisation=vbdo, total_score=20),
        BenchmarkScore(source="VBDO", year=2009, level="sector", sector=factories.sector("media"), total_score=30),
    ])
    db.session.commit()
    chosen = benchmark_by_sector(db.session.connection(), 2010)
    assert list(chosen.index) == ["banken"]
    assert chosen.loc["banken", ["benchmark_total", "benchmark_companies", "benchmark_year", "benchmark_level"]
                      ].tolist() == [72, 5, 2009, "sector"]
    other = benchmark_by_sector(db.session.connection(), 2010, source="VBDO")
    assert other.loc["banken", ["benchmark_total", "benchmark_year"]].tolist() == [10, 2010]


def test_the_benchmark_page_totals_each_source_apart(analyst_client):
    _scores("banken", {"total_score": 72, "chain_score": 5.5, "company_count": 5}, [])
    db.session.add(BenchmarkScore(source="VBDO", year=2009, level="sector", sector=factories.sector("media"),
                                  total_score=30, chain_score=1, company_count=4))
    db.session.commit()
    footer = analyst_client.get("/benchmark/?year=2009").get_data(as_text=True).split("<tfoot>")[1]
    rows = footer.split("</tfoot>")[0].split("<tr>")[1:]
    assert len(rows) == 2
    assert ">5<" in rows[0] and "Transparantiebenchmark" in rows[0] and ">4<" not in rows[0]
    assert ">4<" in rows[1] and "VBDO" in rows[1]
