"""The respondent's pages: sections, entries, conflicts, submitting, and nothing typed
being lost (errors, an expired form token, an ended login, two hours on one page)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Activity, utcnow
from imvo_survey.rounds.services import close_round

from .. import factories
from ..answering import ACTIVITY, base_of, lock_of, page_text, stored_response


def test_overview_offers_to_start_with_a_time_estimate(link_client, invited):
    invitation, _token = invited
    page = page_text(link_client.get(f"/respond/{invitation.id}"))
    assert "Vereniging Koffie" in page and "minuten" in page and "Start de vragenlijst" in page
    response = link_client.post(f"/respond/{invitation.id}/start")
    assert response.location == f"/respond/{invitation.id}/section/profile"


def test_save_a_section_and_find_the_answers_back(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(started_client.get(url))
    assert "Hoeveel bedrijven zijn lid van uw organisatie?" in page
    response = started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page),
                                              "member_count": "120", "main_import_countries": ["CI", "BR"],
                                              "main_import_countries__present": "1", "go_to": "sector_policy"})
    assert response.location == f"/respond/{invitation.id}/section/sector_policy"
    again = page_text(started_client.get(url))
    assert 'value="120"' in again
    assert re.search(r'<option selected value="CI">|<option value="CI" selected', again)


def test_errors_keep_what_was_typed_and_point_at_the_field(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(started_client.get(url))
    response = started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page),
                                              "member_count": "150", "member_count_mkb": "honderd"})
    html = page_text(response)
    assert response.status_code == 422
    assert 'href="#member_count_mkb"' in html and 'value="honderd"' in html
    assert "Vul een geheel getal in" in html
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 150  # the valid answer was saved


def test_conditions_work_without_javascript(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/sector_policy"
    page = page_text(started_client.get(url))
    assert re.search(r'id="q-frameworks_other"[^>]*hidden', page)
    started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page), "frameworks": ["other"],
                                   "frameworks__present": "1"})
    page = page_text(started_client.get(url))
    assert not re.search(r'id="q-frameworks_other"[^>]*hidden', page)


def test_add_change_and_remove_an_activity_without_javascript(started_client, invited):
    invitation, _token = invited
    section_url = f"/respond/{invitation.id}/section/activities"
    page = page_text(started_client.get(section_url))
    # "Add an entry" saves the page first, then opens the entry form
    response = started_client.post(section_url, data={"lock_version": lock_of(page), "base": base_of(page),
                                                      "go_to": "new:activity"})
    assert response.location == f"/respond/{invitation.id}/entries/activity/new"
    entry_page = page_text(started_client.get(response.location))
    data = {key: value for key, value in ACTIVITY.items()}
    data.update(lock_version=lock_of(entry_page), base=base_of(entry_page), activity_aspects__present="1",
                activity_countries__present="1")
    response = started_client.post(f"/respond/{invitation.id}/entries/activity/new", data=data)
    activity = db.session.scalar(select(Activity))
    assert response.location.startswith(section_url) and activity.title == "Gedragscode koffie"
    assert "Gedragscode koffie" in page_text(started_client.get(section_url))
    key = f"activity:{activity.id}"
    edit_url = f"/respond/{invitation.id}/entries/activity/{key}"
    entry_page = page_text(started_client.get(edit_url))
    assert 'value="Gedragscode koffie"' in entry_page
    data.update(activity_title="Audits cacao", lock_version=lock_of(entry_page), base=base_of(entry_page))
    started_client.post(edit_url, data=data)
    db.session.expire_all()
    assert db.session.scalar(select(Activity.title)) == "Audits cacao"
    confirm = page_text(started_client.get(f"{edit_url}/remove"))
    assert "Audits cacao" in confirm
    started_client.post(f"{edit_url}/remove", data={"lock_version": lock_of(confirm), "base": base_of(confirm)})
    assert db.session.scalar(select(Activity)) is None


def test_an_incomplete_entry_is_not_saved_and_keeps_the_input(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/entries/activity/new"
    page = page_text(started_client.get(url))
    response = started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page),
                                              "activity_title": "Half af", "activity_member_share": "150"})
    html = page_text(response)
    assert response.status_code == 422 and 'value="Half af"' in html
    assert 'href="#activity_type"' in html and 'href="#activity_member_share"' in html
    assert db.session.scalar(select(Activity)) is None


def test_two_people_at_once_get_a_conflict_page(app, started_client, invited):
    invitation, _token = invited
    colleague_user = factories.make_user("respondent", email="collega@example.org", organisation=invitation.organisation)
    db.session.commit()
    colleague = app.test_client()
    colleague.post("/auth/login", data={"email": colleague_user.email, "password": factories.PASSWORD})
    url = f"/respond/{invitation.id}/section/profile"
    mine = page_text(started_client.get(url))
    theirs = page_text(colleague.get(url))
    colleague.post(url, data={"lock_version": lock_of(theirs), "base": base_of(theirs), "member_count": "200",
                              "member_count_mkb": "150"})
    response = started_client.post(url, data={"lock_version": lock_of(mine), "base": base_of(mine),
                                              "member_count": "180"})
    html = page_text(response)
    assert response.status_code == 409
    assert "180" in html and "200" in html and 'name="choice_member_count"' in html
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 200  # nothing overwritten silently
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields = {k: v.replace("&#34;", '"') for k, v in fields.items()}
    fields["choice_member_count"] = "mine"
    started_client.post(url, data=fields)
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 180 and doc.answers["member_count_mkb"] == 150  # theirs kept


@pytest.mark.usefixtures("started_client")
def test_choices_on_a_conflict_page_are_shown_again_when_the_save_is_refused(app, invited):
    """The conflict page's form holds the answers only as JSON: a refusal (the answers
    closed meanwhile) shows them in the section's fields, not the stored values."""
    invitation, _token = invited
    me_user = factories.make_user("respondent", email="ik@example.org", organisation=invitation.organisation)
    colleague_user = factories.make_user("respondent", email="collega@example.org", organisation=invitation.organisation)
    db.session.commit()
    me, colleague = app.test_client(), app.test_client()
    me.post("/auth/login", data={"email": me_user.email, "password": factories.PASSWORD})  # a link would expire
    colleague.post("/auth/login", data={"email": colleague_user.email, "password": factories.PASSWORD})
    url = f"/respond/{invitation.id}/section/profile"
    mine = page_text(me.get(url))
    theirs = page_text(colleague.get(url))
    colleague.post(url, data={"lock_version": lock_of(theirs), "base": base_of(theirs), "member_count": "200"})
    conflict = page_text(me.post(url, data={"lock_version": lock_of(mine), "base": base_of(mine),
                                                          "member_count": "180"}))
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', conflict))
    fields = {k: v.replace("&#34;", '"') for k, v in fields.items()}
    fields["choice_member_count"] = "mine"
    invitation.round.closes_at = utcnow() - timedelta(minutes=1)  # the deadline passed meanwhile
    close_round(invitation.round)
    db.session.commit()

    refused = me.post(url, data=fields)
    assert refused.status_code == 403 and 'value="180"' in page_text(refused)
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 200


