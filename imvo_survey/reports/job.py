"""The background job that builds a version of a progress report (`jobs.runner` runs
it); the version's own row keeps its progress for the report's page."""

from __future__ import annotations

from ..extensions import db
from ..jobs.runner import Outcome, Progress
from ..models import Job, ProgressReport
from .building import build
from .versions import step_label


def run(job: Job, target, progress: Progress) -> Outcome:
    build(job.params["report_id"], lambda done, total: progress(done, total, step_label(done)))
    return Outcome()


def give_up(job: Job, reason: str) -> None:
    """The job failed for good (its worker stopped too often): so did the version."""
    report = db.session.get(ProgressReport, job.params["report_id"])
    if report is not None and report.status == "building":
        report.status, report.error = "failed", reason
