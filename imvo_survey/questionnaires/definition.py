"""Questionnaire definitions as plain data (the JSON format of
docs/questionnaire-format.md): reading and writing JSON, and the checks made when a
definition is imported (structure) and when a version is published (conditions,
inventory bindings, reachability). No Flask app or database needed.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft202012Validator

from ..i18n import lazy_gettext as _l
from ..models.questionnaire_vocabulary import (
    INVENTORY_FIELDS,
    QUESTION_TYPES,
)
from ..uploads import UploadRefused, parse_json
from ..whole_numbers import MAX_INT, NUMBER_LIMIT
from . import conditions
from .question_types import question_type

SCHEMA_PATH = Path(__file__).parent / "schema" / "questionnaire.schema.json"
FORMAT = "imvo-questionnaire"
#: Enumerating answer combinations to prove a question reachable stops here; beyond
#: it the question is assumed reachable (no false refusals).
REACHABILITY_LIMIT = 50_000
_OTHER = object()  # "some other value" in reachability checks


@dataclass
class Problem:
    """A problem with a definition, naming the question or section it is about."""

    code: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.code}: {self.message}" if self.code else str(self.message)


# --- JSON -------------------------------------------------------------------------

@lru_cache(maxsize=1)
def schema() -> dict:
    """The JSON Schema the project ships for definitions."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def dump_json(definition: dict) -> bytes:
    """Definition as pretty, stable UTF-8 JSON."""
    return (json.dumps(definition, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def load_json(data: bytes) -> tuple[dict | None, list[Problem]]:
    """Read and check a JSON definition: the schema first, then the structure."""
    try:
        definition = parse_json(data.decode("utf-8-sig"))
    except UploadRefused as refusal:  # nested too deep to read without exhausting the stack
        return None, [Problem(None, refusal.message)]
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return None, [Problem(None, _l("The file is not valid JSON: %(error)s", error=str(error)))]
    validator = Draft202012Validator(schema())
    problems = [Problem("/".join(str(p) for p in error.absolute_path) or None,
                        _l("Does not match the schema: %(error)s", error=error.message))
                for error in sorted(validator.iter_errors(definition), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        return None, problems
    problems = check_structure(definition) or list(condition_order_problems(definition))
    return (None, problems) if problems else (definition, [])


# --- walking a definition -----------------------------------------------------------

def walk(definition: dict) -> Iterator[tuple[dict, dict, dict | None]]:
    """(section, question, parent repeat or None) in reading order."""
    for section in definition.get("sections", []):
        for question in section.get("questions", []):
            yield section, question, None
            for child in question.get("questions", []) if _is_group(question) else []:
                yield section, child, question


def _is_group(question: dict) -> bool:
    """A repeating group; False for a question of a type that is missing or unknown
    (the checks walk a definition before they name those)."""
    kind = question.get("type")
    return kind in QUESTION_TYPES and question_type(kind).is_group


def questions_by_code(definition: dict) -> dict[str, dict]:
    return {question["code"]: question for _, question, _ in walk(definition)}


# --- structure --------------------------------------------------------------------

def check_structure(definition: dict) -> list[Problem]:
    """What must hold for a definition to be stored at all (a draft may be incomplete)."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for section in definition.get("sections", []):
        if section["code"] in seen:
            problems.append(Problem(section["code"], _l("The code is used twice.")))
        seen.add(section["code"])
    for _section, question, parent in walk(definition):
        code = question["code"]
        if code in seen:
            problems.append(Problem(code, _l("The code is used twice.")))
        seen.add(code)
        problems.extend(Problem(code, message) for _part, message in question_problems(question, parent))
    known = questions_by_code(definition)
    for _section, question, _parent in walk(definition):
        condition = question.get("show_if")
        if not condition:
            continue
        try:
            conditions.validate(condition)
        except conditions.ConditionError as error:
            problems.append(Problem(question["code"], _l("The condition is not valid: %(error)s", error=str(error))))
            continue
        for referenced in conditions.referenced_codes(condition):
            if referenced not in known:
                problems.append(Problem(question["code"], _l(
                    "The condition refers to %(code)s, which is not a question of this version.", code=referenced)))
    return problems


def question_problems(question: dict, parent: dict | None) -> Iterator[tuple[str, str]]:
    """(the part of the question at fault, message) for one question's own rules."""
    kind = question["type"]
    if kind not in QUESTION_TYPES:
        yield "type", _l("Unknown question type %(type)s.", type=kind)
        return
    yield from question_type(kind).definition_problems(question)
    if question_type(kind).is_group:
        yield from _repeat_problems(question, parent)
    elif any(key in question for key in ("questions", "inventory", "min_repeat", "max_repeat")):
        yield "repeat", _l("Only repeating groups have sub-questions, an inventory or a number of entries.")
    if question.get("inventory_field") and not (parent and parent.get("inventory")):
        yield "inventory_field", _l(
            "Only a sub-question of a repeating group bound to an inventory fills an inventory field.")
    yield from _validation_problems(question)
    yield from _size_problems(question)


def _size_problems(question: dict) -> Iterator[tuple[str, str]]:
    """Numbers too large for their database column: storing them would fail with a 500."""
    rules = question.get("validation") or {}
    for part, value in (("repeat", question.get("min_repeat")), ("repeat", question.get("max_repeat")),
                        ("validation", rules.get("max_length"))):
        if _is_number(value) and not abs(value) <= MAX_INT:
            yield part, _l("A number of entries or characters can be at most %(max)s.", max=MAX_INT)
    if any(_is_number(rules.get(key)) and not abs(rules[key]) < NUMBER_LIMIT for key in ("min", "max")):
        yield "validation", _l("A lowest or highest value has at most 15 digits before the decimal point.")


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _repeat_problems(question: dict, parent: dict | None) -> Iterator[tuple[str, str]]:
    if parent is not None:
        yield "type", _l("A repeating group cannot be inside another repeating group.")
    if not question.get("questions"):
        yield "questions", _l("A repeating group needs sub-questions.")
    if question.get("required"):
        yield "repeat", _l("A repeating group cannot be required; set its least number of entries instead.")
    low, high = question.get("min_repeat"), question.get("max_repeat")
    if low is not None and high is not None and high < low:
        yield "repeat", _l("The largest number of entries is below the least number.")
    fields = [child.get("inventory_field") for child in question.get("questions", []) if child.get("inventory_field")]
    if len(fields) != len(set(fields)):
        yield "questions", _l("Two sub-questions fill the same inventory field.")


def _validation_problems(question: dict) -> Iterator[tuple[str, str]]:
    rules = question.get("validation") or {}
    kind = question_type(question)
    if ("min" in rules or "max" in rules) and not kind.is_number:
        yield "validation", _l("Only numbers have a lowest and highest value.")
    if ("max_length" in rules or "pattern" in rules) and not kind.is_text:
        yield "validation", _l("Only texts have a maximum length or a pattern.")
    if "min" in rules and "max" in rules and rules["min"] > rules["max"]:
        yield "validation", _l("The lowest value is above the highest value.")
    if "pattern" in rules:
        try:
            re.compile(rules["pattern"])
        except re.error as error:
            yield "validation", _l("The pattern is not a valid regular expression: %(error)s", error=str(error))


# --- publication ------------------------------------------------------------------

def check_publishable(definition: dict) -> list[Problem]:
    """Everything that must hold before a version can be published."""
    problems = check_structure(definition)
    if problems:
        return problems
    if not definition.get("sections"):
        problems.append(Problem(None, _l("A questionnaire needs at least one section.")))
    for section in definition.get("sections", []):
        if not section.get("questions"):
            problems.append(Problem(section["code"], _l("The section has no questions.")))
    problems.extend(condition_order_problems(definition))
    problems.extend(_inventory_problems(definition))
    if not problems:
        problems.extend(_reachability_problems(definition))
    return problems


def condition_order_problems(definition: dict) -> Iterator[Problem]:
    """Conditions look only at earlier questions, with values those questions can have.
    Checked at import and in the question editor too, not only at publication."""
    earlier: dict[str, tuple[dict, dict | None]] = {}
    for _section, question, parent in walk(definition):
        for referenced in conditions.referenced_codes(question.get("show_if")):
            if referenced not in earlier:
                yield Problem(question["code"], _l(
                    "The condition refers to %(code)s, which does not come before this question.", code=referenced))
                continue
            target, target_parent = earlier[referenced]
            if target_parent is not None and target_parent is not parent:
                yield Problem(question["code"], _l(
                    "The condition refers to %(code)s, a question of a repeating group this question is not in.",
                    code=referenced))
            elif question_type(target).is_group:
                yield Problem(question["code"], _l(
                    "The condition refers to the repeating group %(code)s; refer to a question instead.",
                    code=referenced))
        for code, values in conditions.constants(question.get("show_if")).items():
            target = earlier.get(code, (None, None))[0]
            if target is not None:
                for value in values:
                    if not _possible_value(target, value):
                        yield Problem(question["code"], _l(
                            "The condition compares %(code)s with %(value)s, which it cannot have.",
                            code=code, value=value))
        earlier[question["code"]] = (question, parent)


def _possible_value(question: dict, value) -> bool:
    kind = question_type(question)
    codes = kind.fixed_codes(question)
    if codes is not None:
        return str(value) in codes
    if kind.is_number:
        return not isinstance(value, str)
    return True


def _inventory_problems(definition: dict) -> Iterator[Problem]:
    """A bound repeating group has the fields its inventory needs, with the right types."""
    for _section, question, _parent in walk(definition):
        inventory = question.get("inventory")
        if not question_type(question).is_group or not inventory:
            continue
        spec = INVENTORY_FIELDS[inventory]
        bound = {child["inventory_field"]: child for child in question["questions"] if child.get("inventory_field")}
        for child in question["questions"]:
            if not child.get("inventory_field"):
                # Bound groups are stored only in the inventory tables, field by field.
                yield Problem(child["code"], _l(
                    "Every question of a repeating group that feeds an inventory must fill one of its fields."))
        for field, child in bound.items():
            if field not in spec:
                yield Problem(child["code"], _l("The %(inventory)s inventory has no field %(field)s.",
                                                inventory=inventory, field=field))
                continue
            types, reference, _required = spec[field]
            if not question_type(child).fills(child, types, reference):
                wanted = ", ".join(types) + (f" ({reference})" if reference else "")
                yield Problem(child["code"], _l("The field %(field)s needs a question of type %(wanted)s.",
                                                field=field, wanted=wanted))
        for field, (_types, _reference, required) in spec.items():
            if required and field not in bound:
                yield Problem(question["code"], _l(
                    "The repeating group feeds the %(inventory)s inventory but has no question for %(field)s.",
                    inventory=inventory, field=field))


# --- reachability -----------------------------------------------------------------

def _reachability_problems(definition: dict) -> Iterator[Problem]:
    """A required question must be shown in at least one consistent set of answers."""
    by_code = questions_by_code(definition)
    parents = {q["code"]: parent for _, q, parent in walk(definition)}
    for _section, question, parent in walk(definition):
        if question.get("required") and (question.get("show_if") or (parent and parent.get("show_if"))):
            if not _reachable(question["code"], by_code, parents):
                yield Problem(question["code"], _l(
                    "This required question can never be shown: no combination of answers meets its condition."))


def _visibility_condition(code: str, by_code: dict, parents: dict) -> dict | None:
    own = by_code[code].get("show_if")
    parent = parents.get(code)
    inherited = parent.get("show_if") if parent else None
    parts = [c for c in (inherited, own) if c]
    return None if not parts else parts[0] if len(parts) == 1 else {"all": parts}


def _reachable(code: str, by_code: dict, parents: dict) -> bool:
    target = _visibility_condition(code, by_code, parents)
    closure: list[str] = []
    pending = conditions.referenced_codes(target)
    while pending:
        current = pending.pop()
        if current in closure:
            continue
        closure.append(current)
        pending.extend(conditions.referenced_codes(_visibility_condition(current, by_code, parents)))
    domains = {c: _domain(by_code[c], _mentioned(c, by_code, parents)) for c in closure}
    size = 1
    for values in domains.values():
        size *= len(values)
    if size > REACHABILITY_LIMIT:
        return True
    for combination in itertools.product(*(domains[c] for c in closure)):
        answers = dict(zip(closure, combination, strict=True))
        if _consistent(answers, by_code, parents) and conditions.evaluate(target, answers):
            return True
    return False


def _mentioned(code: str, by_code: dict, parents: dict) -> set:
    values: set = set()
    for other in by_code:
        values |= conditions.constants(_visibility_condition(other, by_code, parents)).get(code, set())
    return values


def _domain(question: dict, mentioned: set) -> list:
    """The answers worth trying: unanswered, each value conditions mention, and one other."""
    kind = question_type(question)
    possible = kind.condition_domain(question)
    mentioned = {m for m in mentioned if possible is None or m in possible or str(m) in possible}
    others = possible is None or bool(possible - {str(m) for m in mentioned} - mentioned)
    values = sorted(mentioned, key=str) + ([_OTHER] if others else [])
    if kind.multiple:
        subsets = [list(s) for r in range(1, len(values) + 1) for s in itertools.combinations(values, r)]
        return [None, *subsets]
    return [None, *values]


def _consistent(answers: dict, by_code: dict, parents: dict) -> bool:
    """Hidden questions have no answer; shown required ones have one."""
    for code, value in answers.items():
        shown = conditions.evaluate(_visibility_condition(code, by_code, parents), answers)
        if value is not None and not shown:
            return False
        if value is None and shown and by_code[code].get("required"):
            return False
    return True
