"""Reading and writing the register. Functions flush, never commit: the caller (a view
or a CLI command) commits once at the end of its unit of work."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select, update

from ..extensions import db
from ..mail import outbox
from ..models import (
    ASSOCIATION_KINDS,
    Contact,
    Invitation,
    InvitationToken,
    Organisation,
    OutboxMessage,
    User,
    name_key,
    saved_id,
    utcnow,
)
from ..whole_numbers import fits_an_id


@dataclass
class OrganisationFilter:
    """The filters of the register's list page (and of later targeting)."""

    q: str | None = None
    kind: str | None = None
    sector_id: int | None = None
    branch_id: int | None = None
    size: str | None = None
    status: str = "active"  # active, inactive or all

    def query(self) -> Select:
        """A SELECT of the matching organisations, ordered by name."""
        query = select(Organisation).order_by(Organisation.name_key, Organisation.id)
        if self.q:
            escaped = self.q.strip().casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            query = query.where(or_(
                Organisation.name_key.like(pattern, escape="\\"),
                Organisation.kvk_number == self.q.strip(),
                Organisation.contacts.any(func.lower(Contact.name).like(pattern, escape="\\")),
                Organisation.contacts.any(Contact.email.like(pattern, escape="\\")),
            ))
        if self.kind:
            query = query.where(Organisation.kind == self.kind)
        if self.sector_id:
            query = query.where(Organisation.sector_id == self.sector_id)
        if self.branch_id:
            query = query.where(Organisation.branch_id == self.branch_id)
        if self.size:
            query = query.where(Organisation.size == self.size)
        if self.status == "active":
            query = query.where(Organisation.is_active)
        elif self.status == "inactive":
            query = query.where(~Organisation.is_active)
        return query


def find_organisation(kvk_number: str | None, name: str | None, kind: str | None) -> Organisation | None:
    """The organisation with this KvK number, or else with this name and kind."""
    if kvk_number:
        found = db.session.scalar(select(Organisation).where(Organisation.kvk_number == kvk_number))
        if found is not None:
            return found
    if name and kind:
        return db.session.scalar(select(Organisation).where(
            Organisation.name_key == name_key(name), Organisation.kind == kind))
    return None


def find_association(reference: str) -> Organisation | None:
    """A branch association or board by KvK number or by name."""
    reference = reference.strip()
    query = select(Organisation).where(Organisation.kind.in_(ASSOCIATION_KINDS))
    if reference.isdigit():
        found = db.session.scalar(query.where(Organisation.kvk_number == reference))
        if found is not None:
            return found
    return db.session.scalar(query.where(Organisation.name_key == name_key(reference))
                             .order_by(Organisation.id).limit(1))


def resolve_organisation(identifier: str) -> Organisation | None:
    """An organisation by id or KvK number (the CLI's ID_OR_KVK)."""
    identifier = identifier.strip()
    if len(identifier) == 8 and identifier.isdigit():
        found = db.session.scalar(select(Organisation).where(Organisation.kvk_number == identifier))
        if found is not None:
            return found
    if identifier.isdigit() and fits_an_id(identifier):
        return db.session.get(Organisation, int(identifier))
    return None


def association_options() -> list[Organisation]:
    """Active associations and boards a company can be a member of."""
    return list(db.session.scalars(
        select(Organisation)
        .where(Organisation.kind.in_(ASSOCIATION_KINDS), Organisation.is_active)
        .order_by(Organisation.name_key)))


def apply_kind_rules(organisation: Organisation) -> None:
    """Clear the fields that do not apply to the organisation's kind."""
    if organisation.kind == "company":
        organisation.member_count = None
        organisation.mkb_member_count = None
    else:
        organisation.size = None
        organisation.is_listed = False
        organisation.associations = []


def set_primary_contact(contact: Contact) -> None:
    """Make `contact` the only primary contact of its organisation."""
    for other in contact.organisation.contacts:
        if other is not contact and other.is_primary:
            other.is_primary = False
    db.session.flush()
    contact.is_primary = True
    db.session.flush()


#: Why a message waiting in the outbox was not sent (shown on the outbox page).
CONTACT_REMOVED = "Not sent: the contact was removed from the organisation before this message went out."
CONTACT_DEACTIVATED = "Not sent: the contact was deactivated before this message went out."


def _stop_reaching(contact: Contact, reason: str) -> int:
    """Void the contact's invitation links and stop the round messages still waiting for
    it in the outbox (they would carry dead links); returns how many links were voided."""
    # By saved ids: for a contact not yet flushed, `contact_id == None` would void the
    # links of every removed contact (their contact_id is NULL).
    contact_id, organisation_id = saved_id(contact), contact.organisation_id
    voided = db.session.execute(
        update(InvitationToken)
        .where(InvitationToken.contact_id == contact_id, InvitationToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session="fetch")).rowcount
    invitations = select(Invitation.id).where(Invitation.organisation_id == organisation_id)
    waiting = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "queued", OutboxMessage.to_address == contact.email,
                                    OutboxMessage.invitation_id.in_(invitations)))
    for item in waiting:
        outbox.fail(item, reason)  # and its (now void) links masked: it will never go
    return voided


def deactivate_contact(contact: Contact, reason: str = CONTACT_DEACTIVATED) -> int:
    """Keep the contact for the history but send it nothing more: its links stop working,
    mail waiting for it is not sent (`reason` says why on the outbox page), and another
    active contact (the first) becomes the primary one if it was. Returns how many links
    were voided."""
    voided = _stop_reaching(contact, reason)
    contact.is_active = False
    if contact.is_primary:
        contact.is_primary = False
        db.session.flush()
        successor = next((c for c in contact.organisation.contacts if c.is_active and c is not contact), None)
        if successor is not None:
            set_primary_contact(successor)
    db.session.flush()
    return voided


def activate_contact(contact: Contact) -> None:
    """Write to the contact again (new invitations and reminders bring new links); it
    becomes the primary contact when the organisation has no other."""
    contact.is_active = True
    db.session.flush()
    if not any(c.is_primary for c in contact.organisation.contacts):
        set_primary_contact(contact)


def remove_contact(contact: Contact) -> int:
    """Delete a contact, after `_stop_reaching` it; returns how many links were voided.
    Without this, a link would keep working after the person is gone. The audit trail
    keeps the person's name (the database sets its contact to NULL)."""
    voided = _stop_reaching(contact, CONTACT_REMOVED)
    db.session.delete(contact)
    db.session.flush()
    return voided


def add_contact(organisation: Organisation, **fields) -> Contact:
    """Add a contact; it becomes the primary one when the organisation has none."""
    make_primary = fields.pop("is_primary", False) or not any(c.is_primary for c in organisation.contacts)
    contact = Contact(organisation=organisation, is_primary=False, **fields)
    db.session.add(contact)
    db.session.flush()
    if make_primary:
        set_primary_contact(contact)
    return contact


def deactivate_organisation(organisation: Organisation) -> None:
    """Deactivate an organisation and the accounts of its respondents (which ends their
    sessions: see `User.auth_version`)."""
    # The saved id, never `organisation.id` as it stands: a new organisation has none
    # yet, and `organisation_id == None` would match every secretariat and analyst account.
    organisation_id = saved_id(organisation)
    organisation.is_active = False
    for user in db.session.scalars(select(User).where(User.organisation_id == organisation_id)):
        user.is_active = False
    db.session.flush()
