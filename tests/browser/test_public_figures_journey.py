"""The secretariat publishes a round's public figures from the round's page in a real
browser; a visitor without an account reads them (small cells suppressed, the rule
stated, no organisation named) until the secretariat withdraws them; axe-core scans
the public page."""

from __future__ import annotations

from playwright.sync_api import expect

from imvo_survey.extensions import db

from .. import factories
from ..analysis.builders import company, respond
from .conftest import serious_violations
from .test_register_journey import login


def test_the_secretariat_publishes_and_a_visitor_reads(page, browser, live_server):
    factories.make_user("secretariat", email="secretariaat@example.org")
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed", name="Inventarisatie IMVO 2010")
    for number in range(4):
        respond(round, company(f"Cacaobedrijf {number}"), [{"aspects": ["child_labour"]}] if number < 3 else [])
    respond(round, company("Eenzame Bank", sector="banken"), [{"aspects": ["child_labour"]}])
    db.session.commit()
    visitor = browser.new_context(base_url=live_server).new_page()
    assert visitor.goto("/openbaar/cijfers/imvo-2010").status == 404

    login(page, "secretariaat@example.org")
    page.goto("/rounds/imvo-2010")
    page.get_by_role("button", name="Openbare cijfers publiceren").click()
    expect(page.get_by_role("region", name="Openbare cijfers")).to_contain_text("zijn gepubliceerd")

    assert visitor.goto("/openbaar/cijfers/imvo-2010").status == 200
    assert "minder dan 3 organisaties" in visitor.locator("#suppression-rule").inner_text()
    banks = visitor.get_by_role("row", name="Banken").inner_text()
    assert "1" not in banks and "*" in banks  # one bank: suppressed whole
    assert "Cacaobedrijf" not in visitor.content() and "Eenzame Bank" not in visitor.content()
    assert serious_violations(visitor) == []

    page.get_by_role("button", name="Openbare cijfers intrekken").click()
    assert visitor.goto("/openbaar/cijfers/imvo-2010").status == 404
    visitor.context.close()
