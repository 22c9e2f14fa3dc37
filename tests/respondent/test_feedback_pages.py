"""Feedback to respondents after a round closes: the page and its PDF, who may see
them and when, the secretariat's 'send feedback' with personal links that open the
page in a fresh browser, links that expire, and the CSRF token on the action."""

from __future__ import annotations

import base64
import re
import sys
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Activity, Contact, Invitation, OutboxMessage, Response, ResponseEvent, RoundEvent, utcnow

from .. import factories
from ..analysis.builders import association, company, respond
from ..conftest import AuthActions

BASE = "http://imvo.example.org"


def _text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def closed_round(respondent):
    """A closed round, every contact mailed. Food: the respondent's own association
    (contacts Anna, Dutch, and John, English) with a child-labour activity and an
    ended carried-over climate activity; association B with a child-labour activity;
    company C without activities: 3 responding, so child labour 2 of 3 (67 %), climate
    0 of 3. Company 'Traag' still in progress. Energy: companies E (a water activity)
    and F responded: 2, too few for sector figures."""
    now = utcnow()
    round = factories.make_round(status="closed", name="Inventarisatie IMVO 2010", slug="imvo-2010",
                                 opens_at=now - timedelta(days=30), closes_at=now - timedelta(days=1))
    round.contact_mode = "all"
    own = respondent.organisation
    factories.make_contact(own, name="Anna", email="anna@example.org", language="nl")
    factories.make_contact(own, name="John", email="john@example.org", language="en")
    organisations = {"own": own, "B": association("B"), "C": company("C"), "Traag": company("Traag"),
                     "E": company("E", sector="energie"), "F": company("F", sector="energie")}
    for key in ("B", "C", "Traag", "E", "F"):
        factories.make_contact(organisations[key], email=f"{key.lower()}@example.org")
    responses = {
        "own": respond(round, own, [{"title": "Gedragscode kinderarbeid", "aspects": ["child_labour"]},
                                    {"title": "Oud klimaatplan", "aspects": ["climate"], "carry": "ended"}]),
        "B": respond(round, organisations["B"], [{"title": "Audit bij leveranciers", "aspects": ["child_labour"]}]),
        "C": respond(round, organisations["C"], []),
        "Traag": respond(round, organisations["Traag"], [], status="in_progress"),
        "E": respond(round, organisations["E"], [{"title": "Waterzuivering", "aspects": ["water"]}]),
        "F": respond(round, organisations["F"], []),
    }
    db.session.commit()
    return round, {key: response.invitation_id for key, response in responses.items()}


def _url(invitation_id: int, suffix: str = "") -> str:
    return f"/respond/{invitation_id}/feedback{suffix}"


def _row(page: str, label: str) -> str:
    """The table row of one aspect (by its Dutch label)."""
    return re.search(rf'<th scope="row">{label}</th>(.*?)</tr>', page, re.S).group(1)


# --- the page -------------------------------------------------------------------------

def test_own_activities_beside_the_sector(respondent_client, closed_round):
    _round, invitations = closed_round
    page = _text(respondent_client.get(_url(invitations["own"])))
    assert "Inventarisatie IMVO 2010" in page and "Eigen Brancheorganisatie" in page and "Voedsel en drank" in page
    child_labour = _row(page, "Afschaffen van kinderarbeid")
    assert "Gedragscode kinderarbeid" in child_labour and "2 van 3" in child_labour and "67" in child_labour
    climate = _row(page, "Klimaat en broeikasgassen")
    assert "Oud klimaatplan" not in page  # ended carry-overs do not count
    assert "0 van 3" in climate and "geen gemeld" in climate
    assert "Audit bij leveranciers" not in page  # never another organisation's activities
    assert "<caption>" in page and 'scope="col"' in page
    assert _url(invitations["own"], ".pdf") in page


