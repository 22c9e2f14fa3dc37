"""The secretariat's privacy buttons on the organisation page, the erasure's
confirmation, the trail afterwards, the privacy log; nobody else reaches them."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, PrivacyEvent

from .. import factories
from .conftest import ADDRESS, NAME, PHONE


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_the_secretariat_exports_a_contact_from_the_organisation_page(secretariat_client, secretariat, scenario):
    page = _text(secretariat_client.get(f"/organisations/{scenario.organisation.id}"))
    assert f'action="/privacy/contacts/{scenario.anna.id}/export"' in page
    assert f'href="/privacy/contacts/{scenario.anna.id}/erase"' in page
    response = secretariat_client.post(f"/privacy/contacts/{scenario.anna.id}/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="contact-{scenario.anna.id}.json"'
    assert response.headers["Cache-Control"] == "no-store"
    assert json.loads(_text(response))["contact"]["phone"] == PHONE
    logged = db.session.scalars(select(PrivacyEvent)).one()
    assert (logged.action, logged.channel, logged.user_id, logged.actor) == ("export", "web", secretariat.id,
                                                                             secretariat.email)


def test_erasure_is_asked_first_and_the_trail_then_names_a_removed_contact(secretariat_client, scenario):
    url = f"/privacy/contacts/{scenario.anna.id}/erase"
    question = _text(secretariat_client.get(url))
    assert "Persoonsgegevens van Anna de Vries wissen?" in question
    found = re.search(r'<p id="erase-found">(.*?)</p>', question, re.S).group(1)
    assert "uitnodigingslinks: 3" in found and "accounts: 1" in found and "aanmeldingen: 2" in found
    assert "1 andere organisatie" in question  # the namesake's record is not erased with hers
    assert db.session.get(Contact, scenario.anna.id).erased_at is None  # asking changes nothing

    done = secretariat_client.post(url, follow_redirects=True)
    assert done.status_code == 200
    page = _text(done)
    assert "De persoonsgegevens van de contactpersoon zijn gewist." in page
    row = re.search(rf'<tr class="inactive" data-contact="{scenario.anna.id}">(.*?)</tr>', page, re.S).group(1)
    assert "een verwijderde contactpersoon" in row and "gegevens gewist" in row
    assert NAME not in row and ADDRESS not in row and "/erase" not in row and "/edit" not in row
    assert "/export" in row  # what is left can still be shown

    review = _text(secretariat_client.get(f"/review/responses/{scenario.response.id}"))
    assert "een verwijderde contactpersoon" in review
    assert NAME not in review and ADDRESS not in review
    invitation = _text(secretariat_client.get(
        f"/rounds/{scenario.invitation.round.slug}/invitations/{scenario.invitation.id}"))
    assert "een verwijderde contactpersoon" in invitation and "Bob Bakker" in invitation
    assert NAME not in invitation and ADDRESS not in invitation
    secretariat_client.get("/language/en")
    english = _text(secretariat_client.get(f"/review/responses/{scenario.response.id}"))
    assert "a removed contact" in english

    again = secretariat_client.get(url, follow_redirects=True)
    assert "This contact was erased already." in _text(again)


def test_an_erased_contact_is_not_edited_or_activated_again(secretariat_client, runner, scenario):
    assert runner.invoke(args=["privacy", "erase", str(scenario.anna.id), "--yes"]).exit_code == 0
    base = f"/organisations/{scenario.organisation.id}/contacts/{scenario.anna.id}"
    edit = secretariat_client.post(f"{base}/edit", data={"name": NAME, "email": ADDRESS, "language": "nl"},
                                   follow_redirects=True)
    assert "zijn gewist: voeg een nieuwe contactpersoon toe" in _text(edit)
    secretariat_client.post(f"{base}/activate")
    db.session.expire_all()
    anna = db.session.get(Contact, scenario.anna.id)
    assert anna.name != NAME and not anna.is_active


def test_the_privacy_log_shows_who_did_what_without_personal_data(secretariat_client, secretariat, runner, scenario):
    secretariat_client.post(f"/privacy/contacts/{scenario.anna.id}/export")
    assert runner.invoke(args=["privacy", "erase", str(scenario.anna.id), "--yes"]).exit_code == 0
    factories.make_organisation(name="Zonder Log")
    db.session.commit()
    page = _text(secretariat_client.get("/privacy/log"))
    rows = re.findall(r"<tr data-privacy-event=\"\d+\">(.*?)</tr>", page, re.S)
    assert len(rows) == 2
    assert "Gewist op verzoek" in rows[0] and "opdrachtregel" in rows[0] and "Vereniging Koffie" in rows[0]
    assert "Gegevens geëxporteerd" in rows[1] and secretariat.email in rows[1] and "webpagina" in rows[1]
    assert f"<td>{scenario.anna.id}</td>" in rows[0] and NAME not in page and ADDRESS not in page
    own = _text(secretariat_client.get(f"/privacy/log?organisation={scenario.organisation.id}"))
    assert own.count("data-privacy-event=") == 2
    other = _text(secretariat_client.get(f"/privacy/log?organisation={scenario.namesake.organisation_id}"))
    assert other.count("data-privacy-event=") == 0
    assert secretariat_client.get("/privacy/log?organisation=999999").status_code == 404


@pytest.mark.parametrize("method, url", [
    ("post", "/privacy/contacts/{id}/export"), ("get", "/privacy/contacts/{id}/erase"),
    ("post", "/privacy/contacts/{id}/erase"), ("get", "/privacy/log"),
])
def test_only_the_secretariat(scenario, analyst_client, respondent_client, client, method, url):
    url = url.format(id=scenario.anna.id)
    assert getattr(analyst_client, method)(url).status_code == 403
    assert getattr(respondent_client, method)(url).status_code == 403
    anonymous = getattr(client, method)(url)
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.location
    db.session.expire_all()
    assert db.session.get(Contact, scenario.anna.id).erased_at is None
    assert db.session.scalars(select(PrivacyEvent)).all() == []


def test_the_respondents_own_organisation_page_has_no_privacy_buttons(respondent_client, respondent):
    factories.make_contact(respondent.organisation, name="Collega")
    db.session.commit()
    page = _text(respondent_client.get(f"/organisations/{respondent.organisation_id}"))
    assert "/privacy/" not in page


def test_an_unknown_contact_is_not_found(secretariat_client):
    assert secretariat_client.post("/privacy/contacts/999999/export").status_code == 404
    assert secretariat_client.get("/privacy/contacts/999999/erase").status_code == 404


def test_erasure_and_export_need_the_csrf_token(make_app, secretariat, scenario):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = _text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    url = f"/privacy/contacts/{scenario.anna.id}"
    # Logging in starts a new session: the form token is the one of a page shown after it.
    page = _text(client.get(f"{url}/erase"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    assert client.post(f"{url}/export").status_code == 400
    assert client.post(f"{url}/erase").status_code == 400
    db.session.expire_all()
    assert db.session.get(Contact, scenario.anna.id).erased_at is None
    assert db.session.scalars(select(PrivacyEvent)).all() == []
    assert client.post(f"{url}/erase", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, scenario.anna.id).erased_at is not None
