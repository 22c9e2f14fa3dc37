"""Reference data and demo data: the codes of DOMAIN.md, Tabel 1 exactly as printed,
and idempotence (running the seed twice changes nothing)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import (
    ActivityType,
    Aspect,
    BenchmarkImport,
    BenchmarkScore,
    Branch,
    ChainInitiative,
    Country,
    Organisation,
    ProductGroup,
    ReportingChannel,
    Sector,
)
from imvo_survey.seed import seed_demo, seed_reference

from .benchmark_scores.test_import import TABEL_1_WARNINGS, english


def codes(model) -> list[str]:
    return list(db.session.scalars(select(model.code).order_by(model.position)))


def test_the_eighteen_sectors_with_aliases():
    assert codes(Sector) == [
        "banken", "transport", "energie", "ingenieurs", "verzekeraars", "media", "consumentenproducten",
        "voedsel_drank", "olie_gas", "industriele_goederen", "retail_food", "technologie", "uitzendbureaus",
        "it", "maritiem", "retail_nonfood", "handelsmaatschappijen", "overig"]
    food = db.session.scalar(select(Sector).where(Sector.code == "voedsel_drank"))
    assert (food.label_nl, food.label_en, [a.alias for a in food.aliases]) == (
        "Voedsel en drank", "Food and beverages", ["Voedsel/drank"])


def test_branches_with_their_sectors():
    assert codes(Branch) == ["chemicals_pharma", "metals", "electrical_machines", "manufactured_goods",
                             "textiles_clothing", "wholesale_retail"]
    wholesale = db.session.scalar(select(Branch).where(Branch.code == "wholesale_retail"))
    assert {s.code for s in wholesale.sectors} == {"handelsmaatschappijen", "retail_food", "retail_nonfood"}


def test_aspects_by_group():
    aspects = db.session.scalars(select(Aspect).order_by(Aspect.position)).all()
    by_group = {}
    for aspect in aspects:
        by_group.setdefault(aspect.group.code, []).append(aspect.code)
    assert by_group == {
        "human_rights": ["human_rights", "land_rights"],
        "labour": ["freedom_of_association", "forced_labour", "child_labour", "discrimination", "wages",
                   "working_hours", "health_safety"],
        "environment": ["climate", "biodiversity", "water", "pollution_waste"],
        "governance": ["anti_corruption", "consumer_interests"],
        "animal_welfare": ["animal_welfare"],
    }


@pytest.mark.parametrize("model, expected", [
    (ActivityType, ["code_of_conduct", "supplier_code", "due_diligence", "audit_monitoring", "certification",
                    "chain_initiative", "capacity_building", "complaint_mechanism", "stakeholder_dialogue",
                    "reporting", "other"]),
    (ReportingChannel, ["annual_report", "sustainability_report", "sector_report", "website", "publication",
                        "other"]),
    (ProductGroup, ["coffee", "cocoa", "soy_feed", "vegetable_oils", "tea", "tropical_timber", "natural_stone",
                    "cotton", "textiles_clothing", "footwear", "toys", "electronics", "metals_minerals",
                    "chemicals_plastics", "flowers_plants", "fish", "other"]),
    (ChainInitiative, ["idh", "fsc", "rspo", "rtrs", "mvo_nl_branch_programme", "other"]),
])
def test_taxonomies(model, expected):
    assert codes(model) == expected
    assert all(item.label_nl and item.label_en for item in db.session.scalars(select(model)))


def test_countries_with_dutch_names_and_regions():
    ivory_coast = db.session.scalar(select(Country).where(Country.code == "CI"))
    assert ivory_coast.label_nl == "Ivoorkust" and not ivory_coast.is_region
    china = db.session.scalar(select(Country).where(Country.code == "CN"))
    assert china.label_en == "China"
    assert db.session.scalar(select(func.count()).select_from(Country).where(~Country.is_region)) >= 249
    west_africa = db.session.scalar(select(Country).where(Country.code == "west_africa"))
    assert west_africa.is_region and {"CI", "GH"} <= {c.code for c in west_africa.members}
    assert codes(Country)[:4] == ["west_africa", "south_america", "south_east_asia", "east_asia"]


def test_tabel_1_exactly_as_printed():
    seed_demo()
    rows = {score.sector.code: score for score in db.session.scalars(
        select(BenchmarkScore).where(BenchmarkScore.year == 2008, BenchmarkScore.level == "sector"))}
    assert len(rows) == 18
    assert (rows["banken"].total_score, rows["banken"].chain_score) == (72, 5.5)
    assert (rows["consumentenproducten"].chain_score, rows["consumentenproducten"].company_count,
            rows["consumentenproducten"].listed_count) == (4.3, 4, 4)
    assert (rows["industriele_goederen"].company_count, rows["industriele_goederen"].listed_count) == (24, 17)
    assert rows["overig"].total_score == 0 and rows["overig"].company_count == 2
    # the sector rows add up to 139 companies and 78 listed (the printed "Gemiddeld" row says 170 and 91)
    assert sum(r.company_count for r in rows.values()) == 139
    assert sum(r.listed_count for r in rows.values()) == 78
    weighted = sum(r.total_score * r.company_count for r in rows.values()) / 139
    assert round(weighted, 1) == 32.4
    assert all(r.source == "Transparantiebenchmark" for r in rows.values())
    # ... which the benchmark import says, and keeps with the import for the benchmark page
    record = db.session.scalar(select(BenchmarkImport))
    assert (record.filename, record.row_count, record.year) == ("transparantiebenchmark_2008.csv", 18, 2008)
    assert english(record.warnings) == TABEL_1_WARNINGS
    assert all(r.import_id == record.id for r in rows.values())
    seed_demo()  # a second seed leaves the import and its scores as they are
    assert db.session.scalar(select(func.count()).select_from(BenchmarkImport)) == 1
    assert db.session.scalar(select(func.count()).select_from(BenchmarkScore)) == 18


def test_demo_register():
    seed_demo()
    names = set(db.session.scalars(select(Organisation.name)))
    for expected in ("Federatie Nederlandse Levensmiddelen Industrie (FNLI)", "Productschap Vis",
                     "Hoofdbedrijfschap Detailhandel", "VNO-NCW", "MKB-Nederland", "Koninklijke DSM N.V."):
        assert expected in names
    organisations = db.session.scalars(select(Organisation)).all()
    assert all(o.is_demo for o in organisations)
    assert all(o.contacts and all(c.email.endswith("@example.org") for c in o.contacts) for o in organisations)
    branches = {o.branch.code for o in organisations if o.branch and o.kind == "company"}
    assert branches >= {"chemicals_pharma", "metals", "electrical_machines", "manufactured_goods",
                        "textiles_clothing", "wholesale_retail"}
    koffie = next(o for o in organisations if o.name == "Demo Koffiebranderij B.V.")
    assert [a.name for a in koffie.associations] == ["Federatie Nederlandse Levensmiddelen Industrie (FNLI)"]


def _snapshot() -> dict:
    """Every row of every table, so that 'nothing changed' can be compared."""
    snapshot = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table)).all()
        snapshot[table.name] = sorted(map(tuple, rows), key=repr)
    return snapshot


def test_seed_twice_changes_nothing():
    seed_reference()
    seed_demo()
    db.session.commit()
    before = _snapshot()
    report = seed_reference()
    seed_demo(report)
    db.session.commit()
    assert not report.changed
    assert _snapshot() == before


def test_seed_on_empty_reference_tables(reseed_reference_after):
    from .conftest import REFERENCE_TABLES

    for table in reversed(db.metadata.sorted_tables):
        if table.name in REFERENCE_TABLES - {"alembic_version"}:
            db.session.execute(table.delete())
    db.session.commit()
    report = seed_reference()
    db.session.commit()
    assert report.created["sector"] == 18 and report.created["aspect"] == 16


def test_seed_repairs_a_changed_label(reseed_reference_after):
    sector = db.session.scalar(select(Sector).where(Sector.code == "banken"))
    sector.label_nl = "Bankwezen"
    db.session.commit()
    report = seed_reference()
    db.session.commit()
    assert report.updated == {"sector": 1}
    assert sector.label_nl == "Banken"
