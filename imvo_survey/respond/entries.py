"""Entries of repeating groups (activities, dilemmas, bottlenecks, ...): add, change,
remove, and confirm an activity carried over from last year. Works without JavaScript."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from ..auth.access import access
from ..extensions import csrf, db
from ..forms import ActionForm
from ..i18n import current_language
from ..questionnaires.formbuilder import field_kind
from ..responses import services
from ..responses.checks import shown
from ..responses.services import ResponseError
from ..responses.values import display, to_json
from . import bp
from .form import RESPONDENTS, _csrf_valid, _response, actor
from .pages import base_json, build_form, labels_for, lock_version_of, page_terms, raw_inputs
from .pending import keeps_unsaved_input, take


def _repeat(layout, repeat_code: str) -> dict:
    repeat = layout.questions.get(repeat_code)
    if repeat is None or repeat["type"] != "repeat":
        abort(404)
    return repeat


def _entry_page(invitation, response, repeat_code, key, formdata=None, errors=None, status=200, notice=None,
                conflicts=None):
    language = current_language()
    layout, document = services.document_of(response)
    repeat = _repeat(layout, repeat_code)
    entry = document.entry(repeat_code, key) if key else None
    if key and entry is None:
        abort(404)
    values = entry.values if entry else {}
    form = build_form(repeat["questions"], values, response.lock_version, language, formdata)
    for code, message in (errors or {}).items():
        if code in form:
            form[code].errors = [message]
    if conflicts:
        # The person has now seen the other values: a new save builds on what is stored.
        form.lock_version.data = str(response.lock_version)
        form.base.data = json.dumps({q["code"]: to_json(values.get(q["code"])) for q in repeat["questions"]})
    typed = {q["code"]: form[q["code"]].data for q in repeat["questions"]} if formdata is not None else values
    hidden = {q["code"] for q in repeat["questions"] if not shown(q, document.answers, typed, repeat)}
    section = next(s for s in layout.sections if repeat in s["questions"])
    by_code = {q["code"]: q for q in repeat["questions"]}
    labels = labels_for(language)
    conflict_rows = [(c.code, display(by_code[c.code], c.mine, language, labels),
                      display(by_code[c.code], c.theirs, language, labels)) for c in conflicts or []]
    return render_template("respond/entry.html", invitation=invitation, response=response, repeat=repeat,
                           section=section, entry=entry, key=key, form=form, language=language, hidden=hidden,
                           notice=notice, conflicts=conflict_rows, terms=page_terms(section, language),
                           field_kind=field_kind,
                           answers_json=json.dumps({k: to_json(v) for k, v in document.answers.items()})), status


def _back(invitation, response, repeat_code: str, key: str | None = None):
    layout = services.layout_of(response.version)
    section = layout.section_of[repeat_code]
    url = url_for("respond.section", invitation_id=invitation.id, section_code=section)
    return redirect(f"{url}#entry-{key.replace(':', '-')}" if key else f"{url}#repeat-{repeat_code}")


@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/new", methods=["GET", "POST"],
          defaults={"key": None}, endpoint="new_entry")
@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/<key>", methods=["GET", "POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
@csrf.exempt
@keeps_unsaved_input
def entry(invitation_id: int, repeat_code: str, key: str | None):
    """Add an entry (an activity, say) or change one."""
    invitation, response = _response(invitation_id)
    if request.method == "GET":
        kept = take(request.path)
        if kept is not None:
            return _entry_page(invitation, response, repeat_code, key, formdata=kept, notice=_(
                "What you typed before you had to log in again is back in the form. It is not saved yet: check "
                "it and press Save."))
        return _entry_page(invitation, response, repeat_code, key)
    if not _csrf_valid():
        return _entry_page(invitation, response, repeat_code, key, formdata=request.form, status=400, notice=_(
            "For your security the page could not be saved yet. Everything you typed is still here: press "
            "Save again."))
    layout = services.layout_of(response.version)
    repeat = _repeat(layout, repeat_code)
    raw = raw_inputs(repeat["questions"], request.form)
    try:
        result = services.save_entry(response, repeat_code, key, raw, base_json(request.form),
                                     lock_version_of(request.form), actor(), current_language())
    except ResponseError as error:
        db.session.rollback()
        flash(str(error), "error")
        return _back(invitation, response, repeat_code)
    if result.conflicts:
        db.session.rollback()
        return _entry_page(invitation, response, repeat_code, key, formdata=request.form, status=409,
                           conflicts=result.conflicts, notice=_(
                               "Someone else changed this entry since you opened it. Compare the values below, "
                               "choose, and save again."))
    if result.errors:
        db.session.rollback()
        return _entry_page(invitation, response, repeat_code, key, formdata=request.form, errors=result.errors,
                           status=422, notice=_("The entry has not been saved yet. Correct the marked answers."))
    db.session.commit()
    flash(_("Saved at %(time)s.", time=format_time(response.last_saved_at, "HH:mm")), "success")
    return _back(invitation, response, repeat_code, result.key)


@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/<key>/remove", methods=["GET", "POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def remove_entry(invitation_id: int, repeat_code: str, key: str):
    """Ask, then remove an entry."""
    invitation, response = _response(invitation_id)
    layout, document = services.document_of(response)
    repeat = _repeat(layout, repeat_code)
    entry = document.entry(repeat_code, key) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            services.remove_entry(response, repeat_code, key, actor())
        except ResponseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(_("The entry has been removed."), "success")
        return _back(invitation, response, repeat_code)
    return render_template("respond/remove_entry.html", invitation=invitation, repeat=repeat, entry=entry, key=key,
                           form=form, language=current_language(), section_code=layout.section_of[repeat_code])


@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/<key>/carry", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def confirm_carried(invitation_id: int, repeat_code: str, key: str):
    """Confirm an activity from last year: continued, changed or ended."""
    invitation, response = _response(invitation_id)
    if ActionForm().validate_on_submit():
        try:
            services.confirm_carried(response, key, request.form.get("status", ""), actor())
        except ResponseError as error:
            db.session.rollback()
            flash(str(error), "error")
        else:
            db.session.commit()
    if request.form.get("status") == "changed":
        return redirect(url_for("respond.entry", invitation_id=invitation.id, repeat_code=repeat_code, key=key))
    return _back(invitation, response, repeat_code, key)
