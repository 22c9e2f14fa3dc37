"""Where the data about one contact person are held, found once for the export and the
erasure alike, and the export document built from them.

A person is found by their contact record and by their e-mail address within their
organisation: the respondent account of that organisation with the same address, the
invitation links sent to them, the outbox messages to their address (about the
organisation's invitations, or about no invitation: password resets, registration
confirmations), the audit-trail events they did (through their link or account, or
recorded by name and address after an earlier removal), the responses they submitted,
their registrations, and bounce reports that quote their address. The same address at
another organisation is another contact record: it is named (by id) but not included.

Free text of the organisation's responses that names the person is found too (answers,
activities, dilemmas, bottlenecks, the secretariat's notes and questions, the audit
trail's old and new values and messages, decline reasons, good practices' public
texts): their address, and with the contact record their full name (two words or more:
a single word is too often another word) and their phone number (its digits, however
spaced).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import and_, false, func, or_, select

from ..extensions import db
from ..models import (
    Activity,
    Answer,
    Bottleneck,
    Contact,
    Dilemma,
    GoodPractice,
    Invitation,
    InvitationToken,
    Organisation,
    OutboxMessage,
    Registration,
    Response,
    ResponseEvent,
    ResponseNote,
    User,
    utcnow,
)
from ..text import map_strings

EXPORT_FORMAT = "imvo-privacy-export"
#: The free-text fields of the records of a response, by model.
FREE_TEXT = ((Answer, ("text_value",)), (Activity, ("title", "description", "partners_other")),
             (Dilemma, ("description",)), (Bottleneck, ("description", "what_would_help")),
             (ResponseNote, ("text",)), (ResponseEvent, ("changes", "message")))


@dataclass
class Mention:
    """A free-text field that names the person: the record and the field's name (for
    the audit trail's events, its list of changes with their old and new values)."""

    record: object
    field: str

    @property
    def value(self):
        return getattr(self.record, self.field)


@dataclass
class Footprint:
    """Everything held about one person within one organisation."""

    organisation_id: int
    address: str
    contact: Contact | None = None
    accounts: list[User] = field(default_factory=list)
    tokens: list[InvitationToken] = field(default_factory=list)
    messages: list[OutboxMessage] = field(default_factory=list)
    events: list[ResponseEvent] = field(default_factory=list)
    submissions: list[Response] = field(default_factory=list)
    registrations: list[Registration] = field(default_factory=list)
    bounces: list[Invitation] = field(default_factory=list)
    #: Free text of the organisation's responses that names the person, and what does.
    mentions: list[Mention] = field(default_factory=list)
    pattern: re.Pattern | None = None
    #: The same address elsewhere: other contact records and accounts (not included).
    other_contacts: list[Contact] = field(default_factory=list)
    other_accounts: list[User] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        """How many records of each kind (for the privacy log and the confirmation page)."""
        return {"contact": int(self.contact is not None), "accounts": len(self.accounts),
                "tokens": len(self.tokens), "messages": len(self.messages), "events": len(self.events),
                "submissions": len(self.submissions), "registrations": len(self.registrations),
                "bounces": len(self.bounces), "mentions": len(self.mentions)}


def of_contact(contact: Contact) -> Footprint:
    """The footprint of a contact person."""
    return find(contact.organisation_id, contact.email, contact)


def find(organisation_id: int, address: str, contact: Contact | None = None) -> Footprint:
    """What is held about `address` within the organisation (and, when given, through
    the contact record's own links)."""
    found = Footprint(organisation_id, address, contact)
    invitations = select(Invitation.id).where(Invitation.organisation_id == organisation_id)
    found.accounts = _all(select(User).where(User.email == address, User.role == "respondent",
                                             User.organisation_id == organisation_id))
    account_ids = [account.id for account in found.accounts]
    by_contact = InvitationToken.contact_id == contact.id if contact is not None else false()
    found.tokens = _all(select(InvitationToken).where(or_(
        by_contact, and_(InvitationToken.email == address, InvitationToken.invitation_id.in_(invitations)))))
    found.messages = _all(select(OutboxMessage).where(
        OutboxMessage.to_address == address,
        or_(OutboxMessage.invitation_id.in_(invitations), OutboxMessage.invitation_id.is_(None))))
    found.events = _all(select(ResponseEvent).join(Response).where(
        Response.organisation_id == organisation_id,
        or_(ResponseEvent.contact_id == contact.id if contact is not None else false(),
            ResponseEvent.user_id.in_(account_ids),
            and_(ResponseEvent.contact_id.is_(None), ResponseEvent.user_id.is_(None),
                 ResponseEvent.actor_email == address))))
    found.submissions = _all(select(Response).where(
        Response.organisation_id == organisation_id,
        or_(Response.submitted_by_contact_id == contact.id if contact is not None else false(),
            Response.submitted_by_user_id.in_(account_ids))))
    found.registrations = _all(select(Registration).where(
        Registration.contact_email == address,
        or_(Registration.organisation_id == organisation_id, Registration.organisation_id.is_(None))))
    found.bounces = _all(select(Invitation).where(
        Invitation.organisation_id == organisation_id,
        func.lower(Invitation.bounce_reason).contains(address, autoescape=True)))
    found.other_contacts = _all(select(Contact).where(
        Contact.email == address, Contact.id != (contact.id if contact is not None else None)))
    found.other_accounts = _all(select(User).where(User.email == address, User.id.not_in(account_ids)))
    found.pattern = person_pattern(address, contact)
    found.mentions = _mentions(organisation_id, found.pattern) if found.pattern is not None else []
    return found


