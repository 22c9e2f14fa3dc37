"""Rounds: opening and closing, targeting organisations, invitation tokens, deadline
extensions, declining (creating and copying a round is `creating`; the invitations and
reminders themselves are in `mailings`). Functions flush, never commit: the caller commits once."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import func, select

from .. import unit_of_work
from ..deadlines import extension_key, link_usable, response_for
from ..extensions import db
from ..models import (
    ASSOCIATION_KINDS,
    NOT_YET_ACTED_STATUSES,
    Contact,
    DeadlineExtension,
    Invitation,
    InvitationToken,
    Organisation,
    Round,
    RoundEvent,
    User,
    utcnow,
)
from ..organisations.services import OrganisationFilter
from ..request_cache import forget

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
TOKEN_BYTES = 32  # 256 random bits; the issue asks for at least 128


class RoundError(ValueError):
    """A round cannot do what was asked; the message says why (translated)."""


class AlreadyDone(RoundError, unit_of_work.AlreadyDone):
    """What was asked had been done already: by a second click, a second tab or a
    colleague at the same moment. Nothing more happens; the message says so."""


def audience_of(organisation: Organisation) -> str:
    """Which questionnaire an organisation answers: association or company."""
    return "association" if organisation.kind in ASSOCIATION_KINDS else "company"


def get_round(slug: str) -> Round:
    """The round with this slug, for a page: a 404 when there is none."""
    return db.first_or_404(select(Round).where(Round.slug == slug))


def find_round(identifier: str) -> Round | None:
    """A round by id or slug (the CLI's ROUND)."""
    identifier = identifier.strip()
    found = db.session.scalar(select(Round).where(Round.slug == identifier))
    if found is None and identifier.isdigit():
        found = db.session.get(Round, int(identifier))
    return found


def log(round: Round, kind: str, detail: str | None = None, user: User | None = None) -> RoundEvent:
    event = RoundEvent(round=round, kind=kind, detail=detail, user=user)
    db.session.add(event)
    return event


def local_to_utc(moment: datetime) -> datetime:
    """A naive Europe/Amsterdam time (as typed) in UTC."""
    return moment.replace(tzinfo=AMSTERDAM).astimezone(ZoneInfo("UTC"))


def utc_to_local(moment: datetime) -> datetime:
    return moment.astimezone(AMSTERDAM)


# --- status -----------------------------------------------------------------------

def open_round(round: Round, user: User | None = None) -> None:
    if round.status == "open":
        raise AlreadyDone(_("The round is already open."))
    if round.status != "draft":
        raise RoundError(_("Only a draft round can be opened."))
    if round.association_version is None and round.company_version is None:
        raise RoundError(_("Choose at least one questionnaire before opening the round."))
    round.status = "open"
    log(round, "opened", user=user)
    db.session.flush()


def close_round(round: Round, user: User | None = None) -> None:
    if round.status == "closed":
        raise AlreadyDone(_("The round is already closed."))
    if round.status != "open":
        raise RoundError(_("Only an open round can be closed."))
    round.status = "closed"
    log(round, "closed", user=user)
    db.session.flush()


def reopen_round(round: Round, reason: str, user: User | None = None) -> None:
    if round.status == "open":
        raise AlreadyDone(_("The round is already open."))
    if round.status != "closed":
        raise RoundError(_("Only a closed round can be reopened."))
    if not reason or not reason.strip():
        raise RoundError(_("Give a reason for reopening the round."))
    round.status = "open"
    log(round, "reopened", reason.strip(), user)
    db.session.flush()


def extend_deadline(round: Round, organisation: Organisation, until: datetime, reason: str,
                    user: User | None = None) -> DeadlineExtension:
    """Give one organisation a later deadline (replacing an earlier extension)."""
    if until <= round.closes_at:
        raise RoundError(_("An extension must end after the round closes."))
    if not reason or not reason.strip():
        raise RoundError(_("Give a reason for the extension."))
    extension = db.session.scalar(select(DeadlineExtension).where(
        DeadlineExtension.round_id == round.id, DeadlineExtension.organisation_id == organisation.id))
    if extension is None:
        extension = DeadlineExtension(round=round, organisation=organisation)
        db.session.add(extension)
        forget(extension_key(round.id, organisation.id))  # this request may have found none
    extension.until, extension.reason, extension.created_by_id = until, reason.strip(), getattr(user, "id", None)
    log(round, "extended", f"{organisation.name}: {reason.strip()}", user)
    db.session.flush()
    return extension


# --- targeting --------------------------------------------------------------------

def usable_contacts(organisation: Organisation, mode: str) -> list[Contact]:
    """The active contacts an invitation goes to: all, or the primary one (else the first)."""
    contacts = [c for c in organisation.contacts if c.email and c.is_active]
    if mode == "all":
        return contacts
    primary = next((c for c in contacts if c.is_primary), None)
    return [primary or contacts[0]] if contacts else []


@dataclass
class TargetPreview:
    """What targeting would do: who is added, who is already in, and the problems."""

    new: list[Organisation] = field(default_factory=list)
    already: list[Organisation] = field(default_factory=list)
    no_contact: list[Organisation] = field(default_factory=list)
    no_questionnaire: list[Organisation] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.new)


