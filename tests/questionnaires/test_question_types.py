"""The registry of question types: one complete class per name the database accepts."""

from __future__ import annotations

import inspect

import pytest

from imvo_survey.models.questionnaire_vocabulary import MULTIPLE_TYPES, NUMBER_TYPES, QUESTION_TYPES, TEXT_TYPES
from imvo_survey.models.response import Answer
from imvo_survey.questionnaires.question_types import TYPES, QuestionType, question_type, xlsform_refinements
from imvo_survey.questionnaires.question_types.base import AnswerError

#: What every type must decide for itself rather than inherit from QuestionType.
OWN_METHODS = ("form_field",)


def test_every_name_has_exactly_one_class():
    assert sorted(TYPES) == sorted(QUESTION_TYPES)
    classes = [type(kind) for kind in TYPES.values()]
    assert len(set(classes)) == len(classes)
    assert all(name == kind.name for name, kind in TYPES.items())


def test_no_class_outside_the_registry_claims_a_name():
    """A subclass with a name of its own must be listed in TYPES (a forgotten class)."""
    def named_subclasses(cls):
        for sub in cls.__subclasses__():
            if "name" in vars(sub):
                yield sub
            yield from named_subclasses(sub)

    assert {sub.name for sub in named_subclasses(QuestionType)} == set(TYPES)
    assert all(type(TYPES[sub.name]) is sub for sub in named_subclasses(QuestionType))


@pytest.mark.parametrize("name", QUESTION_TYPES)
def test_every_class_is_complete(name):
    kind = question_type(name)
    assert not inspect.isabstract(type(kind))
    for method in OWN_METHODS:
        assert getattr(type(kind), method) is not getattr(QuestionType, method), f"{name} lacks {method}"
    assert kind.multiple == (name in MULTIPLE_TYPES)
    assert not (kind.multiple and kind.single_code)
    assert kind.is_number == (name in NUMBER_TYPES)
    assert kind.is_text == (name in TEXT_TYPES)
    assert isinstance(kind.xlsform_name, str) and kind.xlsform_name
    assert kind.xlsform_uses_list == (kind.multiple or kind.single_code)
    # The offline workbook says what to type for every answer cell that is not a text
    # (whose note is its maximum length) or a list of codes (whose note lists them).
    if not (kind.is_text or kind.multiple or name == "repeat"):
        assert kind.workbook_note, f"{name} has no workbook note"
    assert kind.export_column in ("string", "integer", "number", "date")
    assert kind.answer_column in ("text_value", "number_value", "date_value", "json_value")
    assert hasattr(Answer, kind.answer_column)


def test_the_xlsform_types_and_their_refinements():
    """imvo::type names exactly the types an XLSForm type alone does not tell apart."""
    assert xlsform_refinements() == {"text": (), "integer": ("year",), "decimal": ("percentage",), "date": (),
                                     "select_one": ("yes_no", "scale"), "select_multiple": ()}


def test_a_question_or_its_name():
    assert question_type({"type": "year", "code": "q"}) is question_type("year")
    with pytest.raises(KeyError):
        question_type("colour")


def test_a_repeating_group_has_no_answer_of_its_own():
    repeat = question_type("repeat")
    question = {"type": "repeat", "code": "r"}
    assert repeat.parse(question, "", lambda q: (), "nl") is None
    with pytest.raises(AnswerError):
        repeat.parse(question, "x", lambda q: (), "nl")
    assert repeat.form_field(question, "nl", lambda ref, lang: [], {"label": "R"}) is None


def test_families_of_types_whose_values_carry_over():
    """A value moves unchanged between types of one family when a new version changes the type."""
    families = {}
    for name, kind in TYPES.items():
        families.setdefault(kind.family, set()).add(name)
    assert sorted(map(sorted, families.values())) == sorted(map(sorted, [
        {"text", "long_text"}, {"integer", "year"}, {"decimal", "percentage"}, {"date"}, {"yes_no"},
        {"single_choice"}, {"multiple_choice"}, {"scale"}, {"reference_one"}, {"reference_many"}, {"repeat"}]))
