"""What the large imports (organisations, benchmark scores) share as background jobs.

A file of more than `IMPORT_JOB_ROWS` rows is read in the request (bounded by the
upload limits, and that is how its rows are counted) but checked and saved by the
worker: checking thousands of rows against the register is itself long work. The
upload is kept under `instance/jobs` by a generated name until the job has used it (or
`JOBS_KEEP_HOURS` have passed: the upkeep removes files no job points to), what the
check found is kept beside it as JSON for the import's result page, and a save marks
the job in the save's own transaction, so that an attempt taken up again after a
stopped worker never saves twice and an interrupted one saved nothing.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from flask import abort, current_app, flash, redirect, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from sqlalchemy import update

from ..access import signed_in_user
from ..extensions import db
from ..forms import ActionForm
from ..models import Job, User
from .runner import JobProblem, Progress, jobs_folder
from .starting import own_job, start_job

#: Progress is told every so many rows (each telling is a write of its own).
TELL_EVERY = 250


class ImportProblem(JobProblem):
    """The job cannot go on (the message says why, in the owner's language)."""


def is_large(rows: int) -> bool:
    """Whether a file of `rows` rows is checked and saved as a background job."""
    return rows > current_app.config["IMPORT_JOB_ROWS"]


def start_import_job(name: str, user: User, title: str, params: dict, result_endpoint: str,
                     data: bytes | None = None) -> Job:
    """Keep the uploaded `data` (unless `params` names a kept upload already) and start
    an import job of `name`; it leads to `result_endpoint` (given the job's id) when done."""
    if data is not None:
        upload = f"import{secrets.token_hex(16)}"
        (jobs_folder() / upload).write_bytes(data)
        params = {**params, "upload": upload}
    job = start_job("import", user, title, {**params, "import": name})
    job.result_url = url_for(result_endpoint, job_id=job.id)  # known once the job has its id
    db.session.commit()
    return job


def _path(name: str | None) -> Path | None:
    return jobs_folder() / name if name and name.isalnum() else None


def kept_upload(job: Job) -> bytes:
    """The file the job works on; an `ImportProblem` once it is no longer kept."""
    path = _path(job.params.get("upload"))
    if path is None or not path.is_file():
        raise ImportProblem(_("The uploaded file is no longer kept; upload it again."))
    return path.read_bytes()


def has_upload(job: Job) -> bool:
    path = _path(job.params.get("upload"))
    return path is not None and path.is_file()


def forget(job: Job) -> None:
    """Remove the job's kept upload (saved, refused, or failed for good)."""
    path = _path(job.params.get("upload"))
    if path is not None:
        path.unlink(missing_ok=True)


def _summary_path(job: Job) -> Path:
    return jobs_folder() / f"import{job.id}summary"


def keep_summary(job: Job, summary: dict) -> None:
    """What the check found, for the result page (plain JSON)."""
    _summary_path(job).write_text(json.dumps(summary), encoding="utf-8")


def summary(job: Job) -> dict | None:
    path = _summary_path(job)
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def own_import_job(job_id: int, name: str) -> Job:
    """The import job `job_id` of `name`, if the signed-in user asked for it; for anyone
    else, or as another kind of job, it does not exist (404)."""
    job = own_job(job_id)
    if job.kind != "import" or job.params.get("import") != name:
        abort(404)
    return job


def finished_import(job: Job, upload_endpoint: str) -> tuple[dict | None, bool]:
    """For a large import's result page: what the check found (None once saved and
    forgotten) and whether the user may confirm the save now. Leaves the page for the
    job's own while it is not done, and for the upload form once nothing is kept."""
    if job.status != "done":
        abort(redirect(url_for("jobs.show_job", job_id=job.id)))
    found = summary(job)
    if not job.params.get("saved") and found is None:
        flash(_("This import is no longer available. Upload the file again."), "error")
        abort(redirect(url_for(upload_endpoint)))
    return found, found is not None and not found["errors"] and has_upload(job) and not job.params.get("saved")


def save_when_confirmed(job: Job, name: str, keys: tuple[str, ...], upload_endpoint: str,
                        result_endpoint: str):
    """The confirmation of a large file its job found valid: a job of its own saves it
    (checking it again first: the data may have changed since), all rows or none. A
    second click leads to the same saving job; a file no longer kept back to the upload."""
    found = summary(job) if job.status == "done" else None
    if not ActionForm().validate_on_submit() or found is None or found["errors"] or not has_upload(job):
        flash(_("This import is no longer available. Upload the file again."), "error")
        return redirect(url_for(upload_endpoint))
    if job.params.get("saving"):  # confirmed before (a second click)
        return redirect(url_for("jobs.show_job", job_id=job.params["saving"]))
    params = {key: job.params[key] for key in keys}
    saving = start_import_job(name, signed_in_user(), job.title, {**params, "save": True}, result_endpoint)
    job.params = {**job.params, "saving": saving.id}
    db.session.commit()
    return redirect(url_for("jobs.show_job", job_id=saving.id))


def every_so_often(progress: Progress) -> Progress:
    """`progress` told every `TELL_EVERY` rows and at the end (each telling is a write),
    as "checking the rows: 250 of 9,000 rows": the rows are counted in the message, not
    as the job page's steps (which it would show as "step 251 of 9,000")."""

    def tell(done: int, total: int, what: str) -> None:
        if done % TELL_EVERY == 0 or done == total:
            progress(0, 0, rows_told(what, done, total))

    return tell


def rows_told(what: str, done: int, total: int) -> str:
    """What the job page says while rows are worked through."""
    return _("%(what)s: %(done)s of %(total)s rows", what=what, done=format_number(done),
             total=format_number(total))


def while_saving(progress: Progress) -> Progress:
    """A save's progress. The save is one transaction; PostgreSQL takes the progress
    from a second connection meanwhile, but SQLite has one writer at a time (the
    progress would wait for the save's lock, then fail): there the save's progress is
    told only before it starts (by the caller)."""
    if db.engine.dialect.name == "sqlite":
        return lambda done, total, what: None
    return every_so_often(progress)


def mark_saved(job: Job, outcome: dict) -> None:
    """In the save's own transaction, before its commit: the job's import is saved, with
    `outcome` (counts). Only while this attempt still holds the job; else the save is
    refused and rolled back, so that two attempts never both save."""
    changed = db.session.execute(
        update(Job).where(Job.id == job.id, Job.status == "running", Job.attempts == job.attempts)
        .values(params={**job.params, "saved": outcome}).execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        raise ImportProblem(_("Another attempt has taken over this import; this one saved nothing."))
