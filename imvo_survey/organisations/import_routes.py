"""The import pages: upload, check every row, show what would change, then confirm.

The checked file is kept in the instance folder under a random name bound to the
user's session, so the confirmation imports exactly the file that was checked.

A file of more than `IMPORT_JOB_ROWS` rows is checked (and, when asked and valid,
saved) by a background job instead (`import_job`): the page answers at once with the
job's progress, which leads to the result page here; a valid file checked there is
saved by a second job when confirmed. The job, its result and its kept file are its
owner's only, while they still have the secretariat's role.
"""

from __future__ import annotations

import io

from flask import flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _

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
from ..spreadsheets.reading import TableError, read_table
from ..spreadsheets.writing import XLSX_MIMETYPE
from . import bp
from .forms import ConfirmImportForm, ImportForm
from .import_job import checked
from .importer import apply_import, plan_import
from .templates import template_csv, template_xlsx

#: A checked file (not one for a job) waits here for its confirmation.
KEPT = KeptUploads("imports", "organisation_import")


@bp.route("/import", methods=["GET", "POST"])
@roles("secretariat")
def import_organisations():
    """Upload a file; every row is checked and the result shown before anything is saved."""
    form = ImportForm()
    plan = table = None
    confirm_form = None
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = form.file.data.filename or ""
        try:
            table = read_table(data, filename)
        except TableError as error:
            form.file.errors.append(str(error))
        else:
            if is_large(len(table.rows)):
                job = start_import_job("organisations", signed_in_user(), _("Import of %(file)s", file=filename),
                                       {"filename": filename, "save": form.save_when_valid.data},
                                       "organisations.import_result", data=data)
                return redirect(url_for("jobs.show_job", job_id=job.id))
            plan = plan_import(table)
            db.session.rollback()  # checking changes nothing
            if plan.is_valid:
                confirm_form = ConfirmImportForm(upload=KEPT.keep(data, filename=filename))
    return render_template("organisations/import.html", form=form, checked=checked(plan) if plan else None,
                           confirm_form=confirm_form, confirm_action=url_for("organisations.confirm_import"))


@bp.route("/import/confirm", methods=["POST"])
@roles("secretariat")
def confirm_import():
    """Import the checked file: all rows or, if anything changed meanwhile, none."""
    form = ConfirmImportForm()
    kept = KEPT.kept(form.upload.data) if form.validate_on_submit() else None
    if kept is None:
        flash(_("This import is no longer available. Upload the file again."), "error")
        return redirect(url_for("organisations.import_organisations"))
    path, remembered = kept
    plan = plan_import(read_table(path.read_bytes(), remembered["filename"]))
    if not plan.is_valid:
        db.session.rollback()
        flash(_("The register changed since the file was checked; nothing was imported. "
                "Check the file again."), "error")
        return redirect(url_for("organisations.import_organisations"))
    result = apply_import(plan)
    db.session.commit()
    KEPT.forget()
    flash(_("Import done: %(created)d organisations created, %(updated)d updated, "
            "%(contacts)d contacts imported.", created=result.created, updated=result.updated,
            contacts=result.contacts), "success")
    return redirect(url_for("organisations.list_organisations"))


@bp.route("/import/jobs/<int:job_id>")
@roles("secretariat")
def import_result(job_id: int):
    """Where a large import's job leads when done: what was saved, or what the check
    found, with the confirmation when every row is valid."""
    job = own_import_job(job_id, "organisations")
    found, can_confirm = finished_import(job, "organisations.import_organisations")
    return render_template("organisations/import.html", form=ImportForm(), checked=found,
                           saved=job.params.get("saved"), confirm_form=ActionForm() if can_confirm else None,
                           confirm_action=url_for("organisations.save_checked", job_id=job.id))


@bp.route("/import/jobs/<int:job_id>/save", methods=["POST"])
@roles("secretariat")
def save_checked(job_id: int):
    """Save a large file its job found valid, by a job of its own: it checks the file
    again (the register may have changed since) and saves all rows or none."""
    job = own_import_job(job_id, "organisations")
    return save_when_confirmed(job, "organisations", ("filename", "upload"),
                               "organisations.import_organisations", "organisations.import_result")


@bp.route("/import/template.<fmt>")
@roles("secretariat")
def import_template(fmt: str):
    """The template file to fill in: CSV (Dutch Excel style) or XLSX with explanations."""
    if fmt == "csv":
        return send_file(io.BytesIO(template_csv()), mimetype="text/csv",  # Werkzeug adds the charset
                         as_attachment=True, download_name="organisaties-sjabloon.csv")
    if fmt == "xlsx":
        return send_file(io.BytesIO(template_xlsx()),
                         mimetype=XLSX_MIMETYPE,
                         as_attachment=True, download_name="organisaties-sjabloon.xlsx")
    return redirect(url_for("organisations.import_organisations"))
