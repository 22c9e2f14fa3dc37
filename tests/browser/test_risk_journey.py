"""The secretariat follows a matrix row to its sector's risk page in a real browser, sets
a relevance by hand (a wrong value first: kept and pointed at), and sees the matrix
follow it; accessibility scans (axe-core) of the risk page."""

from __future__ import annotations

from playwright.sync_api import expect

from imvo_survey.extensions import db

from .. import factories
from ..analysis.builders import association, respond
from ..risk.conftest import add_risk
from .conftest import serious_violations
from .test_register_journey import login


def test_the_secretariat_sets_a_relevance_by_hand_from_the_matrix(page):
    factories.make_user("secretariat", email="secretariaat@example.org")
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed")
    respond(round, association("Vereniging A", members=100),
            [{"title": "Audits cacao", "aspects": ["child_labour"], "share": 40, "countries": ["GH"],
              "products": ["cocoa"]}])
    add_risk("west_africa", "cocoa", "child_labour")
    db.session.commit()
    login(page, "secretariaat@example.org")
    page.goto("/matrix/imvo-2010")
    food = page.get_by_role("row", name="Voedsel en drank")
    assert "niet relevant" in food.inner_text()  # climate, say: no chain at risk
    food.get_by_role("link", name="risico's Voedsel en drank").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Risicoanalyse: Voedsel en drank")
    assert "Cacao uit Ghana, 100 % van de import, hoog" in page.content()
    assert serious_violations(page) == []
    page.get_by_label("IMVO-aspect").select_option(label="Klimaat en broeikasgassen")
    page.get_by_label("Relevantie (0-1)").fill("2")
    page.get_by_label("Reden").fill("Energie-intensieve verwerking")
    page.get_by_role("button", name="Relevantie zetten").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Relevantie (0-1)").input_value() == "2"  # what was typed is kept
    assert page.get_by_label("Reden").input_value() == "Energie-intensieve verwerking"
    page.get_by_label("Relevantie (0-1)").fill("0,9")
    page.get_by_role("button", name="Relevantie zetten").click()
    climate = page.get_by_role("row", name="Klimaat en broeikasgassen")
    assert "Met de hand gezet door" in climate.inner_text() and "0,90" in climate.inner_text()
    assert serious_violations(page) == []
    page.goto("/matrix/imvo-2010")
    assert "niet relevant" in page.get_by_role("row", name="Voedsel en drank").inner_text()  # other aspects
