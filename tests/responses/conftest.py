"""Fixtures for response tests: an open round with an association invited, its link
opened in a client."""

from __future__ import annotations

import pytest

from imvo_survey.extensions import db
from imvo_survey.rounds.services import issue_token

from .. import factories


@pytest.fixture
def invited():
    """(invitation, token) for an association with one contact in an open round."""
    round = factories.make_round(slug="imvo-2010", name="Inventarisatie IMVO 2010")
    organisation = factories.make_organisation(name="Vereniging Koffie", member_count=100, mkb_member_count=80)
    contact = factories.make_contact(organisation, name="Anna", email="anna@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    token = issue_token(invitation, contact)
    db.session.commit()
    return invitation, token


@pytest.fixture
def link_client(app, invited):
    """A browser session that opened the invitation link."""
    client = app.test_client()
    invitation, token = invited
    client.get(f"/i/{token}")
    return client


@pytest.fixture
def started_client(link_client, invited):
    """The link client after starting the response."""
    invitation, _token = invited
    link_client.post(f"/respond/{invitation.id}/start")
    return link_client
