"""The background job of a large benchmark import (`jobs.imports`): the same check and
save as the page's, with the progress shown. It checks every row and matches it (with
the names mapped by hand before); when every row is valid and the user asked for it,
it saves them all as one import in one transaction (a failure saves nothing);
otherwise what it found is kept for the result page, from which a valid file is saved
by a second job. A name that matches nothing is a problem here: a file of thousands of
rows is corrected, or its names mapped by `imvo benchmark import --map`, not mapped by
hand one select at a time."""

from __future__ import annotations

from flask_babel import gettext as _

from ..extensions import db
from ..i18n import current_language
from ..jobs.imports import every_so_often, forget, keep_summary, kept_upload, mark_saved, rows_told, while_saving
from ..jobs.runner import Outcome, Progress
from ..models import Job, Sector
from ..spreadsheets.reading import read_table
from .import_columns import COLUMN_LABELS, SUBJECT_COLUMN
from .importer import ImportPlan, apply_import, plan_import
from .reconcile import describe


def _name(subject) -> str:
    return subject.label(current_language()) if isinstance(subject, Sector) else subject.name


def checked(plan: ImportPlan) -> dict:
    """What the check found, as plain data in the owner's language for the result page:
    the columns as read, the warnings, and every problem by line and column (a row that
    matches nothing among them, with the closest names)."""
    problems = [[error.line, str(COLUMN_LABELS.get(error.column, error.column or "")), error.message]
                for error in plan.errors]
    for row in plan.unmatched:
        closest = ", ".join(_name(subject) for subject in row.match.suggestions)
        message = (_("%(name)s matches nothing; the closest: %(closest)s.", name=row.name, closest=closest)
                   if closest else _("%(name)s matches nothing.", name=row.name))
        problems.append([row.line, str(COLUMN_LABELS[SUBJECT_COLUMN[plan.level]]), message])
    problems.sort(key=lambda problem: problem[0] or 0)
    return {"columns": [[header, str(COLUMN_LABELS[code]) if code else None] for header, code in plan.columns],
            "warnings": [describe(warning) for warning in plan.warnings], "errors": problems,
            "rows": len(plan.rows), "totals": len(plan.total_rows)}


def run(job: Job, target, progress: Progress) -> Outcome:
    params = job.params
    if params.get("saved"):
        return Outcome()  # an earlier attempt saved it, and stopped before it could say so
    plan = plan_import(read_table(kept_upload(job), params["filename"]), year=params["year"],
                       level=params["level"], source=params["source"], progress=every_so_often(progress))
    keep_summary(job, checked(plan))
    if not plan.is_valid or not params.get("save"):
        db.session.rollback()
        if not plan.is_valid:
            forget(job)  # nothing more can come of it: the file must be corrected
        return Outcome()
    progress(0, 0, rows_told(_("saving"), 0, len(plan.rows)))
    record = apply_import(plan, params["filename"], user_id=job.owner_id, progress=while_saving(progress))
    mark_saved(job, {"import": record.id, "scores": record.row_count, "warnings": len(record.warnings)})
    db.session.commit()
    forget(job)
    return Outcome()
