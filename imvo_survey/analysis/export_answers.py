"""The plain answers of a round as export tables: every answer (one row per responding
organisation, one column per question code across the round's questionnaire versions),
the codebook that explains those codes, and the response sheet (per targeted
organisation: status, dates, reminders).

Questions keep their code across versions, so a code is one column however many
versions were answered. Repeating groups bound to the inventory (activities, dilemmas,
bottlenecks) are left out here: they have their own sheets.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import aliased

from ..models import Invitation, Organisation, Questionnaire, QuestionnaireVersion, Response
from ..models.questionnaire import Choice, Question, Section
from ..models.response import Answer
from ..questionnaires.question_types import question_type
from . import export_labels as words
from . import measures
from .export_reading import CHUNK, Responder
from .export_schema import Column, Table, static_table

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: Several answers of a repeating group in one cell.
ENTRY_SEPARATOR = " | "


@dataclass
class QuestionInfo:
    """A question code as the codebook describes it (its first version's wording)."""

    code: str
    type: str
    label: str
    section: str
    parent: str | None
    inventory_field: str | None
    reference: str | None
    required: bool
    choices: str | None
    versions: list[str] = field(default_factory=list)

    @property
    def answered_here(self) -> bool:
        """A column of the answers sheet: not a group itself, not bound to the inventory."""
        return not question_type(self.type).is_group and self.inventory_field is None

    @property
    def column_type(self) -> str:
        return "string" if self.parent else question_type(self.type).export_column


def local_time(moment: datetime | None) -> datetime | None:
    """A UTC time as naive Europe/Amsterdam time to the second (spreadsheets have no zones)."""
    return None if moment is None else moment.astimezone(AMSTERDAM).replace(tzinfo=None, microsecond=0)


def questions(conn, version_ids: Sequence[int], language: str) -> list[QuestionInfo]:
    """Every question code of the versions, in reading order, the first version first."""
    parent = aliased(Question)
    rows = conn.execute(
        select(Question.id, Question.version_id, Question.code, Question.type, Question.label_nl, Question.label_en,
               Question.required, Question.reference, Question.inventory_field, Question.position,
               Question.scale_min_label_nl, Question.scale_min_label_en, Question.scale_max_label_nl,
               Question.scale_max_label_en, Section.position.label("section_position"),
               Section.title_nl, Section.title_en, parent.code.label("parent_code"),
               parent.position.label("parent_position"), Questionnaire.code.label("questionnaire"),
               QuestionnaireVersion.number)
        .join(Section, Section.id == Question.section_id).outerjoin(parent, parent.id == Question.parent_id)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Question.version_id)
        .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
        .where(Question.version_id.in_(list(version_ids)))).all()
    order = {version_id: number for number, version_id in enumerate(version_ids)}
    rows.sort(key=lambda r: (order[r.version_id], r.section_position,
                             r.position if r.parent_code is None else r.parent_position,
                             r.parent_code is not None, r.position))
    choices = _choices(conn, [row.id for row in rows], language)
    found: dict[str, QuestionInfo] = {}
    for row in rows:
        version = f"{row.questionnaire} v{row.number}"
        if row.code not in found:
            en = language == "en"
            found[row.code] = QuestionInfo(
                row.code, row.type, row.label_en if en else row.label_nl, row.title_en if en else row.title_nl,
                row.parent_code, row.inventory_field, row.reference, bool(row.required),
                _choice_text(row, choices.get(row.id, []), language))
        if version not in found[row.code].versions:
            found[row.code].versions.append(version)
    return list(found.values())


def _choices(conn, question_ids: list[int], language: str) -> dict[int, list[tuple[str, str]]]:
    label = Choice.label_en if language == "en" else Choice.label_nl
    result: dict[int, list[tuple[str, str]]] = {}
    for start in range(0, len(question_ids), CHUNK):
        for question_id, code, text in conn.execute(
                select(Choice.question_id, Choice.code, label)
                .where(Choice.question_id.in_(question_ids[start:start + CHUNK]))
                .order_by(Choice.question_id, Choice.position)):
            result.setdefault(question_id, []).append((code, text))
    return result


def _choice_text(row, choices: list[tuple[str, str]], language: str) -> str | None:
    """'code=label; ...' for choices, yes/no and the ends of a scale."""
    choices = question_type(row.type).codebook_choices(row, choices, language)
    return "; ".join(f"{code}={text}" for code, text in choices) or None


def codebook_table(catalogue: list[QuestionInfo], language: str) -> Table:
    """One row per question code: label, type, answer codes, where it is asked."""
    codes = ("code", "question", "type", "choices", "reference", "inventory_field", "section", "parent",
             "required", "questionnaires")
    columns = [Column(code, words.header(code, language), "boolean" if code == "required" else "string",
                      words.column_description(code, language)) for code in codes]
    rows = [(q.code, q.label, q.type, q.choices, q.reference, q.inventory_field, q.section, q.parent, q.required,
             "; ".join(q.versions)) for q in catalogue]
    return static_table("codebook", words.sheet("codebook", language), columns, rows + figure_codes(language))