def person_pattern(address: str, contact: Contact | None) -> re.Pattern | None:
    """What names the person in free text (see the module's docstring), whatever its case."""
    parts = [re.escape(address)] if address else []
    if contact is not None:
        words = (contact.name or "").split()
        if len(words) >= 2:
            parts.append(r"\s+".join(re.escape(word) for word in words))
        digits = re.sub(r"\D", "", contact.phone or "")
        if len(digits) >= 6:
            parts.append(r"[\s./()-]*".join(digits))
    if not parts:
        return None
    return re.compile(rf"(?<![\w@.+-])(?:{'|'.join(parts)})(?![\w])", re.IGNORECASE)


def names_person(value, pattern: re.Pattern) -> bool:
    """Whether a text (or the texts in a stored list or mapping) names the person: taking
    out what names them changes it."""
    return map_strings(value, lambda text: pattern.sub("", text)) != value


def _mentions(organisation_id: int, pattern: re.Pattern) -> list[Mention]:
    responses = select(Response.id).where(Response.organisation_id == organisation_id)
    sources = [(select(model).where(model.response_id.in_(responses)), fields) for model, fields in FREE_TEXT]
    sources += [(select(Response).where(Response.organisation_id == organisation_id), ("return_message",)),
                (select(Invitation).where(Invitation.organisation_id == organisation_id), ("decline_reason",)),
                (select(GoodPractice).join(Activity).where(Activity.response_id.in_(responses)), ("public_text",))]
    return [Mention(record, name) for query, fields in sources for record in _all(query) for name in fields
            if names_person(getattr(record, name), pattern)]


def _all(query) -> list:
    model = query.column_descriptions[0]["entity"]
    return list(db.session.scalars(query.order_by(model.id)))


# --- the export document -------------------------------------------------------------

def _when(value) -> str | None:
    return value.isoformat() if value is not None else None


def _contact(contact: Contact) -> dict:
    return {"id": contact.id, "name": contact.name, "email": contact.email, "phone": contact.phone,
            "function": contact.function, "language": contact.language, "is_primary": contact.is_primary,
            "is_active": contact.is_active, "created_at": _when(contact.created_at),
            "updated_at": _when(contact.updated_at), "erased_at": _when(contact.erased_at)}


def _account(user: User) -> dict:
    # The password hash is a secret of the account, not information about the person.
    return {"id": user.id, "email": user.email, "name": user.name, "role": user.role,
            "organisation_id": user.organisation_id, "language": user.language, "is_active": user.is_active,
            "has_password": user.password_hash is not None, "created_at": _when(user.created_at),
            "last_login_at": _when(user.last_login_at), "erased_at": _when(user.erased_at)}


def _token(token: InvitationToken) -> dict:
    # Never the token's hash: with it a link could be recognised.
    return {"id": token.id, "round": token.invitation.round.name, "invitation_id": token.invitation_id,
            "email": token.email, "created_at": _when(token.created_at), "revoked_at": _when(token.revoked_at),
            "last_used_at": _when(token.last_used_at)}


def _message(message: OutboxMessage) -> dict:
    # Metadata only: the message itself holds a personal link.
    return {"id": message.id, "kind": message.kind, "to_address": message.to_address, "subject": message.subject,
            "status": message.status, "attempts": message.attempts, "created_at": _when(message.created_at),
            "sent_at": _when(message.sent_at), "last_error": message.last_error,
            "round": message.round.name if message.round else None}


def _event(event: ResponseEvent) -> dict:
    return {"id": event.id, "response_id": event.response_id, "round": event.response.round.name,
            "kind": event.kind, "at": _when(event.created_at),
            "through": "invitation link" if event.contact_id else "account" if event.user_id else "recorded",
            "actor_name": event.actor_name, "actor_email": event.actor_email, "actor_erased": event.actor_erased,
            "on_behalf": event.on_behalf, "message": event.message,
            "changed_questions": sorted({change.get("code", "") for change in event.changes or []})}


def _submission(response: Response) -> dict:
    return {"response_id": response.id, "round": response.round.name, "status": response.status,
            "submitted_at": _when(response.submitted_at)}


def _registration(registration: Registration) -> dict:
    return {"id": registration.id, "company": registration.name, "kvk_number": registration.kvk_number,
            "contact_name": registration.contact_name, "contact_email": registration.contact_email,
            "language": registration.language, "status": registration.status,
            "created_at": _when(registration.created_at), "confirmed_at": _when(registration.confirmed_at)}


def export_document(found: Footprint) -> dict:
    """Everything held about the person, as one JSON-ready document."""
    organisation = db.session.get(Organisation, found.organisation_id)
    return {
        "format": EXPORT_FORMAT, "version": 1, "exported_at": _when(utcnow()),
        "organisation": {"id": organisation.id, "name": organisation.name},
        "contact": _contact(found.contact) if found.contact is not None else None,
        "respondent_accounts": [_account(user) for user in found.accounts],
        "invitation_links": [_token(token) for token in found.tokens],
        "outbox_messages": [_message(message) for message in found.messages],
        "audit_trail_events": [_event(event) for event in found.events],
        "submitted_responses": [_submission(response) for response in found.submissions],
        "registrations": [_registration(registration) for registration in found.registrations],
        "bounce_reports": [{"invitation_id": invitation.id, "round": invitation.round.name,
                            "bounce_reason": invitation.bounce_reason} for invitation in found.bounces],
        "free_text_mentions": [{"record": mention.record.__tablename__, "id": mention.record.id,
                                "field": mention.field, "text": mention.value} for mention in found.mentions],
        "not_included": {
            "note": "The same e-mail address elsewhere: separate records, exported and erased on their own.",
            "contacts": [{"contact_id": contact.id, "organisation_id": contact.organisation_id}
                         for contact in found.other_contacts],
            "accounts": [{"account_id": user.id, "role": user.role} for user in found.other_accounts],
        },
    }
