"""The offline workbook on the respondent's side: download the questionnaire as an
XLSX workbook filled with what is saved, and upload it back. An upload is checked like
the web form and saved all or nothing; when answers were changed on the website since
the download, the person chooses per value, as on the web form's conflict page."""

from __future__ import annotations

import json

from flask import flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from ..access import access
from ..answers import services
from ..answers.document import References
from ..answers.services import ResponseError
from ..answers.values import display
from ..answers.workbook import WorkbookUpload, read_workbook, write_workbook
from ..answers.workbook_apply import ImportConflict, apply_upload, with_choices
from ..answers.workbook_format import check_base, snapshot
from ..i18n import current_language
from ..i18n import lazy_gettext as _l
from ..spreadsheets.writing import XLSX_MIMETYPE
from ..unit_of_work import saving
from ..uploads import parse_json
from . import bp
from .pages import labels_for
from .questionnaire import RESPONDENTS, _response, actor

#: A filled-in workbook is far smaller; more is refused before it is opened.
MAX_WORKBOOK_BYTES = 5 * 1024 * 1024


class WorkbookForm(FlaskForm):
    """Upload a filled-in workbook."""

    workbook = FileField(_l("Workbook (.xlsx)"), validators=[FileRequired(_l("Choose the workbook to upload."))],
                         render_kw={"accept": ".xlsx," + XLSX_MIMETYPE})
    submit = SubmitField(_l("Upload and check"))


@bp.route("/respond/<int:invitation_id>/workbook.xlsx")
@access(read=RESPONDENTS)
def download_workbook(invitation_id: int):
    """The questionnaire as a workbook, filled with what is saved now."""
    _invitation, response = _response(invitation_id)
    result = make_response(write_workbook(response, current_language(), References()))
    result.headers["Content-Type"] = XLSX_MIMETYPE
    result.headers["Content-Disposition"] = f'attachment; filename="imvo-{response.round.slug}-{response.id}.xlsx"'
    result.headers["Cache-Control"] = "no-store"
    return result


@bp.route("/respond/<int:invitation_id>/workbook", methods=["GET", "POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def upload_workbook(invitation_id: int):
    """Upload a filled-in workbook; a second post carries the choices after a conflict."""
    invitation, response = _response(invitation_id)
    form = WorkbookForm()
    if request.method == "GET":
        return _upload_page(invitation, response, form)
    if not services.editable(response, actor()):
        return _upload_page(invitation, response, form, status=403,
                            message=_("These answers can no longer be changed; nothing has been saved."))
    if request.form.get("resolve"):
        return _resolve(invitation, response, form)
    if not form.validate_on_submit():
        return _upload_page(invitation, response, form, status=422)
    data = form.workbook.data.read(MAX_WORKBOOK_BYTES + 1)
    if len(data) > MAX_WORKBOOK_BYTES:
        return _upload_page(invitation, response, form, status=413, message=_(
            "This file is larger than %(size)d MB; a filled-in workbook is much smaller. Upload the workbook "
            "you downloaded here.", size=MAX_WORKBOOK_BYTES // (1024 * 1024)))
    language, references = current_language(), References()
    upload = read_workbook(data, response, language, references)
    if not upload.valid:
        return _upload_page(invitation, response, form, errors=upload.errors, status=422)
    return _apply(invitation, response, form, upload, references)


def _upload_page(invitation, response, form, errors=None, message=None, status=200):
    return render_template("respondent/workbook_upload.html", invitation=invitation, response=response, form=form,
                           errors=errors or [], message=message,
                           editable=services.editable(response, actor())), status


def _apply(invitation, response, form, upload: WorkbookUpload, references: References):
    """Save the upload and commit, or show the conflicts or errors (and save nothing)."""
    language = current_language()
    with saving(ResponseError) as outcome:
        result = apply_upload(response, upload, actor(), language, references)
        if result.conflicts or result.errors:
            outcome.discard()
    if outcome.refused:
        return _upload_page(invitation, response, form, message=str(outcome.error), status=403)
    if result.conflicts:
        return _conflict_page(invitation, response, upload, result.conflicts, language), 409
    if result.errors:
        return _upload_page(invitation, response, form, errors=result.errors, status=422)
    if result.changes:
        flash(ngettext("The workbook has been saved: %(num)d answer changed.",
                       "The workbook has been saved: %(num)d answers changed.", len(result.changes)), "success")
    else:
        flash(_("The workbook is the same as the saved answers: nothing has changed."), "success")
    return redirect(url_for("respond.summary", invitation_id=invitation.id))


def _resolve(invitation, response, form):
    """Apply the upload again with the person's choice per conflict."""
    try:
        upload = WorkbookUpload.from_json(request.form.get("upload") or "")
        conflicts = [ImportConflict.from_json(item) for item in parse_json(request.form.get("conflicts") or "[]")]
        stored = check_base(parse_json(request.form.get("stored") or "null"))
        lock_version = int(request.form.get("lock_version") or "")
        choices = {index: request.form.get(f"choice_{index}", "mine") for index in range(len(conflicts))}
        resolved = with_choices(upload, conflicts, choices, stored, lock_version)
    except (ValueError, TypeError, AttributeError):
        return _upload_page(invitation, response, form, status=400, message=_(
            "Your choices could not be read; nothing has been saved. Upload the workbook again."))
    return _apply(invitation, response, form, resolved, References())


def _conflict_page(invitation, response, upload: WorkbookUpload, conflicts: list[ImportConflict], language: str):
    layout, document = services.document_of(response)
    labels = labels_for(language)
    last = next((e for e in reversed(response.events) if e.kind not in ("started", "carried_over")), None)
    who = (last.user.display_name if last.user else last.contact.name if last.contact else "") if last else ""
    return render_template(
        "respondent/workbook_conflict.html", invitation=invitation, response=response, who=who,
        rows=[_conflict_row(layout, conflict, language, labels) for conflict in conflicts],
        upload_json=upload.to_json(), conflicts_json=json.dumps([c.to_json() for c in conflicts]),
        stored_json=json.dumps(snapshot(layout, document)), lock_version=response.lock_version)


def _conflict_row(layout, conflict: ImportConflict, language: str, labels) -> dict:
    """Where a conflict is and both values in words."""
    def text(question, value) -> str:
        return display(question, value, language, labels)

    def entry_text(repeat, values) -> str:
        return "; ".join(text(child, values.get(child["code"])) for child in repeat["questions"]
                         if text(child, values.get(child["code"])))

    if conflict.repeat is None:
        question = layout.questions[conflict.code]
        section = layout.section(layout.section_of[conflict.code])
        return {"where": section["title"][language], "question": question["label"][language],
                "mine": text(question, conflict.mine), "theirs": text(question, conflict.theirs)}
    repeat = layout.questions[conflict.repeat]
    if conflict.code is not None:
        question = layout.questions[conflict.code]
        return {"where": repeat["label"][language], "question": question["label"][language],
                "mine": text(question, conflict.mine), "theirs": text(question, conflict.theirs)}
    if conflict.mine is None:
        return {"where": repeat["label"][language], "question": None, "mine": _("(removed)"),
                "theirs": entry_text(repeat, conflict.theirs)}
    return {"where": repeat["label"][language], "question": None, "mine": entry_text(repeat, conflict.mine),
            "theirs": _("(removed)")}
