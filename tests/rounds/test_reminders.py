"""Reminders go to organisations that have not submitted and not declined, never to
the others; by hand and on the schedule, each logged per invitation."""

from __future__ import annotations

import re
from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import parse, send_due
from imvo_survey.models import INVITATION_STATUSES, InvitationToken, OutboxMessage, Reminder
from imvo_survey.rounds.mailings import (
    deadline_in_words,
    remind,
    send_invitation,
    send_reminder,
    send_scheduled_reminders,
)
from imvo_survey.rounds.services import extend_deadline, hash_token, token_from_link

from .. import factories


def _round_with_every_status(delivered: bool = False):
    """A round with an invitation in every status; with `delivered`, the invitation
    messages of the invited ones have gone out (as the scheduled reminders require)."""
    round = factories.make_round()
    invitations = {}
    for status in INVITATION_STATUSES:
        organisation = factories.make_organisation(name=f"Org {status}")
        factories.make_contact(organisation, email=f"{status}@example.org")
        invitations[status] = factories.make_invitation(round, organisation, status=status)
    if delivered:
        for status, invitation in invitations.items():
            if status != "targeted":
                send_invitation(invitation)
                invitation.status = status  # sending sets 'invited'; keep the status under test
    db.session.commit()
    if delivered:
        send_due()
    return round, invitations


def _reminders_sent() -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "reminder")
                              .order_by(OutboxMessage.id)).all()


def test_manual_reminders_skip_submitted_declined_and_the_rest():
    round, invitations = _round_with_every_status()
    reminded = remind(round)
    db.session.commit()
    assert {inv.status for inv in reminded} == {"invited", "opened", "in_progress"}
    recipients = set(db.session.scalars(select(OutboxMessage.to_address).where(OutboxMessage.kind == "reminder")))
    assert recipients == {"invited@example.org", "opened@example.org", "in_progress@example.org"}
    assert invitations["opened"].reminder_count == 1 and invitations["submitted"].reminder_count == 0
    assert [r.kind for r in invitations["in_progress"].reminders] == ["manual"]


def test_dry_run_sends_nothing():
    round, _invitations = _round_with_every_status()
    assert len(remind(round, dry_run=True)) == 3
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_the_mail_worker_queues_the_scheduled_reminders(runner):
    """`imvo mail send` asks the rounds for due mail through the worker-pass signal (the
    mail package imports no rounds): the reminders come due and are queued by the worker."""
    round, _invitations = _round_with_every_status(delivered=True)
    with time_machine.travel(round.closes_at - timedelta(days=7), tick=False):
        result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "3 scheduled reminders queued" in result.output
    assert len(_reminders_sent()) == 3


def test_scheduled_reminders_7_and_2_days_before_each_deadline():
    round, invitations = _round_with_every_status(delivered=True)
    deadline = round.closes_at
    with time_machine.travel(deadline - timedelta(days=8), tick=False):
        assert send_scheduled_reminders() == 0
    with time_machine.travel(deadline - timedelta(days=7), tick=False):
        assert send_scheduled_reminders() == 3
        assert send_scheduled_reminders() == 0  # once per day and invitation
    invitations["opened"].status = "submitted"  # answered in between: no second reminder
    db.session.commit()
    with time_machine.travel(deadline - timedelta(days=2), tick=False):
        assert send_scheduled_reminders() == 2
    db.session.commit()
    scheduled = db.session.scalars(select(Reminder).where(Reminder.kind == "scheduled")).all()
    assert sorted((r.invitation.organisation.name, r.days_before) for r in scheduled) == [
        ("Org in_progress", 2), ("Org in_progress", 7), ("Org invited", 2), ("Org invited", 7), ("Org opened", 7)]
    with time_machine.travel(deadline + timedelta(hours=1), tick=False):
        assert send_scheduled_reminders() == 0  # after the deadline nothing is sent


def test_reminder_messages_say_the_deadline(mail_folder):
    round, _invitations = _round_with_every_status()
    remind(round)
    db.session.commit()
    message = next(m for m in mail_folder() if m["To"] == "invited@example.org")
    assert message["Subject"].startswith("Herinnering: ")
    assert "Org invited" in message.get_body(preferencelist=("plain",)).get_content()


def test_remind_cli(runner):
    round, _invitations = _round_with_every_status()
    dry = runner.invoke(args=["round", "remind", round.slug, "--dry-run"])
    assert "would remind  Org invited" in dry.output and "3 would be reminded" in dry.output
    real = runner.invoke(args=["round", "remind", round.slug])
    assert "3 reminders queued" in real.output


def _invited_late(days_before_deadline: float, deliver: bool = True):
    """An open round with one organisation whose invitation is queued (and, with
    `deliver`, sent) `days_before_deadline` days before the round closes."""
    round = factories.make_round()
    organisation = factories.make_organisation(name="Laat Uitgenodigd")
    factories.make_contact(organisation, email="laat@example.org")
    invitation = factories.make_invitation(round, organisation)
    db.session.commit()
    with time_machine.travel(round.closes_at - timedelta(days=days_before_deadline), tick=False):
        send_invitation(invitation)
        db.session.commit()
        if deliver:
            send_due()
    return round, invitation


