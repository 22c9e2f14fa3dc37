"""Logins are sessions on the server: logout, deactivation and a role change end them,
copies of the cookies included; a login starts a new session; idle logins end."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import event, select

from imvo_survey.extensions import db
from imvo_survey.models import LoginSession, User, utcnow

from .. import factories

STAFF_PAGE = "/organisations/"


def _log_in(app, user, remember: bool = True):
    client = app.test_client()
    data = {"email": user.email, "password": factories.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/auth/login", data=data).status_code == 302
    return client


def _copies(app, client) -> dict:
    """Other browsers holding copies of the client's cookies: both, or one of them."""
    session, remember = client.get_cookie("session").value, client.get_cookie("remember_token").value
    both, session_only, remember_only = app.test_client(), app.test_client(), app.test_client()
    both.set_cookie("session", session)
    both.set_cookie("remember_token", remember)
    session_only.set_cookie("session", session)
    remember_only.set_cookie("remember_token", remember)
    return {"both": both, "session": session_only, "remember": remember_only}


def _opens(client, url: str = STAFF_PAGE) -> bool:
    response = client.get(url)
    assert response.status_code in (200, 302), response.status_code
    return response.status_code == 200


def test_logout_ends_copies_of_the_session_and_remember_cookies(app, secretariat):
    browser = _log_in(app, secretariat)
    copies = _copies(app, browser)
    assert all(_opens(copy) for copy in copies.values())  # a copy works while the login lasts
    copies = _copies(app, browser)
    response = browser.post("/auth/logout")
    assert any(c.startswith("remember_token=;") for c in response.headers.getlist("Set-Cookie"))
    assert not _opens(browser)
    for name, copy in copies.items():
        assert not _opens(copy), f"a copy of the {name} cookie still opens a secretariat page"
    assert db.session.scalar(select(LoginSession)) is None


def test_logout_leaves_the_users_other_devices_logged_in(app, secretariat):
    laptop, phone = _log_in(app, secretariat), _log_in(app, secretariat, remember=False)
    laptop.post("/auth/logout")
    assert _opens(phone) and not _opens(laptop)


def test_deactivation_ends_every_login_even_after_activating_again(app, secretariat_client, analyst):
    laptop, phone = _log_in(app, analyst), _log_in(app, analyst, remember=False)
    copies = _copies(app, laptop)
    secretariat_client.post(f"/users/{analyst.id}/deactivate")
    secretariat_client.post(f"/users/{analyst.id}/activate")
    for client in (laptop, phone, *copies.values()):
        assert not _opens(client)
    assert _opens(_log_in(app, analyst))  # a new login works


def test_deactivation_by_the_edit_form_ends_logins(app, secretariat_client, analyst):
    browser = _log_in(app, analyst)
    secretariat_client.post(f"/users/{analyst.id}/edit", data={
        "email": analyst.email, "role": "analyst", "language": "nl"})  # "Active" unticked
    secretariat_client.post(f"/users/{analyst.id}/activate")
    assert not _opens(browser)


