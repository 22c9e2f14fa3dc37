"""Benchmark scores: read by staff, kept by the secretariat, with form checks that
mirror the database constraints, and totals computed from the rows."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore
from imvo_survey.seed import seed_demo

from . import factories


def test_the_2008_table_with_totals_from_the_rows(analyst_client):
    seed_demo()
    db.session.commit()
    page = analyst_client.get("/benchmark/").get_data(as_text=True)
    assert "Consumentenproducten" in page and "5,5" in page  # Dutch notation
    # the rows add up to 139 companies, 78 listed, means 32,4 and 1,90 (not the printed 170/91/30/1,7)
    total_row = page.split("<tfoot>")[1]
    for figure in ("139", "78", "32,4", "1,90"):
        assert figure in total_row
    assert "Score toevoegen" not in page  # analysts read only


def test_add_a_score_with_a_decimal_comma(secretariat_client):
    response = secretariat_client.post("/benchmark/new", data={
        "source": "Transparantiebenchmark", "year": "2009", "level": "sector",
        "sector_id": str(factories.sector("banken").id), "total_score": "74", "chain_score": "6,5",
        "company_count": "5", "listed_count": "4"})
    assert response.status_code == 302
    score = db.session.scalar(select(BenchmarkScore).where(BenchmarkScore.year == 2009))
    assert (score.total_score, score.chain_score) == (74, 6.5)


@pytest.mark.parametrize("values, message", [
    ({"total_score": "101"}, "tussen 0 en 100"),
    ({"chain_score": "10,5"}, "tussen 0 en 10"),
    ({"chain_score": "vijf"}, "Vul een getal in"),
    ({"company_count": "3", "listed_count": "4"}, "niet meer beursgenoteerde bedrijven"),
    ({"year": "1980"}, "tussen 1990 en 2100"),
    ({"sector_id": ""}, "Kies de sector of organisatie"),
])
def test_form_checks(secretariat_client, values, message):
    data = {"source": "Transparantiebenchmark", "year": "2009", "level": "sector",
            "sector_id": str(factories.sector("banken").id), "total_score": "50", "chain_score": "5"}
    data.update(values)
    page = secretariat_client.post("/benchmark/new", data=data).get_data(as_text=True)
    assert message in page
    for value in values.values():
        if value:
            assert f'value="{value}"' in page  # what was typed is kept
    assert db.session.scalar(select(BenchmarkScore)) is None


def test_one_score_per_source_year_and_sector(secretariat_client):
    data = {"source": "Transparantiebenchmark", "year": "2009", "level": "sector",
            "sector_id": str(factories.sector("banken").id), "total_score": "50"}
    secretariat_client.post("/benchmark/new", data=data)
    page = secretariat_client.post("/benchmark/new", data=data).get_data(as_text=True)
    assert "Er is al een score" in page


def test_organisation_level_score_edit_and_delete(secretariat_client):
    company = factories.make_organisation(name="Scorend Bedrijf", kind="company", size="large")
    db.session.commit()
    secretariat_client.post("/benchmark/new", data={
        "source": "Transparantiebenchmark", "year": "2010", "level": "organisation",
        "organisation_id": str(company.id), "total_score": "80", "chain_score": "9"})
    score = db.session.scalar(select(BenchmarkScore))
    assert score.organisation_id == company.id and score.sector_id is None
    secretariat_client.post(f"/benchmark/{score.id}/edit", data={
        "source": "Transparantiebenchmark", "year": "2010", "level": "organisation",
        "organisation_id": str(company.id), "total_score": "82", "chain_score": "9,5"})
    db.session.expire_all()
    assert db.session.get(BenchmarkScore, score.id).chain_score == 9.5
    assert "Scorend Bedrijf" in secretariat_client.get("/benchmark/?year=2010").get_data(as_text=True)
    secretariat_client.post(f"/benchmark/{score.id}/delete")
    assert db.session.scalar(select(BenchmarkScore)) is None


def test_analyst_cannot_change_scores(analyst_client):
    assert analyst_client.get("/benchmark/new").status_code == 403
    assert analyst_client.post("/benchmark/new", data={"year": "2009"}).status_code == 403


def test_no_scores_yet(secretariat_client):
    assert "Er zijn nog geen scores" in secretariat_client.get("/benchmark/").get_data(as_text=True)
