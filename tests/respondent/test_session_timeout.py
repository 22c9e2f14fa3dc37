"""A respondent's session ends after two idle hours, logged in or by an invitation link,
and what they were saving then is not lost: it comes back after logging in again or
opening the link again."""

from __future__ import annotations

from datetime import timedelta

import time_machine

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import utcnow

from .. import factories
from ..answering import base_of, lock_of, page_text, stored_response

RESTORED = "is weer terug in het formulier"


def _later(minutes: float):
    return time_machine.travel(utcnow() + timedelta(minutes=minutes), tick=False)


def test_a_save_after_the_idle_timeout_comes_back_after_logging_in(app, invited):
    invitation, _token = invited
    user = factories.make_user("respondent", email="traag@example.org", organisation=invitation.organisation)
    services.start(invitation, Actor(user=user))
    db.session.commit()
    client = app.test_client()
    client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD, "remember": "y"})
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(client.get(url))
    with _later(121):  # two hours on one page, then Save
        result = client.post(url, data={"lock_version": lock_of(page), "base": base_of(page), "member_count": "88"})
        assert result.status_code == 302 and "/auth/login" in result.location
        login_page = page_text(client.get(result.location))
        assert "na 120 minuten zonder activiteit uitgelogd" in login_page
        login = client.post(result.location, data={"email": user.email, "password": factories.PASSWORD})
        assert login.location == url
        restored = page_text(client.get(url))
    assert 'value="88"' in restored and RESTORED in restored
    _layout, doc = services.document_of(stored_response(invitation))
    assert "member_count" not in doc.answers  # kept, not saved behind their back


def test_an_idle_invitation_session_ends_and_the_link_brings_the_save_back(app, started_client, invited):
    invitation, token = invited
    url = f"/respond/{invitation.id}/section/profile"
    page = page_text(started_client.get(url))
    copy = app.test_client()
    copy.set_cookie("session", started_client.get_cookie("session").value)
    with _later(119):
        assert started_client.get(url).status_code == 200  # activity within the limit keeps it open
    with _later(119 + 121):
        assert copy.get(url).status_code == 302  # the copy was idle for four hours
        result = started_client.post(url, data={"lock_version": lock_of(page), "base": base_of(page),
                                                "member_count": "99"})
        assert result.status_code == 302 and "/auth/login" in result.location
        assert "Open de link in uw e-mail opnieuw" in page_text(started_client.get(result.location))
        assert started_client.get(url).status_code == 302  # closed until the link is opened again
        started_client.get(f"/i/{token}")
        restored = page_text(started_client.get(url))
    assert 'value="99"' in restored and RESTORED in restored


def test_a_busy_invitation_session_stays_open(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/profile"
    for hours in range(1, 6):
        with _later(hours * 60):
            assert started_client.get(url).status_code == 200
