"""One organisation in a round, for the secretariat: its status, links, reminders,
messages and extension, and the actions on it (send again, remind, void the links,
take off the list, mark as not delivered, extend the deadline)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import access, roles, signed_in_user
from ..deadlines import deadline_for
from ..extensions import db
from ..forms import ActionForm, OnceForm
from ..models import STAFF_ROLES, Invitation, OutboxMessage, Round
from ..unit_of_work import flash_refusal, saving
from . import bp
from .forms import BounceForm, ExtensionForm
from .mailings import latest_reminder, send_invitation, send_reminder
from .services import (
    RoundError,
    extend_deadline,
    get_round,
    local_to_utc,
    remove_target,
    revoke_tokens,
    utc_to_local,
)


def get_invitation(round: Round, invitation_id: int) -> Invitation:
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.round_id != round.id:
        abort(404)
    return invitation


@bp.route("/<slug>/invitations/<int:invitation_id>")
@access(read=STAFF_ROLES)
def show_invitation(slug: str, invitation_id: int):
    """One organisation in the round: status, links sent, reminders, messages, extension."""
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.invitation_id == invitation.id)
                                  .order_by(OutboxMessage.created_at.desc())).all()
    reminder_form = OnceForm(seen=str(latest_reminder([invitation])))
    return render_template("rounds/invitation.html", round=round, invitation=invitation, messages=messages,
                           deadline=deadline_for(round, invitation.organisation_id), action_form=ActionForm(),
                           reminder_form=reminder_form,
                           extension_form=ExtensionForm(), bounce_form=BounceForm(), local=utc_to_local)


def _invitation_action(slug: str, invitation_id: int, action, message: str):
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    if ActionForm().validate_on_submit():
        with saving(RoundError) as outcome:
            action(invitation)
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(message, "success")
    return redirect(url_for("rounds.show_invitation", slug=slug, invitation_id=invitation.id))


@bp.route("/<slug>/invitations/<int:invitation_id>/resend", methods=["POST"])
@roles("secretariat")
def resend(slug: str, invitation_id: int):
    """Send the invitation again with new links (the old links stop working)."""
    return _invitation_action(slug, invitation_id, lambda inv: send_invitation(inv, signed_in_user()),
                              _("The invitation is queued again, with new links; the old links no longer work."))


@bp.route("/<slug>/invitations/<int:invitation_id>/remind", methods=["POST"])
@roles("secretariat")
def remind_one(slug: str, invitation_id: int):
    """Remind one organisation (unless it was reminded since the page was shown)."""
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    form = OnceForm()
    if form.validate_on_submit():
        if send_reminder(invitation, "manual", user=signed_in_user(), seen=form.seen_id):
            db.session.commit()
            flash(_("A reminder is queued."), "success")
        else:
            db.session.rollback()
            flash(_("No reminder was sent: the organisation was reminded since this page was shown, or "
                    "cannot be reminded now."), "info")
    return redirect(url_for("rounds.show_invitation", slug=slug, invitation_id=invitation.id))


@bp.route("/<slug>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@roles("secretariat")
def revoke(slug: str, invitation_id: int):
    """Make every link of this invitation stop working."""
    return _invitation_action(slug, invitation_id, revoke_tokens, _("The links of this invitation no longer work."))


@bp.route("/<slug>/invitations/<int:invitation_id>/untarget", methods=["POST"])
@roles("secretariat")
def untarget(slug: str, invitation_id: int):
    """Take an organisation off the list before it is invited."""
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    if ActionForm().validate_on_submit():
        with saving(RoundError) as outcome:
            remove_target(invitation)
        if outcome.refused:
            flash_refusal(outcome.error)
            return redirect(url_for("rounds.show_invitation", slug=slug, invitation_id=invitation_id))
        flash(_("The organisation has been taken off the list."), "success")
    return redirect(url_for("rounds.show", slug=slug))


@bp.route("/<slug>/invitations/<int:invitation_id>/bounce", methods=["POST"])
@roles("secretariat")
def bounce(slug: str, invitation_id: int):
    """Mark an invitation as not delivered (when a mail server says so later)."""
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    form = BounceForm()
    if form.validate_on_submit():
        invitation.mark_bounced(form.note.data)
        db.session.commit()
        if invitation.status == "bounced":
            flash(_("The invitation is marked as not delivered."), "success")
        else:
            flash(_("The note is kept with the invitation. Its status stays as it is: the organisation has "
                    "already opened its link or answered."), "info")
    else:
        flash(_("Write a short note."), "error")
    return redirect(url_for("rounds.show_invitation", slug=slug, invitation_id=invitation_id))


@bp.route("/<slug>/invitations/<int:invitation_id>/extend", methods=["POST"])
@roles("secretariat")
def extend(slug: str, invitation_id: int):
    """Give the organisation a later deadline."""
    round = get_round(slug)
    invitation = get_invitation(round, invitation_id)
    form = ExtensionForm()
    if form.validate_on_submit():
        with saving(RoundError) as outcome:
            extend_deadline(round, invitation.organisation, local_to_utc(form.until.data), form.reason.data, signed_in_user())
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(_("The deadline of %(name)s has been extended.", name=invitation.organisation.name), "success")
    else:
        flash(_("Enter the new deadline and a reason."), "error")
    return redirect(url_for("rounds.show_invitation", slug=slug, invitation_id=invitation_id))
