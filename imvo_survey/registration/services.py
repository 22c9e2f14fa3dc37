"""MKB self-registration: register, confirm by e-mail, and the secretariat's merge or
reject. Functions flush, never commit: the caller commits once.

A confirmation proves only that the registrant reads the e-mail address they typed.
So a registration that looks like an organisation already in the register (same KvK
number, or a company of the same name) is never added or invited automatically:
otherwise anyone could register with another company's KvK number and receive that
company's personal questionnaire link. The secretariat reviews it instead.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select

from ..emails import normalise_email
from ..extensions import db
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..models import ASSOCIATION_KINDS, Invitation, Organisation, Registration, Round, User, name_key, utcnow
from ..organisations.services import activate_contact, add_contact, find_organisation
from ..rounds.mailings import send_invitation
from ..rounds.services import add_targets, audience_of, hash_token

TOKEN_BYTES = 32
#: How long a confirmation link works, counted from the registration.
CONFIRMATION_HOURS = 72
#: Statuses the secretariat can still decide on.
MERGEABLE_STATUSES = ("review",)
REJECTABLE_STATUSES = ("pending", "review")


class RegistrationError(ValueError):
    """The registration cannot do what was asked; the message says why (translated)."""


# --- the public side --------------------------------------------------------------

def register(name: str, size: str, contact_name: str, contact_email: str, language: str = "nl",
             kvk_number: str | None = None, sector_id: int | None = None, association_id: int | None = None,
             association_name: str | None = None) -> tuple[Registration, str]:
    """A pending registration and its confirmation mail; returns it with the token
    (only the token's hash is stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    registration = Registration(
        name=" ".join(name.split()), size=size, kvk_number=kvk_number or None, sector_id=sector_id,
        association_id=association_id, association_name=association_name or None,
        contact_name=contact_name.strip(), contact_email=normalise_email(contact_email),
        language=language, token_hash=hash_token(token), status="pending")
    db.session.add(registration)
    db.session.flush()
    _send_confirmation(registration, token)
    return registration, token


def confirmation_link(token: str) -> str:
    """The link in the mail, from the configured base URL (never the request's host)."""
    return external_url("registration.confirm", token=token)


def _send_confirmation(registration: Registration, token: str) -> None:
    with force_locale(registration.language):
        message = build_message(
            registration.contact_email, _("Confirm your registration for the IMVO inventory"),
            "registration_confirm", registration=registration, link=confirmation_link(token),
            hours=CONFIRMATION_HOURS, language=registration.language)
    queue(message, "registration")


def registration_for_token(token: str, now: datetime | None = None) -> Registration | None:
    """The pending registration of a confirmation link that still works, else None."""
    if not token or len(token) > 200:
        return None
    registration = db.session.scalar(select(Registration).where(Registration.token_hash == hash_token(token)))
    if registration is None or registration.status != "pending":
        return None
    if (now or utcnow()) >= registration.created_at + timedelta(hours=CONFIRMATION_HOURS):
        return None
    return registration


def confirm(token: str) -> Registration | None:
    """Confirm a registration by its link. A new company is added to the register and
    invited to the open round; one that looks known goes to the secretariat (review).
    None when the link does not work (unknown, used or expired)."""
    registration = registration_for_token(token)
    if registration is None:
        return None
    registration.confirmed_at = utcnow()
    if find_organisation(registration.kvk_number, registration.name, "company") is not None:
        registration.status = "review"
        db.session.flush()
        return registration
    organisation = _create_organisation(registration)
    registration.organisation = organisation
    registration.status = "confirmed"
    db.session.flush()
    invite_to_open_rounds(organisation)
    return registration


def _create_organisation(registration: Registration) -> Organisation:
    organisation = Organisation(name=registration.name, kind="company", size=registration.size,
                                sector_id=registration.sector_id, kvk_number=registration.kvk_number,
                                is_active=True)
    association = registration.association
    if association is not None and association.kind in ASSOCIATION_KINDS:
        organisation.associations = [association]
    if registration.association_name:
        # Kept for the secretariat, who can link the association once it is in the register.
        with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
            organisation.notes = _("Branch association given at registration: %(name)s",
                                   name=registration.association_name)
    db.session.add(organisation)
    db.session.flush()
    add_contact(organisation, name=registration.contact_name, email=registration.contact_email,
                language=registration.language, is_primary=True)
    return organisation


def open_rounds_for(organisation: Organisation) -> list[Round]:
    """Open rounds, not yet past their closing time, with a questionnaire for the organisation."""
    rounds = db.session.scalars(select(Round).where(Round.status == "open", Round.closes_at > utcnow())
                                .order_by(Round.opens_at))
    return [round for round in rounds if round.version_for(audience_of(organisation)) is not None]


def invite_to_open_rounds(organisation: Organisation) -> list[Invitation]:
    """Target and invite the organisation in every open round it is not yet part of."""
    if not organisation.is_active:
        return []
    invited = []
    for round in open_rounds_for(organisation):
        for invitation in add_targets(round, [organisation]):
            send_invitation(invitation)
            invited.append(invitation)
    return invited


# --- the secretariat's side -------------------------------------------------------

def likely_matches(registration: Registration, limit: int = 10) -> dict[str, list[Organisation]]:
    """Organisations in the register that may be the registering company: by KvK
    number, and by name (the same name, or a name that contains it)."""
    by_kvk = []
    if registration.kvk_number:
        by_kvk = list(db.session.scalars(select(Organisation).where(
            Organisation.kvk_number == registration.kvk_number)))
    key = name_key(registration.name)
    condition = Organisation.name_key == key
    if len(key) >= 4:  # a very short name would match half the register
        escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        condition = or_(condition, Organisation.name_key.like(f"%{escaped}%", escape="\\"))
    by_name = [organisation for organisation in db.session.scalars(
        select(Organisation).where(condition).order_by(Organisation.name_key, Organisation.id).limit(limit))
        if organisation not in by_kvk]
    return {"kvk": by_kvk, "name": by_name}


def _handled(registration: Registration, status: str, user: User | None) -> None:
    registration.status = status
    registration.handled_by = user
    registration.handled_at = utcnow()


def merge(registration: Registration, organisation: Organisation, user: User | None = None) -> list[Invitation]:
    """Merge a registration under review into an organisation of the register: add the
    contact when its address is new there (or activate it again when it was
    deactivated), and invite the organisation to the open rounds it is not yet part
    of. Returns the new invitations."""
    if registration.status not in MERGEABLE_STATUSES:
        raise RegistrationError(_("Only a confirmed registration that awaits review can be merged."))
    known = next((c for c in organisation.contacts if c.email == registration.contact_email), None)
    if known is None:
        add_contact(organisation, name=registration.contact_name, email=registration.contact_email,
                    language=registration.language)
    elif not known.is_active:
        activate_contact(known)  # the person registered again: write to them again
    registration.organisation = organisation
    _handled(registration, "merged", user)
    db.session.flush()
    return invite_to_open_rounds(organisation)


def reject(registration: Registration, user: User | None = None, note: str | None = None) -> None:
    """Reject a registration (spam, say); its confirmation link stops working."""
    if registration.status not in REJECTABLE_STATUSES:
        raise RegistrationError(_("This registration has already been handled."))
    _handled(registration, "rejected", user)
    registration.note = (note or "").strip() or None
    db.session.flush()
