"""Who may act for an organisation in a round: its respondents (logged in), the
secretariat, or whoever opened one of its invitation links in this browser session.

A link opens that organisation's response for that round and nothing else: the
session remembers the token, which is checked again on every request (revoked,
replaced or past the deadline means no access)."""

from __future__ import annotations

from flask import abort, session
from flask_login import current_user

from ..extensions import db
from ..models import Invitation, InvitationToken
from ..rounds.services import link_usable

SESSION_KEY = "invitation_token_id"


def remember_token(token: InvitationToken) -> None:
    """Let this browser session act for the token's invitation."""
    session[SESSION_KEY] = token.id


def session_token() -> InvitationToken | None:
    """The invitation token of this session, while it still works."""
    token_id = session.get(SESSION_KEY)
    if not isinstance(token_id, int):
        return None
    token = db.session.get(InvitationToken, token_id)
    if token is None or token.revoked_at is not None or not link_usable(token.invitation):
        session.pop(SESSION_KEY, None)
        return None
    return token


def can_act_for(invitation: Invitation) -> bool:
    if current_user.is_authenticated:
        if current_user.role == "secretariat":
            return True
        if current_user.role == "respondent":
            return current_user.organisation_id == invitation.organisation_id
        return False
    token = session_token()
    return token is not None and token.invitation_id == invitation.id


def invitation_or_404(invitation_id: int) -> Invitation:
    """The invitation, when the current person may act for it; else a 404, so that
    other organisations' invitations are not even confirmed to exist."""
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not can_act_for(invitation):
        abort(404)
    return invitation