def test_a_role_change_ends_every_login(app, secretariat_client):
    colleague = factories.make_user("secretariat", email="collega@example.org")
    db.session.commit()
    browser = _log_in(app, colleague)
    copies = _copies(app, browser)
    response = secretariat_client.post(f"/users/{colleague.id}/edit", data={
        "email": colleague.email, "role": "analyst", "language": "nl", "is_active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(User, colleague.id).role == "analyst"
    for client in (browser, *copies.values()):
        assert not _opens(client)  # as an analyst it would open: the login itself ended


def test_saving_an_account_unchanged_keeps_its_logins(app, secretariat_client, analyst):
    browser = _log_in(app, analyst)
    secretariat_client.post(f"/users/{analyst.id}/edit", data={
        "email": analyst.email, "name": "Nieuwe naam", "role": "analyst", "language": "nl", "is_active": "y"})
    db.session.expire_all()
    assert db.session.get(User, analyst.id).name == "Nieuwe naam"
    assert _opens(browser)


def test_deactivating_an_organisation_ends_its_respondents_logins(app, secretariat_client, respondent):
    browser = _log_in(app, respondent)
    own_page = f"/organisations/{respondent.organisation_id}"
    assert _opens(browser, own_page)
    copies = _copies(app, browser)
    secretariat_client.post(f"/organisations/{respondent.organisation_id}/deactivate")
    secretariat_client.post(f"/organisations/{respondent.organisation_id}/activate")
    secretariat_client.post(f"/users/{respondent.id}/activate")
    for client in (browser, *copies.values()):
        assert not _opens(client, own_page)


def test_deactivation_by_the_command_line_ends_logins(app, runner, analyst):
    browser = _log_in(app, analyst)
    copies = _copies(app, browser)
    result = runner.invoke(args=["user", "deactivate", analyst.email])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(User, analyst.id).is_active
    assert runner.invoke(args=["user", "activate", analyst.email.upper()]).exit_code == 0
    for client in (browser, *copies.values()):
        assert not _opens(client)
    assert "No account" in runner.invoke(args=["user", "deactivate", "niemand@example.org"]).output


def test_a_password_change_ends_the_old_cookie_of_this_browser_too(app, secretariat):
    browser = _log_in(app, secretariat)
    copies = _copies(app, browser)
    response = browser.post("/auth/password", data={
        "current": factories.PASSWORD, "password": "een nieuw wachtwoord", "confirm": "een nieuw wachtwoord"})
    assert response.status_code == 302
    assert _opens(browser)  # this browser goes on, under a new login, still remembered
    assert any(c.startswith("remember_token=") and not c.startswith("remember_token=;")
               for c in response.headers.getlist("Set-Cookie"))
    for copy in copies.values():
        assert not _opens(copy)


# --- a new session on login --------------------------------------------------------

def test_login_starts_a_new_session(app, secretariat):
    browser = app.test_client()
    with browser.session_transaction() as before:
        before["invitation_token_id"] = 12345  # planted, or left from an invitation link
        before["_user_id"] = "a token someone prepared"
        before["language"] = "en"
        before["pending_saves"] = {"/respond/1/section/profile": "key"}
    planted = browser.get_cookie("session").value
    browser.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    with browser.session_transaction() as after:
        token = after["_user_id"]
        assert "invitation_token_id" not in after
        assert after["language"] == "en"  # what the person chose goes along,
        assert after["pending_saves"] == {"/respond/1/section/profile": "key"}  # and what they were saving
    assert token != "a token someone prepared" and str(secretariat.id) not in token.split(":")
    stored = db.session.scalar(select(LoginSession))
    assert stored.token_hash == hashlib.sha256(token.encode()).hexdigest()  # the token itself is not stored
    other = app.test_client()
    other.set_cookie("session", planted)
    assert not _opens(other)  # what the browser had before login is not the logged-in session


def test_every_login_gets_its_own_token(app, secretariat):
    first, second = _log_in(app, secretariat), _log_in(app, secretariat)
    tokens = set()
    for client in (first, second):
        with client.session_transaction() as session:
            tokens.add(session["_user_id"])
    assert len(tokens) == 2


# --- idle timeout ------------------------------------------------------------------

def _travel(minutes: float):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False)


@pytest.mark.parametrize("role, limit", [("secretariat", 30), ("respondent", 120)])
def test_an_idle_login_ends(app, role, limit):
    user = factories.make_user(role, email=f"{role}@example.org")
    db.session.commit()
    page = STAFF_PAGE if role == "secretariat" else f"/organisations/{user.organisation_id}"
    active, idle = _log_in(app, user), _log_in(app, user)
    with _travel(limit - 1):
        assert _opens(active, page)  # a request within the limit ...
    with _travel(2 * limit - 2):
        assert _opens(active, page)  # ... starts the wait again
        response = idle.get(page)
        assert response.status_code == 302 and "/auth/login" in response.location
        message = idle.get(response.location).get_data(as_text=True)
        assert f"na {limit} minuten zonder activiteit uitgelogd" in message
        assert not _opens(idle, page)  # the remember cookie does not bring it back


def test_the_idle_limits_are_settings(make_app, secretariat):
    app = make_app(STAFF_IDLE_MINUTES=5)
    browser = _log_in(app, secretariat)
    with _travel(6):
        assert not _opens(browser)


def test_the_last_seen_time_is_written_at_most_once_a_minute(app, secretariat):
    browser = _log_in(app, secretariat)
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for _ in range(3):
            assert _opens(browser)
        within_a_minute = [s for s in statements if "login_session" in s]
        statements.clear()
        with _travel(2):
            assert _opens(browser)
            assert _opens(browser)
        later = [s for s in statements if "login_session" in s]
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(within_a_minute) == 3 and all(s.lstrip().startswith("SELECT") for s in within_a_minute)
    assert sum(s.lstrip().startswith("UPDATE") for s in later) == 1