def test_submit_shows_what_is_missing_then_locks_and_mails_a_copy(started_client, invited, mail_folder):
    invitation, _token = invited
    summary = page_text(started_client.get(f"/respond/{invitation.id}/summary"))
    assert "voordat u kunt indienen" in summary and f"/respond/{invitation.id}/section/profile#q-member_count" in summary
    response = stored_response(invitation)
    actor = Actor(contact=invitation.organisation.contacts[0])
    from ..answering import answer_required

    answer_required(response, actor)
    db.session.commit()
    done = started_client.post(f"/respond/{invitation.id}/submit")
    assert done.location == f"/respond/{invitation.id}/submitted"
    assert "ingediend" in page_text(started_client.get(done.location))
    assert stored_response(invitation).status == "submitted"
    [message] = [m for m in mail_folder() if m["To"] == "anna@example.org"]
    assert "Vereniging Koffie" in message["Subject"]
    assert "120" in message.get_body(preferencelist=("plain",)).get_content()
    page = page_text(started_client.get(f"/respond/{invitation.id}/section/profile"))
    assert "kunnen niet meer worden gewijzigd" in page and "data-autosave-url" not in page
    refused = started_client.post(f"/respond/{invitation.id}/section/profile", data={"member_count": "1"})
    # Refused, but what was typed is shown again (to copy), not thrown away.
    assert refused.status_code == 403 and 'value="1"' in page_text(refused)
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 120


