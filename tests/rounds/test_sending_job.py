"""Sending a round's invitations and reminders is a background job: the page's POST
only starts it (once, however often it is pressed), the worker sends in batches with
its progress, and a job whose worker stopped halfway goes on where it stopped, sending
nobody twice; two sends of one round at once still mail each organisation once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.jobs import runner
from imvo_survey.jobs.starting import start_job
from imvo_survey.models import Invitation, Job, OutboxMessage, Reminder, Round, RoundEvent, utcnow
from imvo_survey.rounds import sending_job
from imvo_survey.rounds.mailings import send_reminder
from imvo_survey.rounds.services import RoundError, close_round

from .. import factories
from ..conftest import _logged_in_client
from ..jobs.worker import work

SLUG = "imvo-2010"


@pytest.fixture
def batches_of_two(app, monkeypatch):
    """Batches of two invitations, so that a handful of organisations makes several."""
    monkeypatch.setitem(app.config, "INVITATIONS_BATCH", 2)


def _round(targeted: int = 0, invited: int = 0, unreachable: int = 0):
    """An open round with organisations not yet invited, invited ones (for reminders),
    and organisations without a contact (that cannot be reached)."""
    round = factories.make_round(slug=SLUG, name="Inventarisatie IMVO 2010")
    for _ in range(targeted):
        factories.make_invitation(round)
    for _ in range(invited):
        factories.make_invitation(round, status="invited")
    for _ in range(unreachable):
        factories.make_invitation(round, factories.make_organisation())
    db.session.commit()
    return round


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _mails_per_invitation(kind: str) -> dict[int, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(OutboxMessage.invitation_id, func.count())
                                   .where(OutboxMessage.kind == kind).group_by(OutboxMessage.invitation_id)).all())


def _invitation_ids(round_id: int, status: str | None = None) -> list[int]:
    query = select(Invitation.id).where(Invitation.round_id == round_id).order_by(Invitation.id)
    return list(db.session.scalars(query.where(Invitation.status == status) if status else query))


def _jobs() -> list[Job]:
    db.session.expire_all()
    return list(db.session.scalars(select(Job).order_by(Job.id)))


def _as_the_worker_took_it(app, job: Job) -> Job:
    """The worker took the job from the queue and claimed it (first attempt)."""
    app.extensions["huey"].dequeue()
    job.status, job.attempts, job.started_at, job.heartbeat_at = "running", 1, utcnow(), utcnow()
    db.session.commit()
    return job


class WorkerStopped(BaseException):
    """The worker process went away (not an error of the job: nothing catches it)."""


def test_sending_the_invitations_starts_a_job_that_sends_in_batches(app, secretariat_client, batches_of_two):
    round = _round(targeted=4, unreachable=1)
    answer = secretariat_client.post(f"/rounds/{SLUG}/invite")
    [job] = _jobs()
    assert answer.status_code == 302 and answer.location == f"/jobs/{job.id}"
    assert (job.kind, job.status, job.title) == ("invitations", "queued", "Uitnodigingen voor Inventarisatie IMVO 2010")
    assert job.params == {"round": round.id, "action": "invite", "user": job.owner_id, "seen": None, "total": 5}
    # The request only asked: nothing is sent until the worker does it.
    assert _count(OutboxMessage) == 0 and _invitation_ids(round.id, "invited") == []
    assert "Wachten op de verwerker" in secretariat_client.get(answer.location).get_data(as_text=True)

    assert work(app) == 1
    db.session.refresh(job)
    assert (job.status, job.step, job.steps) == ("done", 3, 3)
    reachable = _invitation_ids(round.id)[:4]
    assert _mails_per_invitation("invitation") == dict.fromkeys(reachable, 1)
    assert _invitation_ids(round.id, "invited") == reachable
    event = db.session.scalar(select(RoundEvent).where(RoundEvent.kind == "invited"))
    assert (event.detail, event.user_id) == ("4", job.owner_id)
    # The job's page leads to the round, saying what was done as the page said it before.
    done = secretariat_client.get(f"/jobs/{job.id}")
    assert done.location == f"/rounds/{SLUG}"
    page = secretariat_client.get(done.location).get_data(as_text=True)
    assert "4 uitnodigingen staan klaar in de verzendwachtrij." in page
    assert "1 organisatie heeft geen bruikbaar e-mailadres van een contactpersoon en is niet uitgenodigd." in page


def test_the_job_tells_its_progress_per_batch(app, secretariat, batches_of_two):
    round = _round(targeted=3)
    job = sending_job.start_send(round, "invite", secretariat, None, f"/rounds/{SLUG}")
    _as_the_worker_took_it(app, job)
    told = []
    outcome = sending_job.run(job, None, lambda *progress: told.append(progress))
    assert told == [(0, 2, "0 van 3 uitnodigingen"), (1, 2, "2 van 3 uitnodigingen"),
                    (2, 2, "3 van 3 uitnodigingen")]
    assert outcome.url == f"/rounds/{SLUG}" and outcome.message == "3 uitnodigingen staan klaar in de verzendwachtrij."


def test_pressing_again_or_by_a_colleague_leads_to_the_job_already_sending(app, secretariat_client, batches_of_two):
    round = _round(targeted=3)
    first = secretariat_client.post(f"/rounds/{SLUG}/invite").location
    assert secretariat_client.post(f"/rounds/{SLUG}/invite").location == first
    colleague_account = factories.make_user("secretariat")
    db.session.commit()
    colleague = _logged_in_client(app, colleague_account)
    answer = colleague.post(f"/rounds/{SLUG}/invite", follow_redirects=True)
    assert answer.request.path == f"/rounds/{SLUG}"
    assert "Een collega verstuurt deze al" in answer.get_data(as_text=True)
    assert len(_jobs()) == 1
    # Reminders are a send of their own, beside it.
    reminders = secretariat_client.post(f"/rounds/{SLUG}/remind", data={"seen": "0"})
    assert reminders.location == f"/rounds/{SLUG}"  # nobody to remind yet: no job at all
    work(app)
    assert [job.status for job in _jobs()] == ["done"]
    assert _mails_per_invitation("invitation") == dict.fromkeys(_invitation_ids(round.id), 1)
    # Done: nobody is left to invite, so no new job.
    again = secretariat_client.post(f"/rounds/{SLUG}/invite", follow_redirects=True)
    assert "Er zijn geen uitnodigingen verstuurd" in again.get_data(as_text=True) and len(_jobs()) == 1


def test_no_job_for_a_round_that_is_not_open(app, secretariat_client):
    round = _round(targeted=2)
    close_round(round)
    db.session.commit()
    answer = secretariat_client.post(f"/rounds/{SLUG}/invite", follow_redirects=True)
    assert answer.request.path == f"/rounds/{SLUG}" and _jobs() == []
    assert "alleen worden verstuurd als de uitvraag open is" in answer.get_data(as_text=True)


def test_an_analyst_can_neither_start_nor_see_the_job(app, secretariat_client, analyst_client):
    _round(targeted=2, invited=1)
    assert analyst_client.post(f"/rounds/{SLUG}/invite").status_code == 403
    assert analyst_client.post(f"/rounds/{SLUG}/remind", data={"seen": "0"}).status_code == 403
    assert _jobs() == []
    job_page = secretariat_client.post(f"/rounds/{SLUG}/invite").location
    assert analyst_client.get(job_page).status_code == 404
    assert analyst_client.post(f"/rounds/{SLUG}/invite").status_code == 403
    work(app)
    assert analyst_client.get(job_page).status_code == 404
    assert len(_jobs()) == 1


def test_a_send_whose_worker_stopped_halfway_goes_on_and_sends_the_rest_once(app, secretariat_client,
                                                                               batches_of_two):
    round = _round(targeted=6)
    secretariat_client.post(f"/rounds/{SLUG}/invite")
    [job] = _jobs()
    _as_the_worker_took_it(app, job)

    def stop_after_two_batches(step, steps, message):
        if step == 2:
            raise WorkerStopped

    with pytest.raises(WorkerStopped):
        sending_job.run(job, None, stop_after_two_batches)
    first_half = _invitation_ids(round.id)[:4]
    assert _mails_per_invitation("invitation") == dict.fromkeys(first_half, 1)
    # No sign of life since: the upkeep gives it to the worker again, which does the rest.
    job = db.session.get(Job, job.id)
    job.heartbeat_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert runner.upkeep(app.extensions["huey"].run_job)["retried"] == 1
    assert work(app) == 1
    db.session.refresh(job)
    assert (job.status, job.attempts) == ("done", 2)
    assert _mails_per_invitation("invitation") == dict.fromkeys(_invitation_ids(round.id), 1)
    assert job.message == "6 uitnodigingen staan klaar in de verzendwachtrij."
    assert [e.detail for e in db.session.scalars(select(RoundEvent).where(RoundEvent.kind == "invited"))] == ["6"]


def test_an_attempt_whose_job_was_taken_up_again_keeps_nothing_more(app, secretariat, batches_of_two):
    round = _round(targeted=4)
    job = sending_job.start_send(round, "invite", secretariat, None, f"/rounds/{SLUG}")
    _as_the_worker_took_it(app, job)

    def taken_up_again_meanwhile(step, steps, message):
        if step == 1:  # a slow first attempt, given up for stopped and taken up again
            db.session.get(Job, job.id).attempts = 2
            db.session.commit()

    with pytest.raises(sending_job.Superseded):
        sending_job.run(job, None, taken_up_again_meanwhile)
    assert _mails_per_invitation("invitation") == dict.fromkeys(_invitation_ids(round.id)[:2], 1)


def test_a_round_closed_halfway_fails_the_job_and_the_round_logs_what_went(app, secretariat, batches_of_two):
    round = _round(targeted=4)
    job = sending_job.start_send(round, "invite", secretariat, None, f"/rounds/{SLUG}")
    _as_the_worker_took_it(app, job)

    def closed_meanwhile(step, steps, message):
        if step == 1:  # a colleague closes the round after the first batch
            close_round(db.session.get(Round, round.id))
            db.session.commit()

    with pytest.raises(RoundError) as refused:
        sending_job.run(job, None, closed_meanwhile)
    assert runner.fail(job.id, str(refused.value), attempt=1)  # as the worker marks it
    db.session.refresh(job)
    assert job.status == "failed" and "alleen worden verstuurd als de uitvraag open is" in job.error
    assert len(_mails_per_invitation("invitation")) == 2
    assert [e.detail for e in db.session.scalars(select(RoundEvent).where(RoundEvent.kind == "invited"))] == ["2"]


def test_reminders_skip_whoever_was_reminded_since_the_page_and_resume_by_the_same_mark(app, secretariat_client,
                                                                                        batches_of_two):
    round = _round(invited=3)
    first, second, third = _invitation_ids(round.id)
    send_reminder(db.session.get(Invitation, second), "manual")  # from its own page, after the round's was shown
    db.session.commit()
    answer = secretariat_client.post(f"/rounds/{SLUG}/remind", data={"seen": "0"})
    [job] = _jobs()
    assert answer.location == f"/jobs/{job.id}" and job.params["seen"] == 0 and job.title.startswith("Herinneringen")
    assert _count(Reminder) == 1
    work(app)
    db.session.refresh(job)
    assert _mails_per_invitation("reminder") == {first: 1, second: 1, third: 1}
    assert job.message == "2 herinneringen staan klaar in de verzendwachtrij."
    # Without the page's mark (a plain POST), what was there when it was pressed counts as seen.
    secretariat_client.post(f"/rounds/{SLUG}/remind")
    job = _jobs()[-1]
    assert job.params["seen"] == db.session.scalar(select(func.max(Reminder.id)))
    work(app)
    assert _mails_per_invitation("reminder") == {first: 2, second: 2, third: 2}


def test_two_sends_of_one_round_at_the_same_moment_mail_each_organisation_once(app, secretariat, batches_of_two):
    """Were two jobs started for one round (the page starts one), they would still
    meet on each invitation: both run at once, in threads of their own."""
    round = _round(targeted=8)
    params = {"round": round.id, "action": "invite", "user": secretariat.id, "seen": None, "total": 8}
    jobs = [start_job("invitations", secretariat, "twee", dict(params), f"/rounds/{SLUG}") for _ in range(2)]
    app.extensions["huey"].flush()
    job_ids = [job.id for job in jobs]
    barrier = threading.Barrier(2)
    failures = []

    def work_on(job_id):
        with app.app_context():
            barrier.wait()
            try:
                runner.run(job_id)
            except BaseException as error:  # noqa: BLE001 - reported below
                failures.append(error)

    threads = [threading.Thread(target=work_on, args=(job_id,)) for job_id in job_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert failures == []
    jobs = _jobs()
    assert [job.status for job in jobs] == ["done", "done"], [job.error for job in jobs]
    assert _mails_per_invitation("invitation") == dict.fromkeys(_invitation_ids(round.id), 1)
    assert sum(job.params["tally"]["sent"] for job in jobs) == 8
