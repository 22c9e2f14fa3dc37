"""Feedback to respondents after a round closes: the personal feedback links and the
mails that carry them.

Invitation links stop working when the round closes, so the feedback mail brings its
own link: a signed token over the invitation and the contact's address, valid for
`FEEDBACK_LINK_DAYS`. Nothing is stored; a link stops working when it expires, when the
secret key changes, or when the address is no longer a contact of the organisation.
Functions flush, never commit: the caller commits once."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select

from ..analysis.feedback import MIN_ORGANISATIONS
from ..analysis.queries import responded_condition
from ..extensions import db
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..models import Contact, Invitation, Response, Round, RoundEvent, User, utcnow
from .services import AlreadyDone, RoundError, log, usable_contacts

SALT = "feedback"
EVENT = "feedback_sent"


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def feedback_token(invitation: Invitation, contact: Contact) -> str:
    """A signed token for one contact's feedback link (ids only: no address in URLs or logs)."""
    return _serializer().dumps({"i": invitation.id, "c": contact.id})


def invitation_for_feedback_token(token: str) -> Invitation | None:
    """The invitation a feedback token opens, or None when it is forged, expired, or
    its contact left the organisation (removed or deactivated)."""
    holder = feedback_token_holder(token)
    return holder[0] if holder else None


def feedback_token_holder(token: str) -> tuple[Invitation, Contact] | None:
    """(the invitation, the contact it was sent to) of a feedback token, or None as
    `invitation_for_feedback_token` says."""
    if not token or len(token) > 500:
        return None
    max_age = current_app.config["FEEDBACK_LINK_DAYS"] * 24 * 3600
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("c"), int):
        return None
    invitation = db.session.get(Invitation, data["i"])
    contact = db.session.get(Contact, data["c"])
    if (invitation is None or contact is None or contact.organisation_id != invitation.organisation_id
            or not contact.is_active):
        return None
    return invitation, contact


def responded_invitations(round: Round) -> list[Invitation]:
    """The invitations of the round whose organisation responded (as the matrix, the
    dashboard and the rounds list count: `analysis.queries.responded_condition`)."""
    return list(db.session.scalars(
        select(Invitation).join(Response, Response.invitation_id == Invitation.id)
        .where(Invitation.round_id == round.id, responded_condition())
        .order_by(Invitation.id)))


def _message(invitation: Invitation, contact: Contact):
    language = contact.language or "nl"
    link = external_url("respond.feedback_link", token=feedback_token(invitation, contact))
    with force_locale(language):
        subject = _("Your feedback: %(round)s", round=invitation.round.name)
        return build_message(contact.email, subject, "feedback", round=invitation.round, invitation=invitation,
                             contact=contact, link=link, language=language,
                             days=current_app.config["FEEDBACK_LINK_DAYS"], minimum=MIN_ORGANISATIONS)


def send_feedback(round: Round, user: User | None = None, seen: int | None = None) -> int:
    """Queue a feedback mail, with a personal link, for every usable contact of every
    responding organisation; log it on the round. Sending again is allowed (new mails,
    new links; the earlier links keep working until they expire), but not by accident:
    with `seen` (the newest feedback event the asking page knew of), feedback sent since
    is not sent again. Returns the number of mails."""
    if round.status != "closed":
        raise RoundError(_("Feedback can be sent only after the round has closed."))
    if seen is not None and last_feedback_event(round) > seen:
        raise AlreadyDone(_("Feedback was sent since this page was shown; it was not sent again."))
    # Changing the round makes two senders at the same moment meet on its version
    # counter: the second runs again and then finds the first one's event.
    round.updated_at = utcnow()
    invitations = responded_invitations(round)
    count = 0
    for invitation in invitations:
        for contact in usable_contacts(invitation.organisation, round.contact_mode):
            queue(_message(invitation, contact), "feedback", invitation=invitation)
            count += 1
    log(round, EVENT, str(len(invitations)), user)
    db.session.flush()
    return count


def last_feedback_event(round: Round) -> int:
    """The id of the round's newest feedback event (0 when feedback was never sent)."""
    return db.session.scalar(select(func.max(RoundEvent.id)).where(RoundEvent.round_id == round.id,
                                                                    RoundEvent.kind == EVENT)) or 0


def feedback_last_sent(round: Round) -> datetime | None:
    """When feedback was last sent for the round (None when never)."""
    return db.session.scalar(select(RoundEvent.created_at).where(RoundEvent.round_id == round.id,
                                                                 RoundEvent.kind == EVENT)
                             .order_by(RoundEvent.created_at.desc(), RoundEvent.id.desc()).limit(1))
