"""Storing definitions as versions and reading them back; drafts, publication and
comparison. Functions flush, never commit: the caller commits once."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from flask import abort
from sqlalchemy import func, select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import (
    TAXONOMIES,
    Choice,
    Question,
    Questionnaire,
    QuestionnaireVersion,
    Section,
    User,
    utcnow,
)
from ..models.questionnaire_vocabulary import REFERENCE_LISTS
from ..references import reference_list
from ..text import from_spreadsheet, map_strings, normalise_newlines
from ..uploads import UploadLimits, UploadRefused, check_upload
from .definition import FORMAT, Problem, check_publishable, check_structure, load_json, walk
from .question_types import question_type
from .xlsform import LeftOut, read_workbook_with_warnings


class DefinitionError(ValueError):
    """A definition cannot be stored or a version cannot be published; see `problems`."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(str(p) for p in problems))
        self.problems = problems


def _text(nl: str | None, en: str | None) -> dict | None:
    """A {"nl", "en"} pair, or None when both are empty."""
    if not nl and not en:
        return None
    return {"nl": nl or "", "en": en or ""}


# --- models -> definition -----------------------------------------------------------

def definition_of(version: QuestionnaireVersion, other_texts: bool = True) -> dict:
    """The definition (JSON format) of a stored version; without the texts in other
    languages when `other_texts` is False (for checks, which do not read them)."""
    questionnaire = version.questionnaire
    header = {"code": questionnaire.code, "audience": questionnaire.audience,
              "title": {"nl": questionnaire.title_nl, "en": questionnaire.title_en}}
    description = _text(questionnaire.description_nl, questionnaire.description_en)
    if description:
        header["description"] = description
    others = _other_texts_of(version) if other_texts else {}
    sections = []
    for section in version.sections:
        item = {"code": section.code, "title": {"nl": section.title_nl, "en": section.title_en}}
        intro = _text(section.intro_nl, section.intro_en)
        if intro:
            item["intro"] = intro
        item["questions"] = [_question_definition(q, others) for q in section.questions]
        sections.append(item)
    return {"format": FORMAT, "format_version": 1, "questionnaire": header, "version": version.number,
            "default_language": version.default_language, "sections": sections}


def _other_texts_of(version: QuestionnaireVersion) -> dict[tuple[str, int], dict]:
    """The texts in other languages of the version's questions and choices, by ("question"
    or "choice", id), in two queries (the columns are deferred: nothing else reads them)."""
    found = {("question", key): texts for key, texts in db.session.execute(
        select(Question.id, Question.other_texts).where(Question.version_id == version.id,
                                                        Question.other_texts.is_not(None))) if texts}
    found.update({("choice", key): texts for key, texts in db.session.execute(
        select(Choice.id, Choice.other_texts).join(Question).where(Question.version_id == version.id,
                                                                   Choice.other_texts.is_not(None))) if texts})
    return found


def _question_definition(question: Question, others: dict) -> dict:
    kind = question_type(question.type)
    item: dict = {"code": question.code, "type": question.type,
                  "label": {"nl": question.label_nl, "en": question.label_en}}
    hint = _text(question.hint_nl, question.hint_en)
    if hint:
        item["hint"] = hint
    if not kind.is_group:
        item["required"] = bool(question.required)
    if question.show_if:
        item["show_if"] = question.show_if
    validation = {key: value for key, value in (
        ("min", question.min_value), ("max", question.max_value),
        ("max_length", question.max_length), ("pattern", question.pattern)) if value is not None}
    message = _text(question.constraint_message_nl, question.constraint_message_en)
    if message:
        validation["message"] = message
    if validation:
        item["validation"] = {k: (int(v) if isinstance(v, float) and v.is_integer() else v)
                              for k, v in validation.items()}
    if question.list_name and question.list_name != question.code:
        item["list_name"] = question.list_name
    if question.choices:
        item["choices"] = [{"code": c.code, "label": {"nl": c.label_nl, "en": c.label_en},
                            **({"other_texts": dict(others[("choice", c.id)])} if ("choice", c.id) in others else {})}
                           for c in question.choices]
    if ("question", question.id) in others:
        item["other_texts"] = dict(others[("question", question.id)])
    if question.reference:
        item["reference"] = question.reference
    if kind.has_scale_labels:
        item["scale"] = {"min_label": {"nl": question.scale_min_label_nl, "en": question.scale_min_label_en},
                         "max_label": {"nl": question.scale_max_label_nl, "en": question.scale_max_label_en}}
    if kind.is_group:
        for key in ("inventory", "min_repeat", "max_repeat"):
            if getattr(question, key) is not None:
                item[key] = getattr(question, key)
        item["questions"] = [_question_definition(child, others) for child in question.children]
    if question.inventory_field:
        item["inventory_field"] = question.inventory_field
    return item


