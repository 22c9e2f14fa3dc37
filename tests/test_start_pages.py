"""The start page tells each role what to do next: visitors, respondents (their own
organisation and invitations only), analysts and the secretariat."""

from __future__ import annotations

import pytest

from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore

from . import factories


def main_content(client) -> str:
    """The start page in English, without the header and navigation around it."""
    client.get("/language/en")
    response = client.get("/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return page[page.index("<main"):page.index("</main>")]


def test_visitors_are_told_how_to_get_in(client):
    page = main_content(client)
    assert "Did you receive an invitation by e-mail? Follow the link in it." in page
    for link in ('href="/auth/login"', 'href="/auth/reset"', 'href="/register"'):
        assert link in page, link
    assert "What to do next" not in page and "/organisations/" not in page


@pytest.fixture
def invitations(respondent):
    """The respondent's organisation invited to one open round; another organisation
    invited to a round of its own; the respondent's organisation only targeted (not yet
    invited) in a third."""
    own = factories.make_invitation(factories.make_round(name="Uitvraag Eigen"), respondent.organisation,
                                    status="invited")
    other_organisation = factories.make_organisation(name="Andere Vereniging")
    other = factories.make_invitation(factories.make_round(name="Uitvraag Ander"), other_organisation,
                                      status="in_progress")
    factories.make_invitation(factories.make_round(name="Uitvraag Nog Niet"), respondent.organisation)
    db.session.commit()
    return own, other


def test_respondents_see_their_own_organisation_and_invitations(respondent_client, respondent, invitations):
    own, other = invitations
    page = main_content(respondent_client)
    assert "You answer on behalf of Eigen Brancheorganisatie." in page
    assert f'href="/organisations/{respondent.organisation_id}"' in page
    assert f'href="/respond/{own.id}"' in page and "Uitvraag Eigen" in page and "Invited" in page
    # Not another organisation's invitation, nor an invitation that has not been sent yet.
    assert f'href="/respond/{other.id}"' not in page
    for hidden in ("Uitvraag Ander", "Andere Vereniging", "Uitvraag Nog Niet", "Manage accounts"):
        assert hidden not in page, hidden


def test_a_respondent_without_invitations_is_told_one_will_come(respondent_client):
    page = main_content(respondent_client)
    assert "When a questionnaire is open for your organisation, you receive an invitation by e-mail." in page
    assert "/respond/" not in page


def test_analysts_are_sent_to_read_the_register(analyst_client):
    factories.make_organisation()
    db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector(), total_score=30))
    db.session.commit()
    page = main_content(analyst_client)
    assert "You are logged in as an analyst." in page
    assert "Read the register: 1 active organisation<" in page
    assert "Transparantiebenchmark scores are available for: 2008." in page
    # Reading only: no import, no new organisation, no accounts.
    for link in ("/organisations/import", "/organisations/new", "/users/"):
        assert link not in page, link


def test_an_empty_register_asks_the_secretariat_to_import_or_add(secretariat_client):
    page = main_content(secretariat_client)
    assert "Import the organisations you want to invite" in page
    assert 'href="/organisations/new"' in page
    assert "Manage accounts (1 active)" in page and 'href="/users/"' in page
    assert "no year yet" in page


def test_the_secretariat_sees_organisations_without_a_contact(secretariat_client):
    factories.make_contact(factories.make_organisation())
    factories.make_organisation()
    factories.make_organisation(is_active=False)
    db.session.commit()
    page = main_content(secretariat_client)
    assert "Check the register: 2 active organisations" in page
    assert "1 active organisation has no contact yet, so it cannot be invited." in page
    assert "Import the organisations you want to invite" not in page


def test_every_page_links_the_public_pages_in_its_footer(client):
    """The good practices and the public figures need no login; visitors find them from
    any page, the start page included."""
    footer = client.get("/").get_data(as_text=True).split('<footer class="site-footer">')[1]
    assert 'href="/openbaar/praktijken"' in footer and "Goede voorbeelden" in footer
    assert 'href="/openbaar/cijfers/"' in footer and "Openbare cijfers" in footer
    assert client.get("/openbaar/praktijken").status_code == 200
    assert client.get("/openbaar/cijfers/").status_code == 200
