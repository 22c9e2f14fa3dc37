"""Reminders go to organisations that have not submitted and not declined, never to
the others; by hand and on the schedule, each logged per invitation."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import INVITATION_STATUSES, OutboxMessage, Reminder
from imvo_survey.rounds.services import remind, send_scheduled_reminders

from .. import factories


def _round_with_every_status():
    round = factories.make_round()
    invitations = {}
    for status in INVITATION_STATUSES:
        organisation = factories.make_organisation(name=f"Org {status}")
        factories.make_contact(organisation, email=f"{status}@example.org")
        invitations[status] = factories.make_invitation(round, organisation, status=status)
    db.session.commit()
    return round, invitations


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


def test_scheduled_reminders_7_and_2_days_before_each_deadline():
    round, invitations = _round_with_every_status()
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