# --- definition -> models -----------------------------------------------------------

def store_definition(definition: dict, based_on: QuestionnaireVersion | None = None) -> QuestionnaireVersion:
    """A new draft version from a definition; the questionnaire is created when its code
    is new, and its titles are brought up to date. The audience cannot change."""
    problems = check_structure(definition)
    header = definition["questionnaire"]
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.code == header["code"]))
    if questionnaire is None:
        questionnaire = Questionnaire(code=header["code"], audience=header["audience"])
        db.session.add(questionnaire)
    elif questionnaire.audience != header["audience"]:

        problems.append(Problem(None, _l("The questionnaire %(code)s is for another audience (%(audience)s).",
                                         code=questionnaire.code, audience=questionnaire.audience)))
    if problems:
        raise DefinitionError(problems)
    _set_if_changed(questionnaire, title_nl=header["title"]["nl"], title_en=header["title"]["en"],
                    description_nl=(header.get("description") or {}).get("nl") or None,
                    description_en=(header.get("description") or {}).get("en") or None)
    db.session.flush()
    number = (db.session.scalar(select(func.max(QuestionnaireVersion.number))
                                .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)) or 0) + 1
    version = QuestionnaireVersion(questionnaire=questionnaire, number=number, status="draft",
                                   default_language=definition.get("default_language", "nl"), based_on=based_on)
    db.session.add(version)
    db.session.flush()
    for position, section_definition in enumerate(definition["sections"]):
        _store_section(version, section_definition, position)
    db.session.flush()
    return version


def _set_if_changed(target, **values) -> None:
    for name, value in values.items():
        if getattr(target, name) != value:
            setattr(target, name, value)


def _store_section(version: QuestionnaireVersion, item: dict, position: int) -> Section:
    intro = item.get("intro") or {}
    section = Section(version=version, position=position, code=item["code"], title_nl=item["title"]["nl"],
                      title_en=item["title"]["en"], intro_nl=intro.get("nl") or None, intro_en=intro.get("en") or None)
    db.session.add(section)
    for question_position, question_definition in enumerate(item["questions"]):
        _store_question(version, section, question_definition, question_position, parent=None)
    return section


def _other_texts(item: dict) -> dict:
    """The texts in other languages of a question or choice, as a column's value when
    there are any (none set otherwise: older databases in the migration tests)."""
    return {"other_texts": dict(item["other_texts"])} if item.get("other_texts") else {}


