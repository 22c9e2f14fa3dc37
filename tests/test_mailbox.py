"""The outbox pages: the list with its filters and pages, one message (headers, plain
text, never its HTML), the .eml download, and retrying a failed message."""

from __future__ import annotations

import re
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

import pytest

from imvo_survey.extensions import db
from imvo_survey.mail import routes as mailbox_routes
from imvo_survey.mail.messages import build_message
from imvo_survey.mail.outbox import queue
from imvo_survey.models import OutboxMessage, utcnow

from . import factories


def _message(to: str, subject: str, html: str | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "IMVO-secretariaat <imvo@ser.example>"
    message["To"] = to
    message["Reply-To"] = "secretariaat@ser.example"
    message["Subject"] = subject
    message["Date"] = "Mon, 01 Nov 2010 09:00:00 +0100"
    message.set_content(f"Beste lezer,\n\nDit is {subject}.\n")
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _queue(to: str, subject: str, status: str = "queued", round=None, minutes_ago: int = 0, **values):
    item = queue(_message(to, subject, values.pop("html", None)), values.pop("kind", "invitation"), round=round)
    item.status = status
    item.created_at = utcnow() - timedelta(minutes=minutes_ago)
    if status == "sent":
        item.sent_at, item.attempts = utcnow(), 1
    for key, value in values.items():
        setattr(item, key, value)
    return item


def _text(response) -> str:
    return response.get_data(as_text=True)


def _rows(page: str) -> list[int]:
    """The message ids in the list, in order."""
    return [int(number) for number in re.findall(r'data-message-id="(\d+)"', page)]


@pytest.fixture
def messages():
    """Messages of two rounds and of none, in all three states."""
    first = factories.make_round(slug="uitvraag-2010")
    second = factories.make_round(slug="uitvraag-2011")
    items = {
        "sent": _queue("a@voorbeeld.nl", "Verzonden", "sent", round=first, minutes_ago=30),
        "failed": _queue("b@voorbeeld.nl", "Mislukt", "failed", round=first, minutes_ago=20, attempts=6,
                         last_error="550 5.1.1 <b@voorbeeld.nl>: Recipient address rejected " + "x" * 200),
        "queued": _queue("c@voorbeeld.nl", "Wachtend", round=second, minutes_ago=10),
        "reset": _queue("d@voorbeeld.nl", "Wachtwoord", kind="password_reset", minutes_ago=0),
    }
    db.session.commit()
    return items


def test_list_newest_first_with_all_columns(messages, secretariat_client):
    page = _text(secretariat_client.get("/outbox/"))
    assert _rows(page) == [messages[key].id for key in ("reset", "queued", "failed", "sent")]
    for expected in ("a@voorbeeld.nl", "Mislukt", "password_reset", "550 5.1.1"):
        assert expected in page
    shown = re.search(r'<span title="550 5.1.1 [^"]*x{200}">([^<]*)</span>', page)  # in full on hover ...
    assert shown is not None and len(shown.group(1)) < 80 and shown.group(1).endswith("...")  # ... shortened


@pytest.mark.parametrize("query, expected", [
    ("status=failed", ["failed"]),
    ("status=queued", ["reset", "queued"]),
    ("round=uitvraag-2010", ["failed", "sent"]),
    ("round=uitvraag-2011&status=sent", []),
    ("round=onbekend&status=nonsense", ["reset", "queued", "failed", "sent"]),
])
def test_list_filters(messages, secretariat_client, query, expected):
    response = secretariat_client.get(f"/outbox/?{query}")
    assert response.status_code == 200
    assert _rows(_text(response)) == [messages[key].id for key in expected]


def test_list_is_paginated(messages, secretariat_client, monkeypatch):
    monkeypatch.setattr(mailbox_routes, "PER_PAGE", 3)
    first = _text(secretariat_client.get("/outbox/?status="))
    second = _text(secretariat_client.get("/outbox/?page=2"))
    assert len(_rows(first)) == 3 and _rows(second) == [messages["sent"].id]
    assert "page=2" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_show_message_headers_and_plain_text_but_not_html(messages, secretariat_client):
    item = _queue("e@voorbeeld.nl", "Met HTML", html='<p>Hallo</p><script src="https://evil.example/x.js"></script>')
    db.session.commit()
    page = _text(secretariat_client.get(f"/outbox/{item.id}"))
    for expected in ("IMVO-secretariaat &lt;imvo@ser.example&gt;", "e@voorbeeld.nl", "secretariaat@ser.example",
                     "Met HTML", "Mon, 01 Nov 2010 09:00:00 +0100", "Dit is Met HTML."):
        assert expected in page
    assert "evil.example" not in page and "<p>Hallo</p>" not in page
    assert f"/outbox/{item.id}.eml" in page
    assert f"/outbox/{item.id}/retry" not in page  # only failed messages are retried


def test_show_a_built_message(app, secretariat_client):
    with app.test_request_context():
        message = build_message("f@voorbeeld.nl", "Nieuw wachtwoord", "password_reset",
                                user=factories.make_user("analyst"), link="http://imvo.example.org/reset/x",
                                minutes=60)
    item = queue(message, "password_reset")
    db.session.commit()
    page = _text(secretariat_client.get(f"/outbox/{item.id}"))
    assert "http://imvo.example.org/reset/x" in page and "Nieuw wachtwoord" in page
    assert '<a href="http://imvo.example.org/reset/x">' not in page


def test_download_eml(messages, secretariat_client):
    item = messages["failed"]
    response = secretariat_client.get(f"/outbox/{item.id}.eml")
    assert response.status_code == 200
    assert response.mimetype == "message/rfc822"
    assert f"message-{item.id}.eml" in response.headers["Content-Disposition"]
    assert response.get_data() == item.raw
    parsed = BytesParser(policy=policy.default).parsebytes(response.get_data())
    assert parsed["Subject"] == "Mislukt"


def test_unknown_message_is_404(secretariat_client):
    for url in ("/outbox/999", "/outbox/999.eml"):
        assert secretariat_client.get(url).status_code == 404
    assert secretariat_client.post("/outbox/999/retry").status_code == 404


def test_retry_a_failed_message(messages, secretariat_client, mail_folder):
    item = messages["failed"]
    page = _text(secretariat_client.get(f"/outbox/{item.id}"))
    assert f"/outbox/{item.id}/retry" in page
    response = secretariat_client.post(f"/outbox/{item.id}/retry")
    assert response.status_code == 302 and response.location.endswith(f"/outbox/{item.id}")
    db.session.refresh(item)
    assert (item.status, item.attempts) == ("queued", 0)
    assert item.next_attempt_at <= utcnow()
    delivered = {message["Subject"] for message in mail_folder()}
    assert "Mislukt" in delivered
    db.session.refresh(item)
    assert item.status == "sent"


def test_retry_leaves_other_messages_alone(messages, secretariat_client):
    item = messages["sent"]
    response = secretariat_client.post(f"/outbox/{item.id}/retry", follow_redirects=True)
    assert response.status_code == 200
    db.session.refresh(item)
    assert item.status == "sent" and item.attempts == 1


def test_retry_needs_the_csrf_token(make_app, messages, secretariat):
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = _text(client.get("/auth/login"))
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD,
                                     "csrf_token": token})
    # Logging in starts a new session, with a new form token.
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      _text(client.get("/auth/password"))).group(1)
    item = messages["failed"]
    client.post(f"/outbox/{item.id}/retry")
    db.session.refresh(item)
    assert item.status == "failed"
    client.post(f"/outbox/{item.id}/retry", data={"csrf_token": token})
    db.session.refresh(item)
    assert item.status == "queued"


@pytest.mark.parametrize("method, url", [
    ("get", "/outbox/"), ("get", "/outbox/{id}"), ("get", "/outbox/{id}.eml"), ("post", "/outbox/{id}/retry"),
])
def test_only_the_secretariat(messages, analyst_client, respondent_client, client, method, url):
    item = messages["failed"]
    url = url.format(id=item.id)
    assert getattr(analyst_client, method)(url).status_code == 403
    assert getattr(respondent_client, method)(url).status_code == 403
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/auth/login" in response.location
    db.session.refresh(item)
    assert item.status == "failed"
    assert db.session.get(OutboxMessage, item.id) is not None
