"""Races on the secretariat's and the organisation's one-off actions, with real
simultaneous requests to gunicorn -w 4: accept, return, decline, invite, reminders
from two pages, and opening or closing a round happen once, whatever arrives at once.
Invitations and reminders to a whole round are sent by a background job: the pages
start one, and the worker (run here, over the queue the server handed it to) sends."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import (
    Invitation,
    Job,
    OutboxMessage,
    Reminder,
    Response,
    ResponseEvent,
    RoundEvent,
    utcnow,
)
from imvo_survey.rounds.services import utc_to_local

from .. import factories
from ..answering import answer_required
from ..jobs.worker import work
from .conftest import at_once

BURSTS = 3


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _submitted(round, name: str) -> Response:
    organisation = factories.make_organisation(name=name)
    contact = factories.make_contact(organisation, email=f"c{organisation.id}@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    actor = Actor(contact=contact)
    response = services.start(invitation, actor)
    answer_required(response, actor)
    assert services.submit(response, actor) == []
    return response


def _staff(live_server, secretariat, count: int):
    browsers = [live_server.browser() for _ in range(count)]
    for browser in browsers:
        browser.login(secretariat.email)
    return browsers


def test_simultaneous_accepts_and_returns_happen_once(live_server, secretariat):
    round = factories.make_round()
    responses = [_submitted(round, f"Vereniging {i}") for i in range(2 * BURSTS)]
    db.session.commit()
    staff = _staff(live_server, secretariat, 3)
    until = (utc_to_local(utcnow()) + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M")

    for response in responses[:BURSTS]:
        url = f"/review/responses/{response.id}/accept"
        replies = at_once([lambda b=b: b.post(url) for b in staff])
        assert [r.status for r in replies] == [302] * 3
        assert _count(ResponseEvent, ResponseEvent.response_id == response.id,
                      ResponseEvent.kind == "accepted") == 1
    for response in responses[BURSTS:]:
        url = f"/review/responses/{response.id}/return"
        replies = at_once([lambda b=b, i=i: b.post(url, {"message": f"Vraag {i}", "until": until})
                           for i, b in enumerate(staff)])
        assert [r.status for r in replies] == [302] * 3
        assert _count(ResponseEvent, ResponseEvent.response_id == response.id,
                      ResponseEvent.kind == "returned") == 1
        assert _count(OutboxMessage, OutboxMessage.invitation_id == response.invitation_id,
                      OutboxMessage.kind == "returned") == 1
    assert live_server.errors() == ""


def test_a_decline_and_a_submit_at_once_never_leave_both(live_server):
    round = factories.make_round()
    cases = []
    for i in range(BURSTS):
        organisation = factories.make_organisation(name=f"Vereniging {i}")
        factories.make_contact(organisation, email=f"c{i}@example.org")
        invitation = factories.make_invitation(round, organisation, status="invited")
        user = factories.make_user("respondent", organisation=organisation, email=f"r{i}@example.org")
        response = services.start(invitation, Actor(user=user))
        answer_required(response, Actor(user=user))
        cases.append((invitation.id, response.id, user.email))
    db.session.commit()

    for invitation_id, response_id, email in cases:
        one, two = live_server.browser(), live_server.browser()
        one.login(email)
        two.login(email)
        replies = at_once([lambda: one.post(f"/respond/{invitation_id}/submit"),
                           lambda: two.post(f"/respond/{invitation_id}/decline", {"reason": "Geen tijd"})])
        assert [r.status for r in replies] == [302, 302]
        db.session.expire_all()
        invitation, response = db.session.get(Invitation, invitation_id), db.session.get(Response, response_id)
        assert (invitation.status, response.status) in {("submitted", "submitted"), ("declined", "declined")}
        # Whichever won, the other left no trace: no submission of a declined response,
        # no decline of a submitted one.
        submitted = _count(ResponseEvent, ResponseEvent.response_id == response_id,
                           ResponseEvent.kind == "submitted")
        assert submitted == (1 if response.status == "submitted" else 0)
        assert (invitation.declined_at is None) == (response.status == "submitted")
    assert live_server.errors() == ""


def test_invitations_go_out_once_when_sent_from_three_pages_at_once(app, live_server, secretariat):
    rounds = []
    for i in range(BURSTS):
        round = factories.make_round(slug=f"ronde-{i}")
        for j in range(3):
            organisation = factories.make_organisation(name=f"Vereniging {i}-{j}")
            factories.make_contact(organisation, email=f"c{i}-{j}@example.org")
            factories.make_invitation(round, organisation)
        rounds.append(round.slug)
    db.session.commit()
    staff = _staff(live_server, secretariat, 3)

    for slug in rounds:
        replies = at_once([lambda b=b: b.post(f"/rounds/{slug}/invite") for b in staff])
        assert [r.status for r in replies] == [302] * 3
        # One job, claimed on the round's row: the three pages all lead to it.
        [job] = db.session.scalars(select(Job).where(Job.status == "queued")).all()
        assert {r.location.split("/jobs/")[-1] for r in replies} == {str(job.id)}
        assert _count(OutboxMessage, OutboxMessage.round.has(slug=slug)) == 0  # sent by the worker, not the pages
        assert work(app) == 1  # the worker, over the queue the server handed the job to
        assert _count(Job, Job.id == job.id, Job.status == "done") == 1
        mailed = db.session.execute(select(OutboxMessage.invitation_id, func.count()).where(
            OutboxMessage.kind == "invitation", OutboxMessage.round.has(slug=slug))
            .group_by(OutboxMessage.invitation_id)).all()
        assert sorted(count for _invitation, count in mailed) == [1, 1, 1]
    assert live_server.errors() == ""


def test_reminders_sent_from_two_pages_at_once_go_out_once(app, live_server, secretariat):
    cases = []
    for i in range(BURSTS):
        round = factories.make_round(slug=f"ronde-{i}")
        invitations = []
        for j in range(2):
            organisation = factories.make_organisation(name=f"Vereniging {i}-{j}")
            factories.make_contact(organisation, email=f"c{i}-{j}@example.org")
            invitations.append(factories.make_invitation(round, organisation, status="invited"))
        cases.append((round.slug, [invitation.id for invitation in invitations]))
    db.session.commit()
    staff = _staff(live_server, secretariat, 2)

    for slug, (first, second) in cases:
        # The round's "send reminders" page and the first organisation's own page, both
        # shown before either button is pressed (no reminders yet), then pressed at once.
        replies = at_once([
            lambda: staff[0].post(f"/rounds/{slug}/remind", {"seen": 0}),
            lambda: staff[1].post(f"/rounds/{slug}/invitations/{first}/remind", {"seen": 0}),
        ])
        assert [r.status for r in replies] == [302, 302]
        assert "/jobs/" in replies[0].location
        assert work(app) == 1  # the round's reminders are sent by the worker
        for invitation_id in (first, second):
            assert _count(Reminder, Reminder.invitation_id == invitation_id) == 1
            assert _count(OutboxMessage, OutboxMessage.invitation_id == invitation_id,
                          OutboxMessage.kind == "reminder") == 1
    assert live_server.errors() == ""


def test_opening_and_closing_a_round_from_three_pages_at_once_happens_once(live_server, secretariat):
    slugs = [factories.make_round(status="draft", slug=f"ronde-{i}").slug for i in range(BURSTS)]
    db.session.commit()
    staff = _staff(live_server, secretariat, 3)

    for slug in slugs:
        for action, kind in (("open", "opened"), ("close", "closed")):
            replies = at_once([lambda b=b: b.post(f"/rounds/{slug}/{action}") for b in staff])
            assert [r.status for r in replies] == [302] * 3
            assert _count(RoundEvent, RoundEvent.kind == kind, RoundEvent.round.has(slug=slug)) == 1
    assert live_server.errors() == ""


def test_feedback_sent_from_two_pages_at_once_goes_out_once(live_server, secretariat):
    cases = []
    for i in range(BURSTS):
        round = factories.make_round(slug=f"ronde-{i}")
        response = _submitted(round, f"Vereniging {i}")
        round.status = "closed"
        cases.append((round.slug, response.invitation_id))
    db.session.commit()
    staff = _staff(live_server, secretariat, 2)

    for slug, invitation_id in cases:
        replies = at_once([lambda b=b: b.post(f"/rounds/{slug}/feedback", {"seen": 0}) for b in staff])
        assert [r.status for r in replies] == [302, 302]
        assert _count(RoundEvent, RoundEvent.kind == "feedback_sent", RoundEvent.round.has(slug=slug)) == 1
        assert _count(OutboxMessage, OutboxMessage.invitation_id == invitation_id,
                      OutboxMessage.kind == "feedback") == 1
    assert live_server.errors() == ""
