"""Accounts management by the secretariat."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import User

from . import factories


def test_create_user_with_password(secretariat_client, client, auth):
    response = secretariat_client.post("/users/new", data={
        "email": "Nieuwe.Analist@Example.org", "name": "Nieuwe Analist", "role": "analyst",
        "password": "een goed wachtwoord", "is_active": "y"})
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nieuwe.analist@example.org"))
    assert user.role == "analyst" and user.organisation_id is None
    assert auth.login("nieuwe.analist@example.org", "een goed wachtwoord").status_code == 302


def test_create_user_without_password_sends_a_link(secretariat_client, mail_folder):
    organisation = factories.make_organisation()
    db.session.commit()
    secretariat_client.post("/users/new", data={
        "email": "respondent2@example.org", "role": "respondent", "organisation_id": str(organisation.id),
        "is_active": "y"})
    [message] = mail_folder()
    assert message["To"] == "respondent2@example.org"


def test_respondent_needs_an_organisation_and_others_none(secretariat_client):
    organisation = factories.make_organisation()
    db.session.commit()
    page = secretariat_client.post("/users/new", data={"email": "r@example.org", "role": "respondent"}).get_data(as_text=True)
    assert "Een respondent hoort bij een organisatie" in page
    page = secretariat_client.post("/users/new", data={
        "email": "a@example.org", "role": "analyst", "organisation_id": str(organisation.id)}).get_data(as_text=True)
    assert "Alleen respondenten horen bij een organisatie." in page
    assert db.session.scalar(select(User).where(User.email.in_(["r@example.org", "a@example.org"]))) is None


def test_duplicate_email_is_refused_whatever_the_case(secretariat_client, secretariat):
    page = secretariat_client.post("/users/new", data={
        "email": secretariat.email.upper(), "role": "analyst"}).get_data(as_text=True)
    assert "Er is al een account met dit e-mailadres." in page


def test_deactivate_and_reactivate_a_user(secretariat_client, analyst, app):
    other = app.test_client()
    other.post("/auth/login", data={"email": analyst.email, "password": factories.PASSWORD})
    secretariat_client.post(f"/users/{analyst.id}/deactivate")
    assert other.get("/organisations/").status_code == 302
    secretariat_client.post(f"/users/{analyst.id}/activate")
    db.session.expire_all()
    assert db.session.get(User, analyst.id).is_active


def test_secretariat_cannot_lock_itself_out(secretariat_client, secretariat):
    secretariat_client.post(f"/users/{secretariat.id}/deactivate")
    page = secretariat_client.post(f"/users/{secretariat.id}/edit", data={
        "email": secretariat.email, "role": "analyst", "is_active": "y"}).get_data(as_text=True)
    assert "U kunt uzelf niet deactiveren" in page
    db.session.expire_all()
    user = db.session.get(User, secretariat.id)
    assert user.is_active and user.role == "secretariat"


def test_edit_user(secretariat_client, analyst):
    organisation = factories.make_organisation()
    db.session.commit()
    secretariat_client.post(f"/users/{analyst.id}/edit", data={
        "email": analyst.email, "name": "Nu Respondent", "role": "respondent",
        "organisation_id": str(organisation.id), "language": "en", "is_active": "y"})
    db.session.expire_all()
    user = db.session.get(User, analyst.id)
    assert user.role == "respondent" and user.organisation_id == organisation.id and user.language == "en"


def test_send_password_link(secretariat_client, analyst, mail_folder):
    secretariat_client.post(f"/users/{analyst.id}/send-reset")
    assert [m["To"] for m in mail_folder()] == [analyst.email]


def _listed_emails(client, **params) -> list[str]:
    """The e-mail addresses in the accounts table, in order."""
    import re

    page = client.get("/users/", query_string=params).get_data(as_text=True)
    table = page[page.index("<tbody>"):page.index("</tbody>")]
    return re.findall(r"<td>([^<\s]+@[^<\s]+)", table)


@pytest.fixture
def accounts(secretariat):
    """Accounts to search: by e-mail address, name and organisation name."""
    koffie = factories.make_organisation(name="Koffie Branchevereniging")
    factories.make_user("respondent", email="jan@koffie.example.org", name="Jan de Vries", organisation=koffie)
    factories.make_user("respondent", email="piet@thee.example.org", name="Piet Bakker",
                        organisation=factories.make_organisation(name="Thee 100%"))
    factories.make_user("analyst", email="anna@example.org", name="Anna Koffieboon")
    factories.make_user("analyst", email="oud@example.org", name="Oud Koffie", is_active=False)
    db.session.commit()


def test_users_list_searches_email_name_and_organisation(secretariat_client, accounts):
    assert _listed_emails(secretariat_client, q="KOFFIE") == ["jan@koffie.example.org", "anna@example.org"]
    assert _listed_emails(secretariat_client, q="bakker") == ["piet@thee.example.org"]
    assert _listed_emails(secretariat_client, q="thee 100%") == ["piet@thee.example.org"]
    assert _listed_emails(secretariat_client, q="koffie branchevereniging") == ["jan@koffie.example.org"]
    # % and _ are matched literally, not as wildcards.
    assert _listed_emails(secretariat_client, q="%") == ["piet@thee.example.org"]
    assert _listed_emails(secretariat_client, q="_") == []


def test_users_list_finds_names_whatever_their_case_beyond_ascii(secretariat_client, accounts):
    factories.make_user("analyst", email="e.vd@example.org", name="Élise  VAN  Dijk")
    db.session.commit()
    assert _listed_emails(secretariat_client, q="élise van dijk") == ["e.vd@example.org"]
    assert _listed_emails(secretariat_client, q="ÉLISE") == ["e.vd@example.org"]


def test_users_list_filters_by_role_and_status(secretariat_client, accounts):
    assert _listed_emails(secretariat_client, role="analyst") == ["anna@example.org"]
    assert _listed_emails(secretariat_client, role="analyst", status="all") == [
        "anna@example.org", "oud@example.org"]
    assert _listed_emails(secretariat_client, q="koffie", role="analyst", status="inactive") == [
        "oud@example.org"]
    assert _listed_emails(secretariat_client, role="boss") == _listed_emails(secretariat_client)


def test_users_list_keeps_the_active_filter(secretariat_client, accounts):
    page = secretariat_client.get("/users/", query_string={
        "q": "koffie", "role": "analyst", "status": "inactive"}).get_data(as_text=True)
    assert 'method="get"' in page
    assert 'name="q" type="search" value="koffie"' in page
    assert '<option selected value="analyst">' in page
    assert 'name="status" type="hidden" value="inactive"' in page
    # The tabs keep the search and the role.
    assert 'href="/users/?status=all&amp;q=koffie&amp;role=analyst"' in page
    assert "1 account found" in page or "1 account gevonden" in page


def test_each_rows_buttons_name_their_account_to_a_screen_reader(secretariat_client, accounts):
    page = secretariat_client.get("/users/", query_string={"status": "all"}).get_data(as_text=True)
    for label in ("Wachtwoordlink sturen", "Deactiveren"):
        assert f'{label}<span class="visually-hidden"> jan@koffie.example.org</span></button>' in page
    assert 'Weer activeren<span class="visually-hidden"> oud@example.org</span></button>' in page
