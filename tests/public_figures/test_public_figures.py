"""The public figures over HTTP: a page and a CSV without login once the secretariat has
published a round's figures (a 404 before and after), the switch on the round's page
(the secretariat's alone), the suppression as shown, and no organisation named."""

from __future__ import annotations

import csv
import html
import io

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import FiguresPublication, RoundEvent

from .. import factories
from ..analysis.builders import company, respond

SLUG = "imvo-2010"
#: Typed by outsiders: an organisation's name that a spreadsheet would run as a formula.
FORMULA_NAME = '=HYPERLINK("http://evil","klik")'


@pytest.fixture
def figures_round():
    """Food: five companies, four with a child-labour activity, one on water (primary).
    Banks: two companies (a row under the threshold), one on child labour. Energy: four
    companies, three on child labour (the complement of the banks' row)."""
    round = factories.make_round(slug=SLUG, year=2010, name="Inventarisatie IMVO 2010")
    for number in range(5):
        aspects = [{"aspects": ["child_labour"]}] if number < 4 else []
        if number == 0:
            aspects.append({"aspects": ["water"]})
        respond(round, company(f"Voedselbedrijf {number}" if number else FORMULA_NAME), aspects)
    for number in range(2):
        respond(round, company(f"Bank {number}", sector="banken"), [{"aspects": ["child_labour"]}] if number else [])
    for number in range(4):
        respond(round, company(f"Energiebedrijf {number}", sector="energie"),
                [{"aspects": ["child_labour"]}] if number < 3 else [])
    db.session.commit()
    return round


def publish(client):
    return client.post(f"/openbaar/cijfers/{SLUG}/publish", follow_redirects=True)


def test_unpublished_figures_are_not_found(client, figures_round):
    assert client.get(f"/openbaar/cijfers/{SLUG}").status_code == 404
    assert client.get(f"/openbaar/cijfers/{SLUG}/cijfers.csv").status_code == 404
    assert client.get("/openbaar/cijfers/no-such-round").status_code == 404


def test_the_secretariat_publishes_and_anyone_reads(app, secretariat_client, figures_round):
    page = publish(secretariat_client)
    assert page.status_code == 200
    assert f"/openbaar/cijfers/{SLUG}/withdraw" in page.get_data(as_text=True)
    published = db.session.get(FiguresPublication, figures_round.id)
    assert published is not None and published.published_by.role == "secretariat"
    kinds = db.session.scalars(select(RoundEvent.kind).where(RoundEvent.round_id == figures_round.id)).all()
    assert "figures_published" in kinds
    anonymous = app.test_client()
    assert anonymous.get(f"/openbaar/cijfers/{SLUG}").status_code == 200
    assert anonymous.get(f"/openbaar/cijfers/{SLUG}/cijfers.csv").status_code == 200
    assert SLUG in anonymous.get("/openbaar/cijfers/").get_data(as_text=True)


def test_withdrawn_figures_are_not_found_again(app, secretariat_client, figures_round):
    publish(secretariat_client)
    secretariat_client.post(f"/openbaar/cijfers/{SLUG}/withdraw")
    assert db.session.get(FiguresPublication, figures_round.id) is None
    anonymous = app.test_client()
    assert anonymous.get(f"/openbaar/cijfers/{SLUG}").status_code == 404
    assert anonymous.get(f"/openbaar/cijfers/{SLUG}/cijfers.csv").status_code == 404


def test_publishing_twice_changes_nothing(secretariat_client, figures_round):
    publish(secretariat_client)
    publish(secretariat_client)
    events = db.session.scalars(select(RoundEvent).where(RoundEvent.round_id == figures_round.id,
                                                         RoundEvent.kind == "figures_published")).all()
    assert len(events) == 1


@pytest.mark.parametrize("who", ["analyst_client", "respondent_client", "client"])
def test_only_the_secretariat_can_switch(request, who, figures_round):
    client = request.getfixturevalue(who)
    for action in ("publish", "withdraw"):
        response = client.post(f"/openbaar/cijfers/{SLUG}/{action}")
        assert response.status_code in (302, 403)
        if response.status_code == 302:  # no login: sent to the login page
            assert "/auth/login" in response.headers["Location"]
    assert db.session.get(FiguresPublication, figures_round.id) is None


