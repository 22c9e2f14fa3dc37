"""Sending mail through a real SMTP server on loopback (aiosmtpd)."""

from __future__ import annotations

import pytest

from imvo_survey.extensions import db
from imvo_survey.mail.messages import MailError, build_message, deliver

from . import factories


def _message(to="ontvanger@example.org"):
    return build_message(to, "Onderwerp", "password_reset", user=factories.make_user("analyst"),
                         link="http://imvo.example.org/x", minutes=60)


def test_smtp_delivers_text_and_html(smtp_server, app):
    with app.test_request_context():
        deliver(_message())
    [message] = smtp_server.messages
    assert message["To"] == "ontvanger@example.org" and message["Subject"] == "Onderwerp"
    assert "http://imvo.example.org/x" in message.get_body(preferencelist=("plain",)).get_content()
    assert '<a href="http://imvo.example.org/x">' in message.get_body(preferencelist=("html",)).get_content()
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]


def test_permanent_refusal_is_reported_as_permanent(smtp_server, app):
    smtp_server.refuse_with = "550 5.1.1 No such user"
    with app.test_request_context(), pytest.raises(MailError) as error:
        deliver(_message())
    assert error.value.permanent and "550" in str(error.value)


def test_temporary_refusal_is_not_permanent(smtp_server, app):
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    with app.test_request_context(), pytest.raises(MailError) as error:
        deliver(_message())
    assert not error.value.permanent


def test_unreachable_server(app):
    from .conftest import free_port

    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    try:
        with app.test_request_context(), pytest.raises(MailError) as error:
            deliver(_message())
        assert not error.value.permanent
    finally:
        app.config.update(MAIL_BACKEND="file", MAIL_SERVER="", MAIL_PORT=25)


def test_password_reset_goes_through_the_outbox_to_smtp(client, smtp_server):
    from imvo_survey.mail.outbox import send_due

    user = factories.make_user("analyst", email="reset@example.org")
    db.session.commit()
    client.post("/auth/reset", data={"email": user.email})
    assert smtp_server.messages == []  # queued, not sent from the request
    assert send_due().sent
    [message] = smtp_server.messages
    assert message["To"] == "reset@example.org"


def test_a_failing_mail_server_does_not_reveal_the_account(client, smtp_server):
    user = factories.make_user("analyst", email="reset@example.org")
    db.session.commit()
    smtp_server.refuse_with = "550 No such user"
    known = client.post("/auth/reset", data={"email": user.email}, follow_redirects=True)
    unknown = client.post("/auth/reset", data={"email": "x@example.org"}, follow_redirects=True)
    assert known.status_code == unknown.status_code == 200
    assert "hebben we een link gestuurd" in known.get_data(as_text=True)
