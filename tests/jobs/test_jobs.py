"""Background jobs: a whole round's export goes to the worker and comes back as a file
for its owner only; a filtered one comes at once; a job survives a new worker over the
same queue, is taken up again when its worker stopped, failed with the reason after
too many tries, and its file goes when its time is up."""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta

from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.jobs.runner import result_path, upkeep
from imvo_survey.models import Job, ProgressReport, utcnow
from imvo_survey.reports.versions import start

from .. import factories
from ..analysis.builders import association, company, respond
from .worker import download_export, work


def _round():
    round = factories.make_round(slug="imvo-2011", year=2011)
    respond(round, association("Koffie Vereniging"), [{"aspects": ["child_labour"], "share": 40}])
    respond(round, company("Thee BV", sector="energie"), [{"aspects": ["water"]}])
    db.session.commit()
    return round


def _without_time(data: bytes):
    """An export's JSON without the moment it was made (`exported_at`), wherever it is."""
    def strip(value):
        if isinstance(value, dict):
            return {key: strip(item) for key, item in value.items() if key != "exported_at"}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return strip(json.loads(data))


def _job() -> Job:
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_a_whole_round_export_is_a_job_and_its_file_its_owner_s(app, secretariat_client, analyst_client):
    round = _round()
    answer = secretariat_client.post(f"/matrix/{round.slug}/export.json", data={"measure": "share"})
    assert answer.status_code == 302
    job = _job()
    assert answer.location.endswith(f"/jobs/{job.id}") and job.status == "queued" and job.kind == "export"
    page = secretariat_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "Wachten op de verwerker" in page and 'http-equiv="refresh"' in page
    assert work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and job.result_filename == "imvo-imvo-2011-share.json"
    page = secretariat_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert f"/jobs/{job.id}/download" in page and 'http-equiv="refresh"' not in page
    with secretariat_client.get(f"/jobs/{job.id}/download") as download:
        document = json.loads(download.data)
        assert download.mimetype == "application/json"
    assert {row["code"] for row in document["rows"]} >= {"voedsel_drank", "energie"}
    # Only its owner sees the job: for an analyst it does not exist.
    assert analyst_client.get(f"/jobs/{job.id}").status_code == 404
    assert analyst_client.get(f"/jobs/{job.id}/download").status_code == 404
    assert "/jobs/" in secretariat_client.get("/jobs/").get_data(as_text=True)


def test_a_link_to_a_whole_round_export_asks_before_it_starts_and_a_filtered_one_comes_at_once(
        app, secretariat_client):
    round = _round()
    page = secretariat_client.get(f"/matrix/{round.slug}/export.xlsx").get_data(as_text=True)
    assert "De export starten" in page and _job() is None
    with secretariat_client.get(f"/matrix/{round.slug}/export.json?sector=energie") as filtered:
        assert filtered.status_code == 200 and filtered.mimetype == "application/json" and _job() is None
        again = download_export(secretariat_client, f"/matrix/{round.slug}/export.json?sector=energie").data
        assert _without_time(filtered.data) == _without_time(again)  # the two may fall in different seconds


def test_a_queued_job_survives_a_new_worker(app, make_app, secretariat_client):
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.csv")
    restarted = make_app()  # another process over the same queue (the instance folder's SQLite file)
    assert work(restarted) == 1
    db.session.expire_all()
    assert _job().status == "done" and result_path(_job()).is_file()


