"""`imvo jobs`: the background jobs' worker, and a look at the queue.

    imvo jobs work [--workers N]     # what `make run` starts beside the web server
    imvo jobs list
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from ..extensions import db
from ..models import Job


@click.group("jobs")
def jobs_group() -> None:
    """Background jobs (whole-round exports, progress reports)."""


@jobs_group.command("work")
@click.option("--workers", type=click.IntRange(min=1, max=16), default=1, show_default=True,
              help="Jobs done at the same time (threads).")
@with_appcontext
def jobs_work(workers: int) -> None:
    """Do the queued jobs until stopped (Ctrl+C lets the running jobs finish). On start,
    and every minute, jobs whose worker stopped are taken up again."""
    queue = current_app.extensions["huey"]
    click.echo(f"Doing background jobs ({workers} at a time) from {type(queue.storage).__name__}; stop with Ctrl+C.")
    queue.create_consumer(workers=workers, worker_type="thread", periodic=True).run()


@jobs_group.command("list")
@with_appcontext
def jobs_list() -> None:
    """The latest jobs with where they stand."""
    for job in db.session.scalars(select(Job).order_by(Job.created_at.desc(), Job.id.desc()).limit(50)):
        owner = job.owner.email if job.owner else "-"
        click.echo(f"{job.id:>5}  {job.kind:<7} {job.status:<8} {job.created_at:%Y-%m-%d %H:%M}  {owner:<30} {job.title}")
    db.session.rollback()


#: Registered by `imvo_survey.cli`.
COMMANDS = (jobs_group,)
