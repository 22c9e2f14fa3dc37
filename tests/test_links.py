"""Personal links are kept usable only as long as needed: masked in the outbox's stored
message once it is delivered or refused for good, masked on the outbox page (always),
masked in the request logs; live only in the developer's .eml files, which are owner-only
and refused in production unless allowed. With a real SMTP server (aiosmtpd)."""

from __future__ import annotations

import http.client
import logging
import re
import stat
import threading
from datetime import timedelta
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
import time_machine
from werkzeug.serving import make_server

from config import ConfigError, ProductionConfig
from imvo_survey.auth.routes import send_reset_mail
from imvo_survey.extensions import db
from imvo_survey.mail.links import MASK, MaskLinksFilter, mask_message, mask_raw, mask_text
from imvo_survey.mail.messages import build_message, external_url
from imvo_survey.mail.outbox import MAX_ATTEMPTS, CannotRetry, queue, retry, send_due
from imvo_survey.models import OutboxMessage, utcnow
from imvo_survey.organisations.services import deactivate_contact
from imvo_survey.registration.services import register
from imvo_survey.rounds.feedback import feedback_token
from imvo_survey.rounds.mailings import send_invitation, send_reminder
from imvo_survey.rounds.services import token_from_link

from . import factories

BASE = "http://imvo.example.org"
TOKEN = "Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTAtX2FiY2Rl"


