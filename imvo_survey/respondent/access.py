"""Who may act for an organisation in a round: its respondents (logged in), the
secretariat, or whoever opened one of its invitation links in this browser session.

A link opens that organisation's response for that round and nothing else: the
session remembers the token, which is checked again on every request (revoked,
replaced or past the deadline means no access). Such a session ends, as a
respondent's login does, after `RESPONDENT_IDLE_MINUTES` without a request: a copy of
its cookie is then worth nothing, and the link in the e-mail opens it again.

The check runs once per request: the token, the invitation with its round and
organisation, the organisation's deadline extension and the response (with its
questionnaire version) come in one query and are kept for the request
(`request_cache`), where the access check, the view, `actor` and the services find them."""

from __future__ import annotations

from datetime import timedelta

from flask import abort, current_app, flash, session
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from ..access import INVITEE
from ..deadlines import extension_key, link_usable, remember_response, response_key
from ..extensions import db
from ..models import DeadlineExtension, Invitation, InvitationToken, Response, utcnow
from ..request_cache import remember, remembered

#: Who may open an organisation's respond pages: its respondent accounts, the secretariat,
#: and whoever opened one of its invitation links in this browser session.
RESPONDENTS = ("respondent", "secretariat", INVITEE)
SESSION_KEY = "invitation_token_id"
#: When this browser session last made a request with a link's access (a POSIX time),
#: written at most once a minute. Feedback links (`respond.feedback`) share it.
SEEN_KEY = "link_seen_at"
#: The session keys that give access by a link (an invitation, feedback, or a
#: verification sample's evidence link: `verification.evidence_routes`).
LINK_KEYS = (SESSION_KEY, "feedback_token", "evidence_token")


def remember_token(token: InvitationToken) -> None:
    """Let this browser session act for the token's invitation."""
    session[SESSION_KEY] = token.id
    session[SEEN_KEY] = int(utcnow().timestamp())


def link_session_alive() -> bool:
    """Whether the access this session got by a link still holds: not idle for longer
    than a respondent's limit. When it ran out, the link keys are dropped (saying so once)."""
    if not any(key in session for key in LINK_KEYS):
        return False
    now = int(utcnow().timestamp())
    seen = session.get(SEEN_KEY)
    limit = timedelta(minutes=current_app.config["RESPONDENT_IDLE_MINUTES"])
    if not isinstance(seen, int) or now - seen > limit.total_seconds():
        for key in (*LINK_KEYS, SEEN_KEY):
            session.pop(key, None)
        flash(_("This page was closed after %(minutes)d minutes without activity. Open the link in your "
                "e-mail again to go on; what you were saving has been kept.",
                minutes=int(limit.total_seconds() // 60)), "info")
        return False
    if now - seen >= 60:
        session[SEEN_KEY] = now
    return True


def _with_invitation(query):
    """`query` (over Invitation) with what every respondent's page needs of it: the round,
    the organisation, its deadline extension and its response with the questionnaire
    version. Kept for the request by `_keep`."""
    return (query.add_columns(DeadlineExtension, Response)
            .outerjoin(DeadlineExtension, and_(DeadlineExtension.round_id == Invitation.round_id,
                                               DeadlineExtension.organisation_id == Invitation.organisation_id))
            .outerjoin(Response, Response.invitation_id == Invitation.id)
            .options(joinedload(Invitation.round), joinedload(Invitation.organisation),
                     joinedload(Response.version)))


def _keep(invitation: Invitation, extension: DeadlineExtension | None, response: Response | None) -> None:
    remember(("invitation", invitation.id), invitation)
    remember(extension_key(invitation.round_id, invitation.organisation_id), extension)
    if response is not None:
        remember_response(response)
    else:
        remember(response_key(invitation.id), None)


def load_invitation(invitation_id: int) -> Invitation | None:
    """The invitation with its round, organisation, extension and response: one query,
    once per request."""
    def load():
        row = db.session.execute(_with_invitation(select(Invitation)).where(Invitation.id == invitation_id)).first()
        if row is None:
            return None
        _keep(*row)
        return row[0]

    return remembered(("invitation", invitation_id), load)


def _load_token(token_id: int) -> InvitationToken | None:
    row = db.session.execute(
        _with_invitation(select(Invitation)).add_columns(InvitationToken)
        .join(InvitationToken, InvitationToken.invitation_id == Invitation.id)
        .options(joinedload(InvitationToken.contact)).where(InvitationToken.id == token_id)).first()
    if row is None:
        return None
    invitation, extension, response, token = row
    _keep(invitation, extension, response)
    return token


def session_token() -> InvitationToken | None:
    """The invitation token of this session, while it still works (checked once per request)."""
    token_id = session.get(SESSION_KEY)
    if not isinstance(token_id, int) or not link_session_alive():
        return None
    return remembered(("invitation_token", token_id), lambda: _usable_token(token_id))


def _usable_token(token_id: int) -> InvitationToken | None:
    token = _load_token(token_id)
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
    invitation = load_invitation(invitation_id)
    if invitation is None or not can_act_for(invitation):
        abort(404)
    return invitation


def link_limit() -> str:
    """How often one client may open invitation and feedback links (a setting)."""
    return current_app.config.get("INVITATION_RATE_LIMIT", "30 per minute")
