"""Invitations and reminders: the messages of a round, queued in the outbox, and the
worker's schedule of reminders before each organisation's deadline. Functions flush,
never commit: the caller commits once (a send to a whole round, in batches, once per
batch: `send_batch`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import force_locale, format_datetime
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from ..deadlines import deadline_for, is_open_for
from ..extensions import db
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..mail.signals import worker_pass
from ..models import (
    REMINDABLE_STATUSES,
    Contact,
    Invitation,
    Organisation,
    OutboxMessage,
    Reminder,
    Round,
    User,
    utcnow,
)
from .services import RoundError, issue_token, log, usable_contacts


def _link(token: str) -> str:
    return external_url("respond.landing", token=token)


def deadline_in_words(moment: datetime, language: str) -> str:
    """'maandag 1 november 2010 om 17:00' in the contact's language (Europe/Amsterdam)."""
    with force_locale(language):
        return format_datetime(moment, "EEEE d MMMM y 'om' HH:mm" if language == "nl"
                               else "EEEE d MMMM y 'at' HH:mm")


def _message_for(invitation: Invitation, contact: Contact, token: str, kind: str):
    round = invitation.round
    language = contact.language or "nl"
    deadline = deadline_for(round, invitation.organisation_id)
    version = round.version_for(invitation.audience)
    with force_locale(language):
        subject = round.subject(language) if kind == "invitation" else _(
            "Reminder: %(subject)s", subject=round.subject(language))
        return build_message(contact.email, subject, kind, round=round, invitation=invitation, contact=contact,
                             intro=round.intro(language), link=_link(token), language=language,
                             deadline=deadline_in_words(deadline, language),
                             questionnaire=version.questionnaire.title(language) if version else "")


def send_invitation(invitation: Invitation, user: User | None = None) -> int:
    """Queue the invitation for its contacts, each with a new personal link."""
    round = invitation.round
    if round.status != "open":
        raise RoundError(_("Invitations can be sent only while the round is open."))
    contacts = usable_contacts(invitation.organisation, round.contact_mode)
    for contact in contacts:
        token = issue_token(invitation, contact)
        queue(_message_for(invitation, contact, token, "invitation"), "invitation", invitation=invitation)
    if contacts:
        now = utcnow()
        invitation.invited_at = invitation.invited_at or now
        if invitation.status in ("targeted", "bounced"):
            invitation.status = "invited"
    db.session.flush()
    return len(contacts)


def invite(round: Round, dry_run: bool = False, user: User | None = None) -> list[Invitation]:
    """Invite every organisation of the round that was not yet invited (in one batch:
    the page sends in batches, in the background)."""
    if dry_run:
        return [inv for inv in round.invitations if inv.status == "targeted"]
    return send_batch(round, "invite", user=user)[1]


def remindable(round: Round) -> list[Invitation]:
    """Invited organisations that have not submitted and not declined."""
    return [inv for inv in round.invitations if inv.status in REMINDABLE_STATUSES]


def latest_reminder(invitations: list[Invitation]) -> int:
    """The id of the newest reminder of these invitations (0 for none). A page that offers
    to remind carries it, so that a reminder sent after the page was shown is not repeated."""
    return max((reminder.id for invitation in invitations for reminder in invitation.reminders), default=0)


def send_reminder(invitation: Invitation, kind: str = "manual", days_before: int | None = None,
                  user: User | None = None, seen: int | None = None) -> int:
    """Queue a reminder and log it on the invitation. Each contact gets a fresh link in
    it; the links sent before keep working (only sending the invitation again voids them).

    `seen` is the newest reminder the asking page knew of (`latest_reminder`): when the
    invitation got a newer one since (a second click, another page, a colleague at the
    same moment), nothing is sent again."""
    if invitation.status not in REMINDABLE_STATUSES:
        return 0
    if seen is not None and latest_reminder([invitation]) > seen:
        return 0
    contacts = usable_contacts(invitation.organisation, invitation.round.contact_mode)
    for contact in contacts:
        token = issue_token(invitation, contact, void_earlier=False)
        queue(_message_for(invitation, contact, token, "reminder"), "reminder", invitation=invitation)
    db.session.add(Reminder(invitation=invitation, kind=kind, days_before=days_before,
                            user_id=getattr(user, "id", None)))
    invitation.reminder_count += 1
    db.session.flush()
    return len(contacts)


def remind(round: Round, dry_run: bool = False, user: User | None = None, seen: int | None = None
           ) -> list[Invitation]:
    """Remind, by hand, every organisation that has not answered and not declined (and,
    with `seen`, has had no reminder since the asking page was shown)."""
    if dry_run:
        return remindable(round)
    return send_batch(round, "remind", user=user, seen=seen)[1]


#: What a send to a whole round does: invite the organisations not yet invited, or
#: remind those that have not answered and not declined.
SEND_ACTIONS = ("invite", "remind")


