"""The secretariat's journey through the register in a real browser, with an
accessibility scan (axe-core) of the pages it passes."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, Organisation

from .. import factories
from .conftest import serious_violations


def login(page, email: str, password: str = factories.PASSWORD) -> None:
    page.goto("/auth/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord", exact=True).fill(password)
    page.get_by_role("button", name="Inloggen").click()
    # The next step may be a goto: it must not cut off the answer that sets the session cookie.
    page.wait_for_url(lambda url: "/auth/login" not in url)


def test_login_page_is_accessible(page):
    page.goto("/auth/login")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Inloggen").click()  # empty: the error summary appears
    summary = page.locator("[data-error-summary]")
    expect(summary).to_be_visible()
    # The script moves the focus once the page has loaded: wait for it (an expect retries;
    # reading the focus at once races the script on a busy machine).
    expect(summary).to_be_focused()
    assert serious_violations(page) == []


def test_skip_link_is_the_first_stop(page):
    page.goto("/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Naar de hoofdinhoud"


def test_secretariat_adds_an_organisation_and_a_contact(page, secretariat):
    login(page, secretariat.email)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welkom")

    with page.expect_navigation():  # axe must not run while the next page loads
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Organisaties").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Organisatie toevoegen").click()

    page.get_by_label("Naam", exact=True).fill("Browser Vereniging")
    page.get_by_label("Soort", exact=True).select_option("branch_association")
    page.get_by_label("KvK-nummer").fill("123")
    page.get_by_label("Aantal aangesloten bedrijven").fill("40")
    page.get_by_role("button", name="Opslaan").click()

    # The error summary names the problem, links to the field, and what was typed is kept.
    summary = page.locator("[data-error-summary]")
    assert "precies 8 cijfers" in summary.inner_text()
    assert page.get_by_label("Naam", exact=True).input_value() == "Browser Vereniging"
    assert page.get_by_label("Aantal aangesloten bedrijven").input_value() == "40"
    assert serious_violations(page) == []
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "kvk_number"

    page.get_by_label("KvK-nummer").fill("12345678")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Browser Vereniging"))
    expect(page.locator(".flashes")).to_contain_text("is toegevoegd")

    page.get_by_role("link", name="Contactpersoon toevoegen").click()
    page.get_by_label("Naam", exact=True).fill("Bea Browser")
    page.get_by_label("E-mailadres").fill("Bea@Example.org")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("table")).to_contain_text("bea@example.org")
    assert serious_violations(page) == []

    organisation = db.session.scalar(select(Organisation).where(Organisation.kvk_number == "12345678"))
    assert organisation.name == "Browser Vereniging" and organisation.member_count == 40
    contact = db.session.scalar(select(Contact).where(Contact.organisation_id == organisation.id))
    assert contact.email == "bea@example.org" and contact.is_primary


def test_language_switch_keeps_the_page(page, secretariat):
    login(page, secretariat.email)
    page.goto("/organisations/")
    page.get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(r"/organisations/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert serious_violations(page) == []


def test_logout_in_the_browser(page, secretariat):
    login(page, secretariat.email)
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.locator(".flashes")).to_contain_text("U bent uitgelogd.")
    page.goto("/organisations/")
    assert "/auth/login" in page.url


def test_the_accessibility_scan_can_fail(page):
    """Guards the scans above: a page with an unlabeled field is reported."""
    page.set_content('<html lang="nl"><body><main><h1>Test</h1><form><input type="text"></form>'
                     '<img src="x.png"></main></body></html>')
    violations = serious_violations(page)
    assert any(v.startswith("label") for v in violations)
    assert any(v.startswith("image-alt") for v in violations)


def test_questionnaire_preview_is_accessible_and_conditions_work(page, secretariat):
    from imvo_survey.seed import seed_questionnaires

    seed_questionnaires()
    db.session.commit()
    login(page, secretariat.email)
    page.goto("/questionnaires/imvo-associations/v1/preview/complaint_mechanism?lang=nl")
    follow_up = page.locator("#q-complaint_mechanism_type")
    assert follow_up.is_hidden()  # shown only when a mechanism exists
    page.get_by_label("Ja", exact=True).check()
    expect(follow_up).to_be_visible()
    page.get_by_label("Nee", exact=True).check()
    expect(follow_up).to_be_hidden()
    assert serious_violations(page) == []
    page.goto("/questionnaires/imvo-associations/v1/preview/activities?lang=en")
    assert serious_violations(page) == []
    page.goto("/questionnaires/imvo-associations/v1")
    assert serious_violations(page) == []