def test_printable_copy_and_pdf(started_client, invited):
    invitation, _token = invited
    assert "Vereniging Koffie" in page_text(started_client.get(f"/respond/{invitation.id}/copy"))
    pdf = started_client.get(f"/respond/{invitation.id}/copy.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    blank = page_text(started_client.get(f"/respond/{invitation.id}/blank"))
    assert "Hoeveel bedrijven zijn lid" in blank


def test_an_expired_form_token_keeps_everything_typed(make_app, invited):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    invitation, token = invited
    client.get(f"/i/{token}")
    response = services.start(invitation, Actor())
    db.session.commit()
    url = f"/respond/{invitation.id}/section/profile"
    result = client.post(url, data={"csrf_token": "verlopen", "lock_version": str(response.lock_version),
                                    "member_count": "321"})
    html = page_text(result)
    assert result.status_code == 400 and 'value="321"' in html and "Alles wat u hebt ingevuld staat er nog" in html
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    client.post(url, data={"csrf_token": fresh, "lock_version": lock_of(html), "base": base_of(html),
                           "member_count": "321"})
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 321


def test_a_save_after_the_login_ended_comes_back_after_logging_in(app, invited):
    invitation, _token = invited
    user = factories.make_user("respondent", email="later@example.org", organisation=invitation.organisation)
    response = services.start(invitation, Actor(user=user))
    db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(client.get(url))
    client.post("/auth/logout")  # the login ends while the page is open
    result = client.post(url, data={"lock_version": lock_of(page), "base": base_of(page), "member_count": "77"})
    assert "/auth/login" in result.location
    login = client.post(result.location, data={"email": user.email, "password": factories.PASSWORD})
    assert login.location == url
    restored = page_text(client.get(url))
    assert 'value="77"' in restored and "is weer terug in het formulier" in restored
    _layout, doc = services.document_of(stored_response(invitation))
    assert "member_count" not in doc.answers  # not saved until the person presses Save
    client.post(url, data={"lock_version": lock_of(restored), "base": base_of(restored), "member_count": "77"})
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 77 and response.id


def test_choices_on_a_conflict_page_come_back_after_logging_in_again(app, invited):
    invitation, _token = invited
    user = factories.make_user("respondent", email="later@example.org", organisation=invitation.organisation)
    colleague_user = factories.make_user("respondent", email="collega@example.org", organisation=invitation.organisation)
    services.start(invitation, Actor(user=user))
    db.session.commit()
    me, colleague = app.test_client(), app.test_client()
    me.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
    colleague.post("/auth/login", data={"email": colleague_user.email, "password": factories.PASSWORD})
    url = f"/respond/{invitation.id}/section/profile"
    mine, theirs = page_text(me.get(url)), page_text(colleague.get(url))
    colleague.post(url, data={"lock_version": lock_of(theirs), "base": base_of(theirs), "member_count": "200"})
    conflict = page_text(me.post(url, data={"lock_version": lock_of(mine), "base": base_of(mine),
                                             "member_count": "180"}))
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', conflict))
    fields = {k: v.replace("&#34;", '"') for k, v in fields.items()}
    fields["choice_member_count"] = "mine"
    me.post("/auth/logout")  # the login ends while the conflict page is open
    result = me.post(url, data=fields)
    me.post(result.location, data={"email": user.email, "password": factories.PASSWORD})
    restored = page_text(me.get(url))
    assert 'value="180"' in restored and "is weer terug in het formulier" in restored


def test_two_hours_on_one_page_still_saves(started_client, invited):
    """Almost two hours: the respondent's idle timeout (two hours) has not yet ended the session."""
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(started_client.get(url))
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=55)):
        result = started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page),
                                                "member_count": "88"})
    assert result.status_code == 302
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 88


def _csrf_client(make_app, invited, **settings):
    """A client of an app that checks form tokens (the test app does not), on a started response."""
    app = make_app(WTF_CSRF_ENABLED=True, **settings)
    client = app.test_client()
    invitation, token = invited
    client.get(f"/i/{token}")
    services.start(invitation, Actor())
    db.session.commit()
    return client


