"""Doing a job, and keeping the queue honest.

`run(job_id)` is what the worker does with a task: take the job (only a queued one, so
a job handed over twice runs once), do it with its progress saved as it goes, and keep
its file (under `instance/jobs` by a generated name, downloadable by its owner until
`JOBS_KEEP_HOURS` have passed) or the reason it failed.

`upkeep(enqueue)` runs when the worker starts and every minute: a job whose worker
stopped while it ran (no sign of life for `JOBS_STALE_MINUTES`; a running job tells it
is alive every `HEARTBEAT_SECONDS`) is taken up again, up to `JOBS_ATTEMPTS` times in
all, and then marked failed with that reason; a queued job the queue lost is handed
over again; files past their time are removed. So a job is never silently lost.

Each kind of job is a module with `run(job, target, progress) -> Outcome` and, where a
failure must be told elsewhere too, `give_up(job, reason)` (`KINDS`). A job runs in its
owner's language. Like the report build, a job commits its progress as it goes (in a
transaction of its own) and its end once: it is a unit of work of its own.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ..extensions import db
from ..kept_uploads import remove_all_stale
from ..models import Job, utcnow

#: Kind -> the module that does it.
KINDS = {"export": "imvo_survey.matrix.export_job", "report": "imvo_survey.reports.job",
         "invitations": "imvo_survey.rounds.sending_job", "import": "imvo_survey.import_jobs"}

class JobProblem(RuntimeError):
    """The job cannot be done as asked; the message says why, in the owner's language,
    and the job's page shows it as it is (`failure_reason`)."""


#: How often a running job tells it is alive (well under `JOBS_STALE_MINUTES`).
HEARTBEAT_SECONDS = 30

#: Told as the job goes: (steps done, steps in all, what is being done now).
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Outcome:
    """What a finished job left: a file (written to the target it was given), to be
    downloaded as `filename`, or a page to go to (`url`), and what it did in a sentence
    (`message`: shown when its owner comes back to it)."""

    filename: str | None = None
    mimetype: str | None = None
    url: str | None = None
    message: str | None = None


def jobs_folder() -> Path:
    """Where the jobs' files are kept: `instance/jobs`, outside the web root."""
    folder = Path(current_app.instance_path) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def result_path(job: Job) -> Path | None:
    """The job's file, when it has one (a generated name: letters and digits only)."""
    name = job.result_name or ""
    return jobs_folder() / name if name.isalnum() else None


def _save(job_id: int, **values) -> int:
    """Change the job in a transaction of its own (beside the job's own reading)."""
    with db.engine.begin() as connection:
        return connection.execute(update(Job).where(Job.id == job_id).values(**values)).rowcount


def _claim(job_id: int) -> bool:
    now = utcnow()
    return _save_if(job_id, "queued", status="running", started_at=now, heartbeat_at=now,
                    attempts=Job.attempts + 1, error=None) == 1


def _save_if(job_id: int, was: str, **values) -> int:
    """Change the job only if its status is still `was`; how many rows changed (0 or 1)."""
    with db.engine.begin() as connection:
        return connection.execute(update(Job).where(Job.id == job_id, Job.status == was).values(**values)).rowcount


def _kind(job: Job):
    return import_module(KINDS[job.kind])


class _Heartbeat:
    """Signs of life while a job runs, every `HEARTBEAT_SECONDS`, from a thread of their
    own: a long step with no progress to tell (a PDF being made) is not taken for a
    stopped worker."""

    def __init__(self, app, job_id: int, attempt: int):
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, args=(app, job_id, attempt), daemon=True,
                                        name=f"job-{job_id}-heartbeat")

    def _beat(self, app, job_id: int, attempt: int) -> None:
        while not self._stop.wait(HEARTBEAT_SECONDS):
            with app.app_context():
                _save_mine(job_id, attempt, heartbeat_at=utcnow())

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop.set()
        self._thread.join(timeout=HEARTBEAT_SECONDS)


def _save_mine(job_id: int, attempt: int, **values) -> int:
    """Change the job only while it is still this attempt's to run (0 or 1 rows)."""
    with db.engine.begin() as connection:
        return connection.execute(update(Job).where(Job.id == job_id, Job.status == "running",
                                                    Job.attempts == attempt).values(**values)).rowcount


