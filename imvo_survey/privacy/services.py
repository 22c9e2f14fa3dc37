"""Privacy (AVG/GDPR): export everything held about a contact person, erase (anonymise)
them, and purge the contacts of organisations inactive for longer than the retention
period; every export and erasure is written to the privacy log. Functions flush, never
commit: the view or the command commits once.

Erasure keeps the facts and drops the person: the organisation's answers, the audit
trail's events (what was done, when, through a link or an account) and the counts stay;
names, e-mail addresses, phone numbers and functions are replaced or cleared wherever
`footprint` finds them (also where the organisation's free text names them), the
person's links and respondent account stop working, and mail still waiting for them is
not sent. The trail then says "a removed contact".
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from flask import current_app
from sqlalchemy import exists, or_, select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import (
    Contact,
    Invitation,
    InvitationToken,
    Organisation,
    PrivacyEvent,
    Response,
    User,
    utcnow,
)
from ..organisations.services import deactivate_contact
from ..text import map_strings
from . import footprint
from .footprint import Footprint

#: What an erased contact's (or registration's) name becomes: a name is required, and a
#: dash reads as "no name" in every language. Pages show "a removed contact" instead.
ERASED_NAME = "\u2014"
#: Addresses that replace erased ones end in a reserved domain (RFC 2606): never delivered.
ERASED_DOMAIN = "erased.invalid"
#: Why a waiting message was not sent (shown on the outbox page).
CONTACT_ERASED = "Not sent: the contact's personal data were erased before this message went out."
#: The text of an erased message, kept so the outbox still counts what was sent.
ERASED_MESSAGE = "This message was removed: the personal data of its recipient were erased."


class PrivacyError(ValueError):
    """The export or erasure cannot be done; the message says why (translated)."""


@dataclass(frozen=True)
class Who:
    """Who exports or erases: a secretariat account on the web pages, or the command line."""

    user: User | None
    channel: str

    @classmethod
    def web(cls, user: User) -> Who:
        return cls(user, "web")

    @classmethod
    def cli(cls) -> Who:
        return cls(None, "cli")

    @property
    def label(self) -> str:
        if self.user is not None:
            return self.user.email
        try:
            return f"cli:{getpass.getuser()}"
        except (KeyError, OSError):  # no name for this process's user
            return "cli"


def log(action: str, who: Who, contact_id: int | None, organisation_id: int | None, summary: dict) -> PrivacyEvent:
    """Write one entry of the privacy log."""
    event = PrivacyEvent(action=action, contact_id=contact_id, organisation_id=organisation_id, user=who.user,
                         actor=who.label, channel=who.channel, summary=summary)
    db.session.add(event)
    db.session.flush()
    return event


def export_contact(contact: Contact, who: Who) -> dict:
    """Everything held about the contact person, as a JSON-ready document (logged)."""
    found = footprint.of_contact(contact)
    log("export", who, contact.id, contact.organisation_id, found.counts())
    return footprint.export_document(found)


# --- erasure -------------------------------------------------------------------------

def contact_placeholder(contact: Contact) -> str:
    """The address an erased contact's records get: unique, as the register requires."""
    return f"removed-contact-{contact.id}@{ERASED_DOMAIN}"


def erase_contact(contact: Contact, who: Who, action: str = "erase") -> dict:
    """Anonymise a contact person everywhere they are found; returns what was changed,
    counted, as it is logged."""
    if contact.erased_at is not None:
        raise PrivacyError(_l("This contact was erased already."))
    found = footprint.of_contact(contact)
    placeholder = contact_placeholder(contact)
    deactivate_contact(contact, CONTACT_ERASED)  # links void, round mail stopped, primary passed on
    _anonymise(found, placeholder)
    contact.name, contact.email, contact.phone, contact.function = ERASED_NAME, placeholder, None, None
    contact.erased_at = utcnow()
    db.session.flush()
    summary = found.counts()
    log(action, who, contact.id, contact.organisation_id, summary)
    return summary


def _anonymise(found: Footprint, placeholder: str) -> None:
    """Replace the person's address and name in every record of the footprint."""
    now = utcnow()
    for message in found.messages:
        if message.status == "queued":
            message.status, message.claimed_by, message.claimed_until = "failed", None, None
            message.last_error = CONTACT_ERASED
        message.raw = _erased_message(message.raw, message.subject, placeholder)
        message.to_address = placeholder
        message.last_error = _scrub(message.last_error, found.address, placeholder)
    for token in found.tokens:
        token.email = placeholder
        token.revoked_at = token.revoked_at or now
    for event in found.events:
        event.actor_name, event.actor_email, event.actor_erased = None, None, True
    for registration in found.registrations:
        registration.contact_name, registration.contact_email = ERASED_NAME, placeholder
        if registration.status == "pending":  # its confirmation link must not add the person back
            registration.status, registration.handled_at = "rejected", now
    for invitation in found.bounces:
        invitation.bounce_reason = _scrub(invitation.bounce_reason, found.address, placeholder)
    for mention in found.mentions:  # a new value, so that a changed list is saved too
        setattr(mention.record, mention.field,
                map_strings(mention.value, lambda text: found.pattern.sub(ERASED_NAME, text)))
    for account in found.accounts:
        erase_account(account)
    db.session.flush()



