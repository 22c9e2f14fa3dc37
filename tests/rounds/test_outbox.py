"""The mail outbox: claimed before sending, never sent twice, retried with backoff,
failed for good with the SMTP error; a real SMTP server (aiosmtpd) that fails and
then recovers."""

from __future__ import annotations

import os
import subprocess
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path

import time_machine
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import MAX_ATTEMPTS, claim, queue, retry, send_due
from imvo_survey.models import Invitation, OutboxMessage, utcnow

from .. import factories


def _message(to="ontvanger@example.org", subject="Test") -> EmailMessage:
    message = EmailMessage()
    message["To"], message["From"], message["Subject"] = to, "imvo@ser.example", subject
    message.set_content("Hallo")
    return message


def test_queue_then_send_once(smtp_server):
    item = queue(_message(), "test")
    db.session.commit()
    assert send_due().sent == [item.id]
    assert send_due().sent == []  # nothing left: sending is safe to repeat
    assert len(smtp_server.messages) == 1
    db.session.refresh(item)
    assert (item.status, item.attempts, item.claimed_by) == ("sent", 1, None)


def test_rolled_back_changes_send_nothing(smtp_server):
    queue(_message(), "test")
    db.session.rollback()  # the change that caused the message did not happen
    assert send_due().sent == [] and smtp_server.messages == []


def test_two_workers_never_claim_the_same_message(app):
    item = queue(_message(), "test")
    db.session.commit()
    assert claim(item.id, "worker-a") is True
    assert claim(item.id, "worker-b") is False
    report = send_due(worker="worker-b")
    assert report.sent == [] and report.skipped == 0  # not even due for worker b while claimed


def test_a_dead_workers_claim_expires(app, smtp_server):
    item = queue(_message(), "test")
    db.session.commit()
    assert claim(item.id, "worker-that-dies")
    assert send_due(worker="worker-b").sent == []
    with time_machine.travel(utcnow() + timedelta(seconds=app.config.get("MAIL_CLAIM_SECONDS", 300) + 1)):
        assert send_due(worker="worker-b").sent == [item.id]
    assert len(smtp_server.messages) == 1


def test_a_failing_server_is_retried_with_backoff_until_it_recovers(smtp_server):
    item = queue(_message(), "test")
    db.session.commit()
    smtp_server.refuse_with = "451 4.3.0 Try again later"
    start = utcnow()
    with time_machine.travel(start, tick=False) as clock:
        assert send_due().retried == [item.id]
        db.session.refresh(item)
        assert item.status == "queued" and item.attempts == 1 and "451" in item.last_error
        assert item.next_attempt_at >= start + timedelta(seconds=59)
        assert send_due().sent == []  # not due yet
        clock.shift(timedelta(minutes=1, seconds=1))
        assert send_due().retried == [item.id]  # second failure, longer wait
        db.session.refresh(item)
        assert item.next_attempt_at - utcnow() >= timedelta(seconds=119)
        smtp_server.refuse_with = None  # the server recovers
        clock.shift(timedelta(minutes=3))
        assert send_due().sent == [item.id]
    db.session.refresh(item)
    assert (item.status, item.attempts, item.last_error) == ("sent", 3, None)
    assert len(smtp_server.messages) == 1


def test_after_the_last_try_it_fails_with_the_smtp_error(smtp_server):
    item = queue(_message(), "test")
    db.session.commit()
    smtp_server.refuse_with = "421 4.7.0 Too busy"
    with time_machine.travel(utcnow(), tick=False) as clock:
        for _attempt in range(MAX_ATTEMPTS):
            send_due()
            clock.shift(timedelta(hours=7))
    db.session.refresh(item)
    assert (item.status, item.attempts) == ("failed", MAX_ATTEMPTS) and "421" in item.last_error
    retry(item)
    db.session.commit()
    smtp_server.refuse_with = None
    assert send_due().sent == [item.id]


def test_a_permanent_refusal_fails_at_once_and_the_invitation_bounces(smtp_server):
    round = factories.make_round()
    invitation = factories.make_invitation(round, status="invited")
    item = queue(_message(), "invitation", invitation=invitation)
    db.session.commit()
    smtp_server.refuse_with = "550 5.1.1 No such user"
    assert send_due().failed == [item.id]
    db.session.expire_all()
    assert db.session.get(OutboxMessage, item.id).status == "failed"
    bounced = db.session.get(Invitation, invitation.id)
    assert bounced.status == "bounced" and "550" in bounced.bounce_reason


def test_file_backend_writes_eml_files(app, mail_folder):
    queue(_message(subject="Naar bestand"), "test")
    db.session.commit()
    assert [m["Subject"] for m in mail_folder()] == ["Naar bestand"]


def test_the_message_id_stays_the_same_across_attempts(app, smtp_server):
    from imvo_survey.mail.messages import build_message

    user = factories.make_user("analyst")
    with app.test_request_context():
        item = queue(build_message("x@example.org", "Onderwerp", "password_reset", user=user,
                                   link="http://x", minutes=60), "password_reset")
    db.session.commit()
    message_id = item.raw.split(b"Message-ID: ")[1].split(b"\n")[0]
    smtp_server.refuse_with = "451 later"
    send_due()
    smtp_server.refuse_with = None
    with time_machine.travel(utcnow() + timedelta(minutes=2)):
        send_due()
    [delivered] = smtp_server.messages
    assert delivered["Message-ID"].encode() == message_id.strip()


def test_worker_command_once(runner, smtp_server):
    queue(_message(), "test")
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0 and "1 sent" in result.output
    assert db.session.scalar(select(OutboxMessage.status)) == "sent"


MAKEFILE = Path(__file__).resolve().parents[2] / "Makefile"
STUB = """#!/bin/sh
# Stands in for the venv's programs: records its base URL and arguments.
echo "$IMVO_BASE_URL|$(basename "$0") $*" >> "{log}"
[ "$1" = run ] && sleep 1
exit 0
"""


def test_make_run_gives_the_worker_and_the_server_the_same_base_url(tmp_path):
    """Links in mail the worker builds (scheduled reminders) must point at the port
    `make run` serves on, as the server's do."""
    venv, log = tmp_path / "venv", tmp_path / "calls.log"
    (venv / "bin").mkdir(parents=True)
    for program in ("python", "pip", "imvo"):
        path = venv / "bin" / program
        path.write_text(STUB.format(log=log))
        path.chmod(0o755)
    (venv / ".installed").touch()
    environment = {key: value for key, value in os.environ.items() if key != "IMVO_BASE_URL"}
    result = subprocess.run(["make", "-s", "-f", str(MAKEFILE), "run", f"VENV={venv}", "PORT=5001"],
                            cwd=MAKEFILE.parent, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    calls = dict(reversed(line.split("|", 1)) for line in log.read_text().splitlines())
    assert calls["imvo mail send --loop --interval 5"] == "http://127.0.0.1:5001"
    assert calls["imvo run --host 127.0.0.1 --port 5001"] == "http://127.0.0.1:5001"
