"""The queue: one huey instance per app, made from the configuration, with the one task
it runs (`run_job`, which looks the job up and does it) and the minutely upkeep
(`runner.upkeep`: jobs interrupted by a stopped worker, files past their time).

`IMVO_JOBS_URL` chooses the storage: `redis://host:6379/0` in production (several
servers, one queue), else a SQLite file in the instance folder (`make run`, one
machine). huey keeps a queued task across restarts of the worker either way."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey

from . import runner


def make_huey(app: Flask) -> Huey:
    """The app's queue with its tasks; kept on `app.extensions["huey"]`."""
    url = app.config.get("JOBS_URL") or ""
    name = app.config.get("JOBS_QUEUE_NAME", "imvo")
    if url.startswith(("redis://", "rediss://", "unix://")):
        queue = RedisHuey(name, url=url, results=False)
    else:
        queue = SqliteHuey(name, filename=url or str(Path(app.instance_path) / "jobs.sqlite3"), results=False)

    @queue.task(name="run_job")
    def run_job(job_id: int) -> None:
        with app.app_context():
            runner.run(job_id)

    def upkeep() -> None:
        with app.app_context():
            runner.upkeep(run_job)

    # When the worker starts, and every minute after.
    queue.on_startup(name="upkeep")(upkeep)
    queue.periodic_task(crontab(minute="*"), name="upkeep")(upkeep)

    queue.run_job = run_job
    return queue


def init_app(app: Flask) -> None:
    app.extensions["huey"] = make_huey(app)


def enqueue(job_id: int) -> None:
    """Hand the (committed) job to the worker."""
    current_app.extensions["huey"].run_job(job_id)
