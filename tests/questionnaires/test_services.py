"""Storing definitions, the shipped questionnaires, publication and comparison."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Questionnaire
from imvo_survey.questionnaires.definition import load_json, walk
from imvo_survey.questionnaires.services import (
    DefinitionError,
    compare,
    definition_of,
    find_version,
    new_draft_from,
    publish,
    store_definition,
)
from imvo_survey.seed import QUESTIONNAIRE_DIR, seed_questionnaires

from .helpers import activity_repeat, choices, definition, q


def test_store_and_read_back_every_kind_of_question():
    d = definition(
        q("t", "text", hint={"nl": "Hulp", "en": "Help"}, validation={"max_length": 50, "pattern": "^[A-Z]+$",
                                                                       "message": {"nl": "Hoofdletters", "en": "Caps"}}),
        q("l", "long_text", validation={"max_length": 4000}),
        q("i", "integer", required=True, validation={"min": 0}),
        q("d", "decimal", validation={"min": 0.5, "max": 9.5}),
        q("p", "percentage"), q("y", "year"), q("dt", "date"), q("yn", "yes_no"),
        q("s", "single_choice", choices=choices("a", "b"), list_name="shared"),
        q("m", "multiple_choice", choices=choices("a", "b", "c"), show_if={"op": "equals", "question": "s",
                                                                             "value": "a"}),
        q("sc", "scale", scale={"min_label": {"nl": "Laag", "en": "Low"}, "max_label": {"nl": "Hoog", "en": "High"}}),
        q("r1", "reference_one", reference="sector"), q("rm", "reference_many", reference="country"),
        activity_repeat(),
    )
    d["questionnaire"]["description"] = {"nl": "Omschrijving", "en": "Description"}
    d["sections"][0]["intro"] = {"nl": "Inleiding", "en": ""}
    version = store_definition(d)
    db.session.commit()
    assert definition_of(version) == d


def test_new_versions_of_an_existing_questionnaire_are_numbered():
    first = store_definition(definition(q("a", "text")))
    second = store_definition(definition(q("a", "text"), q("b", "text")))
    assert (first.number, second.number) == (1, 2)
    assert first.questionnaire is second.questionnaire


def test_the_audience_cannot_change_through_an_import():
    store_definition(definition(q("a", "text"), audience="company"))
    with pytest.raises(DefinitionError, match="andere doelgroep"):
        store_definition(definition(q("a", "text"), audience="association"))


def test_publish_refuses_with_the_problems_and_keeps_the_draft():
    version = store_definition(definition(q("b", "text", show_if={"op": "answered", "question": "a"}),
                                          q("a", "text")))
    with pytest.raises(DefinitionError) as error:
        publish(version, None)
    assert [p.code for p in error.value.problems] == ["b"]
    assert version.status == "draft"


@pytest.mark.parametrize("code", ["imvo-associations", "imvo-companies"])
def test_shipped_questionnaires_are_valid_and_bound_to_the_inventory(code):
    definition_, found = load_json((QUESTIONNAIRE_DIR / f"{code}.json").read_bytes())
    assert found == []
    repeats = {item["inventory"]: item for _s, item, _p in walk(definition_) if item.get("inventory")}
    assert set(repeats) == {"activity", "dilemma", "bottleneck"}
    fields = {child["inventory_field"] for child in repeats["activity"]["questions"]}
    assert {"title", "activity_type", "aspects", "countries", "product_groups", "partners", "channels",
            "publish_consent"} <= fields
    assert ("member_share" in fields) is (code == "imvo-associations")


def test_seed_publishes_both_as_version_1_once():
    report = seed_questionnaires()
    db.session.commit()
    assert report.created == {"questionnaire": 2}
    for code, audience in (("imvo-associations", "association"), ("imvo-companies", "company")):
        version = find_version(code, published_only=True)
        assert (version.number, version.status, version.questionnaire.audience) == (1, "published", audience)
    assert not seed_questionnaires().changed
    assert len(db.session.scalars(select(Questionnaire)).all()) == 2


def test_compare_versions():
    old = store_definition(definition(q("a", "text"), q("b", "yes_no"), q("c", "integer")))
    new = store_definition(definition(q("a", "text"), q("b", "yes_no", required=True),
                                      q("d", "single_choice", choices=choices("x", "y"))))
    diff = compare(old, new)
    assert [item["code"] for item in diff.added] == ["d"]
    assert [item["code"] for item in diff.removed] == ["c"]
    assert [(item["code"], changes) for _old, item, changes in diff.changed] == [("b", ["required"])]
    assert compare(new, new_draft_from(new)).is_empty
