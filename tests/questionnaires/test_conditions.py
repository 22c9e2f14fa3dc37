"""Show-if conditions: XLSForm expressions in and out, and evaluation."""

from __future__ import annotations

import pytest

from imvo_survey.questionnaires.conditions import ConditionError, evaluate, parse, render, validate

EQ = {"op": "equals", "question": "a", "value": "yes"}


@pytest.mark.parametrize("expression, condition", [
    ("${a} = 'yes'", EQ),
    ('${a} = "yes"', EQ),
    ("${a} != 'no'", {"op": "not_equals", "question": "a", "value": "no"}),
    ("${a} != ''", {"op": "answered", "question": "a"}),
    ("string-length(${a}) > 0", {"op": "answered", "question": "a"}),
    ("${n} = 5", {"op": "equals", "question": "n", "value": 5}),
    ("selected(${m}, 'x')", {"op": "equals", "question": "m", "value": "x"}),
    ("not(selected(${m}, 'x'))", {"op": "not_equals", "question": "m", "value": "x"}),
    ("(${a} = 'x' or ${a} = 'y')", {"op": "any_of", "question": "a", "values": ["x", "y"]}),
    ("(selected(${m}, 'x') or selected(${m}, 'y'))", {"op": "any_of", "question": "m", "values": ["x", "y"]}),
    ("${a} = 'yes' and ${b} != ''", {"all": [EQ, {"op": "answered", "question": "b"}]}),
    ("${a} = 'yes' or ${b} != '' and ${c} = 'z'",
     {"any": [EQ, {"all": [{"op": "answered", "question": "b"}, {"op": "equals", "question": "c", "value": "z"}]}]}),
    ("${a} = 'yes' AND (${b} = 'p' or ${c} = 'q')",
     {"all": [EQ, {"any": [{"op": "equals", "question": "b", "value": "p"},
                           {"op": "equals", "question": "c", "value": "q"}]}]}),
])
def test_parse(expression, condition):
    assert parse(expression) == condition
    validate(condition)


@pytest.mark.parametrize("expression", [
    "", "${a} =", "${a} > 3", "${a} = 'x' and", "(${a} = 'x'", "${a} = ''", "count(${a}) > 1",
    "${a} = 'x' xor ${b} = 'y'", "selected(${a})", "${a} = 'x')", "a = 'x'",
])
def test_expressions_that_do_not_parse(expression):
    with pytest.raises(ConditionError):
        parse(expression)


@pytest.mark.parametrize("expression, multiple", [
    ("${a} = 'yes'", set()),
    ("selected(${m}, 'x') and ${n} = 3", {"m"}),
    ("(${a} = 'x' or ${a} = 'y') and (${b} != 'z' or ${c} != '')", set()),
    ("not(selected(${m}, 'x')) or ${a} = 'yes'", {"m"}),
    ("${a} = \"it's\"", set()),
])
def test_render_gives_back_the_expression(expression, multiple):
    assert render(parse(expression), multiple) == expression


@pytest.mark.parametrize("condition, answers, shown", [
    (None, {}, True),
    (EQ, {"a": "yes"}, True),
    (EQ, {"a": "no"}, False),
    (EQ, {}, False),
    ({"op": "not_equals", "question": "a", "value": "no"}, {}, True),  # unanswered is not 'no'
    ({"op": "answered", "question": "a"}, {"a": "  "}, False),
    ({"op": "answered", "question": "m"}, {"m": []}, False),
    ({"op": "answered", "question": "m"}, {"m": ["x"]}, True),
    ({"op": "equals", "question": "m", "value": "x"}, {"m": ["y", "x"]}, True),
    ({"op": "not_equals", "question": "m", "value": "x"}, {"m": ["y", "x"]}, False),
    ({"op": "any_of", "question": "a", "values": ["x", "y"]}, {"a": "y"}, True),
    ({"op": "equals", "question": "n", "value": 5}, {"n": "5"}, True),
    ({"op": "equals", "question": "n", "value": 5}, {"n": 5.0}, True),
    ({"op": "equals", "question": "yn", "value": "yes"}, {"yn": True}, True),
    ({"all": [EQ, {"op": "answered", "question": "b"}]}, {"a": "yes"}, False),
    ({"any": [EQ, {"op": "answered", "question": "b"}]}, {"b": "x"}, True),
])
def test_evaluate(condition, answers, shown):
    assert evaluate(condition, answers) is shown


@pytest.mark.parametrize("condition", [
    {"op": "bigger", "question": "a", "value": 1},
    {"op": "equals", "question": "a"},
    {"op": "any_of", "question": "a", "values": ["x"]},
    {"all": [EQ]},
    {"op": "equals", "question": "a", "value": True},
    "${a} = 'x'",
])
def test_malformed_conditions(condition):
    with pytest.raises(ConditionError):
        validate(condition)
