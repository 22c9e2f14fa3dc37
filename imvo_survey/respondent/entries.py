"""Entries of repeating groups (activities, dilemmas, bottlenecks, ...): add, change,
remove, and confirm an activity carried over from last year. Works without JavaScript."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from ..access import access
from ..answers import services
from ..answers.checks import shown
from ..answers.merging import CARRY_STATUS, entry_seen
from ..answers.sections import mark_saved
from ..answers.services import EntryGone, ResponseError
from ..answers.values import display, to_json
from ..extensions import csrf
from ..forms import ActionForm
from ..i18n import code_label, current_language
from ..questionnaires.formbuilder import field_kind
from ..unit_of_work import flash_refusal, saving
from . import bp
from .pages import base_json, build_form, labels_for, lock_version_of, page_terms, raw_inputs
from .pending import keeps_unsaved_input, note_saved, take
from .questionnaire import RESPONDENTS, _csrf_valid, _resolution, _response, actor, typed


def _repeat(layout, repeat_code: str) -> dict:
    repeat = layout.group(repeat_code)
    if repeat is None:
        abort(404)
    return repeat


def _entry_page(invitation, response, repeat_code, key, formdata=None, errors=None, status=200, notice=None,
                gone=False):
    """The form of one entry. `gone`: the entry was removed while it was being changed;
    the form shows what was typed and saves it as a new entry (also when typed input
    comes back for an entry that is no longer there)."""
    language = current_language()
    layout, document = services.document_of(response)
    repeat = _repeat(layout, repeat_code)
    entry = document.entry(repeat_code, key) if key else None
    if key and entry is None:
        if formdata is None:
            abort(404)
        gone = True
    values = entry.values if entry else {}
    form = build_form(repeat["questions"], values, response.lock_version, language, formdata)
    for code, message in (errors or {}).items():
        if code in form:
            form[code].errors = [message]
    if gone:
        # Saved as a new entry: nothing stored to merge with.
        form.lock_version.data = str(response.lock_version)
        form.base.data = ""
    typed = {q["code"]: form[q["code"]].data for q in repeat["questions"]} if formdata is not None else values
    hidden = {q["code"] for q in repeat["questions"] if not shown(q, document.answers, typed, repeat)}
    section = next(s for s in layout.sections if repeat in s["questions"])
    action = url_for("respond.new_entry", invitation_id=invitation.id, repeat_code=repeat_code) if gone else None
    return render_template("respondent/entry.html", invitation=invitation, response=response, repeat=repeat,
                           section=section, entry=entry, key=key, form=form, language=language, hidden=hidden,
                           notice=notice, gone=gone, action=action, terms=page_terms(section, language),
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
            questions = _repeat(services.layout_of(response.version), repeat_code)["questions"]
            return _entry_page(invitation, response, repeat_code, key, formdata=typed(questions, kept), notice=_(
                "What you typed before you had to log in again is back in the form. It is not saved yet: check "
                "it and press Save."))
        return _entry_page(invitation, response, repeat_code, key)
    if not _csrf_valid():
        questions = _repeat(services.layout_of(response.version), repeat_code)["questions"]
        return _entry_page(invitation, response, repeat_code, key, formdata=typed(questions), status=400, notice=_(
            "For your security the page could not be saved yet. Everything you typed is still here: press "
            "Save again."))
    return _save_entry(invitation, response, repeat_code, key)


def _save_entry(invitation, response, repeat_code: str, key: str | None):
    layout = services.layout_of(response.version)
    repeat = _repeat(layout, repeat_code)
    if request.form.get("resolve"):
        raw, base = _resolution(repeat["questions"])
    else:
        raw, base = raw_inputs(repeat["questions"], request.form), base_json(request.form)
    typed_in = typed(repeat["questions"])  # for a page shown again
    with saving(ResponseError) as outcome:
        result = services.save_entry(response, repeat_code, key, raw, base, lock_version_of(request.form),
                                     actor(), current_language())
        if result.errors or result.conflicts:
            outcome.discard()
        else:
            _mark_repeat_saved(response, layout, repeat_code)
    if isinstance(outcome.error, EntryGone):
        return _entry_page(invitation, response, repeat_code, key, formdata=typed_in, status=409, gone=True,
                           notice=_("Someone else removed this entry while you were changing it. What you typed "
                                    "is still here: save it as a new entry, or cancel to leave it out."))
    if outcome.refused:
        # Shown with the form, so that what was typed can still be copied.
        return _entry_page(invitation, response, repeat_code, key, formdata=typed_in, status=403,
                           notice=str(outcome.error))
    if result.errors:
        # Errors first: after a conflict only valid values travel on, so fixing them
        # now keeps what was typed; the conflict (if any) is shown on the next save.
        return _entry_page(invitation, response, repeat_code, key, formdata=typed_in, errors=result.errors,
                           status=422, notice=_("The entry has not been saved yet. Correct the marked answers."))
    if result.conflicts:
        return _conflict_page(invitation, response, repeat, key, result), 409
    note_saved(request.form.get("save_id"))
    flash(_("Saved at %(time)s.", time=format_time(response.last_saved_at, "HH:mm")), "success")
    return _back(invitation, response, repeat_code, result.key)


def _mark_repeat_saved(response, layout, repeat_code: str) -> None:
    """A change to a list's entries saves the section the list is on."""
    mark_saved(response, [layout.section_of[repeat_code]])


