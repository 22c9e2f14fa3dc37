"""The authoring pages: questionnaires and versions, drafts, publication, comparison,
preview and export. Editing sections and questions is in `editing.py`, import in
`import_routes.py`."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from ..access import access, roles, signed_in_user
from ..extensions import db
from ..forms import ActionForm
from ..i18n import current_language
from ..models import STAFF_ROLES, Questionnaire, QuestionnaireVersion
from ..spreadsheets.writing import XLSX_MIMETYPE
from ..unit_of_work import saving
from ..whole_numbers import query_int
from . import bp
from .definition import dump_json, questions_by_code, walk
from .describe import describe_condition
from .formbuilder import field_kind, form_class
from .forms import AUDIENCE_LABELS, INVENTORY_LABELS, REFERENCE_LABELS, TYPE_LABELS, QuestionnaireForm
from .question_types import question_type
from .services import (
    DefinitionError,
    compare,
    definition_of,
    get_version,
    new_draft_from,
    publish,
    reference_lists,
    reference_options,
)
from .xlsform import write_workbook


@bp.app_context_processor
def labels():
    """The labels of types, audiences, reference lists and inventories for templates."""
    return {"type_labels": TYPE_LABELS, "audience_labels": AUDIENCE_LABELS,
            "reference_labels": REFERENCE_LABELS, "inventory_labels": INVENTORY_LABELS}


#: Templates ask a type as the code does: `question_type(question.type).is_group`.
bp.add_app_template_global(question_type, "question_type")


@bp.route("/")
@access(read=STAFF_ROLES)
def list_questionnaires():
    """Every questionnaire with its versions."""
    questionnaires = db.session.scalars(select(Questionnaire).order_by(Questionnaire.code)).all()
    return render_template("questionnaires/list.html", questionnaires=questionnaires)


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create_questionnaire():
    """A new questionnaire with an empty draft version 1."""
    form = QuestionnaireForm()
    if form.validate_on_submit():
        if db.session.scalar(select(Questionnaire).where(Questionnaire.code == form.code.data)):
            form.code.errors.append(_("There is already a questionnaire with this code."))
        else:
            questionnaire = Questionnaire()
            form.populate_obj(questionnaire)
            db.session.add(questionnaire)
            version = QuestionnaireVersion(questionnaire=questionnaire, number=1, status="draft")
            db.session.add(version)
            db.session.commit()
            flash(_("The questionnaire has been created. Add sections and questions to its draft."), "success")
            return redirect(url_for("questionnaires.show_version", code=questionnaire.code, number=1))
    return render_template("questionnaires/questionnaire_form.html", form=form, questionnaire=None)


@bp.route("/<code>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_questionnaire(code: str):
    """Titles and descriptions; the code and audience stay once a version is published."""
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.code == code)) or abort(404)
    form = QuestionnaireForm(obj=questionnaire)
    fixed = questionnaire.latest_published is not None
    if form.validate_on_submit():
        if fixed and (form.code.data != questionnaire.code or form.audience.data != questionnaire.audience):
            form.code.errors.append(_("The code and audience cannot change once a version is published."))
        elif form.code.data != questionnaire.code and db.session.scalar(
                select(Questionnaire).where(Questionnaire.code == form.code.data)):
            form.code.errors.append(_("There is already a questionnaire with this code."))
        else:
            form.populate_obj(questionnaire)
            db.session.commit()
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("questionnaires.list_questionnaires"))
    return render_template("questionnaires/questionnaire_form.html", form=form, questionnaire=questionnaire)


@bp.route("/<code>/v<int:number>")
@access(read=STAFF_ROLES)
def show_version(code: str, number: int):
    """A version's outline; for a draft, with the editing controls."""
    return _version_page(get_version(code, number))


def _version_page(version: QuestionnaireVersion, problems=None, status: int = 200):
    definition = definition_of(version)
    questions = questions_by_code(definition)
    in_words = {q["code"]: describe_condition(q.get("show_if"), questions, current_language(), reference_options)
                for _s, q, _p in walk(definition) if q.get("show_if")}
    return render_template("questionnaires/version.html", version=version, questionnaire=version.questionnaire,
                           conditions_in_words=in_words, action_form=ActionForm(), problems=problems), status


