"""Services that query by an object's id get the saved id, never None: a query built
from an object not yet flushed would say `IS NULL` and reach rows that are not its own."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, InvitationToken, Organisation, User
from imvo_survey.organisations.services import deactivate_contact, deactivate_organisation, remove_contact
from imvo_survey.rounds.services import issue_token

from .. import factories


def test_a_new_organisation_is_deactivated_with_its_own_respondents_only(secretariat):
    new = Organisation(name="Nieuw", kind="branch_association", sector=factories.sector(), is_active=True)
    db.session.add(new)
    newcomer = User(email="nieuw@example.org", role="respondent", organisation=new, is_active=True)
    db.session.add(newcomer)
    deactivate_organisation(new)  # neither is flushed yet
    db.session.commit()
    assert not new.is_active and not newcomer.is_active
    assert db.session.get(User, secretariat.id).is_active


def test_an_organisation_in_no_session_is_refused():
    with pytest.raises(ValueError, match="no database session"):
        deactivate_organisation(Organisation(name="Los", kind="branch_association"))


@pytest.fixture
def orphaned_link():
    """A working link whose contact is gone from the register (its contact_id is NULL)."""
    organisation = factories.make_organisation()
    contact = factories.make_contact(organisation)
    invitation = factories.make_invitation(factories.make_round(), organisation, status="invited")
    issue_token(invitation, contact)
    db.session.commit()
    db.session.delete(contact)  # the database sets the token's contact to NULL
    db.session.commit()
    token = db.session.scalar(select(InvitationToken))
    db.session.refresh(token)
    assert token.contact_id is None and token.revoked_at is None
    return organisation, token


@pytest.mark.parametrize("stop", [deactivate_contact, remove_contact])
def test_stopping_a_new_contact_leaves_other_links_alone(orphaned_link, stop):
    organisation, token = orphaned_link
    newcomer = Contact(organisation=organisation, name="Net binnen", email="net@example.org", is_primary=False)
    db.session.add(newcomer)
    assert stop(newcomer) == 0
    db.session.commit()
    db.session.refresh(token)
    assert token.revoked_at is None
