"""Three-way merges of a save: what this person changed, what a colleague saved since the
page was loaded, and a conflict wherever both changed the same field differently.
Pure functions over values; `services` applies their outcome."""

from __future__ import annotations

from dataclasses import dataclass

from .document import Entry
from .values import from_json, is_empty, same, to_json

#: The key, in what a page saw of an entry, of the entry's carried-over status.
CARRY_STATUS = "@carry_status"


@dataclass
class Conflict:
    """A field changed both by this person and, since they loaded it, by someone else."""

    code: str
    mine: object
    theirs: object


def base_values(questions: list[dict], base_json: dict | None, current: dict) -> dict:
    if base_json is None:
        return dict(current)
    return {q["code"]: from_json(q, base_json.get(q["code"])) for q in questions}


def merge(questions: list[dict], mine: dict, base: dict, current: dict) -> tuple[dict, list[Conflict]]:
    """Three-way merge per field: my changes, their changes, and conflicts where both
    changed the same field differently (nothing is overwritten silently)."""
    merged, conflicts = {}, []
    for question in questions:
        code = question["code"]
        if code not in mine:
            continue
        changed_by_me = not same(mine[code], base.get(code))
        changed_by_them = not same(current.get(code), base.get(code))
        if changed_by_me and changed_by_them and not same(mine[code], current.get(code)):
            conflicts.append(Conflict(code, mine[code], current.get(code)))
            merged[code] = mine[code]
        elif changed_by_me:
            merged[code] = mine[code]
        else:
            merged[code] = current.get(code)
    return merged, conflicts


def entry_seen(questions: list[dict], entry: Entry) -> dict:
    """An entry as a page shows it (JSON), to tell later whether it changed since."""
    seen = {q["code"]: to_json(entry.values.get(q["code"])) for q in questions}
    seen[CARRY_STATUS] = entry.carry_status
    return seen


def entry_changes(questions: list[dict], seen: dict | None, entry: Entry) -> list[Conflict]:
    """What differs between an entry as a page showed it (`seen`) and as it is stored:
    one conflict per field, `mine` being what was seen. Without `seen`, every filled-in
    field counts as changed (nothing is known about what the person saw)."""
    conflicts = []
    for question in questions:
        code = question["code"]
        stored = entry.values.get(code)
        if seen is None:
            if not is_empty(stored):
                conflicts.append(Conflict(code, None, stored))
            continue
        shown_value = from_json(question, seen.get(code))
        if not same(shown_value, stored):
            conflicts.append(Conflict(code, shown_value, stored))
    if seen is not None and seen.get(CARRY_STATUS) != entry.carry_status:
        conflicts.append(Conflict(CARRY_STATUS, seen.get(CARRY_STATUS), entry.carry_status))
    return conflicts