def _csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("path", ["section/profile", "entries/activity/new"])
def test_two_hours_on_one_page_still_saves_with_a_real_form_token(make_app, invited, path):
    """The form token of a page opened almost two hours ago is still accepted (Flask-WTF's
    default would refuse it after one hour; after two idle hours the session itself
    ends, see test_session_timeout)."""
    invitation, _token = invited
    client = _csrf_client(make_app, invited)
    url = f"/respond/{invitation.id}/{path}"
    page = page_text(client.get(url))
    data = {"csrf_token": _csrf_token(page), "lock_version": lock_of(page), "base": base_of(page)}
    data.update({"member_count": "88"} if path.startswith("section") else
                {**ACTIVITY, "activity_aspects__present": "1", "activity_countries__present": "1"})
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=55)):
        result = client.post(url, data=data)
    assert result.status_code == 302, page_text(result)
    _layout, doc = services.document_of(stored_response(invitation))
    if path.startswith("section"):
        assert doc.answers["member_count"] == 88
    else:
        assert [entry.values["activity_title"] for entry in doc.entries["activity"]] == ["Gedragscode koffie"]


def test_with_an_hour_limit_the_same_token_would_be_refused(make_app, invited):
    """The check above would catch a lost WTF_CSRF_TIME_LIMIT = None: with Flask-WTF's
    one-hour default the same post is refused (and what was typed is shown again)."""
    invitation, _token = invited
    client = _csrf_client(make_app, invited, WTF_CSRF_TIME_LIMIT=3600)
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(client.get(url))
    with time_machine.travel(utcnow() + timedelta(hours=1, minutes=55)):
        result = client.post(url, data={"csrf_token": _csrf_token(page), "lock_version": lock_of(page),
                                        "base": base_of(page), "member_count": "88"})
    assert result.status_code == 400 and 'value="88"' in page_text(result)


def test_autosave_returns_json(started_client, invited):
    invitation, _token = invited
    page = page_text(started_client.get(f"/respond/{invitation.id}/section/profile"))
    saved = started_client.post(f"/respond/{invitation.id}/section/profile/autosave",
                                data={"lock_version": lock_of(page), "base": base_of(page), "member_count": "55"})
    data = saved.get_json()
    assert data["status"] == "saved" and int(data["lock_version"]) > int(lock_of(page)) and data["saved_at"]
    assert data["base"]["member_count"] == 55
    stale = started_client.post(f"/respond/{invitation.id}/section/profile/autosave",
                                data={"lock_version": lock_of(page), "base": base_of(page), "member_count": "56"})
    assert stale.status_code == 409 and stale.get_json()["status"] == "conflict"


def test_another_organisations_response_cannot_be_reached(app, started_client, invited):
    invitation, _token = invited
    other = factories.make_invitation(invitation.round, status="invited")
    services.start(other, Actor())
    db.session.commit()
    for url in (f"/respond/{other.id}", f"/respond/{other.id}/section/profile", f"/respond/{other.id}/summary",
                f"/respond/{other.id}/entries/activity/new", f"/respond/{other.id}/copy"):
        assert started_client.get(url).status_code == 404, url
    for url in (f"/respond/{other.id}/section/profile", f"/respond/{other.id}/submit",
                f"/respond/{other.id}/entries/activity/new"):
        assert started_client.post(url, data={"member_count": "1"}).status_code == 404, url
    _layout, doc = services.document_of(stored_response(other))
    assert doc.answers == {}


def test_glossary_and_terms_beside_the_questions(started_client, invited):
    invitation, _token = invited
    assert "RJ400" in page_text(started_client.get("/glossary"))
    page = page_text(started_client.get(f"/respond/{invitation.id}/section/reporting"))
    assert "Begrippen op deze pagina" in page and "RJ400" in page


def test_english_labels_when_the_interface_is_english(started_client, invited):
    invitation, _token = invited
    started_client.get("/language/en")
    page = page_text(started_client.get(f"/respond/{invitation.id}/section/profile"))
    assert "How many companies are members of your organisation?" in page or 'lang="en"' in page
