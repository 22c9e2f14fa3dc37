"""Building a version of a round's progress report: the document (`content.py`) written
out as HTML, made into a PDF by WeasyPrint, and kept: the HTML in the row, the PDF under
`instance/reports` by a generated name with its SHA-256. Once ready, a version never
changes (the model refuses it); a new build is a new version.

A build is a unit of work of its own: it commits its progress after every step (the
page shows it) and its result at the end, unlike a view's single commit. The command
line runs it in the foreground; the web page as a background job (`reports/job.py`),
so that the page answers at once and shows the progress.
"""

from __future__ import annotations

import hashlib
import secrets

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import select, update

from ..extensions import db
from ..models import ProgressReport, ReportChangedError, utcnow
from .content import SECTIONS, Progress, build_document
from .versions import STEPS, report_folder


def _tell(report_id: int, done: int, total: int) -> None:
    """Save the progress in a transaction of its own, beside the build's reading."""
    with db.engine.begin() as connection:
        connection.execute(update(ProgressReport).where(ProgressReport.id == report_id)
                           .values(step=done, steps=total))


class PdfUnavailable(RuntimeError):
    """WeasyPrint cannot run here; the message says so in the report's language."""


def render_pdf(html: str, title: str, language: str) -> bytes:
    """The report's HTML as a PDF, on static/css/report.css (no external resource)."""
    try:
        from weasyprint import HTML  # noqa: PLC0415  (needs Pango: a missing one fails this build, not the app)
    except (ImportError, OSError) as error:
        with force_locale(language):  # the reason is shown on the version's page, in its language
            raise PdfUnavailable(_("This server cannot make PDFs (WeasyPrint cannot load: %(error)s).",
                                 error=error)) from error
    # The report's HTML is this app's own rendering, every text in it escaped then.
    page = render_template("reports/pdf.html", html=Markup(html),  # noqa: S704  # nosec B704
                           title=title, language=language)
    return HTML(string=page, base_url=current_app.static_folder).write_pdf()


def build(report_id: int, progress: Progress | None = None) -> ProgressReport:
    """Build the version `report_id` (started by `start` and committed) and keep it.
    On failure the version is marked failed with the reason, and the error raised."""
    report = db.session.get(ProgressReport, report_id)

    def step(done: int, total: int) -> None:
        _tell(report_id, done, total)
        if progress is not None:
            progress(done, total)

    try:
        document = build_document(report.round, report.language, step)
        step(len(SECTIONS), STEPS)
        with force_locale(report.language):
            html = render_template("reports/_document.html", document=document)
        step(len(SECTIONS) + 1, STEPS)
        pdf = render_pdf(html, document.title, report.language)
        name = secrets.token_hex(16)
        with (report_folder() / name).open("xb") as handle:
            handle.write(pdf)
        if db.session.scalar(select(ProgressReport.status).where(ProgressReport.id == report_id)) != "building":
            (report_folder() / name).unlink(missing_ok=True)  # another build of it finished first
            raise ReportChangedError(f"Report version {report_id} was finished by another build.")
        report.html, report.pdf_name, report.pdf_size = html, name, len(pdf)
        report.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
        report.step, report.built_at, report.status = STEPS, utcnow(), "ready"
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        failed = db.session.get(ProgressReport, report_id)
        reason = str(error) if isinstance(error, PdfUnavailable) else f"{type(error).__name__}: {error}"
        failed.status, failed.error = "failed", reason[:2000]
        db.session.commit()
        raise
    if progress is not None:
        progress(STEPS, STEPS)
    return report
