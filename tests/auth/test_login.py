"""Logging in and out, and the messages, which never reveal whether an account exists."""

from __future__ import annotations

from imvo_survey.extensions import db
from imvo_survey.models import User

from .. import factories

WRONG = "Het e-mailadres of wachtwoord klopt niet."


def test_login_page_is_dutch_by_default(client):
    page = client.get("/auth/login").get_data(as_text=True)
    assert "Inloggen" in page and 'lang="nl"' in page


def test_login_and_logout(client, auth, secretariat):
    response = auth.login("SecretariaaT@Example.org")  # any case
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/organisations/").status_code == 200
    db.session.refresh(secretariat)
    assert secretariat.last_login_at is not None
    auth.logout()
    assert client.get("/organisations/").status_code == 302


def test_logout_needs_a_post(client, auth, secretariat):
    auth.login(secretariat.email)
    assert client.get("/auth/logout").status_code == 405
    assert client.get("/organisations/").status_code == 200


def test_wrong_password_and_unknown_address_get_the_same_message(client, auth, secretariat):
    wrong_password = auth.login(secretariat.email, "not the password")
    unknown = auth.login("nobody@example.org", "not the password")
    for response in (wrong_password, unknown):
        assert response.status_code == 200
        assert WRONG in response.get_data(as_text=True)
    assert client.get("/organisations/").status_code == 302


def test_login_keeps_the_typed_address(auth, secretariat):
    page = auth.login(secretariat.email, "wrong").get_data(as_text=True)
    assert f'value="{secretariat.email}"' in page
    assert 'aria-invalid="true"' in page
    assert 'href="#password"' in page  # the error summary links to the field


def test_inactive_user_cannot_log_in_and_is_not_told_why(client, auth):
    user = factories.make_user("analyst", email="weg@example.org", is_active=False)
    db.session.commit()
    response = auth.login(user.email)
    assert WRONG in response.get_data(as_text=True)


def test_user_without_password_cannot_log_in(auth):
    factories.make_user("analyst", email="nieuw@example.org", password=None)
    db.session.commit()
    assert WRONG in auth.login("nieuw@example.org", "anything at all").get_data(as_text=True)


def test_empty_fields_are_pointed_at(auth):
    page = auth.login("", "").get_data(as_text=True)
    assert "Vul uw e-mailadres in." in page and "Vul uw wachtwoord in." in page


def test_next_is_followed_only_within_the_site(client, secretariat):
    response = client.post("/auth/login?next=/users/", data={"email": secretariat.email,
                                                             "password": factories.PASSWORD})
    assert response.location == "/users/"
    client.post("/auth/logout")
    for evil in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(f"/auth/login?next={evil}", data={"email": secretariat.email,
                                                                  "password": factories.PASSWORD})
        assert response.location == "/"
        client.post("/auth/logout")


def test_remember_me_sets_a_lasting_cookie(client, secretariat):
    response = client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD,
                                                "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("remember_token=") and "HttpOnly" in c for c in cookies)
    without = client.post("/auth/logout")
    assert without.status_code == 302


def test_remember_cookie_logs_in_after_the_session_is_gone(app, secretariat):
    client = app.test_client()
    client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD,
                                     "remember": "y"})
    client.delete_cookie("session")
    assert client.get("/organisations/").status_code == 200


def test_passwords_are_stored_as_argon2_hashes(secretariat):
    assert secretariat.password_hash.startswith("$argon2id$")
    assert factories.PASSWORD not in secretariat.password_hash


def test_hash_is_upgraded_when_the_cost_settings_rise(app, auth, secretariat):
    old_hash = secretariat.password_hash
    app.config["ARGON2_TIME_COST"] = 2
    try:
        auth.login(secretariat.email)
    finally:
        app.config["ARGON2_TIME_COST"] = 1
    user = db.session.get(User, secretariat.id)
    db.session.refresh(user)
    assert user.password_hash != old_hash and "t=2" in user.password_hash


def test_login_is_rate_limited(make_app, secretariat):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.post("/auth/login", data={"email": "x@example.org", "password": "wrong"}).status_code
                for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert "Te veel pogingen" in client.post("/auth/login", data={}).get_data(as_text=True)
