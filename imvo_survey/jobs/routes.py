"""A user's background jobs: the list, one job with its progress (the page reloads
itself until the job is done), and its file. Only the user who asked for a job sees it
and downloads its file: for anyone else it does not exist."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file
from sqlalchemy import select

from ..access import access, signed_in_user
from ..extensions import db
from ..models import STAFF_ROLES, Job
from . import bp
from .runner import result_path
from .starting import own_job

#: The most recent jobs listed.
LISTED = 50


@bp.route("/")
@access(read=STAFF_ROLES)
def list_jobs():
    """The user's jobs, the newest first."""
    jobs = db.session.scalars(select(Job).where(Job.owner_id == signed_in_user().id)
                              .order_by(Job.created_at.desc(), Job.id.desc()).limit(LISTED))
    return render_template("jobs/list.html", jobs=list(jobs))


@bp.route("/<int:job_id>")
@access(read=STAFF_ROLES)
def show_job(job_id: int):
    """One job: its progress while it runs, then its file (or where to go, with what it
    did said there as a page's own action would say it), or why it failed."""
    job = own_job(job_id)
    if job.status == "done" and job.result_url and not job.result_name:
        if job.message:
            flash(job.message, "info")
        return redirect(job.result_url)
    return render_template("jobs/show.html", job=job)


@bp.route("/<int:job_id>/download")
@access(read=STAFF_ROLES)
def download(job_id: int):
    """The job's file, while it is kept."""
    job = own_job(job_id)
    path = result_path(job)
    if job.status != "done" or path is None or not path.is_file():
        abort(404)
    return send_file(path, mimetype=job.result_mimetype, as_attachment=True, download_name=job.result_filename)
