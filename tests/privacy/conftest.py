"""A contact person with a footprint everywhere the inventory keeps personal data, and
a namesake with the same address at another organisation who must stay untouched."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.mail.outbox import send_due
from imvo_survey.models import (
    Contact,
    Invitation,
    Organisation,
    OutboxMessage,
    Registration,
    Response,
    ResponseNote,
    User,
)
from imvo_survey.rounds.mailings import send_invitation, send_reminder
from imvo_survey.rounds.services import issue_token

from .. import factories
from ..answering import add_activity, answer_required

ADDRESS = "anna@example.org"
NAME = "Anna de Vries"
PHONE = "070 1234567"
#: An activity's description that names her three ways (her phone number spaced otherwise).
MENTION = "Gecoördineerd door Anna de Vries (070-123 4567, ANNA@example.org)."
#: An answer that names her with other spacing.
SPACED = "Zie Anna  de\nVries"


@dataclass
class Scenario:
    organisation: Organisation
    anna: Contact
    bob: Contact
    account: User
    invitation: Invitation
    link: str
    response: Response
    namesake: Contact


@pytest.fixture
def scenario(app) -> Scenario:
    """Anna: a contact, a respondent account with her address, invitation and reminder
    links and messages (sent and waiting), a password reset waiting, saves through her
    link and her account, the submission, a bounce report quoting her address, and two
    registrations. Bob: another contact of her organisation. Her namesake: the same
    address at another organisation."""
    round = factories.make_round()
    round.contact_mode = "all"
    organisation = factories.make_organisation(name="Vereniging Koffie", member_count=100)
    anna = factories.make_contact(organisation, name=NAME, email=ADDRESS, phone=PHONE, function="Beleidsmedewerker")
    bob = factories.make_contact(organisation, name="Bob Bakker", email="bob@example.org")
    account = factories.make_user("respondent", email=ADDRESS, name=NAME, organisation=organisation)
    invitation = factories.make_invitation(round, organisation)
    other = factories.make_organisation(name="Andere Vereniging")
    namesake = factories.make_contact(other, name=NAME, email=ADDRESS)
    send_invitation(invitation)
    send_invitation(factories.make_invitation(round, other))
    db.session.commit()
    send_due()  # delivered: the messages hold links and names

    link = issue_token(invitation, anna, void_earlier=False)
    response = services.start(invitation, Actor(contact=anna))
    answer_required(response, Actor(contact=anna))
    services.save_section(response, "profile", {"member_count": "150"}, None, response.lock_version,
                          Actor(user=account))
    # Free text that names her: an activity, an answer changed since (the trail keeps the
    # old value), a note of the secretariat; and one that only shares her first name.
    add_activity(response, Actor(contact=anna), activity_description=MENTION)
    add_activity(response, Actor(contact=anna), activity_title="Project Anna")
    for text in ("Via anna de vries", "Via de helpdesk"):
        services.save_section(response, "complaint_mechanism", {
            "complaint_mechanism_exists": "yes", "complaint_mechanism_type": "other",
            "complaint_mechanism_type_other": text}, None, response.lock_version, Actor(contact=anna))
    services.save_section(response, "sector_policy", {"frameworks": ["other"], "frameworks_other": SPACED},
                          None, response.lock_version, Actor(contact=anna))
    db.session.add(ResponseNote(response=response, text="Gebeld met Anna de Vries over de cijfers"))
    send_reminder(invitation)  # waiting in the outbox for Anna and Bob
    assert services.submit(response, Actor(contact=anna)) == []
    db.session.add(OutboxMessage(kind="password_reset", to_address=ADDRESS, subject="Wachtwoord kiezen",
                                 raw=f"To: {ADDRESS}\r\nSubject: Wachtwoord kiezen\r\n\r\nBeste {NAME}, "
                                     "https://imvo.example.org/auth/reset/geheim\r\n".encode()))
    invitation.bounce_reason = "550 5.1.1 <Anna@Example.org>: mailbox full"
    db.session.add_all([
        Registration(name="Koffie BV", size="mkb", contact_name=NAME, contact_email=ADDRESS, token_hash="a" * 64,
                     status="confirmed", organisation=organisation),
        Registration(name="Thee BV", size="mkb", contact_name=NAME, contact_email=ADDRESS, token_hash="b" * 64,
                     status="pending"),
    ])
    db.session.commit()
    return Scenario(organisation, anna, bob, account, invitation, link, response, namesake)