def erase_account(user: User) -> None:
    """Deactivate and anonymise a respondent account: it can no longer log in (its
    sessions and reset links end with the password and version), and keeps no name."""
    user.email = f"removed-account-{user.id}@{ERASED_DOMAIN}"
    user.name = None
    user.password_hash = None
    user.last_login_at = None
    user.is_active = False
    user.auth_version = (user.auth_version or 0) + 1
    user.erased_at = utcnow()


def _scrub(text: str | None, address: str, placeholder: str) -> str | None:
    """`text` (an SMTP reply, say) without the address, whatever its case."""
    if not text or not address:
        return text
    lowered, result, start = text.lower(), [], 0
    position = lowered.find(address)
    while position >= 0:
        result.append(text[start:position] + placeholder)
        start = position + len(address)
        position = lowered.find(address, start)
    return "".join(result) + text[start:]


def _erased_message(raw: bytes, subject: str, placeholder: str) -> bytes:
    """A stand-in for a message to an erased person: its Message-ID, date, sender and
    subject (the round's, not the person's), no name, address or link."""
    original = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    stand_in = EmailMessage()
    for header in ("Message-ID", "Date", "From"):
        if original[header]:
            stand_in[header] = str(original[header])
    stand_in["To"] = placeholder
    stand_in["Subject"] = subject
    stand_in.set_content(ERASED_MESSAGE)
    return bytes(stand_in)


# --- the retention purge -------------------------------------------------------------

@dataclass
class PurgeItem:
    """One organisation the purge reaches, and what it anonymises there."""

    organisation: Organisation
    contacts: list[Contact]
    accounts: list[User]
    #: Addresses of contacts removed earlier, still on their links and in the trail.
    traces: list[str]


def retention_cutoff(now: datetime | None = None) -> datetime:
    """Organisations inactive since before this moment are purged."""
    days = current_app.config["PRIVACY_RETENTION_DAYS"]
    if days < 1:
        raise PrivacyError(_l("IMVO_PRIVACY_RETENTION_DAYS must be at least 1 (it is %(days)s).", days=days))
    return (now or utcnow()) - timedelta(days=days)


def purge_plan(cutoff: datetime) -> list[PurgeItem]:
    """The organisations inactive since before `cutoff` that still hold personal data.

    Inactive: deactivated, its register entry unchanged since the cut-off (deactivating
    is a change, so the period starts then at the latest), and no response of it
    started, saved or submitted since the cut-off."""
    recent = exists().where(Response.organisation_id == Organisation.id, or_(
        Response.started_at >= cutoff, Response.last_saved_at >= cutoff, Response.submitted_at >= cutoff))
    organisations = db.session.scalars(select(Organisation).where(
        ~Organisation.is_active, Organisation.updated_at < cutoff, ~recent).order_by(Organisation.id))
    plan = []
    for organisation in organisations:
        contacts = [contact for contact in organisation.contacts if contact.erased_at is None]
        accounts = list(db.session.scalars(select(User).where(
            User.organisation_id == organisation.id, User.erased_at.is_(None)).order_by(User.id)))
        traces = sorted(set(db.session.scalars(select(InvitationToken.email).join(Invitation).where(
            Invitation.organisation_id == organisation.id, InvitationToken.contact_id.is_(None),
            ~InvitationToken.email.endswith(f"@{ERASED_DOMAIN}")))))
        if contacts or accounts or traces:
            plan.append(PurgeItem(organisation, contacts, accounts, traces))
    return plan


def purge(plan: list[PurgeItem], who: Who) -> None:
    """Anonymise what the plan names, logging each contact (and the rest per organisation)."""
    for item in plan:
        for contact in item.contacts:
            erase_contact(contact, who, action="purge")
        traces = [footprint.find(item.organisation.id, address) for address in item.traces]
        for found in traces:
            _anonymise(found, f"removed@{ERASED_DOMAIN}")
        accounts = [account for account in item.accounts if account.erased_at is None]
        for account in accounts:
            _anonymise(footprint.find(item.organisation.id, account.email), f"removed@{ERASED_DOMAIN}")
        if traces or accounts:
            log("purge", who, None, item.organisation.id,
                {"accounts": len(accounts), "traces": len(traces),
                 "events": sum(len(found.events) for found in traces)})
    db.session.flush()
