"""A round's progress reports: its versions and building a new one (a background job:
the version's page shows its progress), a version as a page, and its PDF. Staff read;
the secretariat builds."""

from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from ..access import access, signed_in_user
from ..extensions import db
from ..i18n import current_language
from ..jobs.starting import start_job
from ..models import STAFF_ROLES, ProgressReport
from ..rounds.services import get_round
from . import bp
from .forms import BuildReportForm
from .versions import ReportFileError, interrupted, pdf_bytes, start, step_label, versions_of


@bp.route("/rounds/<slug>/reports", methods=["GET", "POST"])
@access(read=STAFF_ROLES, write=("secretariat",))
def list_reports(slug: str):
    """The round's report versions, the newest first, and the form for a new one."""
    round = get_round(slug)
    form = BuildReportForm(language=current_language())
    if form.validate_on_submit():
        user = signed_in_user()
        report = start(round, form.language.data, user)
        db.session.commit()
        page = url_for("reports.show_report", report_id=report.id)
        start_job("report", user, _("Progress report of %(round)s, version %(id)s", round=round.name, id=report.id),
                  {"report_id": report.id}, result_url=page)
        flash(_("The report is being built."), "success")
        return redirect(page)
    return render_template("reports/list.html", round=round, form=form, versions=versions_of(round),
                           interrupted=interrupted)


def _report(report_id: int) -> ProgressReport:
    return db.session.get(ProgressReport, report_id) or abort(404)


@bp.route("/reports/<int:report_id>")
@access(read=STAFF_ROLES)
def show_report(report_id: int):
    """A version: its progress while it is built (the page reloads itself), else the report."""
    report = _report(report_id)
    return render_template("reports/show.html", report=report, round=report.round,
                           # The stored HTML is this app's own rendering, every text in it escaped then.
                           html=Markup(report.html or ""),  # noqa: S704  # nosec B704
                           interrupted=interrupted(report), step_label=step_label(report.step))


@bp.route("/reports/<int:report_id>.pdf")
@access(read=STAFF_ROLES)
def download_pdf(report_id: int):
    """The version's PDF, exactly as built."""
    report = _report(report_id)
    if report.status != "ready":
        abort(404)
    try:
        data = pdf_bytes(report)
    except ReportFileError:
        return render_template("reports/pdf_missing.html", report=report, round=report.round), 410
    response = make_response(data)
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="voortgangsrapportage-{report.round.slug}-{report.id}-{report.language}.pdf"')
    return response
