"""Password reset by an e-mailed, expiring, single-use link; password change."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine

from imvo_survey.extensions import db
from imvo_survey.models import utcnow

from .. import factories

SENT = "hebben we een link gestuurd"


def _link_in(message) -> str:
    body = message.get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+", body).group(0)


def test_reset_request_sends_a_link_built_from_the_base_url(client, secretariat, mail_folder):
    response = client.post("/auth/reset", data={"email": secretariat.email},
                           headers={"Host": "evil.example"}, follow_redirects=True)
    assert SENT in response.get_data(as_text=True)
    [message] = mail_folder()
    assert message["To"] == secretariat.email
    assert "wachtwoord" in message["Subject"].lower()
    link = _link_in(message)
    assert link.startswith("http://imvo.example.org/auth/reset/")
    html = message.get_body(preferencelist=("html",)).get_content()
    assert link in html


def test_unknown_address_gets_the_same_answer_and_no_mail(client, mail_folder):
    response = client.post("/auth/reset", data={"email": "niemand@example.org"}, follow_redirects=True)
    assert SENT in response.get_data(as_text=True)
    assert mail_folder() == []


def test_reset_mail_is_in_the_users_language(client, mail_folder):
    user = factories.make_user("analyst", email="english@example.org", language="en")
    db.session.commit()
    client.post("/auth/reset", data={"email": user.email})
    [message] = mail_folder()
    assert message["Subject"] == "Choose a new password for the IMVO inventory"


def test_the_link_sets_a_new_password_once(client, auth, secretariat, mail_folder):
    client.post("/auth/reset", data={"email": secretariat.email})
    path = _link_in(mail_folder()[0]).removeprefix("http://imvo.example.org")
    assert client.get(path).status_code == 200
    response = client.post(path, data={"password": "een nieuw wachtwoord", "confirm": "een nieuw wachtwoord"})
    assert response.status_code == 302
    assert auth.login(secretariat.email, factories.PASSWORD).status_code == 200  # old one refused
    assert auth.login(secretariat.email, "een nieuw wachtwoord").status_code == 302
    auth.logout()
    used = client.get(path)
    assert used.status_code == 400 and "werkt niet meer" in used.get_data(as_text=True)


def test_the_link_expires_after_an_hour(client, secretariat, mail_folder):
    with time_machine.travel(utcnow(), tick=False) as traveller:
        client.post("/auth/reset", data={"email": secretariat.email})
        path = _link_in(mail_folder()[0]).removeprefix("http://imvo.example.org")
        traveller.shift(timedelta(minutes=59))
        assert client.get(path).status_code == 200
        traveller.shift(timedelta(minutes=2))
        assert client.get(path).status_code == 400


def test_forged_and_malformed_links_are_refused(client, secretariat):
    for token in ("abc", "eyJ1IjoxfQ.forged.signature", "x" * 300):
        response = client.get(f"/auth/reset/{token}")
        assert response.status_code == 400
        assert "werkt niet meer" in response.get_data(as_text=True)


def test_new_password_rules_are_explained(client, secretariat, mail_folder):
    client.post("/auth/reset", data={"email": secretariat.email})
    path = _link_in(mail_folder()[0]).removeprefix("http://imvo.example.org")
    page = client.post(path, data={"password": "kort", "confirm": "anders"}).get_data(as_text=True)
    assert "Gebruik minstens 10 tekens." in page
    assert "De twee wachtwoorden zijn niet gelijk." in page


def test_change_password_ends_other_sessions(app, auth, client, secretariat):
    other_device = app.test_client()
    other_device.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    auth.login(secretariat.email)
    response = client.post("/auth/password", data={
        "current": factories.PASSWORD, "password": "nog een wachtwoord", "confirm": "nog een wachtwoord"})
    assert response.status_code == 302
    assert client.get("/organisations/").status_code == 200  # this session stays
    assert other_device.get("/organisations/").status_code == 302  # the other one ended


def test_change_password_needs_the_current_one(client, auth, secretariat):
    auth.login(secretariat.email)
    page = client.post("/auth/password", data={
        "current": "wrong", "password": "nog een wachtwoord", "confirm": "nog een wachtwoord"}).get_data(as_text=True)
    assert "Dit is niet uw huidige wachtwoord." in page