def _conflict_page(invitation, response, repeat: dict, key: str, result):
    """The same choice per field as a section's conflict page, for one entry."""
    language = current_language()
    layout, document = services.document_of(response)
    entry = document.entry(repeat["code"], key)
    by_code = {q["code"]: q for q in repeat["questions"]}
    labels = labels_for(language)
    last = next((e for e in reversed(response.events) if e.kind in ("saved", "entry_added")), None)
    rows = [(by_code[c.code], display(by_code[c.code], c.mine, language, labels),
             display(by_code[c.code], c.theirs, language, labels), c) for c in result.conflicts]
    stored = {q["code"]: to_json(entry.values.get(q["code"])) for q in repeat["questions"]}
    first = repeat["questions"][0]["code"]
    return render_template("respondent/conflict.html", invitation=invitation, response=response,
                           section=layout.section(layout.section_of[repeat["code"]]), rows=rows, language=language,
                           last_event=last, entry_label=f"{repeat['label'][language]}: {entry.values.get(first) or ''}",
                           merged=json.dumps({k: to_json(v) for k, v in result.merged.items()}),
                           theirs=json.dumps({c.code: to_json(c.theirs) for c in result.conflicts}),
                           base=json.dumps(stored), action=request.path)


@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/<key>/remove", methods=["GET", "POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def remove_entry(invitation_id: int, repeat_code: str, key: str):
    """Ask, then remove an entry; an entry changed by someone else since the question
    was shown is not removed before the person has seen the changes."""
    invitation, response = _response(invitation_id)
    layout, document = services.document_of(response)
    repeat = _repeat(layout, repeat_code)
    entry = document.entry(repeat_code, key)
    form = ActionForm()
    if entry is None:
        if request.method == "POST" and form.validate_on_submit():
            flash(_("This entry had already been removed."), "success")
            return _back(invitation, response, repeat_code)
        abort(404)
    conflicts = []
    if form.validate_on_submit():
        with saving(ResponseError) as outcome:
            result = services.remove_entry(response, repeat_code, key, actor(), lock_version_of(request.form),
                                           base_json(request.form))
            if result is not None and result.conflicts:
                outcome.discard()
            else:
                _mark_repeat_saved(response, layout, repeat_code)
        if outcome.refused:
            flash_refusal(outcome.error)
            return _back(invitation, response, repeat_code)
        if result is not None and result.conflicts:
            conflicts = _removal_differences(repeat, result.conflicts)
        else:
            flash(_("The entry has been removed."), "success")
            return _back(invitation, response, repeat_code)
    seen = entry_seen(repeat["questions"], entry)
    return render_template("respondent/remove_entry.html", invitation=invitation, repeat=repeat, entry=entry, key=key,
                           form=form, language=current_language(), section_code=layout.section_of[repeat_code],
                           lock_version=response.lock_version, seen=json.dumps(seen),
                           conflicts=conflicts), 409 if conflicts else 200


def _removal_differences(repeat: dict, conflicts) -> list[tuple[str, str, str]]:
    """(label, as it was shown, as it is now) per field changed since the question was shown."""
    language = current_language()
    by_code = {q["code"]: q for q in repeat["questions"]}
    labels = labels_for(language)
    rows = []
    for conflict in conflicts:
        if conflict.code == CARRY_STATUS:
            rows.append((_("From last year:"), code_label(conflict.mine, "carry_status"),
                         code_label(conflict.theirs, "carry_status")))
        else:
            question = by_code[conflict.code]
            rows.append((question["label"][language], display(question, conflict.mine, language, labels),
                         display(question, conflict.theirs, language, labels)))
    return rows


@bp.route("/respond/<int:invitation_id>/entries/<repeat_code>/<key>/carry", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def confirm_carried(invitation_id: int, repeat_code: str, key: str):
    """Confirm an activity from last year: continued, changed or ended."""
    invitation, response = _response(invitation_id)
    if ActionForm().validate_on_submit():
        with saving(ResponseError) as outcome:
            services.confirm_carried(response, key, request.form.get("status", ""), actor())
            _mark_repeat_saved(response, services.layout_of(response.version), repeat_code)
        if outcome.refused:
            flash_refusal(outcome.error)
    if request.form.get("status") == "changed":
        return redirect(url_for("respond.entry", invitation_id=invitation.id, repeat_code=repeat_code, key=key))
    return _back(invitation, response, repeat_code, key)