def test_a_job_whose_worker_stopped_is_taken_up_again_then_failed_with_the_reason(app, secretariat_client):
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.json")
    queue = app.extensions["huey"]
    queue.dequeue()  # the worker took it ...
    job = _job()
    job.status, job.attempts, job.heartbeat_at = "running", 1, utcnow() - timedelta(hours=1)  # ... and stopped
    db.session.commit()
    assert upkeep(queue.run_job) == {"retried": 1, "failed": 0, "requeued": 0, "expired": 0, "uploads": 0}
    assert work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2
    # Stopped on its last attempt: failed, with the reason, and a report's version with it.
    report = start(round, "nl", None)
    db.session.commit()
    job = Job(kind="report", status="running", attempts=2, heartbeat_at=utcnow() - timedelta(hours=1),
              params={"report_id": report.id}, language="nl", title="rapportage")
    db.session.add(job)
    db.session.commit()
    assert upkeep(queue.run_job)["failed"] == 1
    db.session.expire_all()
    assert job.status == "failed" and "2 keer" in job.error
    assert db.session.get(ProgressReport, report.id).status == "failed"


def test_a_file_goes_when_its_time_is_up(app, secretariat_client):
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.json")
    work(app)
    job = _job()
    path = result_path(job)
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert upkeep(app.extensions["huey"].run_job)["expired"] == 1
    db.session.refresh(job)
    assert job.status == "expired" and not path.exists()
    assert secretariat_client.get(f"/jobs/{job.id}/download").status_code == 404


def test_an_export_that_cannot_be_made_fails_with_the_reason(app, secretariat_client):
    round = _round()
    # Nothing to compare with: said at once, no job.
    answer = secretariat_client.post(f"/matrix/{round.slug}/export.xlsx", data={"measure": "change"},
                                     follow_redirects=True)
    assert "om mee te vergelijken" in answer.get_data(as_text=True) and _job() is None
    # The round removed while the job waited: the job fails and says why.
    secretariat_client.post(f"/matrix/{round.slug}/export.xlsx")
    db.session.delete(round)
    db.session.commit()
    work(app)
    job = _job()
    assert job.status == "failed" and "De ronde bestaat niet meer" in job.error
    assert "De ronde bestaat niet meer" in secretariat_client.get(f"/jobs/{job.id}").get_data(as_text=True)


def test_an_unexpected_error_is_said_plainly_with_its_detail_only_in_the_log(app, secretariat_client, caplog):
    """A bug (here: a job asking for an export format that does not exist) fails the job
    with a plain reason naming the job; the exception's own text goes to the log only."""
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.xlsx")
    job = _job()
    job.params = {**job.params, "fmt": "secret-detail"}
    db.session.commit()
    work(app)
    db.session.refresh(job)
    assert job.status == "failed" and "onverwachte fout (ValueError)" in job.error and f"taak {job.id}" in job.error
    assert "The format is one of" not in job.error
    assert "The format is one of" not in secretariat_client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "The format is one of" in caplog.text and f"Job {job.id} (export) failed" in caplog.text


def test_a_queued_job_the_queue_lost_is_handed_over_again_and_runs_once(app, secretariat_client):
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.json")
    queue = app.extensions["huey"]
    queue.flush()  # the queue lost the task (Redis restarted without its data)
    job = _job()
    assert upkeep(queue.run_job)["requeued"] == 0  # handed over just now: not yet
    job.heartbeat_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert upkeep(queue.run_job)["requeued"] == 1
    queue.run_job(job.id)  # and handed over twice: it still runs once
    assert work(app) == 2
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 1


def test_a_finished_report_job_leads_to_the_report(app, secretariat_client):
    round = _round()
    answer = secretariat_client.post(f"/rounds/{round.slug}/reports", data={"language": "nl"})
    work(app)
    job = _job()
    assert job.status == "done" and job.result_url == answer.location
    assert secretariat_client.get(f"/jobs/{job.id}").location == answer.location


def test_files_no_job_points_to_go_once_old(app, secretariat_client):
    round = _round()
    secretariat_client.post(f"/matrix/{round.slug}/export.json")
    work(app)
    kept = result_path(_job())
    left = kept.with_name("0" * 32)  # what a worker stopped while writing leaves behind
    left.write_bytes(b"half")
    old = time.time() - 2 * 24 * 3600
    for path in (kept, left):
        os.utime(path, (old, old))
    upkeep(app.extensions["huey"].run_job)
    assert kept.exists() and not left.exists()
