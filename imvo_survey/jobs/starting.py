"""Starting a background job from a page: the job is saved (committed, so that the
worker finds it) and handed to the queue. If the queue cannot be reached the job says
so at once, failed with the reason, rather than wait for ever.

Also the page's way back to a job: `own_job`, which only the user who asked for it
finds."""

from __future__ import annotations

from flask import abort, current_app
from flask_babel import gettext as _

from ..access import signed_in_user
from ..extensions import db
from ..i18n import current_language
from ..models import Job, User, utcnow
from .queue import enqueue
from .runner import fail


def start_job(kind: str, user: User | None, title: str, params: dict, result_url: str | None = None) -> Job:
    """A new job of `kind` for `user`, in the current language, committed and queued."""
    job = Job(kind=kind, owner=user, language=current_language(), title=title[:300], params=params,
              status="queued", result_url=result_url, heartbeat_at=utcnow())
    db.session.add(job)
    db.session.commit()
    try:
        enqueue(job.id)
    except Exception as error:  # Redis gone, a full disk: the page shows the job failed, and why
        current_app.logger.exception("Job %s could not be queued.", job.id)
        fail(job.id, _("The job could not be handed to the worker: %(error)s", error=error), was="queued")
        db.session.refresh(job)
    return job


def own_job(job_id: int) -> Job:
    """The job `job_id` if the signed-in user asked for it; for anyone else it does not
    exist (404)."""
    job = db.session.get(Job, job_id)
    if job is None or job.owner_id is None or job.owner_id != signed_in_user().id:
        abort(404)
    return job
