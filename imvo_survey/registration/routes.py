"""Self-registration pages: the public form, the "check your e-mail" page and the
confirmation link; the secretariat's list, details, merge and reject.

The public sees the form and plain pages only: whether a company or an address is
already known, and what happened to a registration, is never shown to the public.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from ..access import public, roles, signed_in_user
from ..auth.limits import contact_address, mail_was_sent, note_mail_sent, registration_address_limit
from ..extensions import db, limiter
from ..i18n import current_language
from ..models import REGISTRATION_STATUSES, Registration
from ..unit_of_work import flash_refusal, saving
from ..whole_numbers import paginate
from . import bp, services
from .forms import MergeForm, RegistrationForm, RejectForm, status_label
from .services import RegistrationError, likely_matches

PER_PAGE = 50


def _registration_limit() -> str:
    return current_app.config.get("REGISTRATION_RATE_LIMIT", "5 per hour")


def _confirmation_limit() -> str:
    return current_app.config.get("REGISTRATION_CONFIRM_RATE_LIMIT", "30 per minute")


# --- public -----------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(_registration_limit, methods=["POST"])
@limiter.limit(registration_address_limit, key_func=contact_address, methods=["POST"], deduct_when=mail_was_sent)
def register():
    """The registration form; afterwards the same "check your e-mail" page for everyone."""
    form = RegistrationForm(language=current_language())
    if form.validate_on_submit():
        if form.is_spam:
            # Look like success, so that a robot learns nothing; keep nothing.
            current_app.logger.info("Registration refused: the hidden field was filled in.")
            return redirect(url_for("registration.sent"))
        services.register(name=form.name.data, size=form.size.data, contact_name=form.contact_name.data,
                 contact_email=form.contact_email.data, language=form.language.data,
                 kvk_number=form.kvk_number.data, sector_id=form.sector_id.data,
                 association_id=form.association_id.data, association_name=form.association_name.data)
        db.session.commit()
        note_mail_sent()
        return redirect(url_for("registration.sent"))
    return render_template("registration/register.html", form=form)


@bp.route("/register/sent")
@public
def sent():
    """Check your e-mail (shown whatever happened to the registration)."""
    return render_template("registration/sent.html", hours=services.CONFIRMATION_HOURS)


@bp.route("/register/confirm/<token>")
@public
@limiter.limit(_confirmation_limit)
def confirm(token: str):
    """The confirmation link: one plain page when it works, one when it does not
    (whether the company was added or awaits review is not shown)."""
    registration = services.confirm(token)
    if registration is None:
        db.session.rollback()
        return render_template("registration/link_invalid.html"), 404
    db.session.commit()
    # Thank them in the language they chose, and leave the (used) token out of the
    # address bar, so that the language switch does not open the spent link again.
    session["language"] = registration.language
    return redirect(url_for("registration.confirmed"))


@bp.route("/register/confirmed")
@public
def confirmed():
    """Thank you (the same page whether the company was added or awaits review)."""
    return render_template("registration/confirmed.html")


# --- secretariat ------------------------------------------------------------------

@bp.route("/registrations/")
@roles("secretariat")
def list_registrations():
    """Registrations, newest first, by status."""
    status = request.args.get("status", "all")
    if status not in REGISTRATION_STATUSES:
        status = "all"
    query = select(Registration).order_by(Registration.created_at.desc(), Registration.id.desc())
    if status != "all":
        query = query.where(Registration.status == status)
    page = paginate(query, PER_PAGE)
    counts = dict(db.session.execute(
        select(Registration.status, func.count()).group_by(Registration.status)).all())
    return render_template("registration/list.html", page=page, status=status, counts=counts,
                           statuses=REGISTRATION_STATUSES, status_label=status_label)


def _get_registration(registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if registration is None:
        abort(404)
    return registration


def _detail(registration: Registration, merge_form: MergeForm | None = None,
            reject_form: RejectForm | None = None):
    matches = likely_matches(registration)
    candidates = matches["kvk"] + matches["name"]
    return render_template(
        "registration/show.html", registration=registration, matches=matches,
        merge_form=merge_form or MergeForm(candidates=candidates, formdata=None),
        reject_form=reject_form or RejectForm(formdata=None), status_label=status_label)


@bp.route("/registrations/<int:registration_id>")
@roles("secretariat")
def show_registration(registration_id: int):
    """A registration with the organisations it may be, and what can be done with it."""
    return _detail(_get_registration(registration_id))


@bp.route("/registrations/<int:registration_id>/merge", methods=["POST"])
@roles("secretariat")
def merge_registration(registration_id: int):
    """Merge into an organisation of the register (and invite it to the open round)."""
    registration = _get_registration(registration_id)
    matches = likely_matches(registration)
    form = MergeForm(candidates=matches["kvk"] + matches["name"])
    if not form.validate_on_submit():
        return _detail(registration, merge_form=form)
    with saving(RegistrationError) as outcome:
        invitations = services.merge(registration, form.organisation, signed_in_user())
    if outcome.refused:
        flash_refusal(outcome.error)
        return redirect(url_for("registration.show_registration", registration_id=registration.id))
    flash(_("The registration has been merged into %(name)s.", name=form.organisation.name), "success")
    if invitations:
        flash(ngettext("%(num)d invitation has been sent.", "%(num)d invitations have been sent.",
                       len(invitations)), "info")
    return redirect(url_for("registration.show_registration", registration_id=registration.id))


@bp.route("/registrations/<int:registration_id>/reject", methods=["POST"])
@roles("secretariat")
def reject_registration(registration_id: int):
    """Reject (spam, say); the registrant is not told."""
    registration = _get_registration(registration_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(registration, reject_form=form)
    with saving(RegistrationError) as outcome:
        services.reject(registration, signed_in_user(), form.note.data)
    if outcome.refused:
        flash_refusal(outcome.error)
        return redirect(url_for("registration.show_registration", registration_id=registration.id))
    flash(_("The registration has been rejected."), "success")
    return redirect(url_for("registration.list_registrations", status="review"))
