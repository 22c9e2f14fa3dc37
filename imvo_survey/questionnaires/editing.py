"""Editing a draft version: sections and questions (with choices and conditions),
added, changed, moved and deleted. Published versions refuse every change."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..access import roles
from ..extensions import db
from ..forms import ActionForm
from ..models import Choice, Question, QuestionnaireVersion, Section
from ..whole_numbers import query_int
from . import bp
from .conditions import referenced_codes, render
from .definition import condition_order_problems, question_problems, walk
from .forms import QuestionForm, SectionForm
from .question_types import TYPES, QuestionType, question_type
from .services import definition_of, get_version


def _draft(code: str, number: int) -> QuestionnaireVersion:
    version = get_version(code, number)
    if version.is_published:
        flash(_("A published version cannot change. Make a new draft version to edit."), "error")
        abort(redirect(url_for("questionnaires.show_version", code=code, number=number)))
    return version


def _back(version: QuestionnaireVersion, anchor: str | None = None):
    url = url_for("questionnaires.show_version", code=version.questionnaire.code, number=version.number)
    return redirect(f"{url}#{anchor}" if anchor else url)


def _code_taken(version: QuestionnaireVersion, code: str, own=None) -> bool:
    """Codes are unique over the sections and questions of a version."""
    names = {s.code for s in version.sections if s is not own} | {q.code for q in version.questions if q is not own}
    return code in names


# --- sections ---------------------------------------------------------------------

@bp.route("/<code>/v<int:number>/sections/new", methods=["GET", "POST"])
@roles("secretariat")
def create_section(code: str, number: int):
    """Add a section at the end."""
    version = _draft(code, number)
    form = SectionForm()
    if form.validate_on_submit():
        if _code_taken(version, form.code.data):
            form.code.errors.append(_("This code is already used in this version."))
        else:
            section = Section(version=version, position=len(version.sections))
            form.populate_obj(section)
            db.session.add(section)
            db.session.commit()
            return _back(version, f"section-{section.code}")
    return render_template("questionnaires/section_form.html", form=form, version=version, section=None)


def _section(version: QuestionnaireVersion, section_id: int) -> Section:
    section = db.session.get(Section, section_id)
    if section is None or section.version_id != version.id:
        abort(404)
    return section


@bp.route("/<code>/v<int:number>/sections/<int:section_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_section(code: str, number: int, section_id: int):
    """Change a section's code, titles or introduction."""
    version = _draft(code, number)
    section = _section(version, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit():
        if _code_taken(version, form.code.data, own=section):
            form.code.errors.append(_("This code is already used in this version."))
        else:
            form.populate_obj(section)
            db.session.commit()
            return _back(version, f"section-{section.code}")
    return render_template("questionnaires/section_form.html", form=form, version=version, section=section)


@bp.route("/<code>/v<int:number>/sections/<int:section_id>/delete", methods=["POST"])
@roles("secretariat")
def delete_section(code: str, number: int, section_id: int):
    """Delete a section with its questions."""
    version = _draft(code, number)
    section = _section(version, section_id)
    if ActionForm().validate_on_submit():
        for question in [q for q in version.questions if q.section_id == section.id]:
            version.questions.remove(question)
        version.sections.remove(section)
        _renumber(list(version.sections))
        db.session.commit()
        flash(_("The section has been deleted."), "success")
    return _back(version)


@bp.route("/<code>/v<int:number>/sections/<int:section_id>/move", methods=["POST"])
@roles("secretariat")
def move_section(code: str, number: int, section_id: int):
    """Move a section up or down."""
    version = _draft(code, number)
    section = _section(version, section_id)
    if ActionForm().validate_on_submit():
        # A copy: swapping inside the relationship collection itself would take the
        # swapped-out section off it for a moment, and delete-orphan deletes it.
        _move(list(version.sections), section, request.form.get("direction"))
        db.session.commit()
        _flash_broken_conditions(version, {q.code for q in version.questions if q.section_id == section.id})
    return _back(version, f"section-{section.code}")


def _move(items: list, item, direction: str | None) -> None:
    """Swap `item` with its neighbour above or below in `items` and renumber them all.

    `items` must be a plain list, never a relationship collection: the swap changes it."""
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1 if direction == "down" else index
    if 0 <= other < len(items) and other != index:
        items[index], items[other] = items[other], items[index]
    _renumber(items)


def _renumber(items) -> None:
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position


# --- questions --------------------------------------------------------------------

def _question(version: QuestionnaireVersion, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.version_id != version.id:
        abort(404)
    return question


def _siblings(section: Section, parent: Question | None) -> list[Question]:
    return list(parent.children) if parent else list(section.questions)


def _fill_question(question: Question, form: QuestionForm, version: QuestionnaireVersion) -> None:
    for name in ("code", "type", "label_nl", "label_en", "hint_nl", "hint_en", "required", "pattern",
                 "constraint_message_nl", "constraint_message_en", "max_length", "min_repeat", "max_repeat",
                 "list_name", "scale_min_label_nl", "scale_min_label_en", "scale_max_label_nl", "scale_max_label_en"):
        setattr(question, name, getattr(form, name).data)
    question.min_value, question.max_value = form.min_value.data, form.max_value.data
    kind = question_type(form.type.data)
    question.reference = form.reference.data if kind.uses_reference else None
    question.inventory = form.inventory.data if kind.is_group else None
    if not kind.is_group:
        question.min_repeat = question.max_repeat = None
    else:
        question.required = False
    question.inventory_field = form.inventory_field.data if question.parent_id or question.parent else None
    question.show_if = getattr(form.show_if, "parsed", None) if form.show_if.data else None
    wanted = getattr(form.choices, "parsed", []) if kind.own_choices else []
    existing = {choice.code: choice for choice in question.choices}
    question.choices = []
    for position, item in enumerate(wanted):
        choice = existing.get(item["code"]) or Choice(code=item["code"])
        choice.position, choice.label_nl, choice.label_en = position, item["label"]["nl"], item["label"]["en"]
        question.choices.append(choice)


def _check_question(form: QuestionForm, version: QuestionnaireVersion, section: Section, question: Question | None,
                    parent: Question | None) -> bool:
    """The definition's rules for one question, shown on the form's fields."""
    if _code_taken(version, form.code.data, own=question):
        form.code.errors.append(_("This code is already used in this version."))
    item = {"code": form.code.data, "type": form.type.data, "label": {"nl": form.label_nl.data, "en": ""}}
    kind = TYPES.get(form.type.data)  # None when not one of the choices: question_problems says so
    if kind is not None:
        _type_parts(form, kind, item)
    rules = {key: value for key, value in (("min", form.min_value.data), ("max", form.max_value.data),
                                           ("max_length", form.max_length.data), ("pattern", form.pattern.data))
             if value is not None}
    if rules:
        item["validation"] = rules
    parent_item = {"inventory": parent.inventory} if parent is not None else None
    if form.inventory_field.data:
        item["inventory_field"] = form.inventory_field.data
    fields = {"choices": form.choices, "reference": form.reference, "scale": form.scale_min_label_nl,
              "validation": form.min_value, "inventory_field": form.inventory_field, "repeat": form.min_repeat}
    for part, message in question_problems(item, parent_item):
        fields.get(part, form.type).errors.append(message)
    condition = getattr(form.show_if, "parsed", None) if form.show_if.data else None
    known = {q.code for q in version.questions if q is not question}
    unknown = [code for code in referenced_codes(condition) if code not in known and code != form.code.data]
    for referenced in unknown:
        form.show_if.errors.append(_("%(code)s is not a question of this version.", code=referenced))
    if condition and not unknown and kind is not None and not form.code.errors:
        item["show_if"] = condition
        form.show_if.errors.extend(problem.message for problem in condition_order_problems(
            _with_question(definition_of(version, other_texts=False), item, section, question, parent))
            if problem.code == item["code"])
    return not any(field.errors for field in form)


def _flash_broken_conditions(version: QuestionnaireVersion, codes: set[str]) -> None:
    """After a change of the questions `codes`: each condition on them, or of them, that
    publication would now refuse (a question moved below a condition that looks at it, a
    choice a condition compares with removed, a code renamed) is said at once, so that
    it is mended before publishing."""
    definition = definition_of(version, other_texts=False)
    concerned = {question["code"] for _section, question, _parent in walk(definition)
                 if question["code"] in codes or codes & set(referenced_codes(question.get("show_if")))}
    for problem in condition_order_problems(definition):
        if problem.code in concerned:
            flash(_("Look at the condition of %(code)s: %(problem)s", code=problem.code, problem=problem.message),
                  "warning")


def _with_question(definition: dict, item: dict, section: Section, question: Question | None,
                   parent: Question | None) -> dict:
    """The draft's definition with `item` in the place of `question` (its sub-questions
    kept), or added at the end of its section or repeating group: the conditions are
    checked where the question stands."""
    section_item = next(s for s in definition["sections"] if s["code"] == section.code)
    siblings = section_item["questions"]
    if parent is not None:
        siblings = next(q for q in siblings if q["code"] == parent.code)["questions"]
    if question is None:
        siblings.append(item)
        return definition
    index = next(i for i, q in enumerate(siblings) if q["code"] == question.code)
    if "questions" in siblings[index] and "questions" in item:
        item["questions"] = siblings[index]["questions"]
    siblings[index] = item
    return definition


def _type_parts(form: QuestionForm, kind: QuestionType, item: dict) -> None:
    """The parts of a question's definition that its type asks for: choices, a
    reference list, the labels of a scale, the entries of a repeating group."""
    if kind.own_choices:
        item["choices"] = getattr(form.choices, "parsed", [])
    if form.reference.data and kind.uses_reference:
        item["reference"] = form.reference.data
    elif kind.uses_reference:
        form.reference.errors.append(_("Choose the reference list."))
    if kind.has_scale_labels and not (form.scale_min_label_nl.data and form.scale_max_label_nl.data):
        form.scale_min_label_nl.errors.append(_("A scale needs the labels of its ends."))
    if kind.is_group:
        # sub-questions are added after the group itself; publication checks they exist
        item["questions"] = [{"code": "placeholder", "type": "text"}]
        item.update({key: getattr(form, key).data for key in ("min_repeat", "max_repeat")
                     if getattr(form, key).data is not None})


def _valid_submission(form: QuestionForm, version, section: Section, question: Question | None,
                      parent: Question | None) -> bool:
    """Validate the form and the definition's rules together, so every error shows at once."""
    if not form.is_submitted():
        return False
    form.validate()
    return _check_question(form, version, section, question, parent)


def _question_form(version: QuestionnaireVersion, section: Section, question: Question | None,
                   parent: Question | None) -> QuestionForm:
    inventory = parent.inventory if parent is not None else None
    if question is None:
        return QuestionForm(inventory=inventory)
    form = QuestionForm(obj=question, inventory=inventory)
    if request.method == "GET":
        multiple = {q.code for q in version.questions if question_type(q.type).multiple}
        form.show_if.data = render(question.show_if, multiple) if question.show_if else ""
        form.choices.data = "\n".join(f"{c.code} | {c.label_nl} | {c.label_en}" for c in question.choices)
    return form


@bp.route("/<code>/v<int:number>/sections/<int:section_id>/questions/new", methods=["GET", "POST"])
@roles("secretariat")
def create_question(code: str, number: int, section_id: int):
    """Add a question at the end of a section, or of a repeating group (?parent=ID)."""
    version = _draft(code, number)
    section = _section(version, section_id)
    parent_id = query_int("parent")
    parent = _question(version, parent_id) if parent_id is not None else None
    if parent is not None and (not question_type(parent.type).is_group or parent.section_id != section.id):
        abort(404)  # a sub-question goes in a repeating group of the section it is added to
    form = _question_form(version, section, None, parent)
    if _valid_submission(form, version, section, None, parent):
        question = Question(version=version, section=section, parent=parent,
                            position=len(_siblings(section, parent)))
        _fill_question(question, form, version)
        db.session.add(question)
        db.session.commit()
        return _back(version, f"question-{question.code}")
    return render_template("questionnaires/question_form.html", form=form, version=version, section=section,
                           question=None, parent=parent)


@bp.route("/<code>/v<int:number>/questions/<int:question_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_question(code: str, number: int, question_id: int):
    """Change a question."""
    version = _draft(code, number)
    question = _question(version, question_id)
    form = _question_form(version, question.section, question, question.parent)
    if _valid_submission(form, version, question.section, question, question.parent):
        ungrouped = question_type(question.type).is_group and not question_type(form.type.data).is_group
        if ungrouped and question.children:
            form.type.errors.append(_("Delete the sub-questions first."))
        else:
            concerned = {question.code, form.code.data}  # the old code too: conditions may still name it
            _fill_question(question, form, version)
            db.session.commit()
            _flash_broken_conditions(version, concerned)
            return _back(version, f"question-{question.code}")
    return render_template("questionnaires/question_form.html", form=form, version=version,
                           section=question.section, question=question, parent=question.parent)


@bp.route("/<code>/v<int:number>/questions/<int:question_id>/delete", methods=["POST"])
@roles("secretariat")
def delete_question(code: str, number: int, question_id: int):
    """Delete a question (a repeating group with its sub-questions)."""
    version = _draft(code, number)
    question = _question(version, question_id)
    if ActionForm().validate_on_submit():
        siblings = _siblings(question.section, question.parent)
        gone = {question.code, *(child.code for child in question.children)}
        for child in list(question.children):
            version.questions.remove(child)
        version.questions.remove(question)
        _renumber([q for q in siblings if q is not question])
        db.session.commit()
        flash(_("The question %(code)s has been deleted.", code=question.code), "success")
        _flash_broken_conditions(version, gone)
    return _back(version, f"section-{question.section.code}")


@bp.route("/<code>/v<int:number>/questions/<int:question_id>/move", methods=["POST"])
@roles("secretariat")
def move_question(code: str, number: int, question_id: int):
    """Move a question up or down within its section or repeating group."""
    version = _draft(code, number)
    question = _question(version, question_id)
    if ActionForm().validate_on_submit():
        _move(_siblings(question.section, question.parent), question, request.form.get("direction"))
        db.session.commit()
        _flash_broken_conditions(version, {question.code})
    return _back(version, f"question-{question.code}")