def run(job_id: int) -> None:
    """Do the job `job_id` if it is still queued (a worker's task). Its end is saved only
    while the job is still this attempt's: a job taken up again elsewhere is not
    overwritten by a late first attempt."""
    if not _claim(job_id):
        return
    job = db.session.get(Job, job_id)
    attempt = job.attempts
    target = jobs_folder() / secrets.token_hex(16)

    def progress(done: int, total: int, message: str) -> None:
        _save_mine(job_id, attempt, step=done, steps=max(total, 1), message=message[:300], heartbeat_at=utcnow())

    try:
        with _Heartbeat(current_app._get_current_object(), job_id, attempt), force_locale(job.language):
            outcome = _kind(job).run(job, target, progress)
        db.session.rollback()
        now = utcnow()
        values = {"status": "done", "finished_at": now, "heartbeat_at": now, "step": Job.steps,
                  "message": (outcome.message or "")[:300],
                  "expires_at": now + timedelta(hours=current_app.config["JOBS_KEEP_HOURS"]),
                  "result_name": target.name if target.exists() else None, "result_filename": outcome.filename,
                  "result_mimetype": outcome.mimetype,
                  "result_size": target.stat().st_size if target.exists() else None}
        if outcome.url:
            values["result_url"] = outcome.url
        if _save_mine(job_id, attempt, **values) != 1:
            target.unlink(missing_ok=True)  # another attempt has it now: its file, not this one
    except Exception as error:  # the job says it failed and why; the log has the trace
        db.session.rollback()
        target.unlink(missing_ok=True)
        current_app.logger.exception("Job %s (%s) failed.", job_id, job.kind)
        fail(job_id, failure_reason(error, job_id), attempt=attempt)


def failure_reason(error: Exception, job_id: int) -> str:
    """What the job's page says when it failed: the app's own refusals (a `JobProblem`,
    or a service's error, whose message is written for the user and translated) as
    they are; anything else (a bug, a full disk) in plain words, its detail only in the
    log, where the job's number finds it."""
    if isinstance(error, JobProblem) or (isinstance(error, ValueError)
                                         and type(error).__module__.startswith("imvo_survey.")):
        return str(error)
    return _("The job stopped on an unexpected error (%(kind)s). The server's log has the details under "
             "job %(id)s; ask for it again, or ask the administrator.", kind=type(error).__name__, id=job_id)


def fail(job_id: int, reason: str, was: str | None = None, attempt: int | None = None) -> bool:
    """Mark the job failed with `reason` (only if it is still `was`, or still running as
    `attempt`, when given) and let its kind know; False when it had moved on."""
    values = {"status": "failed", "finished_at": utcnow(), "error": reason[:2000]}
    if attempt is not None:
        changed = _save_mine(job_id, attempt, **values)
    else:
        changed = _save_if(job_id, was, **values) if was else _save(job_id, **values)
    if changed != 1:
        return False
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    give_up = getattr(_kind(job), "give_up", None)
    if give_up is not None:
        give_up(job, reason)
        db.session.commit()
    return True


def upkeep(enqueue: Callable[[int], None]) -> dict[str, int]:
    """Take up jobs whose worker stopped (or fail them after `JOBS_ATTEMPTS`), hand
    queued jobs to the queue again when they have waited `JOBS_STALE_MINUTES` since they
    were last handed over (a task the queue lost: Redis restarted, the web process died
    before handing it over; a job handed over twice still runs once), and remove files
    past their time, files no job points to and uploads kept for a confirmation that
    never came (`kept_uploads`). Returns how many of each."""
    config = current_app.config
    now = utcnow()
    stale = now - timedelta(minutes=config["JOBS_STALE_MINUTES"])
    counts = {"retried": 0, "failed": 0, "requeued": 0, "expired": 0, "uploads": 0}
    lost = db.session.scalars(select(Job.id).where(Job.status == "running", Job.heartbeat_at < stale)).all()
    for job_id in lost:
        job = db.session.get(Job, job_id)
        if job.attempts < config["JOBS_ATTEMPTS"]:
            if _save_if(job_id, "running", status="queued", message="", heartbeat_at=now) == 1:
                enqueue(job_id)
                counts["retried"] += 1
        else:
            with force_locale(job.language):
                reason = _("The worker stopped while doing this job, %(count)s times; ask for it again.",
                           count=job.attempts)
            counts["failed"] += fail(job_id, reason, was="running")
    waiting = db.session.scalars(select(Job.id).where(
        Job.status == "queued", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale))).all()
    for job_id in waiting:
        with db.engine.begin() as connection:
            handed = connection.execute(update(Job).where(
                Job.id == job_id, Job.status == "queued", or_(Job.heartbeat_at.is_(None), Job.heartbeat_at < stale))
                .values(heartbeat_at=now)).rowcount
        if handed:
            enqueue(job_id)
            counts["requeued"] += 1
    for job in db.session.scalars(select(Job).where(Job.status == "done", Job.expires_at < now)):
        path = result_path(job)
        if path is not None:
            path.unlink(missing_ok=True)
        job.status = "expired"
        counts["expired"] += 1
    db.session.commit()
    _remove_orphans(time.time() - config["JOBS_KEEP_HOURS"] * 3600)
    counts["uploads"] = remove_all_stale()
    return counts


def _remove_orphans(before: float) -> None:
    """Files no job points to (left by a worker stopped while writing), once changed
    before `before` (seconds since the epoch)."""
    kept = set(db.session.scalars(select(Job.result_name).where(Job.result_name.is_not(None))))
    for path in jobs_folder().iterdir():
        if path.name not in kept and path.is_file() and path.stat().st_mtime < before:
            path.unlink(missing_ok=True)
