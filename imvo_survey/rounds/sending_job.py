"""Sending a round's invitations or reminders as a background job (`jobs.runner` runs
it): a round of thousands of organisations is not sent inside a request.

The page's POST claims the send on the round's row and starts one job (`start_send`);
a second POST while that job waits or runs leads to it instead of starting another.
The job goes through the invitations in batches of `INVITATIONS_BATCH` (`send_batch`),
committing each batch together with its tally on the job's row, and only while the
job is still this attempt's to run: its progress shows as it goes, and a job taken up
again after its worker stopped goes on after the last batch committed. Each invitation
keeps its own guard where it is sent (invited already, reminded since the page was
shown, its version counter), so even two sends of the same round at once mail each
organisation once."""

from __future__ import annotations

from dataclasses import asdict
from functools import partial
from math import ceil

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select, update

from ..extensions import db
from ..jobs.runner import JobProblem, Outcome, Progress
from ..jobs.starting import start_job
from ..models import Invitation, Job, Reminder, Round, User, utcnow
from ..unit_of_work import run_with_retries
from .mailings import Tally, send_batch, waiting_count
from .services import RoundError, log

#: A batch lost to a concurrent change (a respondent opening a link, a colleague
#: reminding one organisation) is run again, this many times in all, before the job fails.
BATCH_ATTEMPTS = 8


class SendProblem(JobProblem):
    """The send cannot go on (the message says why, in the owner's language)."""


class Superseded(RuntimeError):
    """The job was taken up again by another attempt; this one stops without a trace."""


def running_send(round: Round, action: str) -> Job | None:
    """The job sending `action` ("invite" or "remind") for the round, while it waits or
    runs (there are few such jobs: they are looked at one by one)."""
    jobs = db.session.scalars(select(Job).where(Job.kind == "invitations", Job.status.in_(("queued", "running")))
                              .order_by(Job.id))
    return next((job for job in jobs if job.params.get("round") == round.id
                 and job.params.get("action") == action), None)


def latest_reminder_of(round: Round) -> int:
    """The id of the round's newest reminder (0 for none): what a send without a page's
    marker counts as seen."""
    return db.session.scalar(select(Reminder.id).join(Invitation).where(Invitation.round_id == round.id)
                             .order_by(Reminder.id.desc()).limit(1)) or 0


def start_send(round: Round, action: str, user: User, seen: int | None, result_url: str) -> Job | None:
    """Start the job that sends `action` to the whole round, or return the one already
    waiting or running; None when there is nobody to send to. Commits (the worker must
    find the job).

    Starting changes the round, so that two pages pressed at the same moment meet on its
    version counter: the second runs again and then finds the first one's job."""
    if action == "invite" and round.status != "open":
        raise RoundError(_("Invitations can be sent only while the round is open."))
    running = running_send(round, action)
    if running is not None:
        return running
    total = waiting_count(round, action)
    if not total:
        return None
    round.updated_at = utcnow()
    if action == "remind" and seen is None:
        seen = latest_reminder_of(round)
    title = (_("Invitations of %(round)s", round=round.name) if action == "invite"
             else _("Reminders of %(round)s", round=round.name))
    return start_job("invitations", user, title, {"round": round.id, "action": action, "user": user.id,
                                                  "seen": seen, "total": total}, result_url=result_url)


def run(job: Job, target, progress: Progress) -> Outcome:
    """Send in batches from where the job stands (its tally: nothing for a new job, the
    last batch committed for one taken up again), telling "N of M" after each; end on
    the round's page with what was sent."""
    params = job.params
    round = db.session.get(Round, params["round"])
    if round is None:
        raise SendProblem(_("The round no longer exists."))
    action, total = params["action"], params["total"]
    size = current_app.config["INVITATIONS_BATCH"]
    steps = max(ceil(total / size), 1)
    tally = Tally(**params.get("tally", {}))
    attempt = job.attempts  # read once: the row may be another attempt's by the next batch
    progress(min(ceil(tally.done / size), steps - 1), steps, _told(action, tally.done, total))
    while not tally.finished:
        tally = run_with_retries(partial(_batch, job.id, attempt, tally, size), BATCH_ATTEMPTS)
        progress(min(ceil(tally.done / size), steps), steps, _told(action, tally.done, total))
    return Outcome(url=job.result_url, message=summary(action, tally))


def _batch(job_id: int, attempt: int, tally: Tally, size: int) -> Tally:
    """One batch, committed with its tally on the job's row, only while the job is still
    this attempt's to run (else nothing of it is kept, and the attempt stops)."""
    job = db.session.get(Job, job_id)
    params = dict(job.params)
    round = db.session.get(Round, params["round"])
    if round is None:
        raise SendProblem(_("The round no longer exists."))
    user = db.session.get(User, params["user"]) if params.get("user") else None
    tally, _sent = send_batch(round, params["action"], tally, size, user=user, seen=params.get("seen"))
    params["tally"] = asdict(tally)
    kept = db.session.execute(update(Job).where(Job.id == job_id, Job.status == "running", Job.attempts == attempt)
                              .values(params=params), execution_options={"synchronize_session": False}).rowcount
    if kept != 1:
        db.session.rollback()
        raise Superseded(f"Job {job_id} was taken up again; attempt {attempt} stops.")
    db.session.commit()
    return tally


def _told(action: str, done: int, total: int) -> str:
    total = max(total, done)  # organisations added to the round while it sends are sent to as well
    if action == "invite":
        return ngettext("%(done)d of %(num)d invitation", "%(done)d of %(num)d invitations", total, done=done)
    return ngettext("%(done)d of %(num)d reminder", "%(done)d of %(num)d reminders", total, done=done)


def summary(action: str, tally: Tally) -> str:
    """What the send did, as the page said it when it sent at once."""
    if action == "invite":
        if not tally.done:
            return _("No invitations were sent: every organisation had been invited already.")
        told = [ngettext("%(num)d invitation is queued in the outbox.",
                         "%(num)d invitations are queued in the outbox.", tally.sent)]
        if tally.done > tally.sent:  # the others had no usable contact e-mail address
            told.append(ngettext("%(num)d organisation has no usable contact e-mail and was not invited.",
                                 "%(num)d organisations have no usable contact e-mail and were not invited.",
                                 tally.done - tally.sent))
        return " ".join(told)
    if tally.sent:
        return ngettext("%(num)d reminder is queued in the outbox.",
                        "%(num)d reminders are queued in the outbox.", tally.sent)
    return _("No reminders were sent: the organisations had been reminded since this page was shown.")


def give_up(job: Job, reason: str) -> None:
    """The job failed for good: what it had sent stays sent, and the round's log says
    how much (as a send that finished would)."""
    tally = Tally(**job.params.get("tally", {}))
    round = db.session.get(Round, job.params["round"])
    if round is not None and tally.sent and not tally.finished:
        user = db.session.get(User, job.params["user"]) if job.params.get("user") else None
        log(round, "invited" if job.params["action"] == "invite" else "reminded", str(tally.sent), user)
