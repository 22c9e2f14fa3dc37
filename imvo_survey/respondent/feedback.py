"""Feedback to a responding organisation after its round closed: its own activities per
IMVO aspect beside its sector's coverage, as a page and as a PDF, and the personal
feedback link from the feedback mail that opens them.

Who sees it: the secretariat, a logged-in respondent of the organisation, and whoever
opened one of the organisation's feedback links in this browser session (the session
remembers the invitation). Invitation links no longer work after the close, and a
feedback link holder has no role, so these views are declared `@public` and check
access themselves in `after_close_or_refuse`, answering as the other respond pages do:
403 for other roles, 404 for other organisations, the login page for strangers. The
consent to publication (`practices.consent`) is open the same way: it can be withdrawn
after the round too."""

from __future__ import annotations

import pandas as pd
from flask import abort, redirect, render_template, session, url_for
from flask_login import current_user

from ..access import public
from ..analysis.feedback import MIN_ORGANISATIONS, organisation_feedback
from ..deadlines import response_for
from ..extensions import db, limiter, login_manager
from ..i18n import current_language
from ..models import RESPONDED_STATUSES, Contact, Invitation, utcnow
from ..rounds.feedback import feedback_token_holder, invitation_for_feedback_token
from . import bp
from .access import SEEN_KEY, can_act_for, link_limit, link_session_alive, session_token
from .submit import pdf_response

SESSION_KEY = "feedback_token"


@bp.route("/feedback/<token>")
@public
@limiter.limit(link_limit)
def feedback_link(token: str):
    """A feedback link: remember its invitation in the session and show the feedback
    (without the token in the address bar). A link that does not work gets one plain page."""
    invitation = invitation_for_feedback_token(token)
    if invitation is None:
        return render_template("respondent/link_invalid.html"), 404
    session[SESSION_KEY] = token  # checked again on every request, as invitation links are
    session[SEEN_KEY] = int(utcnow().timestamp())  # and it ends when idle, as they do
    return redirect(url_for("respond.feedback", invitation_id=invitation.id))


def feedback_contact(invitation: Invitation) -> Contact | None:
    """The contact whose feedback link of `invitation` was opened in this browser
    session, while that link still works and the session is not idle; else None."""
    if current_user.is_authenticated or not isinstance(session.get(SESSION_KEY), str):
        return None
    if not link_session_alive():
        return None
    holder = feedback_token_holder(session[SESSION_KEY])
    if holder is None:  # expired, or its contact left the organisation
        session.pop(SESSION_KEY, None)
        return None
    opened, contact = holder
    return contact if opened.id == invitation.id else None


def after_close_or_refuse(invitation_id: int) -> Invitation:
    """The invitation, when the current person may see its pages that outlast the
    round (feedback, consent to publication; whether the round is closed is each
    page's own matter); else refuse as the respond pages do.
    Logged in: as for the organisation's other pages. Not logged in: a still-working
    invitation link, or a feedback link of this invitation opened in this session."""
    if current_user.is_authenticated and current_user.role not in ("respondent", "secretariat"):
        abort(403)
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or not (can_act_for(invitation) or feedback_contact(invitation) is not None):
        by_link = session_token() is not None or isinstance(session.get(SESSION_KEY), str)
        if not current_user.is_authenticated and not by_link:
            abort(login_manager.unauthorized())
        abort(404)  # another organisation's: not even confirmed to exist
    return invitation


def _feedback_or_refuse(invitation_id: int):
    """The invitation and its response when the feedback may be shown; else refuse.
    Feedback exists only once the round is closed and for an organisation that responded."""
    invitation = after_close_or_refuse(invitation_id)
    response = response_for(invitation)
    if invitation.round.status != "closed" or response is None or response.status not in RESPONDED_STATUSES:
        abort(404)
    return invitation, response


def feedback_groups(frame: pd.DataFrame, language: str) -> list[dict]:
    """The analysis frame as the template reads it: aspect groups, each with its
    aspects, own activities and sector figures (None where not shown)."""
    label = "label_en" if language == "en" else "label_nl"
    groups = []
    for code, rows in frame.groupby("group", sort=False):
        aspects = [{"code": aspect, "label": row[label], "activities": int(row["activities"]),
                    "titles": list(row["titles"]), "shown": not pd.isna(row["sector_share"]),
                    "organisations": None if pd.isna(row["sector_organisations"]) else int(row["sector_organisations"]),
                    "responding": None if pd.isna(row["sector_responding"]) else int(row["sector_responding"]),
                    "share": None if pd.isna(row["sector_share"]) else float(row["sector_share"])}
                   for aspect, row in rows.iterrows()]
        groups.append({"code": code, "label": rows[f"group_{label}"].iloc[0], "aspects": aspects})
    return groups


def _context(invitation: Invitation, response) -> dict:
    language = current_language()
    frame = organisation_feedback(db.session.connection(), invitation.round_id, invitation.organisation_id)
    responding = frame["sector_responding"].dropna()
    return {"invitation": invitation, "round": invitation.round, "organisation": invitation.organisation,
            "response": response, "sector": response.snapshot_sector, "language": language,
            "groups": feedback_groups(frame, language), "minimum": MIN_ORGANISATIONS,
            "responding": int(responding.iloc[0]) if len(responding) else None}


@bp.route("/respond/<int:invitation_id>/feedback")
@public
def feedback(invitation_id: int):
    """The organisation's feedback page."""
    invitation, response = _feedback_or_refuse(invitation_id)
    return render_template("respondent/feedback.html", **_context(invitation, response))


@bp.route("/respond/<int:invitation_id>/feedback.pdf")
@public
def feedback_pdf(invitation_id: int):
    """The feedback page as a PDF, through the printable copy's stylesheet."""
    invitation, response = _feedback_or_refuse(invitation_id)
    html = render_template("respondent/feedback_print.html", for_pdf=True, **_context(invitation, response))
    return pdf_response(html, f"imvo-feedback-{invitation.round.slug}-{invitation.organisation_id}.pdf",
                        invitation, printable_url=url_for("respond.feedback", invitation_id=invitation.id))
