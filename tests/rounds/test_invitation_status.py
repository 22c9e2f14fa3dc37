"""An invitation's status follows what the organisation did last: a failed delivery
says "not delivered" only while the organisation has done nothing, and never hides that
it opened its link or is answering."""

from __future__ import annotations

from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import send_due
from imvo_survey.models import Invitation, OutboxMessage
from imvo_survey.rounds.mailings import send_invitation, send_reminder

from .. import factories


def _status(invitation) -> str:
    db.session.expire_all()
    return db.session.get(Invitation, invitation.id).status


def _invited(smtp_server):
    round = factories.make_round()
    organisation = factories.make_organisation(name="Vereniging Bereikbaar")
    factories.make_contact(organisation, email="anna@example.org")
    invitation = factories.make_invitation(round, organisation)
    send_invitation(invitation)
    db.session.commit()
    assert len(send_due().sent) == 1
    link = smtp_server.messages[0].get_body(("plain",)).get_content().split("/i/")[1].split()[0]
    return invitation, link


def _bounce_a_reminder(smtp_server, invitation) -> None:
    db.session.expire_all()  # the requests before changed the invitation
    send_reminder(db.session.get(Invitation, invitation.id))
    db.session.commit()
    smtp_server.refuse_with = "550 5.1.1 Mailbox unavailable"
    assert len(send_due().failed) == 1
    smtp_server.refuse_with = None


def test_an_organisation_that_answers_after_a_failed_reminder_is_no_longer_not_delivered(app, smtp_server):
    invitation, link = _invited(smtp_server)
    _bounce_a_reminder(smtp_server, invitation)
    assert _status(invitation) == "bounced"  # nothing done yet: the secretariat should look

    client = app.test_client()
    assert client.get(f"/i/{link}").status_code == 302
    assert _status(invitation) == "opened"
    assert client.post(f"/respond/{invitation.id}/start").status_code == 302
    assert _status(invitation) == "in_progress"


def test_a_failed_reminder_does_not_hide_that_the_link_was_opened(app, smtp_server):
    invitation, link = _invited(smtp_server)
    app.test_client().get(f"/i/{link}")
    _bounce_a_reminder(smtp_server, invitation)
    db.session.expire_all()
    stored = db.session.get(Invitation, invitation.id)
    assert stored.status == "opened"
    assert "550" in stored.bounce_reason  # kept for the secretariat all the same
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    assert failed.status == "failed"


def test_declining_and_undoing_after_a_bounce_goes_back_to_opened(app, smtp_server):
    invitation, link = _invited(smtp_server)
    _bounce_a_reminder(smtp_server, invitation)
    client = app.test_client()
    client.get(f"/i/{link}")
    client.post(f"/respond/{invitation.id}/decline", data={"reason": "Geen tijd"})
    assert _status(invitation) == "declined"
    client.post(f"/respond/{invitation.id}/undecline")
    assert _status(invitation) == "opened"


def test_a_bounce_noted_by_hand_keeps_the_status_of_an_organisation_that_acted(app, smtp_server,
                                                                               secretariat_client):
    invitation, link = _invited(smtp_server)
    app.test_client().get(f"/i/{link}")
    page = secretariat_client.post(f"/rounds/{invitation.round.slug}/invitations/{invitation.id}/bounce",
                                   data={"note": "Telefonisch: adres bestaat niet meer"}, follow_redirects=True)
    assert "De status blijft zoals hij is" in page.get_data(as_text=True)
    db.session.expire_all()
    stored = db.session.get(Invitation, invitation.id)
    assert stored.status == "opened" and stored.bounce_reason == "Telefonisch: adres bestaat niet meer"
