"""The registry of question types: one complete class per name the database accepts."""

from __future__ import annotations

import inspect

import pytest

from imvo_survey.models.questionnaire_vocabulary import INVENTORY_FIELDS, QUESTION_TYPES
from imvo_survey.models.response import Answer
from imvo_survey.questionnaires.question_types import (
    TYPES,
    QuestionType,
    plain_xlsform_type,
    question_type,
    xlsform_refinements,
    xlsform_types,
)
from imvo_survey.questionnaires.question_types.base import AnswerError

#: What every type must decide for itself rather than inherit from QuestionType.
OWN_METHODS = ("form_field",)
#: The types whose answer is a list of codes, a number, a text.
MULTIPLE_TYPES = ("multiple_choice", "reference_many")
NUMBER_TYPES = ("integer", "decimal", "percentage", "year")
TEXT_TYPES = ("text", "long_text")


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


@pytest.mark.parametrize(("flag", "names"), [
    ("is_group", {"repeat"}),
    ("own_choices", {"single_choice", "multiple_choice"}),
    ("uses_reference", {"reference_one", "reference_many"}),
    ("has_scale_labels", {"scale"}),
])
def test_what_a_definition_holds_for_each_type(flag, names):
    """Sub-questions, own choices, a reference list, the labels of a scale: each for its types only."""
    assert {name for name, kind in TYPES.items() if getattr(kind, flag)} == names


def test_the_flags_agree_with_the_definition_checks():
    """A type that says it has choices or a reference list is the one the checks ask them of."""
    for name, kind in TYPES.items():
        bare = {"code": "q", "type": name}
        parts = {part for part, _message in kind.definition_problems(bare)}
        assert ("choices" in parts) == kind.own_choices, name
        assert ("reference" in parts) == kind.uses_reference, name
        assert ("scale" in parts) == kind.has_scale_labels, name
        assert not (kind.is_group and (kind.multiple or kind.single_code or kind.is_number or kind.is_text))


def test_a_group_has_no_xlsform_question_type_of_its_own():
    assert xlsform_types(uses_list=False) == {"text", "integer", "decimal", "date"}
    assert xlsform_types(uses_list=True) == {"select_one", "select_multiple"}
    assert question_type("repeat").xlsform_name not in xlsform_types(True) | xlsform_types(False)


@pytest.mark.parametrize(("xlsform_type", "appearances", "from_reference", "name"), [
    ("text", set(), False, "text"),
    ("text", {"multiline"}, False, "long_text"),
    ("text", {"minimal", "multiline"}, False, "long_text"),
    ("integer", set(), False, "integer"),
    ("decimal", {"multiline"}, False, "decimal"),
    ("date", set(), False, "date"),
    ("select_one", set(), False, "single_choice"),
    ("select_one", set(), True, "reference_one"),
    ("select_multiple", {"minimal"}, False, "multiple_choice"),
    ("select_multiple", set(), True, "reference_many"),
])
def test_the_type_an_xlsform_row_gives_without_imvo_type(xlsform_type, appearances, from_reference, name):
    """Year, percentage, yes/no and scale need imvo::type; the others follow from the row."""
    assert plain_xlsform_type(xlsform_type, appearances, from_reference) == name


def test_which_questions_fill_an_inventory_field():
    """By type, and by reference list where the field names one."""
    aspects = INVENTORY_FIELDS["activity"]["aspects"][:2]  # (("reference_many",), "aspect")
    description = INVENTORY_FIELDS["activity"]["description"][:2]  # (("text", "long_text"), None)
    picker = {"code": "q", "type": "reference_many", "reference": "aspect"}
    assert question_type(picker).fills(picker, *aspects)
    assert not question_type(picker).fills({**picker, "reference": "country"}, *aspects)
    assert not question_type(picker).fills(picker, *description)
    for name in ("text", "long_text"):
        assert question_type(name).fills({"code": "q", "type": name}, *description)
    assert not question_type("integer").fills({"code": "q", "type": "integer"}, *description)


def test_templates_ask_the_type_as_the_code_does(app):
    """The template global `question_type` is the registry's."""
    template = app.jinja_env.from_string(
        "{{ 'table' if question_type(question.type).is_group else 'list' if question_type(question.type).multiple "
        "else 'field' }}")
    assert [template.render(question={"type": name}) for name in ("repeat", "reference_many", "text")] == [
        "table", "list", "field"]