@bp.route("/<code>/v<int:number>/copy", methods=["POST"])
@roles("secretariat")
def copy_version(code: str, number: int):
    """A new draft version with the content of this one."""
    version = get_version(code, number)
    if not ActionForm().validate_on_submit():
        abort(400)
    draft = new_draft_from(version)
    db.session.commit()
    flash(_("Draft version %(number)d has been made from version %(old)d.", number=draft.number,
            old=version.number), "success")
    return redirect(url_for("questionnaires.show_version", code=code, number=draft.number))


@bp.route("/<code>/v<int:number>/publish", methods=["POST"])
@roles("secretariat")
def publish_version(code: str, number: int):
    """Publish a draft, or show what stands in the way."""
    version = get_version(code, number)
    if not ActionForm().validate_on_submit():
        abort(400)
    with saving(DefinitionError) as outcome:
        publish(version, signed_in_user())
    if outcome.error is not None:
        return _version_page(get_version(code, number), outcome.error.problems, 422)
    flash(_("Version %(number)d is published. It can no longer change; make a new draft to edit.",
            number=number), "success")
    return redirect(url_for("questionnaires.show_version", code=code, number=number))


@bp.route("/<code>/v<int:number>/delete", methods=["POST"])
@roles("secretariat")
def delete_version(code: str, number: int):
    """Delete a draft (published versions stay)."""
    version = get_version(code, number)
    if version.is_published or not ActionForm().validate_on_submit():
        abort(400)
    questionnaire = version.questionnaire
    db.session.delete(version)
    if not questionnaire.versions:
        db.session.delete(questionnaire)
    db.session.commit()
    flash(_("Draft version %(number)d has been deleted.", number=number), "success")
    return redirect(url_for("questionnaires.list_questionnaires"))


@bp.route("/<code>/compare")
@access(read=STAFF_ROLES)
def compare_versions(code: str):
    """What was added, removed and changed between two versions."""
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.code == code)) or abort(404)
    numbers = [v.number for v in questionnaire.versions]
    old_number = query_int("old") or (numbers[-2] if len(numbers) > 1 else numbers[0])
    new_number = query_int("new") or numbers[-1]
    if old_number not in numbers or new_number not in numbers:
        abort(404)
    old, new = get_version(code, old_number), get_version(code, new_number)
    return render_template("questionnaires/compare.html", questionnaire=questionnaire, old=old, new=new,
                           numbers=numbers, diff=compare(old, new))


@bp.route("/<code>/v<int:number>/preview", defaults={"section_code": None})
@bp.route("/<code>/v<int:number>/preview/<section_code>")
@access(read=STAFF_ROLES)
def preview(code: str, number: int, section_code: str | None):
    """The version exactly as a respondent sees it, section by section, in either language."""
    version = get_version(code, number)
    definition = definition_of(version)
    if not definition["sections"]:
        flash(_("This version has no sections yet."), "info")
        return redirect(url_for("questionnaires.show_version", code=code, number=number))
    language = request.args.get("lang") if request.args.get("lang") in ("nl", "en") else current_language()
    sections = definition["sections"]
    section = next((s for s in sections if s["code"] == section_code), sections[0]) if section_code else sections[0]
    form = form_class(section["questions"], language, reference_options)(meta={"csrf": False})
    repeat_forms = {q["code"]: form_class(q["questions"], language, reference_options)(meta={"csrf": False},
                                                                                      prefix=q["code"])
                    for q in section["questions"] if question_type(q).is_group}
    with force_locale(language):  # the whole page in the language being previewed
        return render_template("questionnaires/preview.html", version=version, definition=definition,
                               section=section, form=form, repeat_forms=repeat_forms, language=language,
                               field_kind=field_kind)


@bp.route("/<code>/v<int:number>/export.<fmt>")
@access(read=STAFF_ROLES)
def export_version(code: str, number: int, fmt: str):
    """Download the version as an XLSForm workbook or as JSON."""
    version = get_version(code, number)
    definition = definition_of(version)
    name = f"{code}-v{number}"
    if fmt == "json":
        return send_file(io.BytesIO(dump_json(definition)), mimetype="application/json", as_attachment=True,
                         download_name=f"{name}.json")
    if fmt == "xlsx":
        return send_file(io.BytesIO(write_workbook(definition, reference_lists())),
                         mimetype=XLSX_MIMETYPE,
                         as_attachment=True, download_name=f"{name}.xlsx")
    abort(404)
