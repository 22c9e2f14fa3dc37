"""A large benchmark import (more rows than `IMPORT_JOB_ROWS`, set low here) is checked
and saved by a background job: the page answers at once with the job, the worker saves
every row as one import or nothing, the result is its owner's only, and a job taken
up again after a stopped worker saves once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from imvo_survey import import_jobs
from imvo_survey.extensions import db
from imvo_survey.jobs.imports import summary
from imvo_survey.jobs.runner import jobs_folder, upkeep
from imvo_survey.models import BenchmarkImport, Job, utcnow

from .. import factories
from ..jobs.worker import work
from .test_import_pages import DATA, count_scores, upload

HEADER = "Bedrijf;KvK;Totaalscore;Ketenbeheer"


@pytest.fixture(autouse=True)
def low_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 5)


def _companies(count: int) -> list[str]:
    """`count` companies in the register, and a row of scores for each."""
    rows = []
    for number in range(1, count + 1):
        factories.make_organisation(name=f"Bedrijf {number}", kind="company", kvk_number=f"{number:08d}")
        rows.append(f"Bedrijf {number};{number:08d};{number % 100};{number % 10}")
    db.session.commit()
    return rows


def _file(rows: list[str]) -> bytes:
    return "\r\n".join([HEADER, *rows, ""]).encode()


def _job() -> Job:
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def test_a_large_file_goes_to_a_job_that_saves_every_row_as_one_import(app, secretariat_client, secretariat):
    rows = _companies(40)
    answer = upload(secretariat_client, _file(rows), level="organisation", year="2009", save_when_valid="y")
    job = _job()
    assert answer.status_code == 302 and answer.location.endswith(f"/jobs/{job.id}")
    assert job.params["import"] == "benchmark" and job.params["level"] == "organisation" and count_scores() == 0
    assert work(app) == 1
    db.session.refresh(job)
    record = db.session.scalars(select(BenchmarkImport)).one()
    assert job.status == "done" and job.params["saved"]["scores"] == 40 == record.row_count == count_scores()
    assert record.created_by_id == secretariat.id and job.params["upload"] not in {p.name for p in jobs_folder().iterdir()}
    page = secretariat_client.get(job.result_url).get_data(as_text=True)
    assert "data-import-done" in page and "40 scores opgeslagen" in page


def test_tabel_1_checked_by_a_job_then_saved_when_confirmed_with_its_warnings(app, secretariat_client):
    upload(secretariat_client, (DATA / "tabel1_2008.csv").read_bytes())  # 18 sectors and a total row
    work(app)
    check = _job()
    page = secretariat_client.get(check.result_url).get_data(as_text=True)
    assert "data-preview-warnings" in page and "de rijen tellen op tot 139" in page
    assert "18 scores worden geïmporteerd." in page and count_scores() == 0
    answer = secretariat_client.post(f"/benchmark/import/jobs/{check.id}/save")
    saving = _job()
    assert answer.location.endswith(f"/jobs/{saving.id}") and saving.params["save"] is True
    work(app)
    assert count_scores() == 18 and len(db.session.scalars(select(BenchmarkImport)).one().warnings) == 4


def test_one_bad_row_or_unknown_name_among_many_saves_nothing_and_is_named(app, secretariat_client):
    rows = _companies(30)
    rows[11] = "Bedrijf 12;00000012;140;1"
    rows[20] = "Onbekend Bedrijf;;50;5"
    upload(secretariat_client, _file(rows), level="organisation", year="2009", save_when_valid="y")
    work(app)
    job = _job()
    assert job.status == "done" and "saved" not in job.params and count_scores() == 0
    page = secretariat_client.get(job.result_url).get_data(as_text=True).replace("\n", "").replace("  ", "")
    assert "Het bestand heeft 2 problemen" in page
    assert "<td>13</td><td>Totaalscore (0-100)</td><td>De score ligt tussen 0 en 100.</td>" in page
    assert "<td>22</td>" in page and "Onbekend Bedrijf komt met niets overeen" in page
    assert f"/import/jobs/{job.id}/save" not in page


def test_the_result_is_its_owner_s_only(app, secretariat_client, analyst_client):
    upload(secretariat_client, _file(_companies(10)), level="organisation", year="2009")
    work(app)
    job = _job()
    assert analyst_client.get(f"/jobs/{job.id}").status_code == 404
    assert analyst_client.get(job.result_url).status_code == 403
    other = factories.make_user("secretariat", email="collega@example.org")
    db.session.commit()
    colleague = app.test_client()
    colleague.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    assert colleague.get(job.result_url).status_code == 404
    assert colleague.post(f"/benchmark/import/jobs/{job.id}/save").status_code == 404
    assert _job().id == job.id and count_scores() == 0


def test_a_job_whose_worker_stopped_is_taken_up_again_and_saves_once(app, secretariat_client):
    upload(secretariat_client, _file(_companies(10)), level="organisation", year="2009", save_when_valid="y")
    queue = app.extensions["huey"]
    queue.dequeue()  # the worker took it and stopped, its one transaction rolled back
    job = _job()
    job.status, job.attempts, job.heartbeat_at = "running", 1, utcnow() - timedelta(hours=1)
    db.session.commit()
    assert upkeep(queue.run_job)["retried"] == 1 and work(app) == 1
    # ... and once more, as if it stopped after its save's commit but before it said so.
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2 and count_scores() == 10
    job.status, job.attempts, job.heartbeat_at = "running", 1, utcnow() - timedelta(hours=1)
    db.session.commit()
    assert upkeep(queue.run_job)["retried"] == 1 and work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and count_scores() == 10
    assert summary(job)["errors"] == []  # not checked again (it would find every score there already)
    assert db.session.scalar(select(func.count()).select_from(BenchmarkImport)) == 1


def test_progress_is_told_as_the_rows_are_checked_and_saved(app, secretariat_client):
    upload(secretariat_client, _file(_companies(260)), level="organisation", year="2009", save_when_valid="y")
    job = _job()
    job.status, job.attempts = "running", 1
    db.session.commit()
    told = []
    import_jobs.run(job, None, lambda done, total, what: told.append(what))
    assert told[:3] == ["de rijen controleren: 250 van 260 rijen", "de rijen controleren: 260 van 260 rijen",
                        "opslaan: 0 van 260 rijen"]
    if db.engine.dialect.name == "postgresql":  # SQLite takes no second writer during the save
        assert told[3:] == ["opslaan: 250 van 260 rijen", "opslaan: 260 van 260 rijen"]
    assert count_scores() == 260
