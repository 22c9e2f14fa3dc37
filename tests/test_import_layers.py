"""Imports run one way: no cycle between the top-level folders (and modules) of the package.

Every import counts, those inside functions too, so that a cycle cannot be hidden by
moving an import into a function body. `imvo_survey/__init__.py` (the factory, which
assembles everything) and `cli.py` (which lists every feature's commands) sit above all.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import imvo_survey

PACKAGE = Path(imvo_survey.__file__).parent
#: The assembling modules: they import every feature by design.
ASSEMBLERS = {"__init__", "cli"}


def _part_of(module: str) -> str | None:
    """The top-level folder (or module) of a dotted name inside the package."""
    parts = module.split(".")
    if parts[0] != "imvo_survey" or len(parts) < 2:
        return None
    return parts[1]


def _imported_modules(path: Path) -> list[tuple[str, int]]:
    """(absolute module name, line) of every import in a file of the package."""
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    here = list(relative.parts)
    is_package = here[-1] == "__init__"
    if is_package:
        here = here[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here[:-1]
                base = base[: len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            if module == "imvo_survey":
                found += [(f"imvo_survey.{alias.name}", node.lineno) for alias in node.names]
            else:
                found.append((module, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
    return found


def import_graph() -> dict[str, dict[str, list[str]]]:
    """part -> imported part -> ["file:line", ...], between different top-level parts."""
    graph: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(PACKAGE.rglob("*.py")):
        part = path.relative_to(PACKAGE).parts[0].removesuffix(".py")
        if part in ASSEMBLERS:
            continue
        for module, line in _imported_modules(path):
            target = _part_of(module)
            if target and target != part and target not in ASSEMBLERS:
                graph[part][target].append(f"{path.relative_to(PACKAGE.parent)}:{line}")
    return graph


def cycles(graph) -> list[list[str]]:
    """The strongly connected components with more than one part (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in list(graph):
        if node not in index:
            visit(node)
    return found


def test_the_top_level_folders_import_one_way():
    graph = import_graph()
    problems = []
    for component in cycles(graph):
        edges = [f"  {a} -> {b}: {', '.join(graph[a][b][:3])}" for a in component for b in component
                 if b in graph.get(a, {})]
        problems.append("cycle between " + ", ".join(component) + "\n" + "\n".join(edges))
    assert not problems, "\n".join(problems)


def test_the_cycle_check_sees_a_cycle():
    """The check itself: a made-up graph with a loop through an import in a function."""
    graph = {"rounds": {"answers": ["x"]}, "answers": {"models": ["y"], "rounds": ["z"]}, "models": {}}
    assert cycles(graph) == [["answers", "rounds"]]
    assert cycles({"a": {"b": ["x"]}, "b": {}}) == []


def test_imports_inside_functions_are_counted(tmp_path, monkeypatch):
    """A cycle cannot hide in a function body."""
    package = tmp_path / "imvo_survey"
    (package / "rounds").mkdir(parents=True)
    (package / "answers").mkdir()
    (package / "__init__.py").write_text("")
    (package / "rounds" / "__init__.py").write_text("from ..answers import x\n")
    (package / "answers" / "__init__.py").write_text("def later():\n    from ..rounds import y\n")
    monkeypatch.setattr(f"{__name__}.PACKAGE", package)
    assert cycles(import_graph()) == [["answers", "rounds"]]