def _store_question(version, section, item: dict, position: int, parent: Question | None) -> Question:
    hint = item.get("hint") or {}
    rules = item.get("validation") or {}
    message = rules.get("message") or {}
    scale = item.get("scale") or {}
    question = Question(
        version=version, section=section, parent=parent, position=position, code=item["code"],
        type=item["type"], label_nl=item["label"]["nl"], label_en=item["label"]["en"],
        hint_nl=hint.get("nl") or None, hint_en=hint.get("en") or None,
        required=bool(item.get("required", False)), show_if=item.get("show_if") or None,
        min_value=rules.get("min"), max_value=rules.get("max"), max_length=rules.get("max_length"),
        pattern=rules.get("pattern"), constraint_message_nl=message.get("nl") or None,
        constraint_message_en=message.get("en") or None, list_name=item.get("list_name"),
        reference=item.get("reference"),
        scale_min_label_nl=(scale.get("min_label") or {}).get("nl"),
        scale_min_label_en=(scale.get("min_label") or {}).get("en"),
        scale_max_label_nl=(scale.get("max_label") or {}).get("nl"),
        scale_max_label_en=(scale.get("max_label") or {}).get("en"),
        inventory=item.get("inventory"), min_repeat=item.get("min_repeat"), max_repeat=item.get("max_repeat"),
        inventory_field=item.get("inventory_field"), **_other_texts(item))
    db.session.add(question)
    for choice_position, choice in enumerate(item.get("choices", [])):
        question.choices.append(Choice(position=choice_position, code=choice["code"],
                                       label_nl=choice["label"]["nl"], label_en=choice["label"]["en"],
                                       **_other_texts(choice)))
    for child_position, child in enumerate(item.get("questions", []) if question_type(item).is_group else []):
        _store_question(version, section, child, child_position, parent=question)
    return question


@dataclass
class ImportReading:
    """A file read for import: the definition (None when there are errors), the errors
    that refuse it and the warnings about what was ignored, each as
    (sheet, row, column, message), "" where a part does not apply; and what the survey
    cannot use as written (`left_out`: rows and cells left out or kept in another form,
    as (sheet, row, name, message)), which the user confirms before the import."""

    definition: dict | None
    errors: list[tuple] = field(default_factory=list)
    warnings: list[tuple] = field(default_factory=list)
    left_out: list[tuple] = field(default_factory=list)
    bare_texts: bool = False  # texts without a language were read (in the language picked)


def read_import(data: bytes, filename: str, language: str | None = None) -> ImportReading:
    """A definition from workbook or JSON bytes, with its errors and warnings. The file
    is checked first (`uploads.check_upload`): one over the limits is refused unread.
    A workbook without a form_id takes its code from `filename`, as written; texts
    without a language (a bare `label`) are in `language` ("nl" or "en") when given,
    else as the workbook's settings say, else Dutch."""
    try:
        # what lies past where the XLSForm tools stop reading a sheet is named, not counted
        kind = check_upload(data, filename, ("xlsx", "xls", "json"), replace(UploadLimits.current(), xlsform=True))
    except UploadRefused as refusal:
        return ImportReading(None, [("", "", "", refusal.message)])
    if kind == "json":
        definition, problems = load_json(data)
        return ImportReading(map_strings(definition, normalise_newlines),
                             [("", "", problem.code or "", problem.message) for problem in problems])

    reading = read_workbook_with_warnings(data, filename=filename, language=language)
    return ImportReading(map_strings(reading.definition, from_spreadsheet), [_place(e) for e in reading.errors],
                         [_place(w) for w in reading.warnings if not isinstance(w, LeftOut)],
                         [(w.sheet or "", w.row or "", w.name, w.message) for w in reading.warnings
                          if isinstance(w, LeftOut)], reading.bare_texts)


def _place(found) -> tuple:
    return found.sheet or "", found.row or "", found.column or "", found.message


def read_definition(data: bytes, filename: str) -> tuple[dict | None, list[tuple]]:
    """A definition from workbook or JSON bytes, or errors as (sheet, row, column, message).
    `read_import` also gives the warnings."""
    reading = read_import(data, filename)
    return reading.definition, reading.errors


def grouped_warnings(warnings: list[tuple]) -> list[tuple]:
    """Warnings with the same sheet, column and message as one (sheet, rows, column,
    message), the rows in order: a workbook with the same appearance on fifty rows gets
    one line, not fifty."""
    groups: dict[tuple, list] = {}
    for sheet, row, column, message in warnings:
        groups.setdefault((sheet, column, str(message)), []).append(row)
    return [(sheet, [row for row in rows if row != ""], column, message)
            for (sheet, column, message), rows in groups.items()]


# --- life cycle --------------------------------------------------------------------

