"""The mail outbox: queue messages in the caller's transaction, and deliver them from
a worker (`imvo mail send [--loop]`) that claims each message before sending.

Safe to repeat and to run twice: a message is claimed with a conditional UPDATE (only
one worker's UPDATE matches), sent, then marked sent. A worker that dies between claim
and mark leaves a claim that expires; only then may another worker try the message
again. Failures are retried with exponential backoff; a permanent refusal (5xx) or the
last attempt marks the message failed, with the SMTP error for the secretariat.

Personal links are kept usable only while the message may still be sent as it is:
queued, or failed after its attempts ran out (the server was away; "send again" sends
it). Once it is delivered, or refused for good, their tokens are masked in the stored
copy (`links.mask_raw`), in the same transaction as the status.
"""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from flask import current_app
from sqlalchemy import or_, select, update

from ..extensions import db
from ..models import Invitation, OutboxMessage, Round, utcnow
from ..unit_of_work import run_with_retries
from .links import mask_raw
from .messages import MailError, deliver

MAX_ATTEMPTS = 6
BACKOFF_SECONDS = 60          # 1, 2, 4, 8, 16 minutes ...
BACKOFF_CAP_SECONDS = 6 * 3600


def queue(message: EmailMessage, kind: str, invitation: Invitation | None = None,
          round: Round | None = None) -> OutboxMessage:
    """Write a message to the outbox (flushes; it is sent once the caller commits)."""
    item = OutboxMessage(kind=kind, to_address=str(message["To"]), subject=str(message["Subject"])[:300],
                         raw=bytes(message), status="queued", attempts=0, next_attempt_at=utcnow(),
                         invitation=invitation, round=round or (invitation.round if invitation else None))
    db.session.add(item)
    db.session.flush()
    return item


def parse(item: OutboxMessage) -> EmailMessage:
    """The stored message as an EmailMessage."""
    return BytesParser(policy=policy.default).parsebytes(item.raw)


def worker_name() -> str:
    """An identifier of this worker process, for claims."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass
class SendReport:
    """What one pass of the worker did."""

    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    skipped: int = 0


def _claimable(now):
    return (OutboxMessage.status == "queued") & or_(OutboxMessage.claimed_until.is_(None),
                                                    OutboxMessage.claimed_until < now)


def claim(message_id: int, worker: str) -> bool:
    """Claim one message for `worker`; False when another worker holds it (commits)."""
    now = utcnow()
    seconds = current_app.config.get("MAIL_CLAIM_SECONDS", 300)
    result = db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(claimed_by=worker, claimed_until=now + timedelta(seconds=seconds))
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def send_due(limit: int = 100, worker: str | None = None) -> SendReport:
    """Deliver the messages that are due, each claimed first. Commits per message."""
    worker = worker or worker_name()
    report = SendReport()
    now = utcnow()
    due = db.session.scalars(
        select(OutboxMessage.id).where(_claimable(now), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit)).all()
    db.session.commit()
    for message_id in due:
        if not claim(message_id, worker):
            report.skipped += 1
            continue
        _deliver_claimed(message_id, worker, report)
    return report


def _deliver_claimed(message_id: int, worker: str, report: SendReport) -> None:
    item = db.session.get(OutboxMessage, message_id)
    if item.status != "queued" or item.claimed_by != worker:  # stopped (say, its contact left) after the claim
        report.skipped += 1
        db.session.commit()
        return
    try:
        deliver(parse(item))
    except MailError as error:
        failure = error
    else:
        failure = None
    # The bookkeeping may meet a respondent's save of the same invitation (a bounce marks
    # the invitation): it runs again then, rather than stopping the worker with the
    # message still claimed.
    outcome = run_with_retries(lambda: _record(message_id, worker, failure))
    getattr(report, outcome).append(message_id)


def _record(message_id: int, worker: str, failure: MailError | None) -> str:
    """Write down how the attempt went (commits); "sent", "retried" or "failed"."""
    item = db.session.get(OutboxMessage, message_id)
    if failure is None:
        item.status, item.sent_at, item.attempts = "sent", utcnow(), item.attempts + 1
        item.claimed_by = item.claimed_until = None
        item.last_error = None
        forget_links(item)
        outcome = "sent"
    else:
        outcome = _record_failure(item, worker, failure)
    db.session.commit()
    return outcome


def forget_links(item: OutboxMessage) -> None:
    """Mask the personal links of a message that will not be sent as it is again."""
    item.raw, masked = mask_raw(item.raw)
    if masked and item.links_masked_at is None:
        item.links_masked_at = utcnow()


def fail(item: OutboxMessage, reason: str) -> None:
    """Stop a message for good (its links no longer work, or the server refused it):
    failed, with the reason for the secretariat, and its links masked (flushes)."""
    item.status, item.last_error = "failed", reason[:2000]
    item.claimed_by = item.claimed_until = None
    forget_links(item)
    db.session.flush()


def _record_failure(item: OutboxMessage, worker: str, error: MailError) -> str:
    item.attempts += 1
    item.last_error = str(error)[:2000]
    item.claimed_by = item.claimed_until = None
    current_app.logger.warning("Mail %s to %s failed (attempt %s): %s", item.id, item.to_address,
                               item.attempts, error)
    if error.permanent or item.attempts >= MAX_ATTEMPTS:
        item.status = "failed"
        if error.permanent:  # the same message would be refused again: its links need not stay
            forget_links(item)
        if error.permanent and item.invitation is not None and item.kind in ("invitation", "reminder"):
            item.invitation.mark_bounced(str(error))
        return "failed"
    delay = min(BACKOFF_SECONDS * 2 ** (item.attempts - 1), BACKOFF_CAP_SECONDS)
    item.next_attempt_at = utcnow() + timedelta(seconds=delay)
    return "retried"


class CannotRetry(RuntimeError):
    """The message cannot be sent again as it is; the message says what to do instead."""


def retry(item: OutboxMessage) -> None:
    """Put a failed message back in the queue, to be tried now (flushes). A message whose
    links were masked cannot go again: its recipient would get dead links."""
    if item.links_masked_at is not None:
        raise CannotRetry(item.kind)
    item.status = "queued"
    item.attempts = 0
    item.next_attempt_at = utcnow()
    item.claimed_by = item.claimed_until = None
    db.session.flush()