def preview_targets(round: Round, filters: OrganisationFilter, organisation_ids: list[int] | None = None
                    ) -> TargetPreview:
    """The active organisations matching the filters (or chosen by hand), checked."""
    query = filters.query().where(Organisation.is_active)
    if organisation_ids:
        query = query.where(Organisation.id.in_(organisation_ids))
    existing = set(db.session.scalars(select(Invitation.organisation_id).where(Invitation.round_id == round.id)))
    preview = TargetPreview()
    for organisation in db.session.scalars(query):
        if organisation.id in existing:
            preview.already.append(organisation)
        elif round.version_for(audience_of(organisation)) is None:
            preview.no_questionnaire.append(organisation)
        else:
            preview.new.append(organisation)
            if not usable_contacts(organisation, round.contact_mode):
                preview.no_contact.append(organisation)
    return preview


def add_targets(round: Round, organisations: list[Organisation]) -> list[Invitation]:
    """Add organisations to the round (status targeted); those already in are skipped."""
    existing = {inv.organisation_id for inv in round.invitations}
    added = []
    for organisation in organisations:
        if organisation.id in existing or round.version_for(audience_of(organisation)) is None:
            continue
        invitation = Invitation(round=round, organisation=organisation, audience=audience_of(organisation),
                                status="targeted")
        db.session.add(invitation)
        existing.add(organisation.id)
        added.append(invitation)
    db.session.flush()
    return added


def remove_target(invitation: Invitation) -> None:
    """Take an organisation off the list before it was invited."""
    if invitation.status != "targeted":
        raise RoundError(_("Only an organisation that was not yet invited can be taken off the list."))
    db.session.delete(invitation)
    db.session.flush()


# --- tokens -----------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(invitation: Invitation, contact: Contact, void_earlier: bool = True) -> str:
    """A new personal token for a contact. By default (an invitation sent or sent again)
    the contact's earlier tokens are voided; a reminder passes `void_earlier=False`,
    because a contact may hold several working links and the one in the invitation must
    keep working. Only the hash is stored, so a reminder cannot repeat the old link."""
    if void_earlier:
        now = utcnow()
        for old in invitation.tokens:
            if old.contact_id == contact.id and old.revoked_at is None:
                old.revoked_at = now
    token = secrets.token_urlsafe(TOKEN_BYTES)
    db.session.add(InvitationToken(invitation=invitation, contact=contact, email=contact.email,
                                   token_hash=hash_token(token)))
    db.session.flush()
    return token


def revoke_tokens(invitation: Invitation) -> int:
    """Void every link of an invitation (a new invitation makes new ones)."""
    now = utcnow()
    count = 0
    for token in invitation.tokens:
        if token.revoked_at is None:
            token.revoked_at = now
            count += 1
    db.session.flush()
    return count


def token_from_link(token: str) -> InvitationToken | None:
    """The token of a link when it works: known, not revoked, before the deadline."""
    if not token or len(token) > 200:
        return None
    found = db.session.scalar(select(InvitationToken).where(InvitationToken.token_hash == hash_token(token)))
    if found is None or found.revoked_at is not None:
        return None
    invitation = found.invitation
    if not link_usable(invitation):
        return None
    return found


# --- the organisation's answers -----------------------------------------------------

def mark_opened(invitation: Invitation, token: InvitationToken | None = None) -> None:
    now = utcnow()
    invitation.opened_at = invitation.opened_at or now
    invitation.last_activity_at = now
    if token is not None:
        token.last_used_at = now
    if invitation.status in NOT_YET_ACTED_STATUSES:
        invitation.status = "opened"
    db.session.flush()


def decline(invitation: Invitation, reason: str | None) -> None:
    """The organisation does not take part (it can undo that while it can answer)."""
    if invitation.status in ("submitted", "accepted"):
        raise RoundError(_("Your answers have already been submitted."))
    if invitation.status == "declined":
        return  # a second click or tab: the first decline and its reason stay
    invitation.status_before = invitation.status
    invitation.status = "declined"
    _mirror_on_response(invitation, "declined")
    invitation.declined_at = utcnow()
    invitation.decline_reason = (reason or "").strip() or None
    invitation.last_activity_at = utcnow()
    db.session.flush()


def undo_decline(invitation: Invitation) -> None:
    if invitation.status != "declined":
        return
    # Declining was an act of the organisation: it goes back to what it had done before,
    # at least to having opened the link.
    before = invitation.status_before
    invitation.status = "opened" if before is None or before in NOT_YET_ACTED_STATUSES else before
    invitation.status_before = None
    _mirror_on_response(invitation, "in_progress")
    invitation.declined_at = None
    invitation.decline_reason = None
    invitation.last_activity_at = utcnow()
    db.session.flush()


def _mirror_on_response(invitation: Invitation, status: str) -> None:
    """A response follows its invitation in and out of 'declined'."""
    response = response_for(invitation)
    if response is not None and response.status in ("in_progress", "declined"):
        response.status = status


def status_counts(round: Round) -> dict[str, int]:
    """Invitations per status."""
    rows = db.session.execute(select(Invitation.status, func.count()).where(Invitation.round_id == round.id)
                              .group_by(Invitation.status))
    return {status: count for status, count in rows}


def invitations_for_organisation(organisation_id: int) -> list[Invitation]:
    """A respondent's invitations, newest round first (for the start page)."""
    return list(db.session.scalars(
        select(Invitation).join(Round).where(Invitation.organisation_id == organisation_id,
                                             Invitation.status != "targeted", Round.status != "draft")
        .order_by(*Round.newest_first())))
