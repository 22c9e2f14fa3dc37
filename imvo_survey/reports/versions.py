"""The versions of a round's progress report as the pages and commands see them:
starting one, its steps' names, whether a build was interrupted, and its PDF as
built. The build itself (`building.py`, with matplotlib and WeasyPrint) is loaded only
when a report is built."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..i18n import lazy_gettext as _l
from ..models import ProgressReport, Round, User, utcnow

#: What each step of a build does: the report's sections in order, then writing the
#: page and making the PDF (`content.SECTIONS` pairs the sections with these names).
STEP_LABELS = (
    _l("Response"), _l("Coverage matrix"), _l("Transparantiebenchmark beside coverage"), _l("Lagging areas"),
    _l("Change since the baseline"), _l("Complaint mechanisms"), _l("Reporting"), _l("Dilemmas and bottlenecks"),
    _l("Good practices"), _l("Verification"), _l("Method"),
    _l("Writing the report"), _l("Making the PDF"),
)
STEPS = len(STEP_LABELS)


class ReportFileError(RuntimeError):
    """A version's PDF is missing or no longer what was built."""


def step_label(step: int) -> str:
    """What step `step` (0-based) of a build does, in the current language."""
    return str(STEP_LABELS[step]) if 0 <= step < STEPS else ""


def report_folder() -> Path:
    """Where the PDFs are kept: `instance/reports`, outside the web root."""
    folder = Path(current_app.instance_path) / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def start(round: Round, language: str, user: User | None) -> ProgressReport:
    """A new version of `round`'s report in `language`, not yet built (flushes)."""
    report = ProgressReport(round=round, language=language, status="building", step=0, steps=STEPS,
                            started_at=utcnow(), built_by=user)
    db.session.add(report)
    db.session.flush()
    return report


def versions_of(round: Round) -> list[ProgressReport]:
    """The round's report versions, the newest first."""
    return list(db.session.scalars(select(ProgressReport).where(ProgressReport.round_id == round.id)
                                   .order_by(ProgressReport.started_at.desc(), ProgressReport.id.desc())))


def interrupted(report: ProgressReport) -> bool:
    """A build still marked as under way long after it started: its process ended."""
    limit = timedelta(minutes=current_app.config["REPORT_BUILD_TIMEOUT_MINUTES"])
    return report.status == "building" and utcnow() - report.started_at > limit


def pdf_bytes(report: ProgressReport) -> bytes:
    """The version's PDF as built; ReportFileError when it is gone or changed."""
    name = report.pdf_name or ""
    path = report_folder() / name
    if not name.isalnum() or not path.is_file():
        raise ReportFileError(f"The PDF of report version {report.id} is missing.")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != report.pdf_sha256:
        raise ReportFileError(f"The PDF of report version {report.id} is not the one built.")
    return data
