"""The end of a returned response's extra time, and what another organisation cannot
reach by changing an id in a URL. (The progress over the sections: test_progress.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import reviewing, services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Activity, Response
from imvo_survey.rounds.services import close_round

from .. import factories
from ..answering import ACTIVITY, add_activity, answer_required, base_of, lock_of, page_text, stored_response

# --- a returned response ------------------------------------------------------------

def test_a_returned_response_closes_again_after_its_date(app, invited):
    invitation, _token = invited
    user = factories.make_user("respondent", email="terug@example.org", organisation=invitation.organisation)
    actor = Actor(user=user)
    response = services.start(invitation, actor)
    answer_required(response, actor)
    assert services.submit(response, actor) == []
    until = invitation.round.closes_at + timedelta(days=10)
    reviewing.return_for_clarification(response, "Klopt het aantal leden?", until, factories.make_user("secretariat"))
    close_round(invitation.round)
    db.session.commit()
    client = app.test_client()
    url = f"/respond/{invitation.id}/section/profile"

    with time_machine.travel(until - timedelta(days=1)):
        client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
        page = page_text(client.get(url))
        assert "Klopt het aantal leden?" in page and "data-autosave-url" in page
        saved = client.post(url, data={"lock_version": lock_of(page), "base": base_of(page), "member_count": "125"})
        assert saved.status_code == 302
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 125

    with time_machine.travel(until + timedelta(hours=1)):
        client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD})
        page = page_text(client.get(url))
        assert "kunnen niet meer worden gewijzigd" in page and "data-autosave-url" not in page
        refused = client.post(url, data={"lock_version": str(stored_response(invitation).lock_version),
                                         "member_count": "130"})
        shown = page_text(refused)
        assert refused.status_code == 403 and 'value="130"' in shown
        assert "kunnen niet meer worden gewijzigd" in shown
        entry = client.post(f"/respond/{invitation.id}/entries/activity/new",
                            data={**ACTIVITY, "activity_aspects__present": "1"})
        assert entry.status_code == 403 and 'value="Gedragscode koffie"' in page_text(entry)
        assert not services.editable(stored_response(invitation), actor)
    _layout, doc = services.document_of(stored_response(invitation))
    assert doc.answers["member_count"] == 125 and doc.entries["activity"] == []


# --- another organisation's data --------------------------------------------------

@pytest.fixture
def other_activity(invited):
    """(other invitation, key) of another organisation's response with an activity carried over."""
    invitation, _token = invited
    other = factories.make_invitation(invitation.round, status="invited")
    response = services.start(other, Actor())
    key = add_activity(response, Actor(contact=other.organisation.contacts[0]), activity_title="Geheim")
    db.session.scalar(select(Activity).where(Activity.response_id == response.id)).carry_status = "carried"
    db.session.commit()
    return other, key


def _other_entry(other) -> tuple:
    db.session.expire_all()
    row = db.session.scalar(select(Activity).join(Response).where(Response.invitation_id == other.id))
    return row.title, row.carry_status, row.member_share


def test_another_organisations_entry_keys_are_refused(started_client, invited, other_activity):
    invitation, _token = invited
    other, key = other_activity
    before = _other_entry(other)
    base = f"/respond/{invitation.id}/entries/activity/{key}"
    for url in (base, f"{base}/remove"):
        result = started_client.get(url)
        assert result.status_code == 404 and "Geheim" not in page_text(result), url
    changed = started_client.post(base, data={**ACTIVITY, "activity_title": "Overschreven",
                                              "activity_aspects__present": "1", "lock_version": "1"})
    assert "Geheim" not in page_text(changed)
    started_client.post(f"{base}/remove", data={"lock_version": "1"})
    started_client.post(f"{base}/carry", data={"status": "ended"})
    # Through the section page's buttons too
    section_url = f"/respond/{invitation.id}/section/activities"
    page = page_text(started_client.get(section_url))
    started_client.post(section_url, data={"lock_version": lock_of(page), "base": base_of(page),
                                           "go_to": f"carry:continued:activity:{key}"})
    assert _other_entry(other) == before
    own = stored_response(invitation)
    _layout, doc = services.document_of(own)
    assert all(entry.values["activity_title"] != "Geheim" for entry in doc.entries["activity"])


def test_another_logged_in_organisation_cannot_download_the_pdf(respondent_client, started_client, invited):
    invitation, _token = invited
    assert started_client.get(f"/respond/{invitation.id}/copy.pdf").status_code == 200
    for url in (f"/respond/{invitation.id}/copy.pdf", f"/respond/{invitation.id}/copy",
                f"/respond/{invitation.id}/workbook.xlsx"):
        result = respondent_client.get(url)
        assert result.status_code == 404 and not result.data.startswith(b"%PDF"), url
