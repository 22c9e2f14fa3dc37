"""Starting from last year's answers: questions are matched by code across versions;
activities are carried over marked 'carried', to be confirmed as continued, changed or
ended; dilemmas and bottlenecks are copied as they were."""

from __future__ import annotations

from ..models import Response
from ..questionnaires.question_types import question_type
from . import document as documents
from .document import References
from .layout import layout_of
from .values import fixed_codes, is_empty


def _compatible(old: dict, new: dict) -> bool:
    if old["type"] == new["type"]:
        return old.get("reference") == new.get("reference")
    return question_type(old).family == question_type(new).family


def _fitting(new: dict, value):
    """The value as far as it fits the new question (choices that no longer exist go)."""
    codes = fixed_codes(new)
    if codes is None or is_empty(value):
        return value
    if isinstance(value, list):
        kept = [code for code in value if code in codes]
        return kept or None
    return value if value in codes else None


def carry_over(previous: Response, response: Response) -> None:
    """Copy `previous` into the new, empty `response` (flushes)."""
    old_layout, new_layout = layout_of(previous.version), layout_of(response.version)
    old_doc = documents.load(previous, old_layout)
    references = References()
    for code, value in old_doc.answers.items():
        new = new_layout.questions.get(code)
        if new is None or new_layout.parent.get(code) is not None or question_type(new).is_group:
            continue
        if _compatible(old_layout.questions[code], new):
            documents.set_answer(response, new_layout, code, _fitting(new, value))
    for old_repeat in old_layout.repeats():
        new_repeat = _matching_repeat(old_repeat, new_layout)
        if new_repeat is None:
            continue
        for entry in old_doc.entries.get(old_repeat["code"], []):
            values = _entry_values(old_repeat, new_repeat, entry.values, old_layout, new_layout)
            key = documents.write_entry(response, new_layout, new_repeat, None, values, references)
            _mark_carried(response, key, entry.key)


def _matching_repeat(old_repeat: dict, new_layout) -> dict | None:
    """Bound groups match by inventory, others by code."""
    if old_repeat.get("inventory"):
        return new_layout.repeat_for_inventory(old_repeat["inventory"])
    return new_layout.group(old_repeat["code"])


def _entry_values(old_repeat, new_repeat, values: dict, old_layout, new_layout) -> dict:
    if old_repeat.get("inventory"):
        # Bound groups: match by inventory field, whatever the codes.
        old_by_field = {field: values.get(code) for field, code in old_layout.binding(old_repeat).items()}
        return {code: _fitting(new_layout.questions[code], old_by_field.get(field))
                for field, code in new_layout.binding(new_repeat).items()}
    result = {}
    for child in new_repeat["questions"]:
        old = old_layout.questions.get(child["code"])
        if old is not None and child["code"] in values and _compatible(old, child):
            result[child["code"]] = _fitting(child, values[child["code"]])
    return result


def _mark_carried(response: Response, new_key: str, old_key: str) -> None:
    row = documents.inventory_row(response, new_key)
    if row is not None and hasattr(row, "carry_status"):
        row.carry_status = "carried"
        row.carried_from_id = int(old_key.split(":")[1])
