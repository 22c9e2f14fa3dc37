"""A large organisation import (more rows than `IMPORT_JOB_ROWS`, set low here) is
checked and saved by a background job: the page answers at once with the job, the
worker saves every row or none, the job and its result are its owner's only, and a
job taken up again after a stopped worker saves once."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from imvo_survey import import_jobs
from imvo_survey.extensions import db
from imvo_survey.jobs.runner import jobs_folder, upkeep
from imvo_survey.models import Contact, Job, Organisation, utcnow

from .. import factories
from ..jobs.worker import work
from .test_import import GOOD_ROWS, csv_bytes

#: Enough organisations to go over the (lowered) threshold, each with a contact.
MANY_ROWS = [f"Bedrijf {number} B.V.;bedrijf;mkb;;;;;;nee;;Iemand {number};iemand{number}@example.org;nl;ja"
             for number in range(1, 31)]


@pytest.fixture(autouse=True)
def low_threshold(app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_JOB_ROWS", 5)


def _upload(client, data: bytes, save: bool = True):
    form = {"file": (io.BytesIO(data), "organisaties.csv")}
    if save:
        form["save_when_valid"] = "y"
    return client.post("/organisations/import", data=form, content_type="multipart/form-data")


def _job() -> Job:
    return db.session.scalars(select(Job).order_by(Job.id.desc())).first()


def _organisations() -> int:
    return db.session.scalar(select(func.count()).select_from(Organisation))


def _kept_files() -> set[str]:
    return {path.name for path in jobs_folder().iterdir()}


def test_a_large_file_goes_to_a_job_that_saves_every_row(app, secretariat_client):
    answer = _upload(secretariat_client, csv_bytes(MANY_ROWS))
    job = _job()
    assert answer.status_code == 302 and answer.location.endswith(f"/jobs/{job.id}")
    assert job.kind == "import" and job.status == "queued" and job.params["import"] == "organisations"
    assert _organisations() == 0  # the request checked and saved nothing
    assert work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and job.params["saved"] == {"created": 30, "updated": 0, "contacts": 30}
    assert _organisations() == 30 and db.session.scalar(select(func.count()).select_from(Contact)) == 30
    assert job.params["upload"] not in _kept_files()  # used, and gone
    # The job's page leads to the result, which says what was saved.
    assert secretariat_client.get(f"/jobs/{job.id}").location == job.result_url
    page = secretariat_client.get(job.result_url).get_data(as_text=True)
    assert "data-import-done" in page and "30 organisaties toegevoegd" in page


def test_a_small_file_is_still_checked_at_once(secretariat_client):
    page = _upload(secretariat_client, csv_bytes(GOOD_ROWS)).get_data(as_text=True)
    assert "Het bestand is in orde" in page and _job() is None


def test_one_bad_row_among_many_saves_nothing_and_is_named(app, secretariat_client):
    rows = [*MANY_ROWS[:17], "Kapot B.V.;bedrijf;mkb;;;123;;;nee;;;;;", *MANY_ROWS[17:]]
    _upload(secretariat_client, csv_bytes(rows))
    work(app)
    job = _job()
    assert job.status == "done" and "saved" not in job.params and _organisations() == 0
    assert job.params["upload"] not in _kept_files()  # a file with problems is not kept
    page = secretariat_client.get(job.result_url).get_data(as_text=True)
    assert "Het bestand heeft 1 probleem; er is niets geïmporteerd" in page
    assert "<td>19</td><td>kvk_number</td>" in page.replace("\n", "").replace("  ", "")


def test_a_checked_file_is_saved_when_confirmed_by_a_job_of_its_own(app, secretariat_client):
    _upload(secretariat_client, csv_bytes(MANY_ROWS), save=False)
    work(app)
    check = _job()
    page = secretariat_client.get(check.result_url).get_data(as_text=True)
    assert "Het bestand is in orde" in page and f"/import/jobs/{check.id}/save" in page and _organisations() == 0
    answer = secretariat_client.post(f"/organisations/import/jobs/{check.id}/save")
    saving = _job()
    assert saving.id != check.id and answer.location.endswith(f"/jobs/{saving.id}")
    # A second click leads to the same job, not to a second save.
    assert secretariat_client.post(f"/organisations/import/jobs/{check.id}/save").location == answer.location
    assert work(app) == 1
    db.session.refresh(saving)
    assert saving.status == "done" and saving.params["saved"]["created"] == 30 and _organisations() == 30


def test_the_job_and_its_result_are_its_owner_s_while_they_have_the_role(
        app, secretariat_client, analyst_client, secretariat):
    _upload(secretariat_client, csv_bytes(MANY_ROWS), save=False)
    work(app)
    job = _job()
    assert analyst_client.get(f"/jobs/{job.id}").status_code == 404
    colleague_user = factories.make_user("secretariat", email="collega@example.org")
    db.session.commit()
    colleague = app.test_client()
    colleague.post("/auth/login", data={"email": colleague_user.email, "password": factories.PASSWORD})
    assert colleague.get(f"/jobs/{job.id}").status_code == 404
    assert colleague.get(job.result_url).status_code == 404
    assert colleague.post(f"/organisations/import/jobs/{job.id}/save").status_code == 404
    assert _job().id == job.id and _organisations() == 0
    # Its owner, no longer of the secretariat, cannot open its result either.
    secretariat.role = "analyst"
    db.session.commit()
    demoted = app.test_client()
    demoted.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    assert demoted.get(job.result_url).status_code == 403


def test_an_import_s_pages_know_only_its_own_jobs(app, secretariat_client):
    """Its owner too finds an import job only at its own import's pages, and no other
    kind of job there."""
    _upload(secretariat_client, csv_bytes(MANY_ROWS), save=False)
    work(app)
    job = _job()
    assert secretariat_client.get(job.result_url).status_code == 200
    assert secretariat_client.get(f"/benchmark/import/jobs/{job.id}").status_code == 404
    assert secretariat_client.post(f"/benchmark/import/jobs/{job.id}/save").status_code == 404
    job.kind = "export"
    db.session.commit()
    assert secretariat_client.get(job.result_url).status_code == 404
    assert secretariat_client.post(f"/organisations/import/jobs/{job.id}/save").status_code == 404


def test_a_queued_import_survives_a_new_worker(app, make_app, secretariat_client):
    _upload(secretariat_client, csv_bytes(MANY_ROWS))
    restarted = make_app()  # another process over the same queue and instance folder
    assert work(restarted) == 1
    db.session.expire_all()
    assert _job().status == "done" and _organisations() == 30


def test_a_job_whose_worker_stopped_is_taken_up_again_and_saves_once(app, secretariat_client):
    _upload(secretariat_client, csv_bytes(MANY_ROWS))
    queue = app.extensions["huey"]
    queue.dequeue()  # the worker took it ...
    job = _job()
    job.status, job.attempts, job.heartbeat_at = "running", 1, utcnow() - timedelta(hours=1)  # ... and stopped
    db.session.commit()  # (its one transaction rolled back with it: nothing saved)
    assert upkeep(queue.run_job)["retried"] == 1
    assert work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2 and _organisations() == 30


def test_an_attempt_that_saved_but_stopped_before_saying_so_is_not_saved_again(app, secretariat_client):
    _upload(secretariat_client, csv_bytes(MANY_ROWS))
    work(app)
    job = _job()
    # As if the worker stopped between the save's commit and marking the job done.
    job.status, job.heartbeat_at = "running", utcnow() - timedelta(hours=1)
    db.session.commit()
    assert upkeep(app.extensions["huey"].run_job)["retried"] == 1
    assert work(app) == 1
    db.session.refresh(job)
    assert job.status == "done" and job.attempts == 2 and _organisations() == 30
    assert job.params["saved"] == {"created": 30, "updated": 0, "contacts": 30}  # not done again as updates


def test_an_attempt_overtaken_by_another_saves_nothing(app, secretariat_client):
    """The save marks the job in its own transaction, only while the attempt still holds it."""
    _upload(secretariat_client, csv_bytes(MANY_ROWS))
    job = _job()
    job.status, job.attempts = "running", 1
    db.session.commit()
    assert job.attempts == 1  # what this attempt knows; meanwhile, in another connection ...
    with db.engine.begin() as connection:  # ... the job is taken up again elsewhere
        connection.execute(update(Job).where(Job.id == job.id).values(attempts=2))
    with pytest.raises(Exception, match="heeft deze import overgenomen"):
        import_jobs.run(job, None, lambda done, total, what: None)
    db.session.rollback()
    assert _organisations() == 0


def test_progress_is_told_as_the_rows_are_checked_and_saved(app, secretariat_client):
    rows = [f"Bedrijf {number} B.V.;bedrijf;mkb;;;;;;nee;;Iemand {contact};iemand{contact}@bedrijf{number}.nl;nl;"
            f"{'ja' if contact == 1 else 'nee'}" for number in range(1, 31) for contact in range(1, 11)]
    _upload(secretariat_client, csv_bytes(rows))  # 300 rows: thirty organisations, ten contacts each
    job = _job()
    job.status, job.attempts = "running", 1
    db.session.commit()
    told = []
    import_jobs.run(job, None, lambda done, total, what: told.append(what))
    # The rows are counted in the message: the job page shows no "step 251 of 300".
    assert "de rijen controleren: 250 van 300 rijen" in told and "de rijen controleren: 300 van 300 rijen" in told
    assert "vergelijken met het register: 30 van 30 rijen" in told and "opslaan: 0 van 30 rijen" in told
    if db.engine.dialect.name == "postgresql":  # SQLite takes no second writer during the save
        assert "opslaan: 30 van 30 rijen" in told
    assert _organisations() == 30


def test_a_job_that_fails_for_good_leaves_no_upload_behind(app, secretariat_client):
    _upload(secretariat_client, csv_bytes(MANY_ROWS))
    app.extensions["huey"].dequeue()
    job = _job()
    upload = job.params["upload"]
    assert upload in _kept_files()
    job.status, job.attempts, job.heartbeat_at = "running", 2, utcnow() - timedelta(hours=1)
    db.session.commit()
    assert upkeep(app.extensions["huey"].run_job)["failed"] == 1
    db.session.refresh(job)
    assert job.status == "failed" and upload not in _kept_files() and _organisations() == 0
