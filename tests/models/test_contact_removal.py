"""Removing a contact: the page asks first; the contact's invitation links stop working;
the responses and their audit trail stay, and the trail still names who acted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.answers.services import Actor, start
from imvo_survey.extensions import db
from imvo_survey.models import Contact, InvitationToken, Organisation, Response, ResponseEvent
from imvo_survey.rounds.services import issue_token, token_from_link

from .. import factories


@pytest.fixture
def contact_with_a_save():
    """A contact whose invitation link started a response (one audit event)."""
    organisation = factories.make_organisation(name="Vereniging Thee")
    contact = factories.make_contact(organisation, name="Tessa Thee", email="tessa@example.org")
    factories.make_contact(organisation, name="Blijft", email="blijft@example.org")
    invitation = factories.make_invitation(factories.make_round(), organisation, status="invited")
    token = issue_token(invitation, contact)
    start(invitation, Actor(contact=contact))
    db.session.commit()
    return organisation, contact, token


def test_remove_asks_for_confirmation_first(secretariat_client, contact_with_a_save):
    organisation, contact, _ = contact_with_a_save
    url = f"/organisations/{organisation.id}/contacts/{contact.id}/delete"
    show = secretariat_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert f'href="{url}"' in show and f'action="{url}"' not in show
    question = secretariat_client.get(url)
    assert question.status_code == 200
    page = question.get_data(as_text=True)
    assert "Tessa Thee" in page and f'action="{url}"' in page and 'method="post"' in page
    assert db.session.get(Contact, contact.id) is not None


def test_remove_after_confirmation_voids_the_links_and_keeps_the_trail(secretariat_client, contact_with_a_save):
    organisation, contact, token = contact_with_a_save
    organisation_id, contact_id = organisation.id, contact.id
    assert token_from_link(token) is not None
    response = secretariat_client.post(f"/organisations/{organisation_id}/contacts/{contact_id}/delete")
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, contact_id) is None
    assert [c.name for c in db.session.get(Organisation, organisation_id).contacts] == ["Blijft"]
    # The link no longer works; it keeps the address it was sent to.
    assert token_from_link(token) is None
    [kept] = db.session.scalars(select(InvitationToken)).all()
    assert kept.contact_id is None and kept.email == "tessa@example.org"
    # The response and its audit event stay; the link to the contact is cleared
    # (SET NULL), and the event still names who acted, as they were then.
    [event] = db.session.scalars(select(ResponseEvent)).all()
    assert event.kind == "started" and event.contact_id is None
    assert (event.actor_name, event.actor_email) == ("Tessa Thee", "tessa@example.org")
    response_id = db.session.scalar(select(Response.id))
    page = secretariat_client.get(f"/responses/{response_id}").get_data(as_text=True)
    assert "Tessa Thee" in page and "Nobody recorded" not in page and "Niemand vastgelegd" not in page


def test_an_analyst_cannot_remove_a_contact(analyst_client, contact_with_a_save):
    organisation, contact, _ = contact_with_a_save
    url = f"/organisations/{organisation.id}/contacts/{contact.id}/delete"
    assert analyst_client.get(url).status_code == 403
    assert analyst_client.post(url).status_code == 403
    assert db.session.get(Contact, contact.id) is not None

