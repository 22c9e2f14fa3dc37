"""Small definitions for questionnaire tests."""

from __future__ import annotations

import copy


def q(code: str, kind: str, **values) -> dict:
    """A question with labels made from its code."""
    item = {"code": code, "type": kind, "label": {"nl": f"Vraag {code}", "en": f"Question {code}"}}
    if kind != "repeat":
        item["required"] = values.pop("required", False)
    item.update(values)
    return item


def choices(*codes: str) -> list[dict]:
    return [{"code": c, "label": {"nl": c.upper(), "en": c.upper()}} for c in codes]


def definition(*questions: dict, code: str = "test-q", audience: str = "company", sections=None) -> dict:
    """A definition with the given questions in one section (or the given sections)."""
    return copy.deepcopy({
        "format": "imvo-questionnaire", "format_version": 1,
        "questionnaire": {"code": code, "audience": audience, "title": {"nl": "Testlijst", "en": "Test list"}},
        "version": 1, "default_language": "nl",
        "sections": sections if sections is not None else [{"code": "main", "title": {"nl": "Hoofdstuk", "en": "Chapter"},
                                  "questions": list(questions)}],
    })


def activity_repeat(code: str = "activity", **values) -> dict:
    """A repeating group bound to the activity inventory with its required fields."""
    settings = {"inventory": "activity", "min_repeat": 0, "max_repeat": 10}
    settings.update(values)
    return q(code, "repeat", questions=[
        q(f"{code}_title", "text", required=True, inventory_field="title"),
        q(f"{code}_type", "reference_one", reference="activity_type", required=True, inventory_field="activity_type"),
        q(f"{code}_aspects", "reference_many", reference="aspect", required=True, inventory_field="aspects"),
    ], **settings)
