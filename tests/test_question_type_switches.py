"""Keep it so: no code outside the question types compares a question's type with a
type's name. What a type does is asked of its class (questionnaires/question_types):
`question_type(question).is_group`, not `question["type"] == "repeat"`.

A comparison counts when one side reads a type (`x["type"]`, `x.get("type")`, `x.type`,
a form's `x.type.data`, `question_type(...).name`, or a name assigned from one of those
in the same function) and the other names a question type (a name of QUESTION_TYPES, a
literal collection holding one, or a vocabulary constant `..._TYPES`). Asking whether a
name is a type at all (`in QUESTION_TYPES`) and comparing two questions' types are fine.
Templates ask the same way, through the global `question_type`.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import imvo_survey
from imvo_survey.models.questionnaire_vocabulary import QUESTION_TYPES

PACKAGE = Path(imvo_survey.__file__).parent
TEMPLATES = PACKAGE.parent / "templates"
#: The home of the question types: the one place that may name them.
REGISTRY = Path("questionnaires", "question_types")
NAMES = frozenset(QUESTION_TYPES)
#: (file, what is read) -> why its comparisons with a type's name are not about a question.
ALLOWED = {
    ("analysis/export_formats.py", "column.type"): "an export column's type (export_schema.TYPES), not a question's",
    ("analysis/export_xlsx.py", "column.type"): "an export column's type, not a question's",
}


def _reads_type(node: ast.AST, tracked: set[str]) -> bool:
    """Whether an expression reads the type of a question (or what a type is named)."""
    if isinstance(node, ast.Subscript):
        return isinstance(node.slice, ast.Constant) and node.slice.value == "type"
    if isinstance(node, ast.Call):
        func = node.func
        return (isinstance(func, ast.Attribute) and func.attr == "get" and bool(node.args)
                and isinstance(node.args[0], ast.Constant) and node.args[0].value == "type")
    if isinstance(node, ast.Attribute):
        if node.attr == "type" or (node.attr == "data" and isinstance(node.value, ast.Attribute)
                                   and node.value.attr == "type"):
            return True
        return (node.attr == "name" and isinstance(node.value, ast.Call) and isinstance(node.value.func, ast.Name)
                and node.value.func.id == "question_type")
    return isinstance(node, ast.Name) and node.id in tracked


def _names_type(node: ast.AST) -> bool:
    """Whether an expression is a type's name, a literal collection holding one, or a
    vocabulary constant of type names (other than the list of them all)."""
    if isinstance(node, ast.Constant):
        return node.value in NAMES
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return any(_names_type(element) for element in node.elts)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("frozenset", "set", "tuple"):
        return any(_names_type(argument) for argument in node.args)
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.endswith("_TYPES") and name != "QUESTION_TYPES"


def _tracked_names(scope: ast.AST) -> set[str]:
    """The names a scope assigns a question's type to (`kind = question["type"]`)."""
    names = set()
    for node in ast.walk(scope):
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if _reads_type(node.value, set()):
                names.update(target.id for target in targets if isinstance(target, ast.Name))
    return names


def _comparisons(source: str) -> set[tuple[int, str]]:
    """(line, what is read) of every comparison of a question's type with a type's name."""
    tree = ast.parse(source)
    found = set()
    scopes = [tree, *(node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)))]
    for scope in scopes:
        tracked = _tracked_names(scope) if scope is not tree else set()
        for node in ast.walk(scope):
            pairs = []
            if isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                pairs = list(zip(sides, sides[1:], strict=False))
            elif isinstance(node, ast.Match):
                pairs = [(node.subject, case.pattern.value) for case in node.cases
                         if isinstance(case.pattern, ast.MatchValue)]
            for one, other in pairs:
                for read, named in ((one, other), (other, one)):
                    if _reads_type(read, tracked) and _names_type(named):
                        found.add((node.lineno, ast.get_source_segment(source, read)))
    return found


def type_switches() -> list[str]:
    """file:line: what is read, for every comparison outside the registry not allowed."""
    switches = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if relative.is_relative_to(REGISTRY):
            continue
        for line, read in sorted(_comparisons(path.read_text(encoding="utf-8"))):
            if (relative.as_posix(), read) not in ALLOWED:
                switches.append(f"{relative.as_posix()}:{line}: {read}")
    return switches


#: In a template: a type read (`.type`, `["type"]`, `.type.data`) compared with quoted words.
TEMPLATE_COMPARISON = re.compile(
    r"""(?:\.type|\[["']type["']\])(?:\.data)?\s*(?:==|!=|not\s+in|in)\s*[(\[]?((?:\s*["'][^"']*["']\s*,?)+)""")


def template_switches(text: str) -> list[int]:
    """The lines of a template that compare a type read with a question type's name."""
    return [text.count("\n", 0, match.start()) + 1 for match in TEMPLATE_COMPARISON.finditer(text)
            if NAMES & set(re.findall(r"""["']([^"']*)["']""", match.group(1)))]


def test_no_type_switches_in_the_templates():
    found = [f"{path.relative_to(TEMPLATES)}:{line}" for path in sorted(TEMPLATES.rglob("*"))
             if path.suffix in (".html", ".txt") for line in template_switches(path.read_text(encoding="utf-8"))]
    assert found == []
    assert template_switches('{% if item.question.type == "repeat" %}') == [1]
    assert template_switches('x\n{% if q["type"] in ("text", "long_text") %}') == [2]
    assert template_switches('{% if f.type == "CSRFTokenField" %}{% if question_type(q.type).is_group %}') == []


def test_no_type_switches_outside_the_question_types():
    """Ask the type instead: add a flag or a method to QuestionType (with a test)."""
    assert type_switches() == []


def test_the_allowed_comparisons_are_still_there():
    """An allowance that no longer matches anything goes (the list stays short)."""
    used = set()
    for relative, read in ALLOWED:
        comparisons = _comparisons((PACKAGE / relative).read_text(encoding="utf-8"))
        if any(found == read for _line, found in comparisons):
            used.add((relative, read))
    assert used == set(ALLOWED)


def test_every_way_of_asking_is_caught():
    """The check can fail: each kind of comparison it is meant to catch."""
    caught = [
        'if question["type"] == "repeat": pass',
        'if q.get("type") != "scale": pass',
        'if question.type in ("reference_one", "reference_many"): pass',
        'if form.type.data not in {"single_choice"}: pass',
        'if "repeat" == child["type"]: pass',
        'if question["type"] in MULTIPLE_TYPES: pass',
        'if question_type(q).name == "year": pass',
        'def f(q):\n    kind = q["type"]\n    return kind == "percentage"',
        'match q["type"]:\n    case "date": pass',
    ]
    for source in caught:
        assert _comparisons(source), source
    fine = [
        'if old["type"] == new["type"]: pass',  # two questions of one type
        'if kind not in QUESTION_TYPES: pass',  # a name that is no type at all
        'if sheet_kind == "repeat": pass',  # not a question's type
        'if organisation.kind == "company": pass',
        'if question_type(q).is_group: pass',
    ]
    for source in fine:
        assert not _comparisons(source), source
