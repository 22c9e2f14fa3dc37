"""Background jobs: long work that a page asks for and a worker does (a whole round's
export, a progress report), with its progress shown and its file kept for a while.

huey is the queue (`queue.py`): its SQLite storage in the instance folder by default
(`make run`), Redis in production (`IMVO_JOBS_URL=redis://...`); `imvo jobs work` runs
the worker. What a job is and where it stands is a `Job` row (`models/job.py`), so the
pages read it from the database and a restart loses nothing (`runner.upkeep`)."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)
