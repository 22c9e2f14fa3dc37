"""The layout's lookups of a version's repeating groups and plain questions."""

from __future__ import annotations

from imvo_survey.answers.layout import Layout
from imvo_survey.questionnaires.definition import walk

NAME = {"code": "name", "type": "text", "label": {"nl": "Naam", "en": "Name"}}
YEAR = {"code": "year", "type": "year", "label": {"nl": "Jaar", "en": "Year"}}
DILEMMAS = {"code": "dilemmas", "type": "repeat", "label": {"nl": "Dilemma's", "en": "Dilemmas"},
            "questions": [{"code": "what", "type": "long_text", "label": {"nl": "Wat", "en": "What"}}]}


def layout() -> Layout:
    definition = {"sections": [{"code": "s1", "questions": [NAME, DILEMMAS]}, {"code": "s2", "questions": [YEAR]}]}
    built = Layout(definition=definition)
    for _section, question, _parent in walk(definition):
        built.questions[question["code"]] = question
    return built


def test_a_group_by_its_code():
    found = layout()
    assert found.group("dilemmas") is DILEMMAS
    assert found.group("name") is None  # a question, not a group
    assert found.group("what") is None  # a sub-question
    assert found.group("colour") is None
    assert found.group(None) is None


def test_groups_and_the_questions_answered_once():
    found = layout()
    assert found.repeats() == [DILEMMAS]
    assert found.repeats(found.section("s2")) == []
    assert found.plain_questions(found.section("s1")) == [NAME]
    assert found.plain_questions(found.section("s2")) == [YEAR]
