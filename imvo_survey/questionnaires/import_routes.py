"""The import page: upload a workbook or JSON; import it, or list its problems, or
first show what the survey cannot use and import only when the user confirms.

A form from KoBoToolbox or ODK often holds rows the survey cannot use as written
(calculations, locations, notes, a repeat inside a repeat). They are left out or kept
in another form, never in silence: the preview lists each by sheet, row and name with
what happens to it. The checked file is kept in the instance folder under a random
name bound to the user's session, so the confirmation imports exactly that file.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from ..access import roles
from ..kept_uploads import KeptUploads
from ..unit_of_work import saving
from . import bp
from .definition import walk
from .forms import ConfirmImportForm, ImportForm
from .services import DefinitionError, ImportReading, grouped_warnings, read_import, store_definition

#: At most this many import warnings are flashed: they travel in the session cookie.
FLASHED_WARNINGS = 15
FLASHED_ROWS = 10
#: The checked file waits here for its confirmation.
KEPT = KeptUploads("questionnaire-imports", "questionnaire_import")


@bp.route("/import", methods=["GET", "POST"])
@roles("secretariat")
def import_questionnaire():
    """Upload a workbook or JSON: a new draft version (or a new questionnaire), the
    errors, or first the rows the survey cannot use, to confirm."""
    form = ImportForm()
    errors = preview = confirm_form = None
    if form.validate_on_submit():
        data = form.file.data.read()
        filename = form.file.data.filename or ""
        language = form.language.data or None
        reading = read_import(data, filename, language)
        errors = reading.errors
        if reading.definition is not None and reading.left_out:
            preview = reading
            upload = KEPT.keep(data, filename=filename)
            confirm_form = ConfirmImportForm(upload=upload, text_language=form.language.data)
        elif reading.definition is not None:
            stored = _store(reading)
            if stored is not None:
                return stored
            errors = reading.errors
    return render_template("questionnaires/import.html", form=form, errors=errors, preview=preview,
                           confirm_form=confirm_form, summary=_summary(preview))


@bp.route("/import/confirm", methods=["POST"])
@roles("secretariat")
def confirm_import():
    """Import the checked file, with what the preview listed left out."""
    form = ConfirmImportForm()
    kept = KEPT.kept(form.upload.data) if form.validate_on_submit() else None
    if kept is None:
        flash(_("This import is no longer available. Upload the file again."), "error")
        return redirect(url_for("questionnaires.import_questionnaire"))
    path, remembered = kept
    reading = read_import(path.read_bytes(), remembered["filename"], form.text_language.data or None)
    stored = _store(reading) if reading.definition is not None else None
    if stored is None:
        return render_template("questionnaires/import.html", form=ImportForm(), errors=reading.errors,
                               preview=None, confirm_form=None, summary=None)
    KEPT.forget()
    return stored


def _store(reading: ImportReading):
    """Store the definition read and go to the new draft; None (with `reading.errors`
    filled) when the database refuses it."""
    with saving(DefinitionError) as outcome:
        version = store_definition(reading.definition)
    if outcome.error is not None:
        reading.errors = [("", "", problem.code or "", problem.message) for problem in outcome.error.problems]
        return None
    flash(_("Imported as draft version %(number)d of %(code)s. Check it, then publish it.",
            number=version.number, code=version.questionnaire.code), "success")
    if reading.left_out:
        flash(ngettext("%(num)d row or cell the survey cannot use was left out or kept in another form, as the "
                       "preview listed.",
                       "%(num)d rows or cells the survey cannot use were left out or kept in another form, as the "
                       "preview listed.", len(reading.left_out)), "warning")
    _flash_import_warnings(reading.warnings)
    return redirect(url_for("questionnaires.show_version", code=version.questionnaire.code, number=version.number))


def _summary(reading: ImportReading | None) -> dict | None:
    """What the preview says will be imported: code, title, sections and questions."""
    if reading is None:
        return None
    definition = reading.definition
    return {"code": definition["questionnaire"]["code"], "title": definition["questionnaire"]["title"],
            "sections": len(definition["sections"]), "questions": sum(1 for _ in walk(definition))}


def _flash_import_warnings(warnings: list[tuple]) -> None:
    """What the import ignored, by place, one message per kind (see grouped_warnings)."""
    groups = grouped_warnings(warnings)
    for sheet, rows, column, message in groups[:FLASHED_WARNINGS]:
        flash(_("Ignored (%(place)s): %(message)s", place=_place(sheet, rows, column), message=message), "warning")
    if len(groups) > FLASHED_WARNINGS:
        flash(ngettext("%(num)d more kind of ignored content is not listed here.",
                       "%(num)d more kinds of ignored content are not listed here.", len(groups) - FLASHED_WARNINGS),
              "warning")


def _place(sheet: str, rows: list, column: str) -> str:
    """Where in a workbook, as "sheet survey, rows 2, 5, column appearance"."""
    parts = [_("sheet %(name)s", name=sheet)] if sheet else []
    listed = ", ".join(str(row) for row in rows[:FLASHED_ROWS])
    if len(rows) > FLASHED_ROWS:
        parts.append(_("rows %(rows)s and %(num)d more", rows=listed, num=len(rows) - FLASHED_ROWS))
    elif rows:
        parts.append(_("row %(rows)s", rows=listed) if len(rows) == 1 else _("rows %(rows)s", rows=listed))
    if column:
        parts.append(_("column %(name)s", name=column))
    return ", ".join(parts)