def figure_codes(language: str) -> list[tuple]:
    """The figures after the questions: code, name and meaning, type and decimals, and
    the sheet they are on (the same as on the page and in the API)."""
    decimals = words.text(words.ITEMS["decimals"], language)
    return [(code, f"{measures.header(code, language)}: {measures.description(code, language)}",
             "integer" if figure.decimals == 0 else f"number ({decimals}: {figure.decimals})", None, None, None,
             words.sheet("verification" if code in measures.VERIFICATION_FIGURES else "matrix", language),
             None, None, None) for code, figure in measures.FIGURES.items()]


def _answer_value(kind: str, text, number, day, many):
    """One stored answer as a cell value: codes joined by ';', whole numbers as int."""
    if many is not None:
        return ";".join(str(code) for code in many) or None
    if number is not None:
        whole = question_type(kind).export_column == "integer"
        return int(number) if whole and float(number).is_integer() else number
    if day is not None:
        return day
    return question_type(kind).export_text(text)


def _cell(values: list) -> object:
    """The answer of a plain question, or the entries of a repeating group joined."""
    values = [value for value in values if value is not None]
    if len(values) <= 1:
        return values[0] if values else None
    return ENTRY_SEPARATOR.join(str(value) for value in values)


def answers_table(conn, catalogue: list[QuestionInfo], people: dict[int, Responder], language: str) -> Table:
    """One row per responding organisation, one column per question code."""
    asked = [q for q in catalogue if q.answered_here]
    kinds = {q.code: q.type for q in asked}
    fixed = ("organisation", "kvk_number", "kind", "sector", "version")
    columns = [Column(code, words.header(code, language), "string", words.column_description(code, language))
               for code in fixed]
    columns += [Column(q.code, q.code, q.column_type, q.label) for q in asked]
    response_ids = list(people)

    def rows() -> Iterator[tuple]:
        for start in range(0, len(response_ids), CHUNK):
            part = response_ids[start:start + CHUNK]
            versions = {response_id: f"{questionnaire} v{number}" for response_id, questionnaire, number in
                        conn.execute(select(Response.id, Questionnaire.code, QuestionnaireVersion.number)
                                     .join(QuestionnaireVersion, QuestionnaireVersion.id == Response.version_id)
                                     .join(Questionnaire, Questionnaire.id == QuestionnaireVersion.questionnaire_id)
                                     .where(Response.id.in_(part)))}
            answers: dict[int, dict[str, list]] = {}
            for response_id, code, _entry, text, number, day, many in conn.execute(
                    select(Answer.response_id, Answer.code, Answer.entry, Answer.text_value, Answer.number_value,
                           Answer.date_value, Answer.json_value)
                    .where(Answer.response_id.in_(part)).order_by(Answer.response_id, Answer.code, Answer.entry)):
                if code in kinds:
                    answers.setdefault(response_id, {}).setdefault(code, []).append(
                        _answer_value(kinds[code], text, number, day, many))
            for response_id in part:
                org, given = people[response_id], answers.get(response_id, {})
                yield (org.name, org.kvk_number, org.kind, org.sector, versions.get(response_id),
                       *(_cell(given.get(q.code, [])) for q in asked))

    return Table("answers", words.sheet("answers", language), columns, rows, count=len(response_ids),
                 description=words.text(words.DEFINITIONS["answers"], language))


RESPONSE_COLUMNS = (("organisation", "string"), ("kvk_number", "string"), ("kind", "string"), ("size", "string"),
                    ("sector", "string"), ("branch", "string"), ("audience", "string"), ("status", "string"),
                    ("invited_at", "datetime"), ("opened_at", "datetime"), ("submitted_at", "datetime"),
                    ("last_activity_at", "datetime"), ("reminder_count", "integer"), ("declined_at", "datetime"),
                    ("decline_reason", "string"))


def response_table(conn, round_id: int, organisations: pd.DataFrame, described: dict[int, Responder],
                   language: str) -> Table:
    """Per targeted organisation: its invitation's status, dates and reminders (times
    in Europe/Amsterdam)."""
    wanted = set(described)
    query = (select(Invitation.organisation_id, Invitation.audience, Invitation.status, Invitation.invited_at,
                    Invitation.opened_at, Response.submitted_at, Invitation.last_activity_at,
                    Invitation.reminder_count, Invitation.declined_at, Invitation.decline_reason)
             .join(Organisation, Organisation.id == Invitation.organisation_id)
             .outerjoin(Response, Response.invitation_id == Invitation.id)
             .where(Invitation.round_id == round_id).order_by(Organisation.name, Organisation.id))
    rows = []
    for row in conn.execute(query):
        if row.organisation_id not in wanted:
            continue
        org = described[row.organisation_id]
        rows.append((org.name, org.kvk_number, org.kind, org.size, org.sector, org.branch,
                     words.code_label("audience", row.audience, language),
                     words.code_label("status", row.status, language), local_time(row.invited_at),
                     local_time(row.opened_at), local_time(row.submitted_at), local_time(row.last_activity_at),
                     row.reminder_count, local_time(row.declined_at), row.decline_reason))
    columns = [Column(code, words.header(code, language), kind, words.column_description(code, language))
               for code, kind in RESPONSE_COLUMNS]
    return static_table("response", words.sheet("response", language), columns, rows)
