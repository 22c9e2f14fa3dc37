"""The questionnaire pages: start, one page per section, entries of repeating groups,
conflicts, autosave. Saving never loses what was typed: invalid inputs are shown again
with their message, an expired form token re-shows the page with everything typed, and
a save after the login ended is kept until the person has logged in again."""

from __future__ import annotations

import json

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError, validate_csrf

from ..access import access, signed_in_user
from ..answers import services
from ..answers.checks import missing
from ..answers.sections import mark_saved, saved_sections
from ..answers.services import Actor, ResponseError
from ..answers.values import display, from_json, to_json
from ..deadlines import response_for
from ..extensions import csrf
from ..i18n import current_language
from ..questionnaires.formbuilder import field_kind
from ..questionnaires.question_types import question_type
from ..unit_of_work import flash_refusal, saving
from ..uploads import parse_json
from . import bp
from .access import RESPONDENTS, invitation_or_404, session_token
from .pages import (
    as_typed,
    base_json,
    build_form,
    hidden_codes,
    labels_for,
    lock_version_of,
    page_terms,
    progress,
    raw_inputs,
)
from .pending import keeps_unsaved_input, note_saved, take


def actor() -> Actor:
    if current_user.is_authenticated:
        return Actor(user=signed_in_user())
    token = session_token()
    return Actor(contact=token.contact if token else None)


def _response(invitation_id: int):
    invitation = invitation_or_404(invitation_id)
    response = response_for(invitation)
    if response is None:
        abort(404)
    return invitation, response


def _csrf_valid() -> bool:
    """The form token, checked here (not globally) so that an expired token re-shows the
    page with what was typed instead of an error page."""
    if not current_app.config.get("WTF_CSRF_ENABLED", True):
        return True
    try:
        validate_csrf(request.form.get("csrf_token"))
    except CSRFError:
        return False
    except Exception:  # flask_wtf raises ValidationError for a missing or bad token
        return False
    return True


