"""Reading and checking typed values, for every question type."""

from __future__ import annotations

from datetime import date

import pytest

from imvo_survey.answers.values import AnswerError, display, fixed_codes, parse, same

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def english_messages():
    from flask_babel import force_locale

    with force_locale("en"):
        yield


def q(kind: str, **values) -> dict:
    return {"code": "x", "type": kind, "label": {"nl": "X", "en": "X"}, **values}


def allowed(question):
    return set(fixed_codes(question) or ["NL", "BE", "child_labour", "climate"])


@pytest.mark.parametrize("question, raw, value", [
    (q("text"), "  Hallo  ", "Hallo"),
    (q("long_text"), "Regel 1\nRegel 2\n", "Regel 1\nRegel 2"),
    (q("integer"), "1.200", 1200),
    (q("integer"), " 12 ", 12),
    (q("integer"), 7.0, 7),
    (q("decimal"), "12,5", 12.5),
    (q("decimal"), "1.234,5", 1234.5),
    (q("percentage"), "45,5", 45.5),
    (q("percentage"), "100", 100.0),
    (q("year"), "2009", 2009),
    (q("date"), "31-12-2010", date(2010, 12, 31)),
    (q("date"), "2010-12-31", date(2010, 12, 31)),
    (q("yes_no"), "yes", "yes"),
    (q("yes_no"), "Ja", "yes"),
    (q("yes_no"), "nee", "no"),
    (q("scale", scale={}), "4", "4"),
    (q("scale", scale={}), 4.0, "4"),
    (q("single_choice", choices=[{"code": "a"}, {"code": "b"}]), "b", "b"),
    (q("multiple_choice", choices=[{"code": "a"}, {"code": "b"}]), ["b", "a", "b"], ["b", "a"]),
    (q("multiple_choice", choices=[{"code": "a"}, {"code": "b"}]), "a; b", ["a", "b"]),
    (q("multiple_choice", choices=[{"code": "a"}]), [], None),
    (q("reference_one", reference="country"), "NL", "NL"),
    (q("reference_many", reference="aspect"), ["climate", "child_labour"], ["climate", "child_labour"]),
    (q("text"), "", None),
    (q("integer"), "   ", None),
])
def test_parse(question, raw, value):
    assert parse(question, raw, allowed) == value


@pytest.mark.parametrize("question, raw, message", [
    (q("integer"), "twaalf", "whole number"),
    (q("integer"), "12,5", "whole number"),
    (q("decimal"), "1,2,3", "Enter a number"),
    (q("percentage"), "101", "from 0 to 100"),
    (q("percentage"), "-1", "from 0 to 100"),
    (q("year"), "1850", "from 1900 to 2100"),
    (q("integer", validation={"min": 0}), "-3", "at least 0"),
    (q("integer", validation={"max": 10}), "11", "at most 10"),
    (q("integer", validation={"min": 0, "message": {"en": "Count the members.", "nl": "Tel de leden."}}), "-1",
     "Count the members."),
    (q("text", validation={"max_length": 5}), "zes tekens", "at most 5 characters"),
    (q("text", validation={"max_length": 1}), "ab", "at most 1 character (now 2)"),  # Babel's plural rules
    (q("text", validation={"pattern": "^[0-9]{4}[A-Z]{2}$"}), "1234 ab", "expected form"),
    (q("date"), "31 december", "Enter a date"),
    (q("date"), "31-02-2010", "Enter a date"),
    (q("yes_no"), "misschien", "not one of the options"),
    (q("single_choice", choices=[{"code": "a"}]), "z", "not one of the options"),
    (q("multiple_choice", choices=[{"code": "a"}]), ["a", "zz"], "zz is not one of the options"),
    (q("reference_many", reference="country"), ["XX"], "not one of the options"),
    (q("scale", scale={}), "6", "not one of the options"),
])
def test_parse_errors(question, raw, message):
    with pytest.raises(AnswerError) as error:
        parse(question, raw, allowed, "en")
    assert message in str(error.value)


def test_same_and_display():
    assert same(["a", "b"], ["b", "a"]) and same(None, "") and same(None, []) and not same("a", "b")
    labels = {"a": "Alpha", "b": "Beta"}
    multiple = q("multiple_choice", choices=[])
    assert display(multiple, ["a", "b"], "en", lambda _q: labels) == "Alpha; Beta"
    assert display(q("percentage"), 12.5, "en", lambda _q: {}) == "12,5 %"
    assert display(q("date"), date(2010, 1, 2), "en", lambda _q: {}) == "02-01-2010"
    assert display(q("text"), None, "en", lambda _q: {}) == ""