@dataclass(frozen=True)
class Tally:
    """Where a send to a whole round stands: the last invitation handled (they are taken
    in the order of their ids), how many were handled and how many got mail, and whether
    it is over (its round event logged). A send in batches commits it with each batch,
    so that an interrupted send goes on after the last batch it committed."""

    after: int = 0
    done: int = 0
    sent: int = 0
    finished: bool = False


def _waiting(round: Round, action: str):
    """The invitations a send of `action` is for."""
    statuses = ("targeted",) if action == "invite" else REMINDABLE_STATUSES
    return (Invitation.round_id == round.id, Invitation.status.in_(statuses))


def waiting_count(round: Round, action: str) -> int:
    """How many invitations a send of `action` would go through now."""
    return db.session.scalar(select(func.count()).select_from(Invitation).where(*_waiting(round, action)))


def send_batch(round: Round, action: str, tally: Tally = Tally(), size: int | None = None,
               user: User | None = None, seen: int | None = None) -> tuple[Tally, list[Invitation]]:
    """Invite or remind (`action`) the next `size` invitations after `tally.after` (all
    of them when `size` is None); the batch that finds no more logs the round's event
    with the count of the whole send. Returns the new tally and the invitations that got
    mail. Flushes; the caller commits the batch with the tally.

    Each invitation is guarded where it is sent, not only by the tally: one invited
    already, or reminded since `seen`, is skipped, and two senders that change it at
    the same moment meet on its version counter (the loser runs its batch again)."""
    query = (select(Invitation).where(*_waiting(round, action), Invitation.id > tally.after)
             .order_by(Invitation.id)
             .options(selectinload(Invitation.organisation).selectinload(Organisation.contacts)))
    if action == "remind":
        query = query.options(selectinload(Invitation.reminders))
    else:
        query = query.options(selectinload(Invitation.tokens))
    batch = db.session.scalars(query if size is None else query.limit(size)).all()
    if action == "invite":
        sent = [inv for inv in batch if send_invitation(inv, user)]
    else:
        sent = [inv for inv in batch if send_reminder(inv, "manual", user=user, seen=seen)]
    finished = size is None or len(batch) < size
    tally = Tally(after=batch[-1].id if batch else tally.after, done=tally.done + len(batch),
                  sent=tally.sent + len(sent), finished=finished)
    if finished:
        log(round, "invited" if action == "invite" else "reminded", str(tally.sent), user)
    db.session.flush()
    return tally, sent


def invitation_mail_state(round: Round) -> tuple[dict[int, datetime], set[int]]:
    """Per invitation of the round: when its first invitation message was delivered, and
    which invitations still have an invitation message waiting in the outbox."""
    rows = db.session.execute(
        select(OutboxMessage.invitation_id, OutboxMessage.status, OutboxMessage.sent_at)
        .join(Invitation, Invitation.id == OutboxMessage.invitation_id)
        .where(Invitation.round_id == round.id, OutboxMessage.kind == "invitation"))
    first_sent: dict[int, datetime] = {}
    waiting: set[int] = set()
    for invitation_id, status, sent_at in rows:
        if status == "queued":
            waiting.add(invitation_id)
        elif status == "sent" and sent_at is not None:
            first_sent[invitation_id] = min(sent_at, first_sent.get(invitation_id, sent_at))
    return first_sent, waiting


def due_reminder_days(round: Round, invitation: Invitation, invited: datetime, now: datetime) -> list[int]:
    """The scheduled steps (days before the organisation's deadline) that are due now:
    their time has come, the invitation was delivered before it, and none was sent yet.
    A step that fell before the invitation went out is never due: an organisation
    invited five days before the deadline gets no "seven days before" reminder."""
    deadline = deadline_for(round, invitation.organisation_id)
    done = {r.days_before for r in invitation.reminders if r.kind == "scheduled"}
    return [days for days in sorted(round.reminder_days, reverse=True)
            if invited < deadline - timedelta(days=days) <= now and days not in done]


def send_scheduled_reminders(now: datetime | None = None) -> int:
    """The worker's schedule: N days before each organisation's deadline, once per N,
    only to organisations whose invitation was delivered before that step (never while
    it still waits in the outbox)."""
    now = now or utcnow()
    count = 0
    for round in db.session.scalars(select(Round).where(Round.status.in_(("open", "closed")))):
        first_sent, waiting = invitation_mail_state(round)
        for invitation in remindable(round):
            invited = first_sent.get(invitation.id)
            if invited is None or invitation.id in waiting:
                continue
            if not is_open_for(round, invitation.organisation_id, now):
                continue
            due = due_reminder_days(round, invitation, invited, now)
            if due:
                # One message even when several reminders became due at once; all are logged.
                count += bool(send_reminder(invitation, "scheduled", days_before=min(due)))
                for days in due:
                    if days != min(due):
                        db.session.add(Reminder(invitation=invitation, kind="scheduled", days_before=days))
    db.session.flush()
    return count


@worker_pass.connect
def _scheduled_reminders(_app) -> int:
    """The mail worker's pass (`imvo mail send`) queues the reminders that have come due."""
    return send_scheduled_reminders()
