"""Races on a respondent's answers, with real simultaneous requests to gunicorn -w 4:
one submission per submit, and two people saving the same answer at the same moment
get one save and one conflict page, never a 500 and never a lost answer."""

from __future__ import annotations

import json
import re
from html import unescape

from sqlalchemy import func, select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Answer, OutboxMessage, Response, ResponseEvent

from .. import factories
from ..answering import answer_required
from .conftest import at_once

BURSTS = 3


def _respondents(round, name: str, count: int):
    """An association invited to `round`, with `count` respondent accounts and its response started."""
    organisation = factories.make_organisation(name=name)
    factories.make_contact(organisation, email=f"contact-{organisation.id}@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    users = [factories.make_user("respondent", organisation=organisation,
                                 email=f"r{i}-{organisation.id}@example.org") for i in range(count)]
    response = services.start(invitation, Actor(user=users[0]))
    return invitation, response, users


def _count(model, *where) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_simultaneous_submits_give_one_submission_and_one_mail(live_server):
    round = factories.make_round()
    cases = []
    for burst in range(BURSTS):
        invitation, response, users = _respondents(round, f"Vereniging {burst}", 3)
        answer_required(response, Actor(user=users[0]))
        cases.append((invitation, response, users))
    db.session.commit()

    for invitation, response, users in cases:
        browsers = [live_server.browser() for _user in users]
        for browser, user in zip(browsers, users, strict=True):
            browser.login(user.email)
        url = f"/respond/{invitation.id}/submit"
        replies = at_once([lambda b=b: b.post(url) for b in browsers])

        assert [r.status for r in replies] == [302, 302, 302], [r.body[:300] for r in replies]
        assert all(f"/respond/{invitation.id}/submitted" in r.location for r in replies)
        assert _count(ResponseEvent, ResponseEvent.response_id == response.id,
                      ResponseEvent.kind == "submitted") == 1
        assert _count(OutboxMessage, OutboxMessage.invitation_id == invitation.id,
                      OutboxMessage.kind == "confirmation") == 1
        stored = db.session.get(Response, response.id)
        submitter = db.session.scalar(select(ResponseEvent.user_id).where(
            ResponseEvent.response_id == response.id, ResponseEvent.kind == "submitted"))
        assert stored.status == "submitted" and stored.submitted_by_user_id == submitter
    assert live_server.errors() == ""


def _section_form(browser, invitation_id: int, section: str) -> dict:
    """The hidden fields of a section page as the browser got it (lock version, base)."""
    page = browser.get(f"/respond/{invitation_id}/section/{section}")
    assert page.status == 200
    fields = dict(re.findall(r'<input[^>]*name="(lock_version|base)"[^>]*value="([^"]*)"', page.body))
    return {name: unescape(value) for name, value in fields.items()}


def test_two_people_saving_the_same_answer_get_one_save_and_one_conflict_page(live_server):
    round = factories.make_round()
    invitation, response, users = _respondents(round, "Vereniging Gelijktijdig", 2)
    db.session.commit()
    anna, bert = live_server.browser(), live_server.browser()
    anna.login(users[0].email)
    bert.login(users[1].email)

    url = f"/respond/{invitation.id}/section/profile"
    for burst in range(BURSTS):
        typed = {"anna": str(100 + burst), "bert": str(200 + burst)}
        # Both load the page (same lock version), then both save the same answer at once;
        # the first burst inserts the answer, the later ones change it.
        forms = [_section_form(anna, invitation.id, "profile"), _section_form(bert, invitation.id, "profile")]
        assert forms[0] == forms[1]
        replies = at_once([
            lambda: anna.post(url, {**forms[0], "member_count": typed["anna"]}),
            lambda: bert.post(url, {**forms[1], "member_count": typed["bert"]}),
        ])
        statuses = sorted(r.status for r in replies)
        assert statuses == [302, 409], [(r.status, r.body[:500]) for r in replies]
        winner = "anna" if replies[0].status == 302 else "bert"
        loser_reply = replies[1] if winner == "anna" else replies[0]
        loser = "bert" if winner == "anna" else "anna"
        # The conflict page shows what the loser typed, to choose from: nothing is lost.
        assert typed[loser] in loser_reply.body and typed[winner] in loser_reply.body
        merged = re.search(r'name="merged" value="([^"]*)"', loser_reply.body).group(1)
        assert json.loads(unescape(merged))["member_count"] == int(typed[loser])

        db.session.expire_all()
        stored = db.session.scalars(select(Answer).where(Answer.response_id == response.id,
                                                         Answer.code == "member_count")).all()
        assert len(stored) == 1 and stored[0].number_value == int(typed[winner])
    assert _count(ResponseEvent, ResponseEvent.response_id == response.id, ResponseEvent.kind == "saved") == BURSTS
    assert live_server.errors() == ""


def test_starting_in_three_tabs_at_once_makes_one_response(live_server):
    round = factories.make_round()
    cases = []
    for i in range(BURSTS):
        organisation = factories.make_organisation(name=f"Vereniging Start {i}")
        invitation = factories.make_invitation(round, organisation, status="invited")
        user = factories.make_user("respondent", organisation=organisation, email=f"start{i}@example.org")
        cases.append((invitation.id, user.email))
    db.session.commit()

    for invitation_id, email in cases:
        tabs = [live_server.browser() for _ in range(3)]
        for tab in tabs:
            tab.login(email)
        url = f"/respond/{invitation_id}/start"
        replies = at_once([lambda t=t: t.post(url) for t in tabs])
        assert [r.status for r in replies] == [302] * 3
        assert all("/section/" in r.location for r in replies)
        assert _count(Response, Response.invitation_id == invitation_id) == 1
        assert _count(ResponseEvent, ResponseEvent.kind == "started",
                      ResponseEvent.response.has(invitation_id=invitation_id)) == 1
    assert live_server.errors() == ""
