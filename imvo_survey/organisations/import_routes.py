"""The import pages: upload, check every row, show what would change, then confirm.

The checked file is kept in the instance folder under a random name bound to the
user's session, so the confirmation imports exactly the file that was checked.
"""

from __future__ import annotations

import io
import secrets
import time
from pathlib import Path

from flask import current_app, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import roles
from ..extensions import db
from ..spreadsheets.reading import TableError, read_table
from ..spreadsheets.writing import XLSX_MIMETYPE
from . import bp
from .forms import ConfirmImportForm, ImportForm
from .importer import apply_import, plan_import
from .templates import template_csv, template_xlsx

UPLOAD_MAX_AGE = 24 * 60 * 60  # seconds a checked, unconfirmed file is kept


def _upload_dir() -> Path:
    directory = Path(current_app.instance_path) / "imports"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _forget_old_uploads(directory: Path) -> None:
    cutoff = time.time() - UPLOAD_MAX_AGE
    for path in directory.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)


def _checked_upload(upload: str) -> tuple[Path, str] | None:
    """The kept file for `upload`, if it belongs to this user's session."""
    kept = session.get("organisation_import")
    if not kept or kept.get("upload") != upload or kept.get("user") != current_user.id:
        return None
    path = _upload_dir() / f"{upload}.upload"
    return (path, kept["filename"]) if path.exists() else None


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
            plan = plan_import(table)
            db.session.rollback()  # checking changes nothing
            if plan.is_valid:
                directory = _upload_dir()
                _forget_old_uploads(directory)
                upload = secrets.token_urlsafe(16)
                (directory / f"{upload}.upload").write_bytes(data)
                session["organisation_import"] = {"upload": upload, "filename": filename,
                                                  "user": current_user.id}
                confirm_form = ConfirmImportForm(upload=upload)
    return render_template("organisations/import.html", form=form, plan=plan, table=table,
                           confirm_form=confirm_form)


@bp.route("/import/confirm", methods=["POST"])
@roles("secretariat")
def confirm_import():
    """Import the checked file: all rows or, if anything changed meanwhile, none."""
    form = ConfirmImportForm()
    kept = _checked_upload(form.upload.data) if form.validate_on_submit() else None
    if kept is None:
        flash(_("This import is no longer available. Upload the file again."), "error")
        return redirect(url_for("organisations.import_organisations"))
    path, filename = kept
    plan = plan_import(read_table(path.read_bytes(), filename))
    if not plan.is_valid:
        db.session.rollback()
        flash(_("The register changed since the file was checked; nothing was imported. "
                "Check the file again."), "error")
        return redirect(url_for("organisations.import_organisations"))
    result = apply_import(plan)
    db.session.commit()
    path.unlink(missing_ok=True)
    session.pop("organisation_import", None)
    flash(_("Import done: %(created)d organisations created, %(updated)d updated, "
            "%(contacts)d contacts imported.", created=result.created, updated=result.updated,
            contacts=result.contacts), "success")
    return redirect(url_for("organisations.list_organisations"))


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
