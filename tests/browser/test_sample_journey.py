"""A verification sample in a real browser: the secretariat draws one (a form mistake
first: kept and pointed at), asks for evidence; the respondent opens the link from the
mail and uploads a PDF (a text file named .pdf first: refused); the secretariat sees
the file and records a check. Accessibility scans (axe-core) of the pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import parse
from imvo_survey.models import OutboxMessage, VerificationSample

from .. import factories
from ..analysis.builders import association, company, respond
from .conftest import serious_violations
from .test_register_journey import login


def test_draw_ask_upload_and_check(page, tmp_path):
    factories.make_user("secretariat", email="secretariaat@example.org")
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed")
    food = association("Vereniging A")
    factories.make_contact(food, email="a@example.org")
    respond(round, food, [{"title": "Audits cacao", "aspects": ["child_labour"]}])
    bank = company("Bank B", sector="banken")
    factories.make_contact(bank, email="b@example.org")
    respond(round, bank, [{"title": "Beleid mensenrechten", "aspects": ["human_rights"]}])
    db.session.commit()
    login(page, "secretariaat@example.org")
    page.goto("/samples/new")
    assert serious_violations(page) == []
    page.get_by_label("Uitvraag").select_option(label=round.name)
    page.get_by_label("Aantal antwoorden").fill("1")
    page.get_by_label("Percentage van de antwoorden").fill("50")
    page.get_by_label("Seed", exact=True).fill("2010")
    page.get_by_role("button", name="Nieuwe steekproef trekken").click()
    expect(page.get_by_role("alert")).to_be_visible()
    assert page.get_by_label("Seed", exact=True).input_value() == "2010"  # what was typed is kept
    page.get_by_label("Percentage van de antwoorden").fill("")
    page.get_by_role("button", name="Nieuwe steekproef trekken").click()
    # One asked, two sectors: one per sector.
    expect(page.locator("body")).to_contain_text("2 van 2 ingediende antwoorden")
    expect(page.locator("body")).to_contain_text("2010")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Iedereen die nog niet gevraagd is om bewijs vragen").click()
    expect(page.locator("body")).to_contain_text("2 verzoeken om bewijs")

    db.session.expire_all()
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.to_address == "a@example.org"))
    link = re.search(r"https?://[^/\s]+(/samples/evidence/\S+)", parse(message).get_body(("plain",)).get_content())
    page.context.clear_cookies()
    page.goto(link.group(1))
    assert page.get_by_role("heading", level=1).inner_text() == "Bewijs bij uw antwoorden"
    assert serious_violations(page) == []
    fake = tmp_path / "rapport.pdf"
    fake.write_text("geen pdf")
    page.get_by_label("Bestand (PDF, PNG, JPEG, XLSX of DOCX)").set_input_files(str(fake))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.get_by_role("alert")).to_contain_text("geen PDF")
    real = tmp_path / "beleid.pdf"
    real.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Bestand (PDF, PNG, JPEG, XLSX of DOCX)").set_input_files(str(real))
    page.get_by_role("button", name="Uploaden").click()
    expect(page.locator("body")).to_contain_text("het bestand is ontvangen")
    expect(page.locator("body")).to_contain_text("beleid.pdf")

    login(page, "secretariaat@example.org")
    page.goto("/samples/")
    sample_id = db.session.scalar(select(VerificationSample.id))  # numbered as the database does
    page.get_by_role("link", name=f"Steekproef {sample_id}").click()
    page.get_by_role("link", name="Vereniging A").click()
    expect(page.get_by_role("link", name="beleid.pdf")).to_be_visible()
    assert serious_violations(page) == []
    page.get_by_label("Uitkomst").select_option(label="deels bevestigd")
    page.get_by_label("Notitie").fill("Beleid gezien, audit ontbreekt")
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("body")).to_contain_text("Vastgelegd: deels bevestigd")