def test_the_round_page_shows_the_switch_to_the_secretariat_only(secretariat_client, analyst_client, figures_round):
    assert f"/openbaar/cijfers/{SLUG}/publish" in secretariat_client.get(f"/rounds/{SLUG}").get_data(as_text=True)
    assert f"/openbaar/cijfers/{SLUG}/publish" not in analyst_client.get(f"/rounds/{SLUG}").get_data(as_text=True)


def _page_and_csv(app, secretariat_client):
    publish(secretariat_client)
    anonymous = app.test_client()
    page = anonymous.get(f"/openbaar/cijfers/{SLUG}").get_data(as_text=True)
    data = anonymous.get(f"/openbaar/cijfers/{SLUG}/cijfers.csv").data
    return page, data


def test_the_csv_has_the_suppressed_figures_and_the_rule(app, secretariat_client, figures_round):
    _page, data = _page_and_csv(app, secretariat_client)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    header, by_sector = rows[0], {row[0]: row[1:] for row in rows[1:] if row}
    child, water = header.index("Afschaffen van kinderarbeid (%)") - 1, header.index("Water (%)") - 1
    assert set(by_sector["Banken"]) == {"*"}  # two respondents
    assert set(by_sector["Energie"]) == {"*"}  # the complement: else the total gives the banks back
    assert by_sector["Voedsel en drank"][0] == "5" and by_sector["Voedsel en drank"][child] == "80"
    assert by_sector["Voedsel en drank"][water] == "*"  # one company
    assert by_sector["Totaal"][0] == "11" and by_sector["Totaal"][child] == "73"  # 8 of 11
    assert any("minder dan 3 organisaties" in row[0] for row in rows if row)


def test_no_organisation_is_named(app, secretariat_client, figures_round):
    page, data = _page_and_csv(app, secretariat_client)
    text = data.decode("utf-8-sig")
    for name in ("Voedselbedrijf", "Bank 1", "Energiebedrijf", "HYPERLINK"):
        assert name not in page and name not in text


def test_the_page_states_the_rule_and_marks_suppressed_cells(app, secretariat_client, figures_round):
    page, _data = _page_and_csv(app, secretariat_client)
    assert "minder dan 3 organisaties" in page
    assert page.count("<abbr") >= 10


def test_the_threshold_is_a_setting(app, monkeypatch, secretariat_client, figures_round):
    monkeypatch.setitem(app.config, "PUBLIC_FIGURES_MINIMUM", 2)
    _page, data = _page_and_csv(app, secretariat_client)
    text = data.decode("utf-8-sig")
    assert "Banken;2;" in text and "minder dan 2 organisaties" in text


@pytest.fixture
def formula_label():
    """The banks' Dutch label as a formula, put back afterwards."""
    banks = factories.sector("banken")
    label, banks.label_nl = banks.label_nl, "=1+1"
    db.session.commit()
    yield
    db.session.rollback()
    factories.sector("banken").label_nl = label
    db.session.commit()


def test_the_csv_neutralises_formulas(app, secretariat_client, figures_round, formula_label):
    """Labels come from reference lists, but the CSV treats every text as the other
    exports do: a label a spreadsheet would run is written as text."""
    _page, data = _page_and_csv(app, secretariat_client)
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert "'=1+1" in [row[0] for row in rows if row]
    assert not any(cell.startswith("=") for row in rows for cell in row)


#: Markup an outsider might try to have a page run, and what must never reach it as markup.
XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "</abbr><svg onload=alert(1)>", "{{ 7*7 }}"]


@pytest.mark.parametrize("payload", XSS)
def test_names_are_never_markup_on_the_public_pages(app, secretariat_client, figures_round, payload):
    """The round's name (typed by the secretariat) and a sector's label are escaped on
    the list and the round's page."""
    figures_round.name = f"Ronde {payload}"
    factories.sector("voedsel_drank").label_nl, label = payload, factories.sector("voedsel_drank").label_nl
    db.session.commit()
    try:
        page, _data = _page_and_csv(app, secretariat_client)
        listing = app.test_client().get("/openbaar/cijfers/").get_data(as_text=True)
        for text in (page, listing):
            assert "<script>alert" not in text and "<img" not in text and "<svg" not in text
            assert html.escape(f"Ronde {payload}", quote=False) in text.replace("&#34;", '"').replace("&#39;", "'")
        assert html.escape(payload, quote=False) in page.replace("&#34;", '"')  # the sector's row, as text
    finally:
        db.session.rollback()
        factories.sector("voedsel_drank").label_nl = label
        db.session.commit()
