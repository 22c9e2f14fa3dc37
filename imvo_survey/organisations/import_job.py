"""The background job of a large organisation import (`jobs.imports`): the same check
and save as the page's, with the progress shown. It checks every row; when every row
is valid and the user asked for it, it saves them all in one transaction (a failure
saves nothing); otherwise what it found is kept for the result page, from which a
valid file is saved by a second job."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..jobs.imports import every_so_often, forget, keep_summary, kept_upload, mark_saved, rows_told, while_saving
from ..jobs.runner import Outcome, Progress
from ..models import Job
from ..spreadsheets.reading import read_table
from .importer import ImportPlan, apply_import, plan_import


def checked(plan: ImportPlan) -> dict:
    """What the check found, as plain data for the result page."""
    return {"errors": [[error.line, error.column, error.message] for error in plan.errors],
            "to_create": [item.name for item in plan.to_create],
            "to_update": [item.existing.name for item in plan.to_update],
            "contacts": plan.contact_count}


def run(job: Job, target, progress: Progress) -> Outcome:
    if job.params.get("saved"):
        return Outcome()  # an earlier attempt saved it, and stopped before it could say so
    plan = plan_import(read_table(kept_upload(job), job.params["filename"]), every_so_often(progress))
    keep_summary(job, checked(plan))
    if not plan.is_valid or not job.params.get("save"):
        db.session.rollback()
        if not plan.is_valid:
            forget(job)  # nothing more can come of it: the file must be corrected
        return Outcome()
    progress(0, 0, rows_told(_("saving"), 0, len(plan.organisations)))
    result = apply_import(plan, while_saving(progress))
    mark_saved(job, {"created": result.created, "updated": result.updated, "contacts": result.contacts})
    db.session.commit()
    forget(job)
    return Outcome()
