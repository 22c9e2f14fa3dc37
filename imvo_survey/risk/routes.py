"""The risk analysis pages: the risk entries (list, add, edit, delete, import, export),
the import shares (list, import, export), and the risk page of a sector or branch with
its relevance set by hand. Staff read; the secretariat changes."""

from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import access, roles
from ..extensions import db
from ..forms import ActionForm
from ..i18n import current_language
from ..models import STAFF_ROLES, Aspect, Branch, Country, ImportShare, ProductGroup, RiskEntry, Sector
from ..spreadsheets.reading import TableError, read_table
from ..spreadsheets.writing import XLSX_MIMETYPE, csv_bytes, xlsx_bytes
from ..unit_of_work import saving
from . import bp
from .forms import ManualRelevanceForm, RiskEntryForm, RiskImportForm
from .importing import apply_entries, apply_shares, plan_entries, plan_shares
from .sector import subject_risks
from .services import (
    RiskError,
    delete_entry,
    entry_table,
    manual_for,
    remove_manual,
    save_entry,
    set_manual,
    share_table,
)

SUBJECTS = {"sector": Sector, "branch": Branch}


@bp.route("/")
@roles(*STAFF_ROLES)
def list_entries():
    """Every risk entry, by product group and country."""
    entries = db.session.scalars(select(RiskEntry).join(ProductGroup, ProductGroup.id == RiskEntry.product_group_id)
                                 .join(Country, Country.id == RiskEntry.country_id)
                                 .join(Aspect, Aspect.id == RiskEntry.aspect_id)
                                 .order_by(ProductGroup.position, Country.position, Aspect.position)).all()
    sectors = db.session.scalars(select(Sector).order_by(Sector.position)).all()
    return render_template("risk/list.html", entries=entries, sectors=sectors, action_form=ActionForm())


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create_entry():
    """Add a risk entry."""
    return _entry_form(None)


