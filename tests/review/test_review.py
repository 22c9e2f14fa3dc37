"""Secretariat review: the responses list, a response in full, returning for
clarification (with its e-mail and new links that work after the round closed),
accepting, internal notes, the audit trail with on-behalf corrections, and who may
see and do what."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import OutboxMessage, Response, utcnow
from imvo_survey.respondent.submit import labels_for
from imvo_survey.review.forms import default_until
from imvo_survey.review.trail import audit_trail
from imvo_survey.rounds.services import issue_token, utc_to_local

from .. import factories
from ..answering import add_activity, answer_required

SLUG = "imvo-2010"
NOTE = "Gebeld met Anna: cijfers volgen"
QUESTION = "Klopt het aandeel van 40 procent?"


@pytest.fixture
def submitted():
    """A submitted response of an association with an English and a Dutch contact."""
    round = factories.make_round(slug=SLUG, name="Inventarisatie IMVO 2010", contact_mode="all")
    organisation = factories.make_organisation(name="Vereniging Koffie", member_count=100, mkb_member_count=80)
    anna = factories.make_contact(organisation, name="Anna", email="anna@example.org", language="en")
    factories.make_contact(organisation, name="Piet", email="piet@example.org", language="nl")
    invitation = factories.make_invitation(round, organisation, status="invited")
    issue_token(invitation, anna)
    actor = Actor(contact=anna)
    response = services.start(invitation, actor)
    answer_required(response, actor)
    add_activity(response, actor)
    assert services.submit(response, actor) == []
    db.session.commit()
    return response


def _in_progress(round, name: str) -> Response:
    """Another organisation's response, started but not submitted."""
    organisation = factories.make_organisation(name=name)
    contact = factories.make_contact(organisation)
    invitation = factories.make_invitation(round, organisation, status="invited")
    response = services.start(invitation, Actor(contact=contact))
    db.session.commit()
    return response


def _page(client, response) -> str:
    """The review page of a response, as HTML (it must open)."""
    page = client.get(f"/review/responses/{response.id}")
    assert page.status_code == 200
    return page.get_data(as_text=True)


def _trail(html: str) -> list[dict]:
    """The audit trail's events as shown: kind, on behalf, who, and (old, new) per change."""
    events = []
    for kind, behalf, body in re.findall(
            r'<li class="entry" data-event="\d+" data-kind="(\w+)"( data-on-behalf="true")?>(.*?)</li>', html, re.S):
        who = re.search(r"<span data-who>(.*?)</span>", body, re.S).group(1)
        changes = [(_cell(old), _cell(new))
                   for old, new in re.findall(r"<td data-old>(.*?)</td>\s*<td data-new>(.*?)</td>", body, re.S)]
        events.append({"kind": kind, "on_behalf": bool(behalf), "who": who, "changes": changes, "body": body})
    return events


def _cell(html: str) -> str:
    """A value cell's text; "" for one marked as not answered."""
    return "" if 'class="muted"' in html else re.sub(r"<[^>]+>", "", html).strip()


