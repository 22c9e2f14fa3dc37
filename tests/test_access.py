"""Roles are enforced on every route by one mechanism (`imvo_survey.access`)."""

from __future__ import annotations

import pytest

from imvo_survey.access import Access
from imvo_survey.extensions import db

from . import factories


def test_every_view_declares_its_access(app):
    """Fail closed: a view without a declaration would be refused to everybody, so
    every endpoint (except static files) must declare who may use it."""
    undeclared = [endpoint for endpoint, view in app.view_functions.items()
                  if endpoint != "static" and not isinstance(getattr(view, "access", None), Access)]
    assert undeclared == []


def test_a_view_without_declaration_is_refused(app, secretariat_client):
    app.view_functions["main.health"].__dict__.pop("access")
    try:
        assert secretariat_client.get("/health").status_code == 403
    finally:
        from imvo_survey.access import public

        public(app.view_functions["main.health"])


STAFF_PAGES = ["/organisations/", "/organisations/new", "/organisations/import", "/users/", "/users/new"]


@pytest.mark.parametrize("url", STAFF_PAGES + ["/auth/password"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/auth/login" in response.location


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_respondents_cannot_reach_staff_pages(respondent_client, url):
    assert respondent_client.get(url).status_code == 403


@pytest.mark.parametrize("url, status", [
    ("/organisations/", 200),
    ("/organisations/new", 403),
    ("/organisations/import", 403),
    ("/organisations/import/template.csv", 403),
    ("/users/", 403),
    ("/users/new", 403),
])
def test_analysts_read_but_do_not_change(analyst_client, url, status):
    assert analyst_client.get(url).status_code == status


def test_analyst_cannot_post_changes(analyst_client):
    organisation = factories.make_organisation(name="Ongewijzigd")
    db.session.commit()
    for url in (f"/organisations/{organisation.id}/edit", f"/organisations/{organisation.id}/deactivate",
                "/organisations/new", f"/organisations/{organisation.id}/contacts/new"):
        assert analyst_client.post(url, data={"name": "Gewijzigd", "kind": "company"}).status_code == 403
    db.session.refresh(organisation)
    assert organisation.name == "Ongewijzigd" and organisation.is_active


def test_analyst_sees_contact_names_but_no_addresses(analyst_client):
    organisation = factories.make_organisation()
    factories.make_contact(organisation, name="Anna de Vries", email="anna@example.org", phone="070 1234567")
    db.session.commit()
    page = analyst_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Anna de Vries" in page
    assert "anna@example.org" not in page and "070 1234567" not in page


def test_respondent_sees_own_organisation_only(respondent_client, respondent):
    other = factories.make_organisation(name="Andere Vereniging")
    db.session.commit()
    own = respondent_client.get(f"/organisations/{respondent.organisation_id}")
    assert own.status_code == 200 and "Eigen Brancheorganisatie" in own.get_data(as_text=True)
    response = respondent_client.get(f"/organisations/{other.id}")
    assert response.status_code == 404
    assert "Andere Vereniging" not in response.get_data(as_text=True)


def test_respondent_cannot_change_own_organisation(respondent_client, respondent):
    url = f"/organisations/{respondent.organisation_id}/edit"
    assert respondent_client.get(url).status_code == 403
    assert respondent_client.post(url, data={"name": "X", "kind": "company"}).status_code == 403


def test_deactivated_user_loses_access_at_once(app, secretariat_client, secretariat):
    assert secretariat_client.get("/organisations/").status_code == 200
    secretariat.is_active = False
    db.session.commit()
    assert secretariat_client.get("/organisations/").status_code == 302


def test_csrf_is_required_on_every_form(make_app, secretariat):
    """With CSRF on (as outside tests), a POST without the token is refused and changes nothing."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    response = client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "verlopen" in response.get_data(as_text=True)  # "Het formulier is verlopen"
    assert client.get("/organisations/").status_code == 302  # not logged in
    response = client.post("/auth/logout")
    assert response.status_code == 400
