"""Deactivating a contact: kept in the register and the history, sent nothing more, its
links void, never the primary contact; activating it again. And what removing one does
to the mail waiting for it."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import send_due
from imvo_survey.models import Contact, OutboxMessage
from imvo_survey.organisations.services import deactivate_contact
from imvo_survey.rounds.feedback import feedback_token, invitation_for_feedback_token
from imvo_survey.rounds.mailings import send_invitation
from imvo_survey.rounds.services import issue_token, token_from_link, usable_contacts

from .. import factories
from .test_import import GOOD_ROWS, csv_bytes, import_bytes


@pytest.fixture
def two_contacts():
    """An organisation invited to a round, with a primary contact who leaves and another."""
    organisation = factories.make_organisation(name="Vereniging Cacao")
    leaving = factories.make_contact(organisation, name="Gaat weg", email="weg@example.org")
    staying = factories.make_contact(organisation, name="Blijft", email="blijft@example.org")
    round = factories.make_round()
    round.contact_mode = "all"
    invitation = factories.make_invitation(round, organisation, status="targeted")
    db.session.commit()
    assert leaving.is_primary and not staying.is_primary
    return organisation, leaving, staying, invitation


def _url(organisation, contact, action: str) -> str:
    return f"/organisations/{organisation.id}/contacts/{contact.id}/{action}"


def test_a_deactivated_contact_is_kept_but_sent_nothing(secretariat_client, two_contacts, smtp_server):
    organisation, leaving, staying, invitation = two_contacts
    link = issue_token(invitation, leaving)
    send_invitation(invitation)  # a message per contact waits in the outbox
    db.session.commit()

    response = secretariat_client.post(_url(organisation, leaving, "deactivate"))
    assert response.status_code == 302
    db.session.expire_all()
    leaving, staying = db.session.get(Contact, leaving.id), db.session.get(Contact, staying.id)
    assert leaving is not None and not leaving.is_active
    assert staying.is_primary and not leaving.is_primary  # the primary role moved on
    assert token_from_link(link) is None
    assert usable_contacts(organisation, "all") == [staying]
    assert usable_contacts(organisation, "primary") == [staying]

    send_due()
    db.session.expire_all()
    statuses = {m.to_address: (m.status, m.last_error) for m in db.session.scalars(select(OutboxMessage))}
    assert statuses["weg@example.org"][0] == "failed" and "deactivated" in statuses["weg@example.org"][1]
    assert statuses["blijft@example.org"][0] == "sent"
    assert [m["To"] for m in smtp_server.messages] == ["blijft@example.org"]

    page = secretariat_client.get(f"/organisations/{organisation.id}").get_data(as_text=True)
    assert "Gaat weg" in page and "gedeactiveerd" in page
    assert f'action="{_url(organisation, leaving, "activate")}"' in page


def test_a_deactivated_contacts_feedback_link_stops_working(two_contacts):
    _organisation, leaving, _staying, invitation = two_contacts
    token = feedback_token(invitation, leaving)
    assert invitation_for_feedback_token(token) is invitation
    deactivate_contact(leaving)
    db.session.commit()
    assert invitation_for_feedback_token(token) is None


def test_activating_again_writes_to_the_contact_with_new_links_only(secretariat_client, two_contacts):
    organisation, leaving, staying, invitation = two_contacts
    old_link = issue_token(invitation, leaving)
    db.session.commit()
    secretariat_client.post(_url(organisation, leaving, "deactivate"))
    staying_id = staying.id
    secretariat_client.post(_url(organisation, db.session.get(Contact, staying_id), "deactivate"))
    db.session.expire_all()
    assert not any(c.is_primary for c in db.session.scalars(select(Contact)))  # nobody left to be primary

    response = secretariat_client.post(_url(organisation, leaving, "activate"))
    assert response.status_code == 302
    db.session.expire_all()
    leaving = db.session.get(Contact, leaving.id)
    assert leaving.is_active and leaving.is_primary  # the only active one becomes primary
    assert token_from_link(old_link) is None  # links sent before stay void
    assert usable_contacts(organisation, "all") == [leaving]


def test_a_deactivated_contact_cannot_be_made_primary(secretariat_client, two_contacts):
    organisation, leaving, _staying, _invitation = two_contacts
    secretariat_client.post(_url(organisation, leaving, "deactivate"))
    secretariat_client.get("/language/en")
    response = secretariat_client.post(_url(organisation, leaving, "edit"), data={
        "name": "Gaat weg", "email": "weg@example.org", "language": "nl", "is_primary": "y"})
    assert response.status_code == 200
    assert "A deactivated contact cannot be the primary contact" in response.get_data(as_text=True)
    db.session.expire_all()
    assert not db.session.get(Contact, leaving.id).is_primary


def test_the_database_refuses_an_inactive_primary_contact(two_contacts):
    _organisation, leaving, _staying, _invitation = two_contacts
    leaving.is_active = False  # still primary
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("action", ["deactivate", "activate"])
def test_only_the_secretariat_deactivates_contacts(analyst_client, two_contacts, action):
    organisation, leaving, _staying, _invitation = two_contacts
    assert analyst_client.post(_url(organisation, leaving, action)).status_code == 403
    db.session.expire_all()
    assert db.session.get(Contact, leaving.id).is_active


def test_an_import_that_lists_a_deactivated_contact_makes_it_current_again():
    organisation = factories.make_organisation(name="Vereniging Oliën en Vetten", kind="branch_association",
                                               kvk_number="12345678")
    anna = factories.make_contact(organisation, name="Anna", email="anna@example.org")
    other = factories.make_contact(organisation, name="Oud", email="oud@example.org")
    db.session.flush()
    deactivate_contact(anna)
    deactivate_contact(other)  # nobody active: nobody primary
    db.session.commit()
    import_bytes(csv_bytes([GOOD_ROWS[1]]))  # names bert only: anna stays deactivated
    db.session.expire_all()
    contacts = {c.email: c for c in db.session.scalars(select(Contact))}
    assert not contacts["anna@example.org"].is_active and contacts["bert@example.org"].is_primary
    import_bytes(csv_bytes([GOOD_ROWS[0]]))  # anna, as the primary contact
    db.session.expire_all()
    contacts = {c.email: c for c in db.session.scalars(select(Contact))}
    assert contacts["anna@example.org"].is_active and contacts["anna@example.org"].is_primary
    assert not contacts["oud@example.org"].is_active


def test_registering_again_activates_a_deactivated_contact(app, secretariat_client):
    from ..registration.test_registration import _known_company, _registered

    known = _known_company()
    contact = known.contacts[0]
    deactivate_contact(contact)
    db.session.commit()
    registration, _token = _registered(app, contact_email=contact.email, confirm=True)
    secretariat_client.post(f"/registrations/{registration.id}/merge", data={"organisation_id": str(known.id)})
    db.session.expire_all()
    contact = db.session.get(Contact, contact.id)
    assert contact.is_active and contact.is_primary
    assert len(db.session.get(Contact, contact.id).organisation.contacts) == 1


def test_mail_waiting_for_a_removed_contact_is_not_sent(secretariat_client, two_contacts, smtp_server):
    organisation, leaving, staying, invitation = two_contacts
    send_invitation(invitation)  # one message per contact, waiting in the outbox
    db.session.commit()
    response = secretariat_client.post(_url(organisation, leaving, "delete"))
    assert response.status_code == 302
    report = send_due()
    db.session.expire_all()
    messages = {m.to_address: m for m in db.session.scalars(select(OutboxMessage))}
    assert messages["weg@example.org"].status == "failed" and "removed" in messages["weg@example.org"].last_error
    assert messages[staying.email].status == "sent" and len(report.sent) == 1
    assert [m["To"] for m in smtp_server.messages] == ["blijft@example.org"]