def _until(days: int = 7) -> str:
    """A date-time as the form takes it: Dutch time, `days` from now."""
    return (utc_to_local(utcnow()) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _answers(response) -> dict:
    """The stored plain answers, read afresh."""
    db.session.expire_all()
    return services.document_of(db.session.get(Response, response.id))[1].answers


# --- the list and the full response ------------------------------------------------

def test_the_list_shows_the_rounds_responses_and_filters_by_status(secretariat_client, submitted):
    other = _in_progress(submitted.round, "Zuivel Schap")
    page = secretariat_client.get(f"/review/rounds/{SLUG}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-response="{submitted.id}"' in html and f'data-response="{other.id}"' in html
    assert f'href="/review/responses/{submitted.id}"' in html
    assert re.search(r'data-status="submitted">.*?<td class="numeric">1</td>', html, re.S)
    only = secretariat_client.get(f"/review/rounds/{SLUG}?status=submitted").get_data(as_text=True)
    assert f'data-response="{submitted.id}"' in only and f'data-response="{other.id}"' not in only
    unknown = secretariat_client.get(f"/review/rounds/{SLUG}?status=nonsense").get_data(as_text=True)
    assert f'data-response="{other.id}"' in unknown  # an invalid filter is ignored
    assert secretariat_client.get("/review/rounds/no-such-round").status_code == 404


def test_an_invitation_leads_to_its_response(secretariat_client, analyst_client, submitted):
    for client in (secretariat_client, analyst_client):
        found = client.get(f"/review/invitations/{submitted.invitation_id}")
        assert found.status_code == 302 and found.location.endswith(f"/review/responses/{submitted.id}")
    not_started = factories.make_invitation(submitted.round)
    db.session.commit()
    assert secretariat_client.get(f"/review/invitations/{not_started.id}").status_code == 404


def test_a_response_in_full_with_status_snapshot_and_on_behalf_links(secretariat_client, submitted):
    html = _page(secretariat_client, submitted)
    invitation_id = submitted.invitation_id
    assert 'data-status="submitted"' in html
    assert "Gedragscode koffie" in html and 'data-question="member_count"' in html  # the answers
    snapshot = html.split('id="snapshot-facts"')[1].split("</dl>")[0]
    assert "<dd>100</dd>" in snapshot and "<dd>80</dd>" in snapshot
    assert f'href="/respond/{invitation_id}/section/profile"' in html
    assert f'href="/respond/{invitation_id}/summary"' in html
    assert f'action="/review/responses/{submitted.id}/accept"' in html
    assert f'action="/review/responses/{submitted.id}/return"' in html
    assert f'action="/review/responses/{submitted.id}/notes"' in html
    assert "anna@example.org" in html  # who submitted, for the secretariat
    assert secretariat_client.get("/review/responses/999999").status_code == 404


def test_the_return_date_defaults_to_fourteen_days_at_five_in_dutch_time(secretariat_client, submitted):
    with time_machine.travel("2010-11-20 20:30:00+00:00", tick=False):
        assert default_until().isoformat() == "2010-12-04T17:00:00"
    html = _page(secretariat_client, submitted)
    assert f'value="{default_until().strftime("%Y-%m-%dT%H:%M")}"' in html


# --- returning -------------------------------------------------------------------

def test_return_mails_every_contact_a_new_link_that_works_after_the_round_closed(
        app, secretariat_client, submitted, mail_folder):
    round = submitted.round
    round.closes_at, round.status = utcnow() - timedelta(hours=1), "closed"
    db.session.commit()
    sent = secretariat_client.post(f"/review/responses/{submitted.id}/return",
                                   data={"message": QUESTION, "until": _until(7)})
    assert sent.status_code == 302
    db.session.expire_all()
    response = db.session.get(Response, submitted.id)
    assert response.status == "returned" and response.invitation.status == "returned"
    assert response.return_message == QUESTION
    assert timedelta(days=6) < response.returned_until - utcnow() <= timedelta(days=7)
    assert QUESTION in _page(secretariat_client, response)

    kinds = set(db.session.scalars(select(OutboxMessage.kind)))
    assert kinds == {"returned"}
    messages = {m["To"]: m for m in mail_folder()}
    assert set(messages) == {"anna@example.org", "piet@example.org"}
    for address, language in (("anna@example.org", "en"), ("piet@example.org", "nl")):
        html = messages[address].get_body(preferencelist=("html",)).get_content()
        assert f'<html lang="{language}">' in html  # in the contact's own language
    text = messages["anna@example.org"].get_body(preferencelist=("plain",)).get_content()
    assert QUESTION in text
    token = re.search(r"http://imvo\.example\.org/i/(\S+)", text).group(1)

    browser = app.test_client()
    assert browser.get(f"/i/{token}").status_code == 302
    saved = browser.post(f"/respond/{response.invitation_id}/section/profile",
                         data={"lock_version": str(response.lock_version), "member_count": "130"})
    assert saved.status_code == 302
    assert browser.post(f"/respond/{response.invitation_id}/submit").status_code == 302
    db.session.expire_all()
    response = db.session.get(Response, submitted.id)
    assert response.status == "submitted" and response.invitation.status == "submitted"
    assert _answers(response)["member_count"] == 130
    events = _trail(_page(secretariat_client, response))
    assert [event["kind"] for event in events[:3]] == ["submitted", "saved", "returned"]  # newest first
    assert "Anna" in events[0]["who"] and not events[0]["on_behalf"]
    assert not events[2]["on_behalf"]  # the secretariat's own decision, not a correction
    assert QUESTION in events[2]["body"]


def test_the_old_link_is_replaced_by_the_new_one(submitted, secretariat_client):
    anna = submitted.organisation.contacts[0]
    old = [t for t in submitted.invitation.tokens if t.contact_id == anna.id]
    secretariat_client.post(f"/review/responses/{submitted.id}/return", data={"message": QUESTION,
                                                                              "until": _until()})
    db.session.expire_all()
    assert all(token.revoked_at is not None for token in old)


@pytest.mark.parametrize("data", [{"message": "", "until": _until()},
                                  {"message": QUESTION, "until": ""},
                                  {"message": QUESTION, "until": "2001-01-01T17:00"}])
def test_return_needs_a_question_and_a_date_in_the_future(secretariat_client, submitted, data):
    page = secretariat_client.post(f"/review/responses/{submitted.id}/return", data=data)
    assert page.status_code == 400 and 'class="error-summary"' in page.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Response, submitted.id).status == "submitted"
    assert db.session.scalar(select(OutboxMessage.id)) is None


def test_a_response_in_progress_cannot_be_returned_or_accepted(secretariat_client, submitted):
    other = _in_progress(submitted.round, "Zuivel Schap")
    html = _page(secretariat_client, other)
    assert "/return" not in html and "/accept" not in html
    for action, data in (("return", {"message": QUESTION, "until": _until()}), ("accept", {})):
        assert secretariat_client.post(f"/review/responses/{other.id}/{action}", data=data).status_code == 302
    db.session.expire_all()
    assert db.session.get(Response, other.id).status == "in_progress"
    assert db.session.scalar(select(OutboxMessage.id)) is None


# --- accepting and notes ---------------------------------------------------------

def test_accept(secretariat_client, submitted, secretariat):
    assert secretariat_client.post(f"/review/responses/{submitted.id}/accept").status_code == 302
    db.session.expire_all()
    response = db.session.get(Response, submitted.id)
    assert response.status == "accepted" and response.accepted_at is not None
    assert response.invitation.status == "accepted"
    assert response.events[-1].kind == "accepted" and response.events[-1].user_id == secretariat.id
    # Accepting twice changes nothing; an accepted response can still be returned.
    assert secretariat_client.post(f"/review/responses/{submitted.id}/accept").status_code == 302
    assert [e.kind for e in db.session.get(Response, submitted.id).events].count("accepted") == 1
    html = _page(secretariat_client, response)
    assert f"/review/responses/{submitted.id}/accept" not in html and f"/{submitted.id}/return" in html
    accepted = _trail(html)[0]
    assert accepted["kind"] == "accepted" and not accepted["on_behalf"] and secretariat.email in accepted["who"]


def test_notes_are_for_the_secretariat_only(app, secretariat_client, analyst_client, submitted, secretariat):
    added = secretariat_client.post(f"/review/responses/{submitted.id}/notes", data={"text": NOTE})
    assert added.status_code == 302
    db.session.expire_all()
    response = db.session.get(Response, submitted.id)
    assert [(n.text, n.user_id) for n in response.notes] == [(NOTE, secretariat.id)]
    assert NOTE in _page(secretariat_client, response)
    assert secretariat_client.post(f"/review/responses/{submitted.id}/notes",
                                   data={"text": "  "}).status_code == 400
    assert NOTE not in _page(analyst_client, response)
    assert analyst_client.post(f"/review/responses/{submitted.id}/notes", data={"text": "x"}).status_code == 403
    # The organisation never sees it, on its own pages either.
    token = issue_token(response.invitation, response.organisation.contacts[0])
    db.session.commit()
    browser = app.test_client()
    browser.get(f"/i/{token}")
    for path in (f"/respond/{response.invitation_id}", f"/respond/{response.invitation_id}/summary"):
        page = browser.get(path)
        assert page.status_code == 200 and NOTE not in page.get_data(as_text=True)
    assert len(db.session.get(Response, submitted.id).notes) == 1


# --- the audit trail -------------------------------------------------------------

def test_the_trail_shows_who_changed_what_and_the_secretariats_corrections_on_behalf(
        secretariat_client, submitted, secretariat):
    invitation_id = submitted.invitation_id
    corrected = secretariat_client.post(f"/respond/{invitation_id}/section/profile",
                                        data={"lock_version": str(submitted.lock_version), "member_count": "125"})
    assert corrected.status_code == 302
    assert _answers(submitted)["member_count"] == 125
    events = _trail(_page(secretariat_client, submitted))
    correction = events[0]
    assert correction["kind"] == "saved" and correction["on_behalf"]
    assert secretariat.email in correction["who"]
    assert correction["changes"] == [("120", "125")]
    first_save = next(e for e in reversed(events) if e["kind"] == "saved")
    assert not first_save["on_behalf"] and "Anna" in first_save["who"] and "anna@example.org" in first_save["who"]
    assert first_save["changes"] == [("", "120")]
    added = next(e for e in events if e["kind"] == "entry_added")
    assert "Gedragscode koffie" in added["body"]  # which activity
    assert ("", "40 %") in added["changes"]


def test_the_trail_names_removed_entries_and_values_in_words(submitted, secretariat):
    key = next(e.key for e in services.document_of(submitted)[1].entries["activity"])
    services.remove_entry(submitted, "activity", key, Actor(user=secretariat))
    db.session.commit()
    layout, document = services.document_of(submitted)
    trail = audit_trail(submitted, layout, document, "nl", labels_for("nl"), personal=True)
    removed = trail[0]
    assert removed.kind == "entry_removed" and removed.on_behalf
    assert all("Gedragscode koffie" in row.entry for row in removed.changes)
    assert "40 %" in {row.old for row in removed.changes} and {row.new for row in removed.changes} == {""}
    assert trail[-1].kind == "started"


# --- who may do what -------------------------------------------------------------

def test_analysts_read_the_answers_but_see_no_personal_data_and_cannot_act(analyst_client, submitted):
    assert analyst_client.get(f"/review/rounds/{SLUG}").status_code == 200
    html = _page(analyst_client, submitted)
    assert "Gedragscode koffie" in html and 'id="audit-trail"' in html
    # No names or e-mail addresses of the organisation's people, in the trail or elsewhere.
    assert "anna@example.org" not in html and "Anna" not in html
    assert "/return" not in html and "/accept" not in html and "/notes" not in html
    assert f"/respond/{submitted.invitation_id}/section" not in html
    for action, data in (("return", {"message": QUESTION, "until": _until()}), ("accept", {}),
                         ("notes", {"text": NOTE})):
        assert analyst_client.post(f"/review/responses/{submitted.id}/{action}", data=data).status_code == 403
    db.session.expire_all()
    response = db.session.get(Response, submitted.id)
    assert response.status == "submitted" and not response.notes


def test_respondents_and_invitees_cannot_open_review_pages(app, respondent_client, client, submitted):
    paths = (f"/review/rounds/{SLUG}", f"/review/responses/{submitted.id}",
             f"/review/invitations/{submitted.invitation_id}")
    for path in paths:
        assert respondent_client.get(path).status_code == 403
        assert client.get(path).status_code == 302  # to the login page
    for action in ("return", "accept", "notes"):
        assert respondent_client.post(f"/review/responses/{submitted.id}/{action}").status_code == 403
    token = issue_token(submitted.invitation, submitted.organisation.contacts[0])
    db.session.commit()
    browser = app.test_client()
    browser.get(f"/i/{token}")
    for path in paths:
        page = browser.get(path)
        assert page.status_code == 302 and "/auth/login" in page.location
