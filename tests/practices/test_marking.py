"""The consent rules: only consented activities can be marked, a withdrawal takes the
practice off the public page at once, and the name shows only with the name consent."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Activity, GoodPractice, ResponseEvent
from imvo_survey.practices.services import PracticeError, mark, set_consent

from .. import factories
from ..analysis.builders import respond
from .world import build, name_consent


def _public_texts(client) -> list[str]:
    return [item["text"] for item in client.get("/openbaar/praktijken.json").get_json()["practices"]]


def _activity(response, position: int = 1) -> Activity:
    return next(a for a in response.activities if a.position == position)


def test_an_activity_without_consent_cannot_be_marked(app):
    world = build()
    with pytest.raises(PracticeError):
        mark(_activity(world["coffee"], 2), "Mag niet.", None)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(GoodPractice)) == 3


def test_an_activity_of_a_response_in_progress_cannot_be_marked(app):
    world = build()
    with pytest.raises(PracticeError):
        mark(_activity(world["busy"]), "Nog niet.", None)


def test_the_secretariat_marks_and_edits_through_the_page(secretariat_client):
    world = build()
    activity = _activity(world["coffee"], 2)
    refused = secretariat_client.post(f"/praktijken/activiteiten/{activity.id}", data={"public_text": "Geheim"})
    assert refused.status_code == 200 and "Geheim" not in _public_texts(secretariat_client)
    assert db.session.scalar(select(GoodPractice).where(GoodPractice.activity_id == activity.id)) is None

    marked = _activity(world["coffee"])
    page = secretariat_client.get(f"/praktijken/activiteiten/{marked.id}").get_data(as_text=True)
    assert "Leden kopen cacao met keurmerk" in page  # the form shows the current text
    answer = secretariat_client.post(f"/praktijken/activiteiten/{marked.id}", data={"public_text": "  Nieuwe tekst.  "})
    assert answer.status_code == 302
    assert "Nieuwe tekst." in _public_texts(secretariat_client)
    empty = secretariat_client.post(f"/praktijken/activiteiten/{marked.id}", data={"public_text": "  "})
    assert empty.status_code == 400 and "Nieuwe tekst." in _public_texts(secretariat_client)


def test_the_secretariat_stops_publishing(secretariat_client):
    world = build()
    activity = _activity(world["coffee"])
    assert secretariat_client.post(f"/praktijken/activiteiten/{activity.id}/verwijderen").status_code == 302
    assert not any("cacao" in text for text in _public_texts(secretariat_client))


def test_withdrawing_consent_removes_the_practice_at_once(client):
    world = build()
    assert any("cacao" in text for text in _public_texts(client))
    _activity(world["coffee"]).publish_consent = False
    db.session.commit()
    assert not any("cacao" in text for text in _public_texts(client))
    assert "cacao" not in client.get("/openbaar/praktijken").get_data(as_text=True)
    assert "cacao" not in client.get("/openbaar/praktijken.atom").get_data(as_text=True)


def test_the_name_shows_only_with_the_name_consent(client):
    world = build()
    by_text = {item["text"]: item for item in client.get("/openbaar/praktijken.json").get_json()["practices"]}
    assert by_text["Leden kopen cacao met keurmerk en controleren hun ketens."]["organisation"] == "Koffie Vereniging"
    assert by_text["Een jaarlijkse audit van het waterverbruik bij toeleveranciers."]["organisation"] is None
    for url in ("/openbaar/praktijken", "/openbaar/praktijken.json", "/openbaar/praktijken.atom"):
        body = client.get(url).get_data(as_text=True)
        assert "Koffie Vereniging" in body and "Stille Energie" not in body, url
    name_consent(world["coffee"], False)
    db.session.commit()
    for url in ("/openbaar/praktijken", "/openbaar/praktijken.json", "/openbaar/praktijken.atom"):
        assert "Koffie Vereniging" not in client.get(url).get_data(as_text=True), url


def test_a_response_not_handed_in_is_not_public(client):
    build()
    assert "Nog niet af." not in _public_texts(client)


def test_the_respondent_withdraws_consent_after_submission(app, respondent_client, respondent):
    round = factories.make_round()
    response = respond(round, respondent.organisation, [
        {"title": "Eigen project", "aspects": ["wages"], "consent": True},
        {"title": "Tweede project", "aspects": ["water"], "consent": True}])
    name_consent(response, True)
    mark(_activity(response), "Een eigen goed voorbeeld.", None)
    db.session.commit()
    url = f"/respond/{response.invitation_id}/toestemming"
    overview = respondent_client.get(f"/respond/{response.invitation_id}").get_data(as_text=True)
    assert url in overview
    page = respondent_client.get(url).get_data(as_text=True)
    assert "Eigen project" in page and '<input checked id="name" name="name" type="checkbox"' in page
    assert "Eigen Brancheorganisatie" in respondent_client.get("/openbaar/praktijken.json").get_data(as_text=True)

    second = _activity(response, 2)
    answer = respondent_client.post(url, data={"activity": [str(second.id)]})
    assert answer.status_code == 302
    db.session.expire_all()
    assert [a.publish_consent for a in response.activities] == [False, True]
    assert _public_texts(respondent_client) == []
    assert response.lock_version == 2  # an older questionnaire page cannot save the consent back
    event = db.session.scalar(select(ResponseEvent).where(ResponseEvent.kind == "consent_changed"))
    assert {change["code"] for change in event.changes} == {"publish_name_consent", "publish_consent"}


def test_another_organisations_activity_ids_are_ignored(app, respondent_client, respondent):
    world = build()
    round = factories.make_round()
    own = respond(round, respondent.organisation, [{"title": "Eigen", "aspects": ["wages"], "consent": False}])
    db.session.commit()
    other = _activity(world["coffee"], 2)
    respondent_client.post(f"/respond/{own.invitation_id}/toestemming", data={"activity": [str(other.id)]})
    db.session.expire_all()
    assert other.publish_consent is False


def test_the_review_page_and_the_drill_down_link_to_marking(secretariat_client, analyst_client):
    world = build()
    activity = _activity(world["coffee"])
    link = f"/praktijken/activiteiten/{activity.id}"
    review = secretariat_client.get(f"/review/responses/{world['coffee'].id}").get_data(as_text=True)
    assert link in review and f"/praktijken/activiteiten/{_activity(world['coffee'], 2).id}\"" not in review
    cell = f"/matrix/{world['round'].slug}/cell?row=voedsel_drank&column=child_labour"
    assert link in secretariat_client.get(cell).get_data(as_text=True)
    assert link not in analyst_client.get(cell).get_data(as_text=True)


def test_a_consent_change_shows_in_the_audit_trail(secretariat_client, secretariat):
    world = build()
    set_consent(world["coffee"], False, {}, Actor(user=secretariat))
    db.session.commit()
    page = secretariat_client.get(f"/review/responses/{world['coffee'].id}").get_data(as_text=True)
    assert "Toestemming voor publicatie gewijzigd" in page
    assert not any("cacao" in text for text in _public_texts(secretariat_client))


def test_a_text_of_control_characters_only_is_refused(app):
    world = build()
    with pytest.raises(PracticeError):
        mark(_activity(world["coffee"]), "\x00\x01 ", None)


def test_the_page_refuses_a_text_of_control_characters_at_the_field(secretariat_client):
    world = build()
    activity = _activity(world["coffee"])
    answer = secretariat_client.post(f"/praktijken/activiteiten/{activity.id}", data={"public_text": "\x00\x01"})
    assert answer.status_code == 400 and "Schrijf de openbare tekst." in answer.get_data(as_text=True)
