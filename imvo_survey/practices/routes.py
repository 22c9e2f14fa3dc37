"""The secretariat marks an activity as good practice (or takes the mark off), and the
respondent changes the organisation's consent to publication, after submission too."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import public, roles, signed_in_user
from ..answers.services import Actor
from ..extensions import db
from ..forms import ActionForm
from ..models import Activity, Response
from ..respondent.access import can_act_for
from ..respondent.feedback import after_close_or_refuse, feedback_contact
from ..respondent.questionnaire import actor
from ..unit_of_work import saving
from . import bp
from .forms import ConsentForm, PracticeForm
from .services import PracticeError, name_consent, practice_of, set_consent, unmark
from .services import mark as mark_practice


def _activity_or_404(activity_id: int) -> Activity:
    activity = db.session.get(Activity, activity_id)
    if activity is None:
        abort(404)
    return activity


@bp.route("/praktijken/activiteiten/<int:activity_id>", methods=["GET", "POST"])
@roles("secretariat")
def mark(activity_id: int):
    """Mark an activity as good practice with a public text, or edit that text."""
    activity = _activity_or_404(activity_id)
    practice = practice_of(activity)
    form = PracticeForm(data={"public_text": practice.public_text} if practice else None)
    if form.validate_on_submit():
        with saving(PracticeError) as outcome:
            mark_practice(activity, form.public_text.data, signed_in_user())
        if outcome.refused:
            flash(_("Only an activity whose organisation consented to publication, in a submitted response, "
                    "can be marked as good practice."), "error")
        else:
            flash(_("The activity is published as good practice."), "success")
            return redirect(url_for("practices.mark", activity_id=activity.id))
    status = 400 if form.errors else 200
    return render_template("practices/mark.html", activity=activity, practice=practice, form=form,
                           remove_form=ActionForm(), response=activity.response), status


@bp.route("/praktijken/activiteiten/<int:activity_id>/verwijderen", methods=["POST"])
@roles("secretariat")
def remove(activity_id: int):
    """Take the good-practice mark off an activity (the public page drops it at once)."""
    activity = _activity_or_404(activity_id)
    if not ActionForm().validate_on_submit():
        flash(_("For your security, please press the button again."), "error")
        return redirect(url_for("practices.mark", activity_id=activity.id))
    with saving(PracticeError):
        removed = unmark(activity)
    if removed:
        flash(_("The activity is no longer published as good practice."), "success")
    return redirect(url_for("practices.mark", activity_id=activity.id))


@bp.route("/respond/<int:invitation_id>/toestemming", methods=["GET", "POST"])
@public  # checked in the view: after the round, a feedback link opens it too
def consent(invitation_id: int):
    """The organisation's consent to publication, per activity and for its name:
    changeable at any time, also after submission and after the round, when
    invitation links no longer work: then with the feedback link (as the feedback page)."""
    invitation = after_close_or_refuse(invitation_id)
    by_link = not can_act_for(invitation)  # a feedback link opened in this session
    who = Actor(contact=feedback_contact(invitation)) if by_link else actor()
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
    if response is None:
        abort(404)
    form = ConsentForm(data=None if request.method == "POST" else {"name": name_consent(response)})
    if form.validate_on_submit():
        owned = {activity.id for activity in response.activities}
        chosen = {int(value) for value in request.form.getlist("activity") if value.isdigit()} & owned
        with saving(PracticeError):
            changes = set_consent(response, bool(form.name.data), {key: True for key in chosen}, who)
        flash(_("Your consents have been saved.") if changes else _("Nothing was changed."), "success")
        return redirect(url_for("practices.consent", invitation_id=invitation.id))
    back = (url_for("respond.feedback", invitation_id=invitation.id) if by_link
            else url_for("respond.overview", invitation_id=invitation.id))
    return render_template("practices/consent.html", invitation=invitation, response=response,
                           form=form, back=back), 400 if form.errors else 200
