"""Starting from last year's answers when the questionnaire has changed since (codes
renamed or dropped, choices removed), and the web path: start with last year's answers,
then confirm each carried-over activity as continued, changed or ended."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.deadlines import response_for
from imvo_survey.extensions import db
from imvo_survey.models import Activity, Response
from imvo_survey.questionnaires.services import definition_of, publish, store_definition
from imvo_survey.rounds.services import close_round, issue_token

from .. import factories
from ..answering import add_activity, answer_required, base_of, lock_of, page_text


def _last_year(invitation) -> Response:
    """A submitted response to the first round, with answers the new version changes."""
    actor = Actor(contact=invitation.organisation.contacts[0])
    response = services.start(invitation, actor)
    answer_required(response, actor)
    services.save_section(response, "profile", {"member_count": "120", "member_count_mkb": "80",
                                                "main_import_countries": ["CI"]}, None, response.lock_version, actor)
    services.save_section(response, "sector_policy", {"frameworks": ["oecd_guidelines", "un_global_compact"]},
                          None, response.lock_version, actor)
    services.save_section(response, "complaint_mechanism", {"complaint_mechanism_exists": "yes",
                                                            "complaint_mechanism_type": "external_body"},
                          None, response.lock_version, actor)
    add_activity(response, actor)
    assert services.submit(response, actor) == []
    close_round(invitation.round)
    db.session.commit()
    return response


def _changed_version(version):
    """The next version: member_count_mkb renamed, main_import_countries dropped, the
    choices un_global_compact and external_body removed, the activity title renamed."""
    definition = copy.deepcopy(definition_of(version))
    questions = {q["code"]: q for s in definition["sections"] for q in s["questions"]}
    questions["member_count_mkb"]["code"] = "mkb_members"
    profile = next(s for s in definition["sections"] if s["code"] == "profile")
    profile["questions"] = [q for q in profile["questions"] if q["code"] != "main_import_countries"]
    frameworks = questions["frameworks"]
    frameworks["choices"] = [c for c in frameworks["choices"] if c["code"] != "un_global_compact"]
    kinds = questions["complaint_mechanism_type"]
    kinds["choices"] = [c for c in kinds["choices"] if c["code"] != "external_body"]
    title = next(c for c in questions["activity"]["questions"] if c["code"] == "activity_title")
    title["code"] = "activity_name"
    new = store_definition(definition, based_on=version)
    publish(new, None)
    return new


@pytest.fixture
def next_year(invited):
    """(invitation of next year's round on a changed version, token, now, last year's response)."""
    invitation, _token = invited
    last_year = _last_year(invitation)
    now = invitation.round.closes_at + timedelta(days=200)
    association = _changed_version(last_year.version)
    new_round = factories.make_round(name="IMVO 2011", slug="imvo-2011", year=2011, association=association,
                                     opens_at=now - timedelta(days=1), closes_at=now + timedelta(days=30))
    new_invitation = factories.make_invitation(new_round, invitation.organisation, status="invited")
    token = issue_token(new_invitation, invitation.organisation.contacts[0])
    db.session.commit()
    with time_machine.travel(now, tick=False):
        yield new_invitation, token, last_year


def test_answers_are_carried_into_a_changed_version_by_code(next_year):
    invitation, _token, last_year = next_year
    actor = Actor(contact=invitation.organisation.contacts[0])
    assert services.previous_response(invitation).id == last_year.id
    response = services.start(invitation, actor, carry_from=last_year)
    assert response.version_id != last_year.version_id
    _layout, doc = services.document_of(response)
    assert doc.answers["member_count"] == 120  # same code
    assert "mkb_members" not in doc.answers  # a renamed code is a new question: not guessed
    assert "main_import_countries" not in doc.answers  # dropped
    assert doc.answers["frameworks"] == ["oecd_guidelines"]  # the removed choice goes
    assert doc.answers["complaint_mechanism_exists"] == "yes"
    assert "complaint_mechanism_type" not in doc.answers  # its only choice was removed
    [activity] = doc.entries["activity"]
    # Bound to the inventory: matched by field, whatever the code is called now.
    assert activity.values["activity_name"] == "Gedragscode koffie" and activity.carry_status == "carried"


@pytest.mark.parametrize("status", ["continued", "changed", "ended"])
def test_start_from_last_year_on_the_web_and_confirm_each_activity(app, next_year, status):
    invitation, token, _last_year = next_year
    client = app.test_client()
    client.get(f"/i/{token}")
    overview = page_text(client.get(f"/respond/{invitation.id}"))
    assert 'name="from_previous"' in overview
    started = client.post(f"/respond/{invitation.id}/start", data={"from_previous": "yes"})
    assert started.status_code == 302
    section_url = f"/respond/{invitation.id}/section/activities"
    page = page_text(client.get(section_url))
    row = db.session.scalar(select(Activity).join(Response).where(Response.invitation_id == invitation.id))
    key = f"activity:{row.id}"
    for choice in ("continued", "changed", "ended"):
        assert f'value="carry:{choice}:activity:{key}"' in page
    result = client.post(section_url, data={"lock_version": lock_of(page), "base": base_of(page),
                                            "go_to": f"carry:{status}:activity:{key}"})
    db.session.expire_all()
    assert db.session.get(Activity, row.id).carry_status == status
    if status == "changed":
        # Changed: straight on to the activity's form, to say what changed.
        assert result.location == f"/respond/{invitation.id}/entries/activity/{key}"
    else:
        assert result.location.startswith(section_url)
        again = page_text(client.get(section_url))
        assert f'value="carry:{status}:activity:{key}"' not in again


def _spoken(html: str) -> str:
    """A button's text as a screen reader reads it: visually hidden text included."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_each_carried_activitys_buttons_name_it_to_a_screen_reader(app, next_year):
    invitation, token, _last_year = next_year
    client = app.test_client()
    client.get(f"/i/{token}")
    client.post(f"/respond/{invitation.id}/start", data={"from_previous": "yes"})
    page = page_text(client.get(f"/respond/{invitation.id}/section/activities"))
    buttons = re.findall(r'<button type="submit" name="go_to" value="(\w+):[^"]*" class="link-button">(.*?)</button>',
                         page, re.S)
    assert [_spoken(text) for _kind, text in buttons] == [
        "Wijzigen Gedragscode koffie", "Verwijderen Gedragscode koffie", "Doorgegaan: Gedragscode koffie",
        "Gewijzigd: Gedragscode koffie", "Beëindigd: Gedragscode koffie"]


def test_without_last_years_answers_nothing_is_carried(app, next_year):
    invitation, token, _last_year = next_year
    client = app.test_client()
    client.get(f"/i/{token}")
    client.post(f"/respond/{invitation.id}/start", data={"from_previous": "no"})
    _layout, doc = services.document_of(response_for(invitation))
    assert doc.answers == {} and doc.entries["activity"] == []


def test_carried_over_answers_still_need_a_look(app, next_year):
    """Answers from last year fill sections, but none is done before it has been saved."""
    invitation, token, _last_year = next_year
    client = app.test_client()
    client.get(f"/i/{token}")
    client.post(f"/respond/{invitation.id}/start", data={"from_previous": "yes"})
    html = page_text(client.get(f"/respond/{invitation.id}"))
    states = dict((code, state) for state, code in
                  re.findall(r'<li class="progress-(\w+)">\s*<a href="/respond/\d+/section/(\w+)"', html))
    assert states["sector_policy"] == "unseen" and states["complaint_mechanism"] == "unseen"
    assert states["activities"] == "errors"  # the carried activity waits for its confirmation
    assert "done" not in states.values()