def test_in_english(respondent_client, closed_round):
    _round, invitations = closed_round
    respondent_client.get("/language/en")
    page = _text(respondent_client.get(_url(invitations["own"])))
    assert "Feedback: Inventarisatie IMVO 2010" in page and "Your activities" in page
    assert "2 of 3" in _row(page, "Abolition of child labour")


def test_no_sector_figures_with_fewer_than_three(secretariat_client, closed_round):
    _round, invitations = closed_round
    page = _text(secretariat_client.get(_url(invitations["E"])))
    water = _row(page, "Water")
    assert "Waterzuivering" in water
    assert "te weinig respons om de sector te tonen (minder dan 3)" in water
    assert " van 2" not in page and "0&nbsp;%" not in page  # not shown, not shown as 0


def test_the_pdf(respondent_client, closed_round):
    _round, invitations = closed_round
    pdf = respondent_client.get(_url(invitations["own"], ".pdf"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"


def test_a_plain_page_when_pdf_is_unavailable(respondent_client, closed_round, monkeypatch):
    _round, invitations = closed_round
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # importing it now fails
    response = respondent_client.get(_url(invitations["own"], ".pdf"))
    assert response.status_code == 503 and f'href="{_url(invitations["own"])}"' in _text(response)


def test_links_to_the_feedback(respondent_client, secretariat_client, closed_round):
    round, invitations = closed_round
    own = invitations["own"]
    assert _url(own) in _text(respondent_client.get(f"/respond/{own}"))
    assert _url(own) in _text(secretariat_client.get(f"/rounds/{round.slug}/invitations/{own}"))
    traag = invitations["Traag"]
    assert _url(traag) not in _text(secretariat_client.get(f"/rounds/{round.slug}/invitations/{traag}"))


# --- when and for whom ----------------------------------------------------------------

def test_nothing_while_the_round_is_open(respondent_client, secretariat_client, closed_round):
    round, invitations = closed_round
    round.status = "open"
    db.session.commit()
    for client in (respondent_client, secretariat_client):
        assert client.get(_url(invitations["own"])).status_code == 404
        assert client.get(_url(invitations["own"], ".pdf")).status_code == 404
    assert _url(invitations["own"]) not in _text(respondent_client.get(f"/respond/{invitations['own']}"))


def test_nothing_for_an_organisation_that_did_not_respond(secretariat_client, closed_round):
    round, invitations = closed_round
    declined = factories.make_invitation(round, company("Nee"), status="declined")
    db.session.commit()
    assert secretariat_client.get(_url(invitations["Traag"])).status_code == 404
    assert secretariat_client.get(_url(declined.id)).status_code == 404
    assert secretariat_client.get(_url(999999)).status_code == 404


def test_another_organisations_respondent_gets_404(app, closed_round):
    _round, invitations = closed_round
    other = factories.make_user("respondent", email="gebruiker-b@example.org",
                                organisation=db.session.get(Invitation, invitations["B"]).organisation)
    db.session.commit()
    client = app.test_client()
    assert AuthActions(client).login(other.email).status_code == 302
    assert client.get(_url(invitations["B"])).status_code == 200
    assert client.get(_url(invitations["own"])).status_code == 404
    assert client.get(_url(invitations["own"], ".pdf")).status_code == 404


def test_analysts_and_strangers(analyst_client, client, closed_round):
    _round, invitations = closed_round
    for suffix in ("", ".pdf"):
        assert analyst_client.get(_url(invitations["own"], suffix)).status_code == 403
        response = client.get(_url(invitations["own"], suffix))
        assert response.status_code == 302 and "/auth/login" in response.location


# --- sending feedback links -----------------------------------------------------------

def _links(messages) -> dict[str, str]:
    """The feedback link of each message, by recipient, as a path."""
    found = {}
    for message in messages:
        text = message.get_body(preferencelist=("plain",)).get_content()
        found[message["To"]] = re.search(rf"{BASE}(/feedback/\S+)", text).group(1)
    return found


def test_send_feedback_mails_a_link_per_contact(app, secretariat_client, closed_round, mail_folder):
    round, invitations = closed_round
    page = _text(secretariat_client.get(f"/rounds/{round.slug}"))
    assert "terugkoppeling is nog niet verstuurd" in page
    response = secretariat_client.post(f"/rounds/{round.slug}/feedback")
    assert response.status_code == 302
    messages = {m["To"]: m for m in mail_folder()}
    # every contact of each of the 5 responding organisations; not 'Traag' (in progress)
    assert sorted(messages) == ["anna@example.org", "b@example.org", "c@example.org", "e@example.org",
                                "f@example.org", "john@example.org"]
    assert messages["anna@example.org"]["Subject"] == "Uw terugkoppeling: Inventarisatie IMVO 2010"
    assert messages["john@example.org"]["Subject"] == "Your feedback: Inventarisatie IMVO 2010"
    assert "Beste Anna" in messages["anna@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert "Dear John" in messages["john@example.org"].get_body(preferencelist=("plain",)).get_content()
    links = _links(messages.values())
    fresh = app.test_client()
    opened = fresh.get(links["anna@example.org"])
    assert opened.status_code == 302 and opened.location == _url(invitations["own"])  # token out of the address
    page = _text(fresh.get(opened.location))
    assert "Gedragscode kinderarbeid" in page and "2 van 3" in page
    assert fresh.get(_url(invitations["own"], ".pdf")).data.startswith(b"%PDF")
    assert fresh.get(_url(invitations["B"])).status_code == 404  # only its own organisation
    assert fresh.get(f"/respond/{invitations['own']}").status_code == 302  # and not the answers
    # the round page says when feedback was last sent, and the log shows it
    assert db.session.scalar(select(RoundEvent.detail).where(RoundEvent.kind == "feedback_sent")) == "5"
    page = _text(secretariat_client.get(f"/rounds/{round.slug}"))
    assert "terugkoppeling is laatst verstuurd op" in page and "terugkoppeling verstuurd" in page


def test_sending_again_is_allowed(secretariat_client, closed_round, mail_folder):
    round, _invitations = closed_round
    secretariat_client.post(f"/rounds/{round.slug}/feedback")
    secretariat_client.post(f"/rounds/{round.slug}/feedback")
    assert len(mail_folder()) == 12
    assert len(db.session.scalars(select(RoundEvent).where(RoundEvent.kind == "feedback_sent")).all()) == 2


def test_feedback_only_after_the_close(secretariat_client, closed_round, mail_folder):
    round, _invitations = closed_round
    round.status = "open"
    db.session.commit()
    page = _text(secretariat_client.post(f"/rounds/{round.slug}/feedback", follow_redirects=True))
    assert "pas worden verstuurd nadat de uitvraag is gesloten" in page
    assert mail_folder() == []


def test_only_the_secretariat_sends_feedback(analyst_client, respondent_client, closed_round):
    round, _invitations = closed_round
    assert analyst_client.post(f"/rounds/{round.slug}/feedback").status_code == 403
    assert respondent_client.post(f"/rounds/{round.slug}/feedback").status_code == 403
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_links_expire_and_forged_links_do_not_work(app, secretariat_client, closed_round, mail_folder):
    round, invitations = closed_round
    with time_machine.travel(utcnow(), tick=False) as traveller:
        secretariat_client.post(f"/rounds/{round.slug}/feedback")
        link = _links(mail_folder())["anna@example.org"]
        traveller.shift(timedelta(days=364))
        assert app.test_client().get(link).status_code == 302
        traveller.shift(timedelta(days=2))
        expired = app.test_client().get(link)
        assert expired.status_code == 404 and "Deze link werkt niet meer" in _text(expired)
    client = app.test_client()
    for bad in ("abc", link[:-3] + "xyz", link.replace("/feedback/", "/feedback/x"), "x" * 600):
        response = client.get(bad if bad.startswith("/") else f"/feedback/{bad}")
        assert response.status_code == 404
    assert client.get(_url(invitations["own"])).status_code == 302  # nothing remembered


def test_a_feedback_session_ends_after_two_idle_hours(app, secretariat_client, closed_round, mail_folder):
    round, _invitations = closed_round
    secretariat_client.post(f"/rounds/{round.slug}/feedback")
    link = _links(mail_folder())["anna@example.org"]
    browser = app.test_client()
    page = browser.get(link).location
    with time_machine.travel(utcnow() + timedelta(minutes=119), tick=False):
        assert browser.get(page).status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=119 + 121), tick=False):
        assert browser.get(page).status_code == 302  # idle for two hours: ended
        assert browser.get(browser.get(link).location).status_code == 200  # the link opens it again


def test_a_link_stops_working_when_the_contact_leaves(app, secretariat_client, closed_round, mail_folder):
    round, _invitations = closed_round
    secretariat_client.post(f"/rounds/{round.slug}/feedback")
    link = _links(mail_folder())["anna@example.org"]
    assert "anna" not in base64.urlsafe_b64decode(link.split("/")[-1].split(".")[0] + "==").decode()
    browser = app.test_client()
    page = browser.get(link).location
    assert browser.get(page).status_code == 200
    db.session.delete(db.session.scalar(select(Contact).where(Contact.email == "anna@example.org")))
    db.session.commit()
    assert app.test_client().get(link).status_code == 404
    assert browser.get(page).status_code == 302  # the session that opened it is checked again


def test_the_action_needs_the_csrf_token(make_app, secretariat, closed_round):
    round, _invitations = closed_round
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = _text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    # Logging in starts a new session, with a new form token.
    page = _text(client.get("/auth/password"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(f"/rounds/{round.slug}/feedback")
    assert db.session.scalars(select(OutboxMessage)).all() == []
    client.post(f"/rounds/{round.slug}/feedback", data={"csrf_token": token})
    assert len(db.session.scalars(select(OutboxMessage)).all()) == 6


def test_consent_to_publication_can_be_withdrawn_with_the_feedback_link(app, secretariat_client, closed_round,
                                                                         mail_folder):
    """After the round, invitation links no longer work; someone without an account can
    still withdraw the consent through the feedback link (the mail says so), and the
    change is recorded as theirs."""
    round, invitations = closed_round
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitations["own"]))
    for activity in response.activities:
        activity.publish_consent = True
    db.session.commit()
    secretariat_client.post(f"/rounds/{round.slug}/feedback")
    messages = {m["To"]: m for m in mail_folder()}
    assert "Met dezelfde link kunt u ook uw toestemming" in \
        messages["anna@example.org"].get_body(preferencelist=("plain",)).get_content()
    browser = app.test_client()
    feedback = _text(browser.get(browser.get(_links(messages.values())["anna@example.org"]).location))
    consent_url = f"/respond/{invitations['own']}/toestemming"
    assert f'href="{consent_url}"' in feedback
    page = _text(browser.get(consent_url))
    assert "Gedragscode kinderarbeid" in page
    assert f'<a href="{_url(invitations["own"])}">' in page  # back to the feedback, not the closed answers
    assert browser.post(consent_url, data={}).status_code == 302
    db.session.expire_all()
    assert [a.publish_consent for a in db.session.scalars(select(Activity).where(
        Activity.response_id == response.id))] == [False, False]
    event = db.session.scalar(select(ResponseEvent).where(ResponseEvent.kind == "consent_changed"))
    assert event.contact.email == "anna@example.org"
    # Only its own organisation's, and nobody's without the link.
    assert browser.get(f"/respond/{invitations['B']}/toestemming").status_code == 404
    assert app.test_client().get(consent_url).status_code == 302
    assert app.test_client().post(consent_url, data={}).status_code == 302
