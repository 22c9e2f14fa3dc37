"""Review pages: a round's responses, one response in full with its status, snapshot,
notes and audit trail, and the secretariat's actions on it (return, accept, note).

Analysts read the responses and their trail, without names or e-mail addresses and
without the internal notes; only the secretariat acts on a response."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from ..access import access, roles, signed_in_user
from ..answers import reviewing, services
from ..answers.services import ResponseError
from ..deadlines import deadline_for
from ..extensions import db
from ..forms import ActionForm
from ..i18n import current_language
from ..models import RESPONSE_STATUSES, STAFF_ROLES, Response, ResponseEvent
from ..respondent.pages import labels_for
from ..respondent.submit import answer_sheet
from ..rounds.services import get_round, local_to_utc
from ..unit_of_work import flash_refusal, saving
from ..whole_numbers import paginate
from . import bp
from .forms import NoteForm, ReturnForm, StatusFilterForm
from .services import notify_returned, responses_query
from .trail import audit_trail, person

PER_PAGE = 50
#: A response can be returned for clarification once it was submitted.
RETURNABLE = ("submitted", "accepted")


def get_response(response_id: int) -> Response:
    """The response with this id, or a 404."""
    response = db.session.get(Response, response_id)
    if response is None:
        abort(404)
    return response


def _is_secretariat() -> bool:
    return current_user.role == "secretariat"


def _show_url(response: Response, anchor: str | None = None) -> str:
    return url_for("review.show_response", response_id=response.id, _anchor=anchor)


@bp.route("/rounds/<slug>")
@access(read=STAFF_ROLES)
def list_responses(slug: str):
    """A round's responses: organisation, status, submitted and last saved; by status."""
    round = get_round(slug)
    form = StatusFilterForm(request.args)
    form.validate()
    status = form.status.data if form.status.data and not form.status.errors else None
    page = paginate(responses_query(round, status), PER_PAGE)
    found = dict(db.session.execute(select(Response.status, func.count()).where(Response.round_id == round.id)
                                    .group_by(Response.status)).all())
    counts = {code: found.get(code, 0) for code in RESPONSE_STATUSES}
    return render_template("review/list.html", round=round, form=form, page=page, status=status, counts=counts,
                           total=sum(counts.values()))


@bp.route("/invitations/<int:invitation_id>")
@access(read=STAFF_ROLES)
def invitation_response(invitation_id: int):
    """The response to an invitation (for links from the dashboard's organisations list);
    a 404 while the organisation has not started."""
    response = db.session.scalar(select(Response).where(Response.invitation_id == invitation_id))
    if response is None:
        abort(404)
    return redirect(url_for("review.show_response", response_id=response.id))


@bp.route("/responses/<int:response_id>")
@access(read=STAFF_ROLES)
def show_response(response_id: int):
    """One response in full, with what the secretariat can do with it."""
    return _show_page(get_response(response_id))


def _show_page(response: Response, return_form: ReturnForm | None = None, note_form: NoteForm | None = None,
               status: int = 200):
    """The response page; the secretariat's forms with their errors after a failed post."""
    language = current_language()
    secretariat = _is_secretariat()
    layout, document = services.document_of(response)
    context = {}
    if secretariat:
        # Only the form that was sent is bound to the request; the other starts empty.
        context = {"return_form": return_form or ReturnForm(formdata=None),
                   "note_form": note_form or NoteForm(formdata=None),
                   "action_form": ActionForm(), "notes": response.notes}
    trail = audit_trail(response, layout, document, language, labels_for(language), personal=secretariat)
    return render_template(
        "review/show.html", response=response, invitation=response.invitation, round=response.round,
        language=language, sheet=answer_sheet(response, language), first_section=layout.sections[0]["code"],
        submitted_by=person(response.submitted_by_user, response.submitted_by_contact, secretariat,
                            _last_event(response, "submitted")),
        deadline=deadline_for(response.round, response.organisation_id), trail=trail, secretariat=secretariat,
        can_return=response.status in RETURNABLE, can_accept=response.status == "submitted", **context), status


def _last_event(response: Response, kind: str) -> ResponseEvent | None:
    return next((event for event in reversed(response.events) if event.kind == kind), None)


@bp.route("/responses/<int:response_id>/return", methods=["POST"])
@roles("secretariat")
def return_response(response_id: int):
    """Send the response back with a question; its contacts get an e-mail with a new link."""
    response = get_response(response_id)
    form = ReturnForm()
    if not form.validate_on_submit():
        return _show_page(response, return_form=form, status=400)
    with saving(ResponseError) as outcome:
        reviewing.return_for_clarification(response, form.message.data, local_to_utc(form.until.data), signed_in_user())
        told = notify_returned(response)
    if outcome.refused:
        flash_refusal(outcome.error)
        return redirect(_show_url(response))
    if told:
        flash(ngettext("The response has been returned; %(num)d contact was told by e-mail.",
                       "The response has been returned; %(num)d contacts were told by e-mail.", told), "success")
    else:
        flash(_("The response has been returned, but the organisation has no contact with an e-mail address: "
                "nobody was told."), "error")
    return redirect(_show_url(response))


@bp.route("/responses/<int:response_id>/accept", methods=["POST"])
@roles("secretariat")
def accept_response(response_id: int):
    """Accept a submitted response."""
    response = get_response(response_id)
    if not ActionForm().validate_on_submit():
        flash(_("For your security, please press the button again."), "error")
        return redirect(_show_url(response))
    with saving(ResponseError) as outcome:
        reviewing.accept(response, signed_in_user())
    if outcome.refused:
        flash_refusal(outcome.error)
    else:
        flash(_("The response has been accepted."), "success")
    return redirect(_show_url(response))


@bp.route("/responses/<int:response_id>/notes", methods=["POST"])
@roles("secretariat")
def add_note(response_id: int):
    """Add an internal note (never shown to the organisation or to analysts)."""
    response = get_response(response_id)
    form = NoteForm()
    if not form.validate_on_submit():
        return _show_page(response, note_form=form, status=400)
    with saving(ResponseError) as outcome:
        reviewing.add_note(response, signed_in_user(), form.text.data)
    if outcome.refused:
        form.text.errors.append(str(outcome.error))
        return _show_page(response, note_form=form, status=400)
    flash(_("The note has been added."), "success")
    return redirect(_show_url(response, "notes"))
