"""Factories for test data: each makes a valid object with sensible defaults, adds it
to the session and flushes; the test commits when it needs to."""

from __future__ import annotations

import itertools

from sqlalchemy import select

from imvo_survey.auth.services import set_password
from imvo_survey.extensions import db
from imvo_survey.models import Branch, Contact, Organisation, Sector, User

PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def sector(code: str = "voedsel_drank") -> Sector:
    return db.session.scalar(select(Sector).where(Sector.code == code))


def branch(code: str = "wholesale_retail") -> Branch:
    return db.session.scalar(select(Branch).where(Branch.code == code))


def make_organisation(**values) -> Organisation:
    number = next(_numbers)
    values.setdefault("name", f"Organisatie {number}")
    values.setdefault("kind", "branch_association")
    if "sector" not in values and "sector_id" not in values:
        values["sector"] = sector()
    if values["kind"] == "company":
        values.setdefault("size", "mkb")
    organisation = Organisation(**values)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def make_contact(organisation: Organisation, **values) -> Contact:
    number = next(_numbers)
    values.setdefault("name", f"Contact {number}")
    values.setdefault("email", f"contact{number}@example.org")
    values.setdefault("language", "nl")
    values.setdefault("is_primary", not organisation.contacts)
    contact = Contact(organisation=organisation, **values)
    db.session.add(contact)
    db.session.flush()
    return contact


def make_user(role: str = "secretariat", password: str | None = PASSWORD, **values) -> User:
    number = next(_numbers)
    values.setdefault("email", f"user{number}@example.org")
    if role == "respondent" and "organisation" not in values:
        values["organisation"] = make_organisation()
    user = User(role=role, is_active=values.pop("is_active", True), **values)
    if password:
        set_password(user, password)
    db.session.add(user)
    db.session.flush()
    return user


def published_versions():
    """The shipped questionnaires, seeded and published (association, company)."""
    from imvo_survey.questionnaires.services import find_version
    from imvo_survey.seed import seed_questionnaires

    seed_questionnaires()
    db.session.flush()
    return (find_version("imvo-associations", published_only=True),
            find_version("imvo-companies", published_only=True))


def make_round(status: str = "open", **values):
    """A round with both shipped questionnaires, open from yesterday for two weeks."""
    from datetime import timedelta

    from imvo_survey.models import utcnow
    from imvo_survey.rounds.creating import create_round

    number = next(_numbers)
    association, company = published_versions()
    now = utcnow()
    values.setdefault("opens_at", now - timedelta(days=1))
    values.setdefault("closes_at", now + timedelta(days=14))
    values.setdefault("association", association)
    values.setdefault("company", company)
    round = create_round(values.pop("name", f"Uitvraag {number}"), values.pop("slug", f"uitvraag-{number}"),
                         values.pop("year", 2010), **values)
    round.status = status
    db.session.flush()
    return round


def make_invitation(round, organisation=None, status: str = "targeted", **values):
    """An invitation of an organisation (with a contact) to a round."""
    from imvo_survey.models import Invitation
    from imvo_survey.rounds.services import audience_of

    if organisation is None:
        organisation = make_organisation()
        make_contact(organisation)
    invitation = Invitation(round=round, organisation=organisation, audience=audience_of(organisation),
                            status=status, **values)
    db.session.add(invitation)
    db.session.flush()
    return invitation
