"""Two people changing the same entry (an activity) at once: a stale removal, a change
of an entry someone else removed, and a change of an entry someone else changed. The
rule: nothing typed is lost and nothing is overwritten silently."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.merging import entry_seen
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Activity

from .. import factories
from ..answering import ACTIVITY, add_activity, base_of, hidden_fields, lock_of, page_text, stored_response


@pytest.fixture
def two_people(app, link_client, invited):
    """(me, colleague, invitation, key): two sessions of one organisation on a response
    with one activity."""
    invitation, _token = invited
    link_client.post(f"/respond/{invitation.id}/start")
    colleague_user = factories.make_user("respondent", email="collega@example.org",
                                         organisation=invitation.organisation)
    db.session.commit()
    colleague = app.test_client()
    colleague.post("/auth/login", data={"email": colleague_user.email, "password": factories.PASSWORD})
    key = add_activity(stored_response(invitation), Actor(user=colleague_user))
    db.session.commit()
    return link_client, colleague, invitation, key


def _entry_data(page: str, **changes) -> dict:
    data = {**ACTIVITY, "activity_aspects__present": "1", "activity_countries__present": "1",
            "lock_version": lock_of(page), "base": base_of(page)}
    data.update(changes)
    return data


def _titles() -> list[str]:
    db.session.expire_all()
    return list(db.session.scalars(select(Activity.title).order_by(Activity.id)))


# --- removing on stale data -----------------------------------------------------------

def test_the_remove_question_carries_the_version_and_what_it_showed(two_people):
    me, _colleague, invitation, key = two_people
    page = page_text(me.get(f"/respond/{invitation.id}/entries/activity/{key}/remove"))
    assert lock_of(page) == str(stored_response(invitation).lock_version)
    assert json.loads(base_of(page))["activity_title"] == "Gedragscode koffie"


def test_a_stale_removal_of_a_changed_entry_shows_the_changes_and_removes_nothing(two_people):
    me, colleague, invitation, key = two_people
    remove_url = f"/respond/{invitation.id}/entries/activity/{key}/remove"
    question = page_text(me.get(remove_url))
    edit_url = f"/respond/{invitation.id}/entries/activity/{key}"
    theirs = page_text(colleague.get(edit_url))
    colleague.post(edit_url, data=_entry_data(theirs, activity_title="Audits cacao"))
    assert _titles() == ["Audits cacao"]

    refused = me.post(remove_url, data=hidden_fields(question))
    html = page_text(refused)
    assert refused.status_code == 409
    assert "Gedragscode koffie" in html and "Audits cacao" in html
    assert _titles() == ["Audits cacao"]  # the colleague's change is not thrown away

    # Having seen the change, the person may still remove it: the page now carries the new version.
    assert lock_of(html) == str(stored_response(invitation).lock_version)
    done = me.post(remove_url, data=hidden_fields(html))
    assert done.status_code == 302 and _titles() == []


def test_a_stale_removal_after_changes_elsewhere_still_removes(two_people):
    me, colleague, invitation, key = two_people
    remove_url = f"/respond/{invitation.id}/entries/activity/{key}/remove"
    question = page_text(me.get(remove_url))
    section_url = f"/respond/{invitation.id}/section/profile"
    theirs = page_text(colleague.get(section_url))
    colleague.post(section_url, data={"lock_version": lock_of(theirs), "base": base_of(theirs),
                                      "member_count": "200"})
    done = me.post(remove_url, data=hidden_fields(question))
    assert done.status_code == 302 and _titles() == []
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 200


def test_a_stale_removal_of_a_confirmed_carried_activity_is_asked_again(two_people):
    me, colleague, invitation, key = two_people
    row = db.session.scalar(select(Activity))
    row.carry_status = "carried"
    db.session.commit()
    remove_url = f"/respond/{invitation.id}/entries/activity/{key}/remove"
    question = page_text(me.get(remove_url))
    colleague.post(f"/respond/{invitation.id}/entries/activity/{key}/carry", data={"status": "continued"})
    refused = me.post(remove_url, data=hidden_fields(question))
    assert refused.status_code == 409 and "doorgegaan" in page_text(refused)
    assert _titles() == ["Gedragscode koffie"]


def test_a_removal_without_the_version_is_not_done_blindly(two_people):
    me, colleague, invitation, key = two_people
    edit_url = f"/respond/{invitation.id}/entries/activity/{key}"
    theirs = page_text(colleague.get(edit_url))
    colleague.post(edit_url, data=_entry_data(theirs, activity_title="Audits cacao"))
    refused = me.post(f"{edit_url}/remove")
    assert refused.status_code == 409 and _titles() == ["Audits cacao"]


def test_removing_an_entry_someone_else_already_removed(two_people):
    me, colleague, invitation, key = two_people
    remove_url = f"/respond/{invitation.id}/entries/activity/{key}/remove"
    question = page_text(me.get(remove_url))
    colleague.post(remove_url, data=hidden_fields(page_text(colleague.get(remove_url))))
    done = me.post(remove_url, data=hidden_fields(question))
    assert done.status_code == 302 and _titles() == []


def test_the_service_refuses_a_stale_removal_of_a_changed_entry(two_people):
    _me, _colleague, invitation, key = two_people
    response = stored_response(invitation)
    actor = Actor(contact=invitation.organisation.contacts[0])
    layout, doc = services.document_of(response)
    seen = entry_seen(layout.questions["activity"]["questions"], doc.entry("activity", key))
    stale = response.lock_version
    services.save_entry(response, "activity", key, {**ACTIVITY, "activity_member_share": "60"}, None,
                        response.lock_version, actor)
    result = services.remove_entry(response, "activity", key, actor, stale, seen)
    assert [c.code for c in result.conflicts] == ["activity_member_share"]
    assert result.conflicts[0].mine == 40 and result.conflicts[0].theirs == 60
    assert _titles() == ["Gedragscode koffie"]


# --- changing an entry someone else removed -----------------------------------------

def test_a_change_to_a_removed_entry_keeps_what_was_typed_and_offers_a_new_entry(two_people):
    me, colleague, invitation, key = two_people
    edit_url = f"/respond/{invitation.id}/entries/activity/{key}"
    mine = page_text(me.get(edit_url))
    remove_url = f"{edit_url}/remove"
    colleague.post(remove_url, data=hidden_fields(page_text(colleague.get(remove_url))))

    result = me.post(edit_url, data=_entry_data(mine, activity_title="Mijn nieuwe tekst"))
    html = page_text(result)
    assert result.status_code == 409
    assert 'value="Mijn nieuwe tekst"' in html and 'value="Gedragscode koffie"' not in html
    assert "heeft dit item verwijderd" in html
    new_url = f"/respond/{invitation.id}/entries/activity/new"
    assert f'action="{new_url}"' in html
    assert "Opslaan als nieuw item" in html
    assert _titles() == []

    saved = me.post(new_url, data=_entry_data(html, activity_title="Mijn nieuwe tekst"))
    assert saved.status_code == 302 and _titles() == ["Mijn nieuwe tekst"]


# --- changing an entry someone else changed ------------------------------------------

def _conflicting_edits(two_people):
    me, colleague, invitation, key = two_people
    edit_url = f"/respond/{invitation.id}/entries/activity/{key}"
    mine = page_text(me.get(edit_url))
    theirs = page_text(colleague.get(edit_url))
    colleague.post(edit_url, data=_entry_data(theirs, activity_title="Titel van collega",
                                               activity_member_share="55"))
    result = me.post(edit_url, data=_entry_data(mine, activity_title="Mijn titel", activity_start_year="2019"))
    return me, edit_url, result


def test_a_stale_change_of_an_entry_offers_a_choice_per_field(two_people):
    _me, _edit_url, result = _conflicting_edits(two_people)
    html = page_text(result)
    assert result.status_code == 409
    assert 'name="choice_activity_title"' in html and "Mijn titel" in html and "Titel van collega" in html
    assert 'name="choice_activity_member_share"' not in html  # only I or only they changed it: no question
    assert _titles() == ["Titel van collega"]  # nothing overwritten silently


@pytest.mark.parametrize(("choice", "title"), [("mine", "Mijn titel"), ("theirs", "Titel van collega")])
def test_the_choice_per_field_is_saved_with_both_peoples_other_changes(two_people, choice, title):
    me, edit_url, result = _conflicting_edits(two_people)
    fields = hidden_fields(page_text(result))
    fields["choice_activity_title"] = choice
    saved = me.post(edit_url, data=fields)
    assert saved.status_code == 302
    db.session.expire_all()
    activity = db.session.scalar(select(Activity))
    assert activity.title == title
    assert activity.member_share == 55  # theirs, untouched by me
    assert activity.start_year == 2019  # mine, untouched by them


def test_a_third_change_during_the_choice_is_caught_again(two_people):
    me, edit_url, result = _conflicting_edits(two_people)
    _me, colleague, invitation, key = two_people
    again = page_text(colleague.get(edit_url))
    colleague.post(edit_url, data=_entry_data(again, activity_title="Nog een titel", activity_member_share="55"))
    fields = hidden_fields(page_text(result))
    fields["choice_activity_title"] = "mine"
    second = me.post(edit_url, data=fields)
    assert second.status_code == 409 and "Nog een titel" in page_text(second)
    assert _titles() == ["Nog een titel"]


def test_an_expired_token_on_the_choice_keeps_both_peoples_values(make_app, two_people):
    """The choice page posted with an expired form token: the entry form comes back with
    the resolved values (not the empty form the choice page's post would give)."""
    me, edit_url, result = _conflicting_edits(two_people)
    fields = hidden_fields(page_text(result))
    fields.update(choice_activity_title="mine", csrf_token="verlopen")
    checking = make_app(WTF_CSRF_ENABLED=True).test_client()  # the same session, in an app that checks tokens
    with checking.session_transaction() as session, me.session_transaction() as mine:
        session.update(dict(mine))
    shown = checking.post(edit_url, data=fields)
    html = page_text(shown)
    assert shown.status_code == 400 and 'value="Mijn titel"' in html and 'value="2019"' in html
    assert _titles() == ["Titel van collega"]
