"""`imvo mail send [--loop]`: the outbox worker, which also queues the scheduled reminders."""

from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from ..extensions import db
from ..unit_of_work import run_with_retries
from .messages import BaseUrlMissing, base_url
from .outbox import send_due
from .signals import worker_pass


def require_base_url() -> None:
    """Refuse, before anything is queued, to make links nobody can follow."""
    try:
        base_url()
    except BaseUrlMissing as error:
        raise click.ClickException(str(error)) from None


@click.group("mail")
def mail_group() -> None:
    """The mail outbox."""


@mail_group.command("send")
@click.option("--loop", is_flag=True, help="Keep going: send, send scheduled reminders, wait, repeat.")
@click.option("--interval", type=float, default=10.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def mail_send(loop: bool, interval: float) -> None:
    """Send the queued messages (and, with --loop, the scheduled reminders too)."""

    def scheduled_mail() -> int:
        app = current_app._get_current_object()
        count = sum(queued for _receiver, queued in worker_pass.send(app))
        db.session.commit()
        return count

    require_base_url()  # the scheduled reminders carry links
    while True:
        # A respondent saving or the secretariat reminding at the same moment changes the
        # same invitations: the pass runs again rather than stopping the worker.
        reminded = run_with_retries(scheduled_mail)
        report = send_due()
        if report.sent or report.failed or report.retried or reminded or not loop:
            click.echo(f"mail: {len(report.sent)} sent, {len(report.retried)} to retry, {len(report.failed)} "
                       f"failed, {reminded} scheduled reminders queued")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)


#: Registered by `imvo_survey.cli`.
COMMANDS = (mail_group,)
