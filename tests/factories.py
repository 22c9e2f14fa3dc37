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