def test_no_scheduled_reminder_for_a_step_that_passed_before_the_invitation_was_sent():
    round, invitation = _invited_late(5)
    deadline = round.closes_at
    with time_machine.travel(deadline - timedelta(days=5) + timedelta(minutes=10), tick=False):
        assert send_scheduled_reminders() == 0  # the "7 days before" step was over before the invitation
    with time_machine.travel(deadline - timedelta(days=2), tick=False):
        assert send_scheduled_reminders() == 1
    db.session.commit()
    assert [(r.kind, r.days_before) for r in invitation.reminders] == [("scheduled", 2)]
    assert len(_reminders_sent()) == 1


def test_no_scheduled_reminder_while_the_invitation_waits_in_the_outbox():
    round, invitation = _invited_late(10, deliver=False)
    with time_machine.travel(round.closes_at - timedelta(days=7), tick=False):
        assert send_scheduled_reminders() == 0  # not delivered yet: a reminder would come first
    with time_machine.travel(round.closes_at - timedelta(days=7) + timedelta(minutes=1), tick=False):
        send_due()  # the invitation goes out only now, after the 7-day step
        assert send_scheduled_reminders() == 0
    with time_machine.travel(round.closes_at - timedelta(days=2), tick=False):
        assert send_scheduled_reminders() == 1
    db.session.commit()
    assert [r.days_before for r in invitation.reminders] == [2]


def test_scheduled_reminders_follow_an_extended_deadline():
    round, invitation = _invited_late(10)
    later = round.closes_at + timedelta(days=10)
    extend_deadline(round, invitation.organisation, later, "Jaarverslag later klaar")
    db.session.commit()
    with time_machine.travel(round.closes_at - timedelta(days=2), tick=False):
        assert send_scheduled_reminders() == 0  # two days before the round's close, not this deadline
    with time_machine.travel(later - timedelta(days=7), tick=False):
        assert send_scheduled_reminders() == 1
    db.session.commit()
    with time_machine.travel(later - timedelta(days=2), tick=False):
        assert send_scheduled_reminders() == 1
    db.session.commit()
    assert sorted(r.days_before for r in invitation.reminders) == [2, 7]
    # and the reminders name the extended deadline
    text = parse(_reminders_sent()[-1]).get_body(preferencelist=("plain",)).get_content()
    assert deadline_in_words(later, "nl") in text


def _links(message) -> list[str]:
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+/i/(\S+)", text)


def test_a_reminder_keeps_the_invitation_link_working(client, mail_folder):
    """(The links as delivered: the outbox keeps none once a message has gone.)"""
    round, invitation = _invited_late(10)
    [invited_token] = _links(mail_folder()[0])
    send_reminder(invitation)
    db.session.commit()
    [reminder_token] = _links(parse(_reminders_sent()[0]))  # still waiting: its link is there
    assert reminder_token != invited_token
    # both links work: the one in the invitation and the new one in the reminder
    assert token_from_link(invited_token) is not None and token_from_link(reminder_token) is not None
    assert client.get(f"/i/{invited_token}").status_code == 302
    assert client.get(f"/i/{reminder_token}").status_code == 302
    tokens = db.session.scalars(select(InvitationToken)).all()
    assert len(tokens) == 2 and all(t.revoked_at is None for t in tokens)
    # sending the invitation again is what voids the earlier links
    send_invitation(invitation)
    db.session.commit()
    assert token_from_link(invited_token) is None and token_from_link(reminder_token) is None
    assert db.session.scalar(select(InvitationToken).where(InvitationToken.token_hash == hash_token(invited_token))
                             ).revoked_at is not None


def test_english_reminder(mail_folder):
    round = factories.make_round(name="Inventory IMVO 2010")
    organisation = factories.make_organisation(name="English Board", kind="product_board")
    factories.make_contact(organisation, name="John", email="john@example.org", language="en")
    invitation = factories.make_invitation(round, organisation, status="invited")
    send_reminder(invitation)
    db.session.commit()
    [message] = mail_folder()
    assert message["Subject"] == "Reminder: Invitation: Inventory IMVO 2010"
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    deadline = deadline_in_words(round.closes_at, "en")
    assert " at " in deadline and deadline.split()[0] in {
        "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
    for body in (text, html):
        assert "Dear John" in body and "English Board" in body and "Inventory IMVO 2010" in body
        assert f"The deadline is {deadline}." in body
        assert "Herinnering" not in body and "Beste" not in body
    [token] = re.findall(r"http://imvo\.example\.org/i/(\S+)", text)
    assert token_from_link(token).invitation_id == invitation.id