def _token_in(text: str, path: str = "/i/") -> str | None:
    found = re.search(re.escape(path) + r"([A-Za-z0-9_\-.~%]+)", text)
    return found.group(1) if found else None


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _html(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def _stored(item: OutboxMessage):
    db.session.expire_all()
    stored = db.session.get(OutboxMessage, item.id)
    return stored, BytesParser(policy=policy.default).parsebytes(stored.raw)


@pytest.fixture
def invitation():
    """An invitation in an open round, to one contact."""
    round = factories.make_round(slug="imvo-2010")
    organisation = factories.make_organisation(name="Vereniging Koffie")
    factories.make_contact(organisation, name="Anna", email="anna@example.org")
    invitation = factories.make_invitation(round, organisation, status="targeted")
    db.session.commit()
    return invitation


# --- where the links are -------------------------------------------------------------

def test_every_route_with_a_token_is_masked(app):
    """The class, from the URL map: a new route with a token is covered without a change."""
    secret = [rule for rule in app.url_map.iter_rules() if "token" in rule.arguments]
    assert {rule.endpoint for rule in secret} >= {"respond.landing", "auth.reset_password", "registration.confirm",
                                                  "respond.feedback_link"}
    for rule in secret:
        link = external_url(rule.endpoint, token=TOKEN, **{name: 1 for name in rule.arguments - {"token"}})
        masked = mask_text(f"Klik op {link} om te beginnen.")
        assert TOKEN not in masked and masked == f"Klik op {link.replace(TOKEN, MASK)} om te beginnen.", rule


@pytest.mark.parametrize("text, expected", [
    (f"{BASE}/i/{TOKEN}.", f"{BASE}/i/{MASK}"),  # a dot ends the sentence, not the link: both go
    (f'<a href="{BASE}/i/{TOKEN}">{BASE}/i/{TOKEN}</a>', f'<a href="{BASE}/i/{MASK}">{BASE}/i/{MASK}</a>'),
    (f"https://ser.nl/imvo/i/{TOKEN}", f"https://ser.nl/imvo/i/{MASK}"),  # another base URL, with a path
    (f"http://127.0.0.1:5000/i/{TOKEN}", f"http://127.0.0.1:5000/i/{MASK}"),  # another port
    (f"{BASE}/feedback/eyJpIjoxLCJjIjoyfQ.Z1x2Yw.abc-DEF_123", f"{BASE}/feedback/{MASK}"),  # itsdangerous
    (f"{BASE}/auth/reset/{TOKEN}", f"{BASE}/auth/reset/{MASK}"),
    (f"{BASE}/register/confirm/{TOKEN}", f"{BASE}/register/confirm/{MASK}"),
    (f"{BASE}/respond/12", f"{BASE}/respond/12"),  # not a secret link
    (f"{BASE}/i/", f"{BASE}/i/"),
    (f"zie /i/{TOKEN} hierboven", f"zie /i/{TOKEN} hierboven"),  # a bare path in a message is no link
    (f"{BASE}/i/{MASK}", f"{BASE}/i/{MASK}"),  # masking twice changes nothing
    (f"{BASE}/i/{TOKEN}?next=/i/{TOKEN}", f"{BASE}/i/{MASK}?next=/i/{MASK}"),  # every one in a link
    (f"http://http://ser.nl/i/{TOKEN}", f"http://http://ser.nl/i/{MASK}"),
])
def test_mask_text(app, text, expected):
    assert mask_text(text) == expected


def test_a_long_run_of_links_is_masked_in_one_pass(app):
    """A regression test for masking that took quadratic time: each "http" of a run was
    read again to the run's end (1.6 s for 28 KB; minutes for this one). Timings belong
    in the benchmarks; this only must not hang."""
    text = "http://" * 40_000 + f"ser.nl/i/{TOKEN} en {BASE}/i/{TOKEN}"
    assert mask_text(text) == "http://" * 40_000 + f"ser.nl/i/{MASK} en {BASE}/i/{MASK}"


def test_a_built_message_is_masked_in_its_text_and_html_and_keeps_its_headers(app, invitation):
    link = external_url("respond.landing", token=TOKEN)
    message = build_message("anna@example.org", "Uitnodiging", "invitation", round=invitation.round,
                            invitation=invitation, contact=invitation.organisation.contacts[0], intro="Één " * 40,
                            link=link, language="nl", deadline="maandag", questionnaire="Vragenlijst")
    assert TOKEN in _plain(message) and TOKEN in _html(message)
    message_id = message["Message-ID"]
    raw, masked = mask_raw(bytes(message))
    again = BytesParser(policy=policy.default).parsebytes(raw)
    assert masked and TOKEN.encode() not in raw
    assert f"{BASE}/i/{MASK}" in _plain(again) and f'href="{BASE}/i/{MASK}"' in _html(again)
    assert again["Message-ID"] == message_id and again["Subject"] == "Uitnodiging"
    assert "Één" in _plain(again)  # the rest of the text as it was
    assert mask_raw(raw) == (raw, False) and mask_message(again) is False


# --- the outbox: live until delivered, masked after -----------------------------------

def test_an_invitation_is_delivered_with_its_link_and_kept_without_it(app, invitation, smtp_server, client):
    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    token = _token_in(_plain(BytesParser(policy=policy.default).parsebytes(item.raw)))
    assert token and item.links_masked_at is None  # queued: it must still be sendable
    assert send_due().sent == [item.id]
    [delivered] = smtp_server.messages
    assert _token_in(_plain(delivered)) == token and _token_in(_html(delivered)) == token
    stored, message = _stored(item)
    assert token.encode() not in stored.raw and stored.links_masked_at is not None
    assert f"{BASE}/i/{MASK}" in _plain(message)
    assert client.get(f"/i/{token}").status_code == 302  # the recipient's link works


@pytest.mark.parametrize("kind", ["reminder", "password_reset", "registration", "feedback"])
def test_every_kind_of_personal_link_is_masked_after_delivery(app, invitation, smtp_server, kind):
    if kind == "reminder":
        invitation.status = "invited"
        send_reminder(invitation)
    elif kind == "password_reset":
        send_reset_mail(factories.make_user("analyst", email="ana@example.org"))
    elif kind == "registration":
        register("Koffiebrander B.V.", "mkb", "Bert", "bert@example.org")
    else:  # a feedback link, as the feedback mail carries it (built the same way)
        link = external_url("respond.feedback_link", token=feedback_token(invitation, invitation.organisation.contacts[0]))
        queue(build_message("anna@example.org", "Terugkoppeling", "password_reset", user=None, link=link,
                            minutes=60), "feedback", invitation=invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    assert send_due().sent == [item.id]
    [delivered] = smtp_server.messages
    stored, message = _stored(item)
    links = re.findall(r"https?://\S+?/(?:i|auth/reset|register/confirm|feedback)/([^\s\"<]+)", _plain(delivered))
    assert links and all(link != MASK for link in links)  # delivered working
    assert all(link.encode() not in stored.raw for link in links)  # kept masked
    assert stored.links_masked_at is not None and MASK in _plain(message)


def test_a_permanent_refusal_masks_the_link_and_send_again_says_what_to_do(
        app, invitation, smtp_server, secretariat_client):
    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    token = _token_in(_plain(BytesParser(policy=policy.default).parsebytes(item.raw)))
    smtp_server.refuse_with = "550 5.1.1 No such user"
    assert send_due().failed == [item.id]
    stored, _message = _stored(item)
    assert stored.status == "failed" and token.encode() not in stored.raw and stored.links_masked_at
    with pytest.raises(CannotRetry):
        retry(stored)
    page = secretariat_client.get(f"/outbox/{item.id}").get_data(as_text=True)
    assert f"/outbox/{item.id}/retry" not in page
    assert "Opnieuw versturen met nieuwe links" in page  # what to do instead, by its button's name
    refused = secretariat_client.post(f"/outbox/{item.id}/retry", follow_redirects=True).get_data(as_text=True)
    assert "kan niet opnieuw worden verstuurd" in refused
    assert _stored(item)[0].status == "failed"
    # ... and the way it names works: new links, delivered once the address works again.
    smtp_server.refuse_with = None
    secretariat_client.post(f"/rounds/imvo-2010/invitations/{invitation.id}/resend")
    assert len(send_due().sent) == 1 and _token_in(_plain(smtp_server.messages[-1])) not in (None, token)


def test_after_the_last_try_the_link_stays_so_that_send_again_works(app, invitation, smtp_server,
                                                                    secretariat_client, client):
    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    token = _token_in(_plain(BytesParser(policy=policy.default).parsebytes(item.raw)))
    smtp_server.refuse_with = "421 4.7.0 Too busy"
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _attempt in range(MAX_ATTEMPTS):
            send_due()
            clock.shift(timedelta(hours=7))
    stored, _message = _stored(item)
    assert stored.status == "failed" and stored.links_masked_at is None  # never delivered: still sendable
    smtp_server.refuse_with = None
    assert secretariat_client.post(f"/outbox/{item.id}/retry").status_code == 302
    assert send_due().sent == [item.id]
    assert _token_in(_plain(smtp_server.messages[-1])) == token
    assert token.encode() not in _stored(item)[0].raw
    assert client.get(f"/i/{token}").status_code == 302


def test_mail_stopped_for_a_deactivated_contact_keeps_no_link(app, invitation):
    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    token = _token_in(_plain(BytesParser(policy=policy.default).parsebytes(item.raw)))
    deactivate_contact(invitation.organisation.contacts[0])
    db.session.commit()
    stored, _message = _stored(item)
    assert stored.status == "failed" and token.encode() not in stored.raw and stored.links_masked_at


def test_a_message_stopped_after_a_worker_claimed_it_is_not_sent(app, invitation, smtp_server):
    from imvo_survey.mail.outbox import SendReport, _deliver_claimed, claim

    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    assert claim(item.id, "worker-a")
    deactivate_contact(invitation.organisation.contacts[0])  # between the claim and the send
    db.session.commit()
    report = SendReport()
    _deliver_claimed(item.id, "worker-a", report)
    assert report.sent == [] and smtp_server.messages == []
    assert _stored(item)[0].status == "failed"


# --- the outbox page --------------------------------------------------------------------

def test_the_outbox_page_never_shows_a_working_link(app, invitation, secretariat_client, smtp_server):
    send_invitation(invitation)
    db.session.commit()
    item = db.session.scalar(db.select(OutboxMessage))
    token = _token_in(_plain(BytesParser(policy=policy.default).parsebytes(item.raw)))
    for url in ("/outbox/", f"/outbox/{item.id}", f"/outbox/{item.id}.eml"):
        data = secretariat_client.get(url).get_data(as_text=True)
        assert token not in data, url
    assert f"{BASE}/i/{MASK}" in secretariat_client.get(f"/outbox/{item.id}").get_data(as_text=True)
    eml = BytesParser(policy=policy.default).parsebytes(secretariat_client.get(f"/outbox/{item.id}.eml").data)
    assert f"{BASE}/i/{MASK}" in _plain(eml) and eml["Message-ID"] is not None
    assert send_due().sent == [item.id]  # shown masked, still sent with its link
    assert _token_in(_plain(smtp_server.messages[0])) == token


# --- the developer's .eml files -------------------------------------------------------

def test_eml_files_keep_the_working_link_for_the_owner_only(app, invitation, mail_folder):
    send_invitation(invitation)
    db.session.commit()
    [message] = mail_folder()
    token = _token_in(_plain(message))
    assert token and token_from_link(token) is not None  # the developer can click it
    folder = Path(app.config["MAIL_FILE_DIR"])
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(path.stat().st_mode) for path in folder.glob("*.eml")} == {0o600}


def test_production_refuses_the_file_backend_unless_allowed(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("DATABASE_URL", "postgresql://imvo@db/imvo")
    monkeypatch.setenv("IMVO_BASE_URL", "https://imvo.example.org")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    monkeypatch.setenv("MAIL_BACKEND", "file")
    monkeypatch.delenv("IMVO_ALLOW_FILE_MAIL", raising=False)
    with pytest.raises(ConfigError, match="IMVO_ALLOW_FILE_MAIL"):
        ProductionConfig().check()
    monkeypatch.setenv("IMVO_ALLOW_FILE_MAIL", "1")
    ProductionConfig().check()


# --- the request logs -------------------------------------------------------------------

def test_the_request_log_of_a_real_server_holds_no_token(app, invitation, caplog):
    from imvo_survey.rounds.services import issue_token

    token = issue_token(invitation, invitation.organisation.contacts[0])
    db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            connection.request("GET", f"/i/{token}")
            status = connection.getresponse().status
            connection.close()
    finally:
        server.shutdown()
        thread.join()
    assert status == 302
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any(f"GET /i/{MASK} HTTP/1.1" in line for line in lines), lines
    assert not any(token in line for line in lines)


def test_the_log_filter_masks_gunicorns_access_log_format(app):
    record = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1,
                               '%(h)s "%(r)s" %(s)s "%(f)s"',
                               ({"h": "10.0.0.1", "r": f"GET /register/confirm/{TOKEN} HTTP/1.1", "s": "302",
                                 "f": f"https://imvo.ser.nl/i/{TOKEN}"},), None)
    assert MaskLinksFilter(app).filter(record)
    assert record.getMessage() == (f'10.0.0.1 "GET /register/confirm/{MASK} HTTP/1.1" 302 '
                                   f'"https://imvo.ser.nl/i/{MASK}"')
