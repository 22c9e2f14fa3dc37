"""Open for whom, until when: the one rule that the rounds, the answers and the
respondent's pages share.

An organisation answers while its round is open and its deadline (the round's closing
time, or a later extension) has not passed; a response returned for clarification is
open again until its `returned_until` (or without end when none was set). Here, below
`rounds` and `answers`, so that neither has to import the other to ask.

A request asks these questions several times (the access check, the page, the save):
the extension and the response are loaded once per request (`request_cache`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from .extensions import db
from .models import DeadlineExtension, Invitation, Response, Round, utcnow
from .request_cache import remember, remembered


def extension_key(round_id: int, organisation_id: int) -> tuple:
    """Where a request keeps the organisation's extension (or None) in `request_cache`."""
    return ("deadline_extension", round_id, organisation_id)


def response_key(invitation_id: int) -> tuple:
    """Where a request keeps the invitation's response in `request_cache`."""
    return ("response", invitation_id)


def remember_response(response: Response) -> None:
    """The invitation's response has just been made (or loaded with it): keep it."""
    remember(response_key(response.invitation_id), response)


def deadline_for(round: Round, organisation_id: int) -> datetime:
    """When an organisation's answers close: the round's closing time or its extension."""
    extension = remembered(extension_key(round.id, organisation_id), lambda: db.session.scalar(
        select(DeadlineExtension).where(DeadlineExtension.round_id == round.id,
                                        DeadlineExtension.organisation_id == organisation_id)))
    if extension is not None and extension.until > round.closes_at:
        return extension.until
    return round.closes_at


def is_open_for(round: Round, organisation_id: int, now: datetime | None = None) -> bool:
    """Whether the organisation can still answer: the round is open (or closed while its
    extension runs) and the deadline has not passed."""
    now = now or utcnow()
    if round.status == "draft" or now < round.opens_at:
        return False
    deadline = deadline_for(round, organisation_id)
    if round.status == "closed" and deadline <= round.closes_at:
        return False
    return now < deadline


def returned_is_open(response: Response, now: datetime | None = None) -> bool:
    """A response returned for clarification can be changed until `returned_until`."""
    return response.returned_until is None or (now or utcnow()) < response.returned_until


def response_for(invitation: Invitation) -> Response | None:
    """The organisation's response to the round of this invitation, once it has started."""
    return remembered(response_key(invitation.id), lambda: db.session.scalar(
        select(Response).where(Response.invitation_id == invitation.id)))


def link_usable(invitation: Invitation, now: datetime | None = None) -> bool:
    """Links work from the opening until the organisation's deadline, and while a
    response returned for clarification is open."""
    if is_open_for(invitation.round, invitation.organisation_id, now):
        return True
    if invitation.status != "returned":
        return False
    response = response_for(invitation)
    return response is not None and response.status == "returned" and returned_is_open(response, now)
