"""Report versions: a version is built from the data of its moment and never changes,
its PDF is served exactly as built, the web page builds in the background and shows
the progress, the command line writes the PDF, and a failed or interrupted build says so."""

from __future__ import annotations

import shutil
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import ProgressReport, ReportChangedError, utcnow
from imvo_survey.reports.building import build
from imvo_survey.reports.versions import STEPS, ReportFileError, pdf_bytes, report_folder, start

from ..analysis.builders import association, respond
from ..jobs.worker import work
from . import world


def _build(round, language="nl") -> ProgressReport:
    report = start(round, language, None)
    db.session.commit()
    return build(report.id)


def test_a_version_never_changes_and_a_new_build_is_a_new_version(app, secretariat_client):
    things = world.build()
    round = things["round"]
    first = _build(round)
    html, digest, first_id = first.html, first.pdf_sha256, first.id
    assert first.status == "ready" and first.step == STEPS and first.built_at is not None
    assert pdf_bytes(first).startswith(b"%PDF")
    with pytest.raises(ReportChangedError):
        first.html = "<p>anders</p>"
    db.session.rollback()
    # New data: a fourth food organisation with an activity on wages.
    respond(round, association("Late Vereniging"), [{"aspects": ["wages"]}])
    db.session.commit()
    second = _build(round)
    assert second.id != first_id and second.html != html
    db.session.expire_all()
    kept = db.session.get(ProgressReport, first_id)
    assert kept.html == html and kept.pdf_sha256 == digest
    response = secretariat_client.get(f"/reports/{first_id}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == pdf_bytes(kept)
    listing = secretariat_client.get(f"/rounds/{round.slug}/reports").get_data(as_text=True)
    assert f"/reports/{first_id}.pdf" in listing and f"/reports/{second.id}.pdf" in listing


def test_a_pdf_that_changed_on_disk_is_not_served(app, secretariat_client):
    report = _build(world.build()["round"])
    path = report_folder() / report.pdf_name
    path.write_bytes(path.read_bytes() + b"\n% changed")
    with pytest.raises(ReportFileError):
        pdf_bytes(report)
    response = secretariat_client.get(f"/reports/{report.id}.pdf")
    assert response.status_code == 410
    assert "niet meer het bestand" in response.get_data(as_text=True)


def test_the_web_page_builds_it_as_a_background_job(app, secretariat_client, analyst_client):
    round = world.build()["round"]
    response = secretariat_client.post(f"/rounds/{round.slug}/reports", data={"language": "en"})
    assert response.status_code == 302
    report_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = analyst_client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "<progress" in page and "Stap 1 van" in page
    assert work(app) == 1
    page = analyst_client.get(f"/reports/{report_id}").get_data(as_text=True)
    assert "Download als PDF" in page and "Coverage matrix" in page  # the page in Dutch, the report in English
    assert 'http-equiv="refresh"' not in page
    assert analyst_client.post(f"/rounds/{round.slug}/reports", data={"language": "nl"}).status_code == 403


def test_the_progress_page_names_the_step(app, secretariat_client):
    round = world.build()["round"]
    report = start(round, "nl", None)
    report.step = 3
    db.session.commit()
    page = secretariat_client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert f"Stap 4 van {STEPS}: Achterblijvende gebieden" in page
    assert 'http-equiv="refresh"' in page


def test_an_interrupted_build_says_so(app, secretariat_client):
    round = world.build()["round"]
    report = start(round, "nl", None)
    report.started_at = utcnow() - timedelta(hours=2)
    db.session.commit()
    page = secretariat_client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "onderbroken" in page and 'http-equiv="refresh"' not in page


def test_a_failed_build_keeps_the_reason(app, secretariat_client):
    round = world.build()["round"]
    report = start(round, "nl", None)
    db.session.commit()
    folder = report_folder()
    shutil.rmtree(folder)
    folder.write_text("not a folder")  # the disk refuses: the PDF cannot be stored
    try:
        with pytest.raises(FileExistsError):
            build(report.id)
    finally:
        folder.unlink()
    failed = db.session.scalar(select(ProgressReport).where(ProgressReport.id == report.id))
    assert failed.status == "failed" and "FileExistsError" in failed.error
    page = secretariat_client.get(f"/reports/{report.id}").get_data(as_text=True)
    assert "kon niet worden gemaakt" in page and "FileExistsError" in page


@pytest.mark.parametrize(("language", "words"), [("nl", "Deze server kan geen PDF's maken"),
                                                  ("en", "This server cannot make PDFs")])
def test_a_server_without_weasyprint_says_so_in_the_reports_language(app, secretariat_client, monkeypatch,
                                                                     language, words):
    """A server whose WeasyPrint cannot load (Pango missing, say) fails the build with a
    reason in the report's language, without the exception's class name."""
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # the import fails, as on such a server
    round = world.build()["round"]
    report = start(round, language, None)
    db.session.commit()
    with pytest.raises(RuntimeError):
        build(report.id)
    failed = db.session.scalar(select(ProgressReport).where(ProgressReport.id == report.id))
    assert failed.status == "failed" and failed.error.startswith(words), failed.error
    assert "RuntimeError" not in failed.error


def test_the_command_writes_the_pdf(app, runner, tmp_path):
    world.build()
    output = tmp_path / "progress-2011.pdf"
    result = runner.invoke(args=["report", "build", "imvo-2011", "--language", "en", "-o", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_bytes().startswith(b"%PDF")
    report = db.session.scalar(select(ProgressReport))
    assert report.language == "en" and report.status == "ready" and output.read_bytes() == pdf_bytes(report)
    assert "Making the PDF" in result.output and f"version {report.id}" in result.output
    assert runner.invoke(args=["report", "build", "nope", "-o", str(output)]).exit_code == 1
