"""The secretariat's actions on a submitted response: return it to its respondent for
clarification, accept it, add a note. Functions flush, never commit: the caller commits
once."""

from __future__ import annotations

from datetime import datetime

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import Response, ResponseNote, User, utcnow
from .services import Actor, AlreadyDone, ResponseError, log, touch_invitation


def return_for_clarification(response: Response, message: str, until: datetime, user: User) -> None:
    """Send a submitted response back to its respondent with a question, open until `until`."""
    if response.status == "returned":
        raise AlreadyDone(_l("This response has already been returned for clarification."))
    if response.status not in ("submitted", "accepted"):
        raise ResponseError(_l("Only a submitted response can be returned."))
    if not message or not message.strip():
        raise ResponseError(_l("Write what needs clarification."))
    if until <= utcnow():
        raise ResponseError(_l("The date must lie in the future."))
    response.status = "returned"
    response.returned_at = utcnow()
    response.return_message = message.strip()
    response.returned_until = until
    response.lock_version += 1
    touch_invitation(response.invitation, "returned")
    log(response, "returned", Actor(user=user), message=message.strip(), on_behalf=False)
    db.session.flush()


def accept(response: Response, user: User) -> None:
    """The secretariat accepts a submitted response."""
    if response.status == "accepted":
        raise AlreadyDone(_l("This response has already been accepted."))
    if response.status != "submitted":
        raise ResponseError(_l("Only a submitted response can be accepted."))
    response.status = "accepted"
    response.accepted_at = utcnow()
    response.lock_version += 1
    touch_invitation(response.invitation, "accepted")
    log(response, "accepted", Actor(user=user), on_behalf=False)
    db.session.flush()


def add_note(response: Response, user: User, text: str) -> ResponseNote:
    if not text or not text.strip():
        raise ResponseError(_l("Write the note."))
    note = ResponseNote(response=response, user=user, text=text.strip())
    db.session.add(note)
    db.session.flush()
    return note
