"""The checks on definitions: structure at import, and the publication checks
(conditions on earlier questions only, inventory bindings, reachability)."""

from __future__ import annotations

import json

import pytest

from imvo_survey.questionnaires.definition import check_publishable, check_structure, dump_json, load_json

from .helpers import activity_repeat, choices, definition, q

YES = {"op": "equals", "question": "a", "value": "yes"}

pytestmark = pytest.mark.usefixtures("english")


def problems(d, publish=True) -> list[tuple[str | None, str]]:
    found = check_publishable(d) if publish else check_structure(d)
    return [(p.code, str(p.message)) for p in found]


def test_a_valid_definition_has_no_problems():
    d = definition(q("a", "yes_no", required=True), q("b", "text", show_if=YES), activity_repeat())
    assert problems(d) == []


def test_duplicate_codes_across_sections_and_questions():
    d = definition(q("main", "text"), q("x", "text"), q("x", "integer"))
    assert [code for code, _ in problems(d, publish=False)] == ["main", "x"]


@pytest.mark.parametrize("question, part", [
    (q("c", "single_choice"), "needs choices"),
    (q("c", "single_choice", choices=choices("a", "a")), "same code"),
    (q("c", "text", choices=choices("a")), "Only single- and multiple-choice"),
    (q("c", "reference_many"), "needs a reference list"),
    (q("c", "scale"), "labels of its ends"),
    (q("c", "text", validation={"min": 1}), "Only numbers"),
    (q("c", "integer", validation={"max_length": 3}), "Only texts"),
    (q("c", "integer", validation={"min": 5, "max": 1}), "above the highest"),
    (q("c", "text", validation={"pattern": "(["}), "not a valid regular expression"),
    (q("c", "repeat", questions=[]), "needs sub-questions"),
    (q("c", "repeat", questions=[q("d", "repeat", questions=[q("e", "text")])]), "inside another"),
    (q("c", "repeat", min_repeat=3, max_repeat=1, questions=[q("d", "text")]), "below the least"),
    (q("c", "repeat", questions=[q("d", "text", inventory_field="title")]), "bound to an inventory"),
    (q("c", "text", show_if={"op": "equals", "question": "nope", "value": "x"}), "not a question of this version"),
])
def test_structure_problems(question, part):
    found = problems(definition(question), publish=False)
    assert any(part in message for _, message in found), found


def test_condition_on_a_later_question_is_refused_naming_it():
    d = definition(q("b", "text", show_if=YES), q("a", "yes_no"))
    assert problems(d) == [("b", "The condition refers to a, which does not come before this question.")]


def test_condition_on_a_value_the_question_cannot_have():
    d = definition(q("a", "single_choice", choices=choices("x", "y")),
                   q("b", "text", show_if={"op": "equals", "question": "a", "value": "z"}))
    assert problems(d) == [("b", "The condition compares a with z, which it cannot have.")]


def test_condition_on_a_sub_question_from_outside_its_repeat():
    repeat = activity_repeat()
    d = definition(repeat, q("after", "text", show_if={"op": "answered", "question": "activity_title"}))
    assert "a question of a repeating group" in problems(d)[0][1]


def test_sub_question_may_look_at_an_earlier_sibling_and_at_top_level_questions():
    repeat = activity_repeat()
    repeat["questions"].append(q("activity_other", "text", inventory_field="description", show_if={"all": [
        {"op": "answered", "question": "activity_title"}, {"op": "equals", "question": "a", "value": "yes"}]}))
    assert problems(definition(q("a", "yes_no"), repeat)) == []


@pytest.mark.parametrize("show_if", [
    {"all": [YES, {"op": "equals", "question": "a", "value": "no"}]},        # contradiction
    {"all": [YES, {"op": "not_equals", "question": "a", "value": "yes"}]},
])
def test_required_question_that_can_never_be_shown(show_if):
    d = definition(q("a", "yes_no"), q("b", "text", required=True, show_if=show_if))
    assert problems(d) == [("b", "This required question can never be shown: no combination of answers "
                                 "meets its condition.")]


def test_unreachable_through_a_chain_of_conditions():
    d = definition(
        q("a", "yes_no"),
        q("b", "text", show_if=YES),
        q("c", "text", required=True, show_if={"all": [
            {"op": "answered", "question": "b"}, {"op": "equals", "question": "a", "value": "no"}]}))
    assert [code for code, _ in problems(d)] == ["c"]


