"""Invitations: personal links (tokens) through their whole life, the landing page,
declining, setting a password, and the messages in Dutch and English."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Invitation, InvitationToken, OutboxMessage, User, utcnow
from imvo_survey.rounds.mailings import invite, send_invitation
from imvo_survey.rounds.services import close_round, hash_token, issue_token, revoke_tokens

from .. import factories

INVALID = "Deze link werkt niet meer"


@pytest.fixture
def invited():
    """An open round and an association invited with one contact; returns (invitation, token)."""
    round = factories.make_round(slug="imvo-2010", name="Inventarisatie IMVO 2010")
    organisation = factories.make_organisation(name="Vereniging A")
    contact = factories.make_contact(organisation, name="Anna", email="anna@example.org")
    invitation = factories.make_invitation(round, organisation)
    token = issue_token(invitation, contact)
    invitation.status = "invited"
    db.session.commit()
    return invitation, token


def test_tokens_are_long_random_and_stored_hashed(invited):
    invitation, token = invited
    assert len(token) >= 43  # 32 bytes of secrets.token_urlsafe: 256 bits
    stored = db.session.scalar(select(InvitationToken))
    assert stored.token_hash == hash_token(token) and token not in stored.token_hash
    assert len({issue_token(invitation, invitation.organisation.contacts[0]) for _ in range(5)}) == 5


def test_a_valid_link_opens_the_organisations_page_only(client, invited):
    invitation, token = invited
    response = client.get(f"/i/{token}")
    assert response.status_code == 302 and response.location == f"/respond/{invitation.id}"
    page = client.get(response.location).get_data(as_text=True)
    assert "Vereniging A" in page and "Inventarisatie IMVO 2010" in page
    db.session.expire_all()
    invitation = db.session.get(Invitation, invitation.id)
    assert invitation.status == "opened" and invitation.opened_at is not None
    # the link gives no access to anything else
    assert client.get("/organisations/").status_code == 302
    assert client.get(f"/organisations/{invitation.organisation_id}").status_code == 302


def test_another_organisations_invitation_is_not_shown(client, invited):
    invitation, token = invited
    other = factories.make_invitation(invitation.round, status="invited")
    db.session.commit()
    client.get(f"/i/{token}")
    response = client.get(f"/respond/{other.id}")
    assert response.status_code == 404 and other.organisation.name not in response.get_data(as_text=True)


@pytest.mark.parametrize("bad", ["", "x", "abc-def", "a" * 43, "%00%00", "a" * 300])
def test_unknown_and_malformed_links(client, invited, bad):
    response = client.get(f"/i/{bad}")
    if bad == "":
        assert response.status_code == 404
        return
    assert response.status_code == 404 and INVALID in response.get_data(as_text=True)


def test_revoked_and_replaced_links_stop_working(client, invited):
    invitation, token = invited
    newer = issue_token(invitation, invitation.organisation.contacts[0])  # a re-send voids the old link
    db.session.commit()
    assert INVALID in client.get(f"/i/{token}").get_data(as_text=True)
    assert client.get(f"/i/{newer}").status_code == 302
    revoke_tokens(invitation)
    db.session.commit()
    # the session that used the link loses access too
    assert client.get(f"/respond/{invitation.id}").status_code == 302
    assert INVALID in client.get(f"/i/{newer}").get_data(as_text=True)


def test_links_expire_when_the_round_closes_or_the_extension_ends(client, invited):
    invitation, token = invited
    round = invitation.round
    with time_machine.travel(round.closes_at + timedelta(minutes=1), tick=False):
        assert INVALID in client.get(f"/i/{token}").get_data(as_text=True)
    from imvo_survey.rounds.services import extend_deadline

    extend_deadline(round, invitation.organisation, round.closes_at + timedelta(days=7), "Later")
    close_round(round)
    db.session.commit()
    with time_machine.travel(round.closes_at + timedelta(days=1), tick=False):
        assert client.get(f"/i/{token}").status_code == 302
    with time_machine.travel(round.closes_at + timedelta(days=8), tick=False):
        assert INVALID in client.get(f"/i/{token}").get_data(as_text=True)


def test_link_attempts_are_rate_limited(make_app, invited):
    app = make_app(RATELIMIT_ENABLED=True, INVITATION_RATE_LIMIT="3 per minute")
    client = app.test_client()
    statuses = [client.get(f"/i/guess{number}").status_code for number in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_decline_and_undo(client, invited):
    invitation, token = invited
    client.get(f"/i/{token}")
    client.post(f"/respond/{invitation.id}/decline", data={"reason": "Geen capaciteit dit jaar"})
    db.session.expire_all()
    declined = db.session.get(Invitation, invitation.id)
    assert (declined.status, declined.decline_reason) == ("declined", "Geen capaciteit dit jaar")
    client.post(f"/respond/{invitation.id}/undecline")
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).status == "opened"


def test_decline_is_not_possible_after_the_deadline(client, invited):
    invitation, token = invited
    client.get(f"/i/{token}")
    with time_machine.travel(invitation.round.closes_at + timedelta(minutes=1), tick=False):
        client.post(f"/respond/{invitation.id}/decline", data={})
    db.session.expire_all()
    assert db.session.get(Invitation, invitation.id).status == "opened"


def test_set_a_password_from_the_link_and_log_in_later(app, client, invited, auth):
    invitation, token = invited
    client.get(f"/i/{token}")
    page = client.get(f"/respond/{invitation.id}").get_data(as_text=True)
    assert f"/respond/{invitation.id}/account" in page
    client.post(f"/respond/{invitation.id}/account", data={"password": "mijn wachtwoord", "confirm": "mijn wachtwoord"})
    user = db.session.scalar(select(User).where(User.email == "anna@example.org"))
    assert user.role == "respondent" and user.organisation_id == invitation.organisation_id
    other = app.test_client()
    assert other.post("/auth/login", data={"email": "anna@example.org", "password": "mijn wachtwoord"}).status_code == 302
    assert other.get(f"/respond/{invitation.id}").status_code == 200


def test_no_second_account_for_the_same_address(client, invited):
    invitation, token = invited
    factories.make_user("analyst", email="anna@example.org")
    db.session.commit()
    client.get(f"/i/{token}")
    response = client.get(f"/respond/{invitation.id}/account")
    assert response.status_code == 302 and "/auth/login" in response.location
    assert db.session.scalar(select(User).where(User.role == "respondent")) is None


def test_respondent_and_secretariat_reach_the_page_without_a_link(respondent_client, secretariat_client, respondent):
    round = factories.make_round()
    own = factories.make_invitation(round, respondent.organisation, status="invited")
    other = factories.make_invitation(round, status="invited")
    db.session.commit()
    assert respondent_client.get(f"/respond/{own.id}").status_code == 200
    assert respondent_client.get(f"/respond/{other.id}").status_code == 404
    assert secretariat_client.get(f"/respond/{other.id}").status_code == 200


def _sent_links(messages) -> list[str]:
    return [re.search(r"https?://\S+/i/\S+", m.get_body(preferencelist=("plain",)).get_content()).group(0)
            for m in messages]


def test_invitation_messages_in_the_contacts_language(client, mail_folder):
    round = factories.make_round(name="Inventarisatie IMVO 2010")
    dutch = factories.make_organisation(name="Nederlandse Club")
    factories.make_contact(dutch, name="Piet", email="piet@example.org", language="nl")
    english = factories.make_organisation(name="English Board", kind="product_board")
    factories.make_contact(english, name="John", email="john@example.org", language="en")
    for organisation in (dutch, english):
        factories.make_invitation(round, organisation)
    invite(round)
    db.session.commit()
    messages = {m["To"]: m for m in mail_folder()}
    nl, en = messages["piet@example.org"], messages["john@example.org"]
    assert nl["Subject"] == "Uitnodiging: Inventarisatie IMVO 2010"
    assert en["Subject"] == "Invitation: Inventarisatie IMVO 2010"
    nl_text = nl.get_body(preferencelist=("plain",)).get_content()
    en_text = en.get_body(preferencelist=("plain",)).get_content()
    assert "Beste Piet" in nl_text and "Nederlandse Club" in nl_text and " om " in nl_text
    assert "Dear John" in en_text and " at " in en_text
    for message in (nl, en):
        assert message.get_body(preferencelist=("html",)) is not None
        assert message["From"] and "imvo@ser.example" in message.get_body(preferencelist=("plain",)).get_content()
    # links come from the configured base URL and open the right invitation
    for link in _sent_links([nl, en]):
        assert link.startswith("http://imvo.example.org/i/")
        assert client.get(link.removeprefix("http://imvo.example.org")).status_code == 302


def test_invite_all_contacts_or_the_primary_one(mail_folder):
    round = factories.make_round()
    organisation = factories.make_organisation()
    factories.make_contact(organisation, email="eerste@example.org", is_primary=True)
    factories.make_contact(organisation, email="tweede@example.org", is_primary=False)
    invitation = factories.make_invitation(round, organisation)
    send_invitation(invitation)
    db.session.commit()
    assert [m["To"] for m in mail_folder()] == ["eerste@example.org"]
    round.contact_mode = "all"
    send_invitation(invitation)  # re-send: new tokens for everyone
    db.session.commit()
    assert sorted(m["To"] for m in mail_folder()[1:]) == ["eerste@example.org", "tweede@example.org"]
    tokens = db.session.scalars(select(InvitationToken).order_by(InvitationToken.id)).all()
    assert [t.revoked_at is not None for t in tokens] == [True, False, False]
    assert {t.contact.email for t in tokens if t.revoked_at is None} == {"eerste@example.org", "tweede@example.org"}


def test_no_invitations_before_the_round_is_open():
    round = factories.make_round(status="draft")
    factories.make_invitation(round)
    from imvo_survey.rounds.services import RoundError

    with pytest.raises(RoundError):
        invite(round)


def test_the_outbox_holds_messages_until_the_worker_runs(invited):
    invitation, _token = invited
    invitation.status = "targeted"
    invite(invitation.round)
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert (message.status, message.kind, message.invitation_id) == ("queued", "invitation", invitation.id)
    assert utcnow() - message.created_at < timedelta(minutes=1)


def test_invitation_body_names_the_round_in_both_languages(mail_folder):
    round = factories.make_round(name="Inventarisatie IMVO 2010")
    round.invitation_subject_nl = round.invitation_subject_en = "Uw medewerking gevraagd"  # no name in the subject
    for language in ("nl", "en"):
        organisation = factories.make_organisation(name=f"Organisatie {language}")
        factories.make_contact(organisation, email=f"{language}@example.org", language=language)
        factories.make_invitation(round, organisation)
    invite(round)
    db.session.commit()
    messages = {m["To"]: m for m in mail_folder()}
    assert len(messages) == 2
    for message in messages.values():
        assert "Inventarisatie IMVO 2010" not in message["Subject"]
        for kind in ("plain", "html"):
            assert "Inventarisatie IMVO 2010" in message.get_body(preferencelist=(kind,)).get_content()
    english = messages["en@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert "Round: Inventarisatie IMVO 2010" in english
