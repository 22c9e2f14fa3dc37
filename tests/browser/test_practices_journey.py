"""Good practices in a real browser: the secretariat publishes an activity from a
response's page, a visitor without login finds it by filter and search, the respondent
withdraws the consent after submitting, and the practice is gone at the next visit;
accessibility scans (axe-core) of the public page and the consent page."""

from __future__ import annotations

from playwright.sync_api import expect

from imvo_survey.extensions import db

from .. import factories
from ..practices.world import build, name_consent
from .conftest import serious_violations
from .test_register_journey import login

TEXT = "Brancheleden delen hun auditresultaten en verbeteren samen."


def test_publish_find_and_withdraw(page, browser, live_server):
    world = build()
    organisation = world["coffee"].organisation
    factories.make_user("secretariat", email="secretariaat@example.org")
    factories.make_user("respondent", email="koffie@example.org", organisation=organisation)
    db.session.commit()

    login(page, "secretariaat@example.org")
    page.goto(f"/review/responses/{world['coffee'].id}")
    page.get_by_role("row", name="Cacao zonder kinderarbeid").get_by_role("link", name="Publiceren of bewerken").click()
    page.get_by_label("Openbare tekst").fill("")
    page.get_by_role("button", name="Publiceren als goed voorbeeld").click()
    expect(page.get_by_role("alert")).to_be_visible()  # the empty text is pointed at
    page.get_by_label("Openbare tekst").fill(TEXT)
    page.get_by_role("button", name="Publiceren als goed voorbeeld").click()
    expect(page.locator("body")).to_contain_text("De activiteit is gepubliceerd als goed voorbeeld.")

    visitor = browser.new_context(base_url=live_server).new_page()
    visitor.goto("/openbaar/praktijken")
    assert serious_violations(visitor) == []
    visitor.get_by_label("Sector").select_option(label="Voedsel en drank")
    visitor.get_by_label("Zoeken").fill("auditresultaten")
    visitor.get_by_role("button", name="Tonen").click()
    practices = visitor.locator("[data-practice]")
    assert practices.count() == 1
    assert TEXT in practices.inner_text() and "Koffie Vereniging" in practices.inner_text()

    respondent = browser.new_context(base_url=live_server).new_page()
    login(respondent, "koffie@example.org")
    respondent.goto(f"/respond/{world['coffee'].invitation_id}")
    with respondent.expect_navigation():  # axe must not run while the next page loads
        respondent.get_by_role("link", name="Toestemming voor publicatie").click()
    assert serious_violations(respondent) == []
    respondent.get_by_label("Cacao zonder kinderarbeid").uncheck()
    respondent.get_by_role("button", name="Toestemming opslaan").click()
    expect(respondent.locator("body")).to_contain_text("Uw toestemming is opgeslagen.")

    visitor.reload()
    assert visitor.locator("[data-practice]").count() == 0
    visitor.context.close()
    respondent.context.close()


def test_the_name_leaves_the_page_when_its_consent_is_withdrawn(page):
    world = build()
    page.goto("/openbaar/praktijken")
    assert "Koffie Vereniging" in page.locator("main").inner_text()
    name_consent(world["coffee"], False)
    db.session.commit()
    page.reload()
    assert "Koffie Vereniging" not in page.locator("main").inner_text()