def new_draft_from(version: QuestionnaireVersion) -> QuestionnaireVersion:
    """A new draft with the content of `version` (published or not)."""
    return store_definition(definition_of(version), based_on=version)


def publish(version: QuestionnaireVersion, user: User | None) -> None:
    """Publish a draft after the checks; raises DefinitionError naming the questions."""
    if version.is_published:
        return
    problems = check_publishable(definition_of(version, other_texts=False))
    if problems:
        raise DefinitionError(problems)
    version.status = "published"
    version.published_at = utcnow()
    version.published_by = user
    db.session.flush()


def find_version(code: str, number: int | None = None, published_only: bool = False) -> QuestionnaireVersion | None:
    """A version by questionnaire code and number (default: the newest, or newest published)."""
    query = (select(QuestionnaireVersion).join(Questionnaire).where(Questionnaire.code == code)
             .order_by(QuestionnaireVersion.number.desc()))
    if number is not None:
        query = query.where(QuestionnaireVersion.number == number)
    if published_only:
        query = query.where(QuestionnaireVersion.status == "published")
    return db.session.scalars(query.limit(1)).first()


def reference_lists() -> dict[str, list[tuple[str, str, str]]]:
    """The reference lists as (code, Dutch, English), for writing workbooks."""
    lists = {}
    for name in REFERENCE_LISTS:
        model = TAXONOMIES[name]
        lists[name] = [(item.code, item.label_nl, item.label_en)
                       for item in db.session.scalars(select(model).order_by(model.position))]
    return lists


# --- comparison --------------------------------------------------------------------

@dataclass
class VersionDiff:
    """What changed between two versions, by question code."""

    added: list[dict] = field(default_factory=list)
    removed: list[dict] = field(default_factory=list)
    changed: list[tuple[dict, dict, list[str]]] = field(default_factory=list)
    sections_added: list[str] = field(default_factory=list)
    sections_removed: list[str] = field(default_factory=list)
    sections_changed: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any((self.added, self.removed, self.changed, self.sections_added, self.sections_removed,
                        self.sections_changed))


def compare(old: QuestionnaireVersion, new: QuestionnaireVersion) -> VersionDiff:
    """Questions added, removed and changed (with the changed properties) from old to new."""

    diff = VersionDiff()
    old_definition, new_definition = definition_of(old), definition_of(new)
    old_sections = {s["code"]: s for s in old_definition["sections"]}
    new_sections = {s["code"]: s for s in new_definition["sections"]}
    diff.sections_added = [c for c in new_sections if c not in old_sections]
    diff.sections_removed = [c for c in old_sections if c not in new_sections]
    diff.sections_changed = [c for c in new_sections if c in old_sections and
                             {k: v for k, v in new_sections[c].items() if k != "questions"} !=
                             {k: v for k, v in old_sections[c].items() if k != "questions"}]
    old_questions = {q["code"]: (s["code"], q, p) for s, q, p in walk(old_definition)}
    new_questions = {q["code"]: (s["code"], q, p) for s, q, p in walk(new_definition)}
    for code, (section, question, parent) in new_questions.items():
        if code not in old_questions:
            diff.added.append(question)
            continue
        old_section, old_question, old_parent = old_questions[code]
        changes = [key for key in sorted(set(question) | set(old_question)) if key != "questions"
                   and question.get(key) != old_question.get(key)]
        if section != old_section or (parent or {}).get("code") != (old_parent or {}).get("code"):
            changes.append("place")
        if changes:
            diff.changed.append((old_question, question, changes))
    diff.removed = [question for code, (_s, question, _p) in old_questions.items() if code not in new_questions]
    return diff


def reference_options(name: str, language: str) -> list[tuple[str, str]]:
    """(code, label) of a reference list, for pickers (read once per process: `references`)."""
    return reference_list(name).options(language)


def get_version(code: str, number: int) -> QuestionnaireVersion:
    version = db.session.scalar(select(QuestionnaireVersion).join(Questionnaire).where(
        Questionnaire.code == code, QuestionnaireVersion.number == number))
    if version is None:
        abort(404)
    return version
