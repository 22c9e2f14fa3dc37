"""Model rules: published versions never change; codes are unique within a version."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from imvo_survey.extensions import db
from imvo_survey.models import Choice, PublishedVersionError, Question, Section
from imvo_survey.questionnaires.services import definition_of, new_draft_from, publish, store_definition

from .helpers import activity_repeat, choices, definition, q


@pytest.fixture
def published():
    version = store_definition(definition(q("a", "single_choice", choices=choices("x", "y")), activity_repeat()))
    publish(version, None)
    db.session.commit()
    return version


@pytest.mark.parametrize("change", [
    lambda v: setattr(v.questions[0], "label_nl", "Anders"),
    lambda v: setattr(v.sections[0], "title_nl", "Anders"),
    lambda v: setattr(v.questions[0].choices[0], "label_en", "Other"),
    lambda v: v.questions[0].choices.append(Choice(code="z", label_nl="Z", label_en="Z", position=9)),
    lambda v: db.session.delete(v.questions[0].choices[0]),
    lambda v: db.session.delete(v.questions[0]),
    lambda v: db.session.add(Question(version=v, section=v.sections[0], code="new", type="text", label_nl="N",
                                      label_en="N", position=9)),
    lambda v: db.session.add(Section(version=v, code="new", title_nl="N", title_en="N", position=9)),
    lambda v: setattr(v, "status", "draft"),
    lambda v: db.session.delete(v),
], ids=["question", "section", "choice", "add-choice", "delete-choice", "delete-question", "add-question",
        "add-section", "unpublish", "delete-version"])
def test_published_versions_refuse_every_change(published, change):
    change(published)
    with pytest.raises(PublishedVersionError):
        db.session.flush()
    db.session.rollback()
    assert definition_of(published)["sections"][0]["questions"][0]["label"]["nl"] == "Vraag a"


def test_a_draft_can_change_and_a_new_draft_is_a_copy(published):
    draft = new_draft_from(published)
    draft.question("a").label_nl = "Nieuwe vraag"
    db.session.commit()
    assert (draft.number, draft.status, draft.based_on) == (2, "draft", published)
    assert published.question("a").label_nl == "Vraag a"
    assert {q.code for q in draft.questions} == {q.code for q in published.questions}
    assert draft.question("a").id != published.question("a").id


def test_codes_are_unique_within_a_version():
    version = store_definition(definition(q("a", "text")))
    db.session.add(Question(version=version, section=version.sections[0], code="a", type="integer",
                            label_nl="A", label_en="A", position=5))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_same_code_in_two_versions_is_fine(published):
    new_draft_from(published)
    db.session.commit()


@pytest.mark.parametrize("values", [
    {"type": "reference_one"},                                   # picker without a list
    {"type": "text", "reference": "country"},                    # list on a text
    {"type": "text", "inventory": "activity"},                   # inventory on a question
    {"type": "repeat", "required": True},
    {"type": "integer", "min_value": 5, "max_value": 1},
    {"type": "repeat", "min_repeat": 3, "max_repeat": 2},
    {"type": "text", "inventory_field": "title"},                # field outside a repeat
    {"type": "slider"},
])
def test_question_constraints(values):
    version = store_definition(definition(q("a", "text")))
    db.session.add(Question(version=version, section=version.sections[0], code="b", label_nl="B", label_en="B",
                            position=1, **values))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
