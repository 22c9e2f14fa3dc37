"""The benchmark import pages: upload, preview (which column was read as what, every
row with its match, the reconciliation's warnings), map unmatched names by hand, save;
and undo an import as a whole.

The checked file is kept in the instance folder under a random name bound to the
user's session, so the save imports exactly the file that was previewed.

A file of more than `IMPORT_JOB_ROWS` rows is checked (and, when asked and valid,
saved) by a background job instead (`import_job`): the page answers at once with the
job's progress, which leads to the result page here; a valid file checked there is
saved by a second job when confirmed. The job, its result and its kept file are its
owner's only, while they still have the secretariat's role.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles, signed_in_user
from ..extensions import db
from ..forms import ActionForm
from ..jobs.imports import (
    finished_import,
    is_large,
    own_import_job,
    save_when_confirmed,
    start_import_job,
)
from ..kept_uploads import KeptUploads
from ..models import BenchmarkImport, Organisation, Sector
from ..spreadsheets.reading import Table, TableError, read_table
from ..unit_of_work import flash_refusal, saving
from . import bp
from .forms import BenchmarkImportForm, ReviewImportForm
from .import_columns import COLUMN_LABELS
from .importer import AlreadyUndone, ImportPlan, apply_import, plan_import, undo_import
from .reconcile import describe

#: A checked file (not one for a job) waits here for its save.
KEPT = KeptUploads("benchmark-imports", "benchmark_import")
MAP_PREFIX = "map-"


def _plan(table: Table, kept: dict, mappings: dict[str, int]) -> ImportPlan:
    plan = plan_import(table, year=kept["year"], level=kept["level"], source=kept["source"], mappings=mappings)
    db.session.rollback()  # checking changes nothing
    return plan


def _mappings_from_request() -> dict[str, int]:
    """The names mapped by hand on the preview: `map-<normalised name>` -> a subject's id."""
    mappings = {}
    for name, value in request.form.items():
        if name.startswith(MAP_PREFIX) and value.isdigit():
            mappings[name.removeprefix(MAP_PREFIX)] = int(value)
    return mappings


def _preview(form, plan: ImportPlan | None = None, review_form=None, kept: dict | None = None,
             mappings: dict | None = None):
    subjects = []
    if plan is not None and plan.unmatched:
        query = (select(Sector).order_by(Sector.position) if plan.level == "sector"
                 else select(Organisation).order_by(Organisation.name_key))
        subjects = db.session.scalars(query).all()
    return render_template("benchmark_scores/import.html", form=form, plan=plan, review_form=review_form,
                           kept=kept, mappings=mappings or {}, subjects=subjects, column_labels=COLUMN_LABELS,
                           describe=describe, map_prefix=MAP_PREFIX)


@bp.route("/import", methods=["GET", "POST"])
@roles("secretariat")
def import_scores():
    """Upload a file; every row is checked and the result shown before anything is saved."""
    form = BenchmarkImportForm()
    if not form.validate_on_submit():
        return _preview(form)
    data = form.file.data.read()
    kept = {"filename": form.file.data.filename or "", "year": form.year.data, "level": form.level.data,
            "source": form.source.data}
    try:
        table = read_table(data, kept["filename"])
    except TableError as error:
        form.file.errors.append(str(error))
        return _preview(form)
    if is_large(len(table.rows)):
        job = start_import_job("benchmark", signed_in_user(), _("Import of %(file)s", file=kept["filename"]),
                               {**kept, "save": form.save_when_valid.data}, "benchmarks.import_result", data=data)
        return redirect(url_for("jobs.show_job", job_id=job.id))
    plan = _plan(table, kept, {})
    upload = KEPT.keep(data, **kept)
    return _preview(form, plan, ReviewImportForm(upload=upload), kept)


@bp.route("/import/review", methods=["POST"])
@roles("secretariat")
def review_import():
    """Check the kept file again with the names mapped by hand, or save it: all rows or none."""
    review_form = ReviewImportForm()
    found = KEPT.kept(review_form.upload.data) if review_form.validate_on_submit() else None
    if found is None:
        flash(_("This import is no longer available. Upload the file again."), "error")
        return redirect(url_for("benchmarks.import_scores"))
    path, kept = found
    mappings = _mappings_from_request()
    plan = _plan(read_table(path.read_bytes(), kept["filename"]), kept, mappings)
    form = BenchmarkImportForm(formdata=None, year=kept["year"], level=kept["level"], source=kept["source"])
    if not review_form.save.data or not plan.is_valid:
        return _preview(form, plan, review_form, kept, mappings)
    with saving() as outcome:
        record = apply_import(plan, kept["filename"], user_id=current_user.id)
    if outcome.committed:
        KEPT.forget()
        flash(_("Import done: %(count)d scores saved, %(warnings)d warnings.", count=record.row_count,
                warnings=len(record.warnings)), "success")
    return redirect(url_for("benchmarks.list_scores", year=kept["year"]))


@bp.route("/import/jobs/<int:job_id>")
@roles("secretariat")
def import_result(job_id: int):
    """Where a large import's job leads when done: what was saved, or what the check
    found, with the confirmation when every row is valid."""
    job = own_import_job(job_id, "benchmark")
    found, can_confirm = finished_import(job, "benchmarks.import_scores")
    return render_template("benchmark_scores/import_job.html", job=job, checked=found,
                           saved=job.params.get("saved"), confirm_form=ActionForm() if can_confirm else None)


@bp.route("/import/jobs/<int:job_id>/save", methods=["POST"])
@roles("secretariat")
def save_checked(job_id: int):
    """Save a large file its job found valid, by a job of its own: it checks the file
    again (scores may have been saved since) and saves all rows or none."""
    job = own_import_job(job_id, "benchmark")
    return save_when_confirmed(job, "benchmark", ("filename", "year", "level", "source", "upload"),
                               "benchmarks.import_scores", "benchmarks.import_result")


@bp.route("/imports/<int:import_id>/undo", methods=["GET", "POST"])
@roles("secretariat")
def undo_scores_import(import_id: int):
    """Undo an import as a whole (after a confirmation): its scores are removed, the
    record stays with who undid it and when."""
    record = db.session.get(BenchmarkImport, import_id) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        with saving(AlreadyUndone) as outcome:
            removed = undo_import(record, user_id=current_user.id)
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(_("The import has been undone: %(count)d scores removed.", count=removed), "success")
        return redirect(url_for("benchmarks.list_scores", year=record.year))
    return render_template("benchmark_scores/undo.html", record=record, form=form)
