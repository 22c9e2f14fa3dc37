"""The server's and the browser's evaluation of show-if conditions, against one list of
cases (condition_cases.json), so that the two cannot drift apart.

The browser hides a question at once with static/js/conditions.js; the server decides
with conditions.evaluate at save and submit time. Were they to disagree, a respondent
would see a question the server then ignores, or miss one it requires. The JavaScript
runs under Node.js (conditions_runner.js), which CI has: without node these tests fail,
they do not skip.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from imvo_survey.answers.values import to_json
from imvo_survey.questionnaires.conditions import OPERATORS, evaluate, parse, validate

HERE = Path(__file__).parent
CASES = json.loads((HERE / "condition_cases.json").read_text(encoding="utf-8"))["cases"]
RUNNER = HERE / "conditions_runner.js"
SCRIPT = HERE.parents[1] / "static" / "js" / "conditions.js"


def _condition(case: dict) -> dict | None:
    """The case's condition: its expression parsed, or its JSON."""
    return parse(case["expression"]) if "expression" in case else case["condition"]


def _typed(value):
    """An answer as the server holds it: {"$date": ISO} is a date."""
    if isinstance(value, dict) and set(value) == {"$date"}:
        return date.fromisoformat(value["$date"])
    if isinstance(value, list):
        return [_typed(item) for item in value]
    return value


def _server_answers(case: dict) -> dict:
    return {code: _typed(value) for code, value in case["answers"].items()}


def _page_answers(case: dict) -> dict:
    """The answers as the page gets them (the form's data-answers: to_json of each)."""
    return json.loads(json.dumps({code: to_json(value) for code, value in _server_answers(case).items()}))


def _name(case: dict) -> str:
    written = case["expression"] if "expression" in case else json.dumps(case["condition"])
    return f"{written} with {json.dumps(case['answers'])}"


NUMBERED = [pytest.param(index, case, id=f"{index}") for index, case in enumerate(CASES)]


@pytest.fixture(scope="module")
def browser_results() -> list[bool]:
    """What static/js/conditions.js says for every case, in one run of node."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js ('node') is not on PATH: it is needed to test static/js/conditions.js "
                    "(`make system-deps` installs Debian's nodejs).")
    cases = [{"condition": _condition(case), "answers": _page_answers(case)} for case in CASES]
    done = subprocess.run([node, str(RUNNER), str(SCRIPT)], input=json.dumps(cases), capture_output=True,
                          text=True, encoding="utf-8", timeout=60, check=False)
    assert done.returncode == 0, f"node failed:\n{done.stderr}"
    results = json.loads(done.stdout)
    assert len(results) == len(CASES)
    return results


@pytest.mark.parametrize("index, case", NUMBERED)
def test_the_server_shows_what_the_case_says(index, case):
    condition = _condition(case)
    if condition is not None:
        validate(condition)
    assert evaluate(condition, _server_answers(case)) is case["shown"], _name(case)


@pytest.mark.parametrize("index, case", NUMBERED)
def test_the_browser_shows_what_the_case_says(index, case, browser_results):
    assert browser_results[index] is case["shown"], _name(case)


def _parts(condition: dict | None):
    if not condition:
        return
    yield condition
    for part in condition.get("all", []) + condition.get("any", []):
        yield from _parts(part)


def test_the_cases_cover_the_grammar():
    """Every operator, `and`, `or`, each way of writing a condition, and both outcomes:
    a case list that lost them would no longer keep the two evaluators together."""
    outcomes = {(key, case["shown"]) for case in CASES
                for part in _parts(_condition(case)) for key in [part.get("op") or next(iter(part))]}
    for key in (*OPERATORS, "all", "any"):
        assert {(key, True), (key, False)} <= outcomes, key
    written = " ".join(case.get("expression", "") for case in CASES)
    for form in ("selected(", "not(selected(", "string-length(", " and ", " AND ", " or ", "((", '"', "!= ''"):
        assert form in written, form
    assert any(case["condition"] is None for case in CASES if "expression" not in case)
    assert any("$date" in json.dumps(case["answers"]) for case in CASES)