@bp.route("/<int:entry_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_entry(entry_id: int):
    """Change a risk entry (an example becomes the secretariat's own)."""
    return _entry_form(db.session.get(RiskEntry, entry_id) or abort(404))


def _entry_form(entry: RiskEntry | None):
    form = RiskEntryForm(obj=entry)
    if form.validate_on_submit():
        with saving(RiskError) as outcome:
            save_entry(entry, country=db.session.get(Country, form.country_id.data),
                       product_group=db.session.get(ProductGroup, form.product_group_id.data),
                       aspect=db.session.get(Aspect, form.aspect_id.data), level=form.level.data,
                       source=form.source.data or "")
        if not outcome.refused:
            flash(_("The risk entry has been saved."), "success")
            return redirect(url_for("risk.list_entries"))
        form.aspect_id.errors.append(_("There is already an entry for this country, product group and aspect."))
    return render_template("risk/form.html", form=form, entry=entry)


@bp.route("/<int:entry_id>/delete", methods=["POST"])
@roles("secretariat")
def remove_entry(entry_id: int):
    """Delete a risk entry."""
    entry = db.session.get(RiskEntry, entry_id) or abort(404)
    if ActionForm().validate_on_submit():
        with saving():
            delete_entry(entry)
        flash(_("The risk entry has been deleted."), "success")
    return redirect(url_for("risk.list_entries"))


@bp.route("/import", methods=["GET", "POST"])
@roles("secretariat")
def import_entries():
    """Import risk entries: all rows checked, nothing saved unless all pass."""
    return _import("entries")


@bp.route("/shares")
@roles(*STAFF_ROLES)
def list_shares():
    """The imported import shares per sector and branch."""
    shares = db.session.scalars(select(ImportShare).order_by(ImportShare.sector_id, ImportShare.branch_id,
                                                             ImportShare.share.desc(), ImportShare.id)).all()
    return render_template("risk/shares.html", shares=shares)


@bp.route("/shares/import", methods=["GET", "POST"])
@roles("secretariat")
def import_shares():
    """Import shares from trade statistics: all rows checked, nothing saved unless all pass."""
    return _import("shares")


def _import(kind: str):
    form = RiskImportForm()
    plan = None
    if form.validate_on_submit():
        try:
            table = read_table(form.file.data.read(), form.file.data.filename or "")
        except TableError as error:
            form.file.errors.append(str(error))
        else:
            plan = plan_entries(table) if kind == "entries" else plan_shares(table)
            if plan.is_valid:
                with saving():
                    if kind == "entries":
                        created, updated = apply_entries(plan)
                        flash(_("Import done: %(created)d risk entries added, %(updated)d changed.",
                                created=created, updated=updated), "success")
                    else:
                        flash(_("Import done: %(count)d import shares saved.", count=apply_shares(plan)), "success")
                return redirect(url_for("risk.list_entries" if kind == "entries" else "risk.list_shares"))
            db.session.rollback()
    return render_template("risk/import.html", form=form, plan=plan, kind=kind)


@bp.route("/export.<fmt>")
@roles(*STAFF_ROLES)
def export_entries(fmt: str):
    """The risk entries as CSV or XLSX, in the import's format; formulas neutralised."""
    return _export(fmt, "risicos", entry_table(current_language()))


@bp.route("/shares/export.<fmt>")
@roles(*STAFF_ROLES)
def export_shares(fmt: str):
    """The import shares as CSV or XLSX, in the import's format; formulas neutralised."""
    return _export(fmt, "importaandelen", share_table(current_language()))


def _export(fmt: str, name: str, table):
    headers, rows = table
    if fmt == "csv":
        return send_file(io.BytesIO(csv_bytes(headers, rows)), mimetype="text/csv", as_attachment=True,
                         download_name=f"{name}.csv")
    if fmt == "xlsx":
        return send_file(io.BytesIO(xlsx_bytes([(name, headers, rows)])), mimetype=XLSX_MIMETYPE,
                         as_attachment=True, download_name=f"{name}.xlsx")
    abort(404)


def _subject(subject: str, code: str):
    model = SUBJECTS[subject]
    return db.session.scalar(select(model).where(model.code == code)) or abort(404)


@bp.route("/<any(sector, branch):subject>/<code>", methods=["GET", "POST"])
@access(read=STAFF_ROLES, write=("secretariat",))
def subject_page(subject: str, code: str):
    """The risk page of a sector (or branch); the secretariat sets a relevance by hand here."""
    item = _subject(subject, code)
    form = ManualRelevanceForm()
    if form.validate_on_submit():
        aspect = db.session.get(Aspect, form.aspect_id.data)
        with saving(RiskError) as outcome:
            set_manual(aspect=aspect, value=form.value.data, reason=form.reason.data, user=current_user,
                       **{subject: item})
        if not outcome.refused:
            flash(_("The relevance of %(aspect)s has been set by hand.", aspect=aspect.label(current_language())),
                  "success")
            return redirect(url_for("risk.subject_page", subject=subject, code=code))
        form.value.errors.append(_("The relevance lies between 0 and 1."))
    return render_template("risk/subject.html", subject=subject, item=item, risks=subject_risks(subject, code),
                           form=form, action_form=ActionForm())


@bp.route("/<any(sector, branch):subject>/<code>/manual/<aspect>/delete", methods=["POST"])
@roles("secretariat")
def remove_manual_relevance(subject: str, code: str, aspect: str):
    """Go back to the computed relevance of an aspect."""
    item = _subject(subject, code)
    found = db.session.scalar(select(Aspect).where(Aspect.code == aspect)) or abort(404)
    manual = manual_for(item if subject == "sector" else None, item if subject == "branch" else None, found)
    if manual is not None and ActionForm().validate_on_submit():
        with saving():
            remove_manual(manual)
        flash(_("The relevance of %(aspect)s is computed again.", aspect=found.label(current_language())), "success")
    return redirect(url_for("risk.subject_page", subject=subject, code=code))
