"""The invitation link and the landing page of an organisation's invitation."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import INVITEE, access, public
from ..answers import services
from ..answers.checks import missing
from ..answers.sections import saved_sections
from ..auth.services import find_user_by_email, set_password
from ..deadlines import deadline_for, is_open_for, response_for
from ..extensions import db, limiter
from ..i18n import current_language
from ..models import User
from ..rounds.services import RoundError, decline, mark_opened, token_from_link, undo_decline
from ..unit_of_work import flash_refusal, saving
from . import bp
from .access import RESPONDENTS, invitation_or_404, link_limit, remember_token, session_token
from .forms import DeclineForm, SetPasswordForm
from .pages import progress
from .pending import saved_ids

bp.add_app_template_global(saved_ids)


@bp.route("/i/<token>")
@public
@limiter.limit(link_limit)
def landing(token: str):
    """An invitation link: remember it in the session and go to the organisation's page.
    A link that does not work gets one plain page, whatever the reason."""
    found = token_from_link(token)
    if found is None:
        db.session.rollback()
        return render_template("respondent/link_invalid.html"), 404
    remember_token(found)
    mark_opened(found.invitation, found)
    db.session.commit()
    # Leave the token out of the address bar (and out of later Referer headers).
    return redirect(url_for("respond.overview", invitation_id=found.invitation_id))


@bp.route("/respond/<int:invitation_id>")
@access(read=RESPONDENTS)
def overview(invitation_id: int):
    """The organisation's page for this round: what is asked, until when, and the choices."""
    invitation = invitation_or_404(invitation_id)
    round = invitation.round
    token = session_token()
    can_answer = is_open_for(round, invitation.organisation_id)
    show_account_offer = (not current_user.is_authenticated and token is not None
                          and find_user_by_email(token.email) is None)
    response = response_for(invitation)
    version = round.version_for(invitation.audience)
    context = {"response": response, "previous": None, "minutes": 0, "progress": []}
    if response is not None:
        layout, document = services.document_of(response)
        context["progress"] = progress(layout, document, missing(layout, document), current_language(),
                                       saved_sections(response))
    elif version is not None:
        context["previous"] = services.previous_response(invitation)
        context["minutes"] = estimated_minutes(services.layout_of(version))
    return render_template("respondent/overview.html", invitation=invitation, round=round, version=version,
                           deadline=deadline_for(round, invitation.organisation_id), can_answer=can_answer,
                           decline_form=DeclineForm(), show_account_offer=show_account_offer, **context)


def estimated_minutes(layout) -> int:
    """A rough time needed: half a minute a question, five minutes a repeating group."""
    plain = sum(len(layout.plain_questions(s)) for s in layout.sections)
    return max(10, int(round((plain * 0.5 + len(layout.repeats()) * 5) / 5.0) * 5))


@bp.route("/respond/<int:invitation_id>/decline", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def decline_invitation(invitation_id: int):
    """Decline to take part (with an optional reason)."""
    invitation = invitation_or_404(invitation_id)
    form = DeclineForm()
    if form.validate_on_submit() and is_open_for(invitation.round, invitation.organisation_id):
        with saving(RoundError) as outcome:
            decline(invitation, form.reason.data)
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(_("We have noted that your organisation does not take part. You can undo this until the "
                    "deadline."), "info")
    return redirect(url_for("respond.overview", invitation_id=invitation.id))


@bp.route("/respond/<int:invitation_id>/undecline", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def undo_decline_invitation(invitation_id: int):
    """Take part after all."""
    invitation = invitation_or_404(invitation_id)
    if DeclineForm().validate_on_submit() and is_open_for(invitation.round, invitation.organisation_id):
        undo_decline(invitation)
        db.session.commit()
        flash(_("Welcome back: your organisation takes part again."), "success")
    return redirect(url_for("respond.overview", invitation_id=invitation.id))


@bp.route("/respond/<int:invitation_id>/account", methods=["GET", "POST"])
@access(read=(INVITEE,), write=(INVITEE,))
def create_account(invitation_id: int):
    """Set a password for the contact the link was sent to, to come back by logging in."""
    invitation = invitation_or_404(invitation_id)
    token = session_token()
    if token is None or find_user_by_email(token.email) is not None:
        flash(_("There is already an account for this e-mail address. Log in, or ask for a new password."),
              "info")
        return redirect(url_for("auth.login"))
    form = SetPasswordForm()
    if form.validate_on_submit():
        contact = token.contact
        user = User(email=token.email, role="respondent", organisation_id=invitation.organisation_id,
                    name=contact.name if contact else None, language=contact.language if contact else None,
                    is_active=True)
        set_password(user, form.password.data)
        db.session.add(user)
        db.session.commit()
        flash(_("Your password has been saved. From now on you can also log in with %(email)s.",
                email=user.email), "success")
        return redirect(url_for("respond.overview", invitation_id=invitation.id))
    return render_template("respondent/account.html", form=form, invitation=invitation, email=token.email)