def test_unreachable_because_a_required_always_shown_answer_excludes_it():
    d = definition(q("f", "single_choice", required=True, choices=choices("x")),
                   q("g", "text", required=True, show_if={"op": "not_equals", "question": "f", "value": "x"}))
    assert [code for code, _ in problems(d)] == ["g"]


def test_reachable_required_questions_pass():
    d = definition(
        q("m", "multiple_choice", choices=choices("x", "y")),
        q("n", "text", required=True, show_if={"all": [{"op": "equals", "question": "m", "value": "x"},
                                                     {"op": "equals", "question": "m", "value": "y"}]}),
        q("o", "text", required=True, show_if={"op": "not_equals", "question": "m", "value": "x"}),
        q("p", "integer"),
        q("r", "text", required=True, show_if={"op": "equals", "question": "p", "value": 3}))
    assert problems(d) == []


def test_optional_unreachable_questions_are_not_refused():
    d = definition(q("a", "yes_no"), q("b", "text", show_if={"all": [YES, {"op": "equals", "question": "a",
                                                                            "value": "no"}]}))
    assert problems(d) == []


def test_every_question_of_a_bound_repeat_fills_a_field():
    repeat = activity_repeat()
    repeat["questions"].append(q("activity_note", "text"))
    assert problems(definition(repeat)) == [("activity_note", "Every question of a repeating group that feeds an "
                                                              "inventory must fill one of its fields.")]


def test_bound_repeat_needs_its_inventory_fields():
    repeat = activity_repeat()
    del repeat["questions"][2]  # aspects
    found = problems(definition(repeat))
    assert found == [("activity", "The repeating group feeds the activity inventory but has no question for aspects.")]


def test_bound_field_with_the_wrong_type():
    repeat = activity_repeat()
    repeat["questions"][2] = q("activity_aspects", "reference_many", reference="country", inventory_field="aspects")
    found = problems(definition(repeat))
    assert found[0][0] == "activity_aspects" and "needs a question of type reference_many (aspect)" in found[0][1]


def test_field_of_another_inventory():
    repeat = activity_repeat(inventory="dilemma")
    found = problems(definition(repeat))
    assert ("activity_title", "The dilemma inventory has no field title.") in found


def test_empty_section_and_empty_version():
    assert problems(definition(sections=[]))[0][1] == "A questionnaire needs at least one section."
    empty = definition(sections=[{"code": "s", "title": {"nl": "S", "en": "S"}, "questions": []}])
    assert problems(empty) == [("s", "The section has no questions.")]


def test_json_round_trip_and_schema():
    d = definition(q("a", "yes_no", hint={"nl": "Uitleg", "en": "Help"}), q("b", "text", show_if=YES))
    loaded, found = load_json(dump_json(d))
    assert found == [] and loaded == d


@pytest.mark.parametrize("mutate, part", [
    (lambda d: d.pop("format"), "format"),
    (lambda d: d["sections"][0]["questions"][0].update(type="slider"), "type"),
    (lambda d: d["sections"][0]["questions"][0]["label"].pop("en"), "label"),
    (lambda d: d["sections"][0]["questions"][0].update(show_if={"op": "equals"}), "show_if"),
])
def test_json_that_does_not_match_the_schema(mutate, part):
    d = definition(q("a", "yes_no"))
    mutate(d)
    loaded, found = load_json(json.dumps(d).encode())
    assert loaded is None and found and any(part in (p.code or "") or part in str(p.message) for p in found)


def test_a_json_import_refuses_a_condition_on_a_later_question_or_on_itself():
    """Found at import, as for a workbook, not only at publication."""
    later = definition(q("b", "text", show_if=YES), q("a", "yes_no"))
    itself = definition(q("a", "yes_no", show_if=YES))
    for d in (later, itself):
        loaded, found = load_json(dump_json(d))
        assert loaded is None
        assert [(p.code, str(p.message)) for p in found] == [
            (d["sections"][0]["questions"][0]["code"], "The condition refers to a, which does not come before this question.")]


def test_json_that_is_not_json():
    loaded, found = load_json(b"{not json")
    assert loaded is None and "not valid JSON" in str(found[0].message)
