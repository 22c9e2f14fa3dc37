"""The shape of a questionnaire version as the response code needs it: questions by
code, their sections and repeating groups, and the inventory bindings. Built from the
version's definition once per published version."""

from __future__ import annotations

from dataclasses import dataclass, field
from threading import Lock

from ..models import QuestionnaireVersion
from ..questionnaires.definition import walk
from ..questionnaires.question_types import question_type
from ..questionnaires.services import definition_of

_CACHE: dict[tuple, Layout] = {}
_CACHE_LOCK = Lock()
_CACHE_SIZE = 32


@dataclass
class Layout:
    """Lookups over one version's definition."""

    definition: dict
    questions: dict[str, dict] = field(default_factory=dict)
    parent: dict[str, str | None] = field(default_factory=dict)
    section_of: dict[str, str] = field(default_factory=dict)
    question_ids: dict[str, int] = field(default_factory=dict)

    @property
    def sections(self) -> list[dict]:
        return self.definition["sections"]

    def section(self, code: str) -> dict | None:
        return next((s for s in self.sections if s["code"] == code), None)

    def plain_questions(self, section: dict) -> list[dict]:
        """The section's questions that are answered once (not repeating groups)."""
        return [q for q in section["questions"] if not question_type(q).is_group]

    def repeats(self, section: dict | None = None) -> list[dict]:
        sections = [section] if section else self.sections
        return [q for s in sections for q in s["questions"] if question_type(q).is_group]

    def group(self, code: str | None) -> dict | None:
        """The repeating group of that code; None when no group of this version has it."""
        question = self.questions.get(code)
        return question if question is not None and question_type(question).is_group else None

    def binding(self, repeat: dict) -> dict[str, str]:
        """Inventory field -> sub-question code, for a bound repeating group."""
        return {child["inventory_field"]: child["code"] for child in repeat["questions"] if child.get("inventory_field")}

    def repeat_for_inventory(self, inventory: str) -> dict | None:
        return next((r for r in self.repeats() if r.get("inventory") == inventory), None)


def layout_of(version: QuestionnaireVersion) -> Layout:
    """The layout of a version; cached for published versions, which never change."""
    key = (version.id, version.published_at)
    if version.is_published:
        with _CACHE_LOCK:
            cached = _CACHE.get(key)
        if cached is not None:
            return cached
    definition = definition_of(version)
    layout = Layout(definition=definition, question_ids={q.code: q.id for q in version.questions})
    for section, question, parent in walk(definition):
        layout.questions[question["code"]] = question
        layout.parent[question["code"]] = parent["code"] if parent else None
        layout.section_of[question["code"]] = section["code"]
    if version.is_published:
        with _CACHE_LOCK:
            if len(_CACHE) >= _CACHE_SIZE:
                _CACHE.pop(next(iter(_CACHE)))
            _CACHE[key] = layout
    return layout