@bp.route("/respond/<int:invitation_id>/start", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def start(invitation_id: int):
    """Start the response (from last year's answers when asked) and open the first page."""
    invitation = invitation_or_404(invitation_id)
    if not _csrf_valid():
        flash(_("For your security, please press the button again."), "error")
        return redirect(url_for("respond.overview", invitation_id=invitation.id))
    carry = services.previous_response(invitation) if request.form.get("from_previous") == "yes" else None
    with saving(ResponseError) as outcome:
        response = services.start(invitation, actor(), carry_from=carry)
    if outcome.refused:
        flash_refusal(outcome.error)
        return redirect(url_for("respond.overview", invitation_id=invitation.id))
    first = services.layout_of(response.version).sections[0]["code"]
    return redirect(url_for("respond.section", invitation_id=invitation.id, section_code=first))


def _section_page(invitation, response, section_code, formdata=None, errors=None, status=200,
                  notice=None, restored=False):
    language = current_language()
    layout, document = services.document_of(response)
    section = layout.section(section_code) or abort(404)
    questions = layout.plain_questions(section)
    form = build_form(questions, document.answers, response.lock_version, language, formdata)
    typed = {q["code"]: form[q["code"]].data for q in questions if q["code"] in form}
    answers = {**document.answers, **({k: v for k, v in typed.items()} if formdata is not None else {})}
    for code, message in (errors or {}).items():
        if code in form:
            form[code].errors = [message]
    problems = missing(layout, document)
    codes = [s["code"] for s in layout.sections]
    index = codes.index(section["code"])
    return render_template(
        "respondent/section.html", invitation=invitation, response=response, section=section, form=form,
        layout=layout, document=document, language=language, hidden=hidden_codes(questions, answers),
        progress=progress(layout, document, problems, language, saved_sections(response)),
        terms=page_terms(section, language),
        previous_code=codes[index - 1] if index > 0 else None,
        next_code=codes[index + 1] if index + 1 < len(codes) else None,
        editable=services.editable(response, actor()), notice=notice, restored=restored, field_kind=field_kind,
        answers_json=json.dumps({k: to_json(v) for k, v in document.answers.items()})), status


@bp.route("/respond/<int:invitation_id>/section/<section_code>", methods=["GET", "POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
@csrf.exempt
@keeps_unsaved_input
def section(invitation_id: int, section_code: str):
    """One page of the questionnaire: its questions, and its repeating groups' entries."""
    invitation, response = _response(invitation_id)
    if request.method == "GET":
        kept = take(request.path)
        if kept is not None:
            formdata = _section_typed(response, section_code, kept)
            return _section_page(invitation, response, section_code, formdata=formdata, restored=True,
                                 notice=_("What you typed before you had to log in again is back in the form. "
                                          "It is not saved yet: check it and press Save."))
        return _section_page(invitation, response, section_code)
    if not _csrf_valid():
        return _section_page(invitation, response, section_code, formdata=_section_typed(response, section_code),
                             status=400,
                             notice=_("For your security the page could not be saved yet. Everything you "
                                      "typed is still here: press Save again."))
    return _save_section(invitation, response, section_code)


def _section_typed(response, section_code: str, form=None):
    layout = services.layout_of(response.version)
    section_def = layout.section(section_code) or abort(404)
    return typed(layout.plain_questions(section_def), form)


def _save_section(invitation, response, section_code):
    invitation_id = invitation.id  # read now: the commit below expires the row
    layout = services.layout_of(response.version)
    section_def = layout.section(section_code) or abort(404)
    questions = layout.plain_questions(section_def)
    if request.form.get("resolve"):
        raw, base = _resolution(questions)
    else:
        raw, base = raw_inputs(questions, request.form), base_json(request.form)
    with saving(ResponseError) as outcome:
        result = services.save_section(response, section_code, raw, base, lock_version_of(request.form), actor(),
                                       current_language())
        if result.conflicts:
            outcome.discard()
        elif not result.errors:
            mark_saved(response, [section_code])
        # Read before the commit expires the rows: the redirect needs no query to read them again.
        saved_at = response.last_saved_at
    if outcome.refused:
        # Shown with the form, so that what was typed can still be copied.
        return _section_page(invitation, response, section_code, formdata=typed(questions), status=403,
                             notice=str(outcome.error))
    if result.conflicts:
        return _conflict_page(invitation, response, section_def, questions, result), 409
    if result.errors:
        # Saved in part: the browser keeps its copy until the rest is saved too.
        return _section_page(invitation, response, section_code, formdata=typed(questions), errors=result.errors,
                             status=422, notice=_("Your other answers have been saved. Correct the marked "
                                                  "answers and save again."))
    note_saved(request.form.get("save_id"))
    flash(_("Saved at %(time)s.", time=format_time(saved_at, "HH:mm")), "success")
    return _go_to(invitation_id, response, layout, section_code, request.form.get("go_to") or section_code)


def _go_to(invitation_id: int, response, layout, section_code: str, target: str):
    """Where a save button leads: a section, the summary, or an entry (saved first, so
    nothing typed on the page is lost by going to an entry)."""
    kind, _sep, rest = target.partition(":")
    repeat_code, _sep, key = rest.partition(":")
    if kind == "carry":
        status, _sep, rest = rest.partition(":")
        repeat_code, _sep, key = rest.partition(":")
        with saving(ResponseError) as outcome:
            services.confirm_carried(response, key, status, actor())
        if outcome.refused:
            flash_refusal(outcome.error)
        if status == "changed":
            return redirect(url_for("respond.entry", invitation_id=invitation_id, repeat_code=repeat_code, key=key))
    elif kind == "new" and repeat_code in layout.questions:
        return redirect(url_for("respond.new_entry", invitation_id=invitation_id, repeat_code=repeat_code))
    elif kind == "edit" and repeat_code in layout.questions:
        return redirect(url_for("respond.entry", invitation_id=invitation_id, repeat_code=repeat_code, key=key))
    elif kind == "remove" and repeat_code in layout.questions:
        return redirect(url_for("respond.remove_entry", invitation_id=invitation_id, repeat_code=repeat_code,
                                key=key))
    elif target == "summary":
        return redirect(url_for("respond.summary", invitation_id=invitation_id))
    elif target in {s["code"] for s in layout.sections}:
        section_code = target
    return redirect(url_for("respond.section", invitation_id=invitation_id, section_code=section_code))


def _conflict_page(invitation, response, section_def, questions, result):

    language = current_language()
    by_code = {q["code"]: q for q in questions}
    last = next((e for e in reversed(response.events) if e.kind in ("saved", "entry_added")), None)
    rows = [(by_code[c.code], display(by_code[c.code], c.mine, language, labels_for(language)),
             display(by_code[c.code], c.theirs, language, labels_for(language)), c) for c in result.conflicts]
    _layout, document = services.document_of(response)
    stored = {q["code"]: to_json(document.answers.get(q["code"])) for q in questions}
    return render_template("respondent/conflict.html", invitation=invitation, response=response,
                           section=section_def, rows=rows, language=language, last_event=last,
                           merged=json.dumps({k: to_json(v) for k, v in result.merged.items()}),
                           theirs=json.dumps({c.code: to_json(c.theirs) for c in result.conflicts}),
                           base=json.dumps(stored), action=request.path)


def _resolution(questions: list[dict], form=None) -> tuple[dict, dict]:
    """The raw inputs after a conflict: the merged values, with 'theirs' where chosen;
    based on what is stored now. `form` is the posted form (default this request's)."""

    form = request.form if form is None else form
    try:
        merged, theirs = (parse_json(form.get(name) or "{}") for name in ("merged", "theirs"))
    except ValueError:  # not what the conflict page posts: nothing to resolve
        abort(400)
    if not isinstance(merged, dict) or not isinstance(theirs, dict):
        abort(400)
    for code, value in theirs.items():
        if form.get(f"choice_{code}") == "theirs":
            merged[code] = value
    by_code = {q["code"]: q for q in questions}
    raw = {code: _as_raw(by_code[code], from_json(by_code[code], value)) for code, value in merged.items()
           if code in by_code}
    # The base is what was stored when the conflict was shown: a newer change is caught again.
    return raw, base_json(form)


def typed(questions: list[dict], form=None):
    """What was posted (default: this request), as the form reads it: after a conflict
    page, the values chosen there as if typed."""
    form = request.form if form is None else form
    return as_typed(form, _resolution(questions, form)[0]) if form.get("resolve") else form


def _as_raw(question: dict, value):
    if value is None:
        return [] if question_type(question).multiple else ""
    if isinstance(value, list):
        return value
    if isinstance(value, float):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


@bp.route("/respond/<int:invitation_id>/section/<section_code>/autosave", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
@csrf.exempt
def autosave(invitation_id: int, section_code: str):
    """The page's script saves changed fields every 30 seconds and on leaving: JSON."""
    invitation, response = _response(invitation_id)
    if not _csrf_valid():
        return jsonify(status="token", message=_(
            "Your answers could not be saved automatically because the page is too old. Press Save: nothing "
            "you typed is lost.")), 400
    layout = services.layout_of(response.version)
    section_def = layout.section(section_code) or abort(404)
    questions = layout.plain_questions(section_def)
    with saving(ResponseError) as outcome:
        result = services.save_section(response, section_code, raw_inputs(questions, request.form),
                                       base_json(request.form), lock_version_of(request.form), actor(),
                                       current_language())
        if result.conflicts:
            outcome.discard()
        elif result.changes and not result.errors:  # answers stored: the section has been saved
            mark_saved(response, [section_code])
    if outcome.refused:
        return jsonify(status="closed", message=str(outcome.error)), 403
    if result.conflicts:
        return jsonify(status="conflict", message=_("Someone else changed this page. Press Save to see the "
                                                    "differences.")), 409
    _layout, document = services.document_of(response, entries=False)
    return jsonify(status="saved", lock_version=response.lock_version,
                   saved_at=format_time(response.last_saved_at, "HH:mm"),
                   base={q["code"]: to_json(document.answers.get(q["code"])) for q in questions},
                   errors=result.errors)
