"""An analyst reads the coverage matrix in a real browser: filters, the measure switch,
a drill-down, and accessibility scans (axe-core) of both pages."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from imvo_survey.extensions import db

from .. import factories
from ..analysis.builders import association, company, respond
from .conftest import serious_violations
from .test_register_journey import login


def test_the_analyst_reads_the_matrix_and_a_cell(page):
    factories.make_user("analyst", email="analist@example.org")
    round = factories.make_round(slug="imvo-2010", year=2010, status="closed")
    respond(round, association("Vereniging A", members=100),
            [{"title": "Convenant kinderarbeid", "aspects": ["child_labour"], "share": 40}])
    respond(round, company("Bedrijf C"), [{"title": "Audit klimaat", "aspects": ["climate"]}])
    db.session.commit()
    login(page, "analist@example.org")
    page.get_by_role("link", name="Matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Dekkingsmatrix"))
    assert serious_violations(page) == []
    page.get_by_label("Tonen").select_option("members")
    page.get_by_role("button", name="Tonen").click()
    expect(page).to_have_url(re.compile(r"measure=members"))  # the view has an address to share
    food = page.get_by_role("row", name="Voedsel en drank")
    expect(food).to_contain_text("40\u00a0%")  # a number and its unit never split over two lines
    food.get_by_role("link", name="40 %").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Voedsel en drank"))
    expect(page.get_by_role("cell", name="Convenant kinderarbeid")).to_be_visible()
    assert serious_violations(page) == []
