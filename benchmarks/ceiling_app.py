"""The ceiling of the load benchmark (benchmarks/load.py): a minimal Flask route doing
one query, served by the same gunicorn as the app, on the same database.

    IMVO_CEILING_DATABASE_URL=sqlite:///... gunicorn --pythonpath benchmarks ceiling_app:app

What this route serves per second is the most a page of the app could serve on this
machine and server; the benchmark prints the respondent pages as a share of it.
"""

from __future__ import annotations

import os
import random

from flask import Flask
from sqlalchemy import create_engine, text

from config import normalise_database_url

app = Flask(__name__)
#: pool_pre_ping as the app's own engine has it (config.BaseConfig), so the ceiling pays
#: the same per-request cost of checking out a connection.
engine = create_engine(normalise_database_url(os.environ["IMVO_CEILING_DATABASE_URL"]), pool_pre_ping=True)


@app.get("/ceiling")
def ceiling():
    """One aspect by id: one indexed query and a few bytes of HTML."""
    with engine.connect() as connection:
        code = connection.execute(text("SELECT code FROM aspect WHERE id = :id"),
                                  {"id": random.randint(1, 20)}).scalar()  # noqa: S311 - not for security
    return f"<!doctype html><title>ceiling</title><p>{code}</p>"
