"""The risk analysis's loaders (analysis/risk_frames.py) on the database, and
`build_matrix` computing with what they read (the example of conftest.py)."""

from __future__ import annotations

import pytest

from imvo_survey.analysis import Filters, build_matrix
from imvo_survey.analysis.risk_frames import load_risk_frames
from imvo_survey.extensions import db
from imvo_survey.models import Aspect, Country, ImportShare, ManualRelevance, ProductGroup, Sector

from .. import factories
from ..analysis.builders import company, respond
from .conftest import add_risk, by_code

FOOD = "voedsel_drank"


def cell(matrix, row, column, name):
    return matrix.cells.loc[(row, column), name]


def test_without_risk_entries_nothing_else_is_read_and_every_aspect_is_relevant(chain_round):
    frames = load_risk_frames(db.session.connection(), chain_round.id)
    assert not frames.assessed and frames.round_chains.empty
    matrix = build_matrix(db.session.connection(), Filters(round=chain_round.id), threshold=50)
    assert cell(matrix, FOOD, "climate", "lagging") and cell(matrix, FOOD, "climate", "relevance") == 1.0
    assert matrix.relevance is None


def test_the_loaders_read_entries_regions_chains_shares_and_manual(risks):
    user = factories.make_user("secretariat", name="Sanne Secretariaat")
    db.session.add(ImportShare(sector=factories.sector("retail_food"), product_group=by_code(ProductGroup, "cocoa"),
                               country=by_code(Country, "GH"),
                               share=12.5, source="CBS 2009"))
    db.session.add(ManualRelevance(sector=factories.sector("energie"), aspect=by_code(Aspect, "water"), value=0.6,
                                   reason="Waterschaarste bij leveranciers", set_by=user))
    db.session.commit()
    frames = load_risk_frames(db.session.connection(), risks.id)
    assert frames.assessed
    assert sorted(map(tuple, frames.risks.to_numpy().tolist())) == [
        ("ID", "vegetable_oils", "biodiversity", "high"), ("west_africa", "cocoa", "child_labour", "high"),
        ("west_africa", "cocoa", "wages", "high")]
    west_africa = set(frames.regions[frames.regions["region"] == "west_africa"]["country"])
    assert {"GH", "CI", "NG"} <= west_africa
    chains = frames.round_chains
    food = chains[chains["sector"] == FOOD]
    # A names cocoa/GH once (one activity), cocoa/CI, palm oil/ID; B cocoa/GH: four rows.
    assert sorted(zip(food["product_group"], food["country"], strict=True)) == [
        ("cocoa", "CI"), ("cocoa", "GH"), ("cocoa", "GH"), ("vegetable_oils", "ID")]
    assert frames.shares.to_dict("records") == [{"subject": "sector", "code": "retail_food",
                                                 "product_group": "cocoa", "country": "GH", "share": 12.5}]
    manual = frames.manual.iloc[0]
    assert (manual["subject"], manual["code"], manual["aspect"], manual["value"], manual["set_by"]) == (
        "sector", "energie", "water", 0.6, "Sanne Secretariaat")
    assert manual["set_at"] is not None
    assert frames.aspect_groups["wages"] == "labour"


def test_a_chain_named_twice_by_one_organisation_counts_once(risks):
    respond(risks, company("F", sector="retail_food"), [
        {"aspects": ["wages"], "countries": ["GH"], "products": ["cocoa"]},
        {"aspects": ["child_labour"], "countries": ["GH"], "products": ["cocoa"]}])
    db.session.commit()
    chains = load_risk_frames(db.session.connection(), risks.id).round_chains
    assert len(chains[chains["sector"] == "retail_food"]) == 1


def test_only_the_rounds_counted_responses_make_the_profile(risks):
    other = factories.make_round(slug="imvo-2011", year=2011)
    respond(other, company("G", sector="retail_food"), [{"aspects": ["wages"], "countries": ["GH"],
                                                        "products": ["cocoa"]}])
    respond(risks, company("H", sector="retail_food"), [{"aspects": ["wages"], "countries": ["GH"],
                                                        "products": ["cocoa"]}], status="in_progress")
    db.session.commit()
    chains = load_risk_frames(db.session.connection(), risks.id).round_chains
    assert "retail_food" not in set(chains["sector"])


def test_lagging_and_gap_follow_the_risk_analysis(risks):
    matrix = build_matrix(db.session.connection(), Filters(round=risks.id), threshold=50)
    assert cell(matrix, FOOD, "child_labour", "relevance") == pytest.approx(0.75)
    assert cell(matrix, FOOD, "wages", "lagging") and cell(matrix, FOOD, "wages", "gap") == pytest.approx(0.5)
    assert cell(matrix, FOOD, "biodiversity", "lagging")
    assert cell(matrix, FOOD, "biodiversity", "gap") == pytest.approx(0.25)
    assert not cell(matrix, FOOD, "climate", "lagging") and not cell(matrix, FOOD, "climate", "relevant")
    assert not cell(matrix, FOOD, "child_labour", "lagging")  # 67 %
    assert not matrix.rows.loc["energie", "lagging"]  # no chains: nothing relevant there
    by_gap = build_matrix(db.session.connection(), Filters(round=risks.id), threshold=50, sort="gap")
    assert by_gap.row_order()[0] == FOOD


def test_imported_shares_win_for_their_sector(risks):
    palm_oil, indonesia = by_code(ProductGroup, "vegetable_oils"), by_code(Country, "ID")
    db.session.add(ImportShare(sector=by_code(Sector, FOOD), product_group=palm_oil, country=indonesia, share=80))
    db.session.commit()
    matrix = build_matrix(db.session.connection(), Filters(round=risks.id), threshold=50)
    assert cell(matrix, FOOD, "biodiversity", "relevance") == pytest.approx(1.0)  # all of its imports
    assert cell(matrix, FOOD, "wages", "relevance") == 0.0 and not cell(matrix, FOOD, "wages", "lagging")


def test_relevance_set_by_hand_wins_in_the_matrix(risks):
    db.session.add(ManualRelevance(sector=by_code(Sector, "energie"), aspect=by_code(Aspect, "climate"), value=0.9,
                                   reason="Energie-intensief"))
    add_risk("GH", "cocoa", "wages", "low")  # the country's own entry wins over West Africa's
    db.session.commit()
    matrix = build_matrix(db.session.connection(), Filters(round=risks.id), threshold=50, sort="gap")
    assert cell(matrix, "energie", "climate", "lagging") and cell(matrix, "energie", "climate", "gap") == 0.9
    assert matrix.row_order()[0] == "energie"
    assert cell(matrix, FOOD, "wages", "relevance") == pytest.approx(0.5 * 1 / 3 + 0.25)
