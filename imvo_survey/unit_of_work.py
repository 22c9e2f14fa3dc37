"""Concurrent requests: a unit of work that lost a race is rolled back and run again.

Two requests that change the same rows at the same moment (a double click, two tabs,
two colleagues, a deadline rush on several server processes) must never end in a 500
or in one silently overwriting the other. The rows that carry such state have version
counters (`Response.lock_version`, `Invitation.row_version`, `Round.row_version`): an
UPDATE names the version it read, so the loser's UPDATE matches no row and SQLAlchemy
raises `StaleDataError`. A race on a unique key raises `IntegrityError`; a lock that
could not be had in time raises `OperationalError`.

Every view runs inside `retry_on_conflict`: on such an error the transaction is rolled
back, the session cookie and uploaded files are put back as they were, and the view
runs again from the start, now seeing what the winner committed. So the loser of a
save race gets the conflict page (the lock version moved), the second of two submits
finds the response submitted, and the second of two "open round" clicks finds the
round open. The CLI and the mail worker use `run_with_retries` the same way.

Inside a view, `saving(...)` is the unit of work itself: the services flush, and the
view commits once at the end, or rolls back when a service refuses (a `RoundError`,
a `ResponseError`, ...) and shows the refusal. A lost race is not a refusal: it goes
on to `retry_on_conflict`, which runs the view again.
"""

from __future__ import annotations

import copy
import functools
import random
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

from flask import current_app, flash, request, session
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from . import request_cache
from .extensions import db

T = TypeVar("T")
E = TypeVar("E", bound=Exception)

#: How often a unit of work is tried before the person is asked to try again.
ATTEMPTS = 4
#: PostgreSQL SQLSTATEs of a lost race: serialization failure, deadlock, lock not available,
#: unique violation.
POSTGRES_RACES = {"40001", "40P01", "55P03", "23505"}
#: SQLite's extended result codes of a lost race.
SQLITE_RACES = {"SQLITE_BUSY", "SQLITE_BUSY_SNAPSHOT", "SQLITE_BUSY_TIMEOUT", "SQLITE_LOCKED",
                "SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY"}
#: What a lost race raises: never taken for a refusal, so that the view runs again.
RACE_ERRORS = (StaleDataError, IntegrityError, OperationalError)


class AlreadyDone(Exception):
    """A refusal that only says the work had been done already (a second click, a second
    tab, a colleague at the same moment): shown as information, not as an error. The
    services' own `AlreadyDone` refusals derive from it."""


class Outcome(Generic[E]):
    """What became of a unit of work (see `saving`): committed, refused with the
    service's error, or discarded on purpose."""

    def __init__(self) -> None:
        #: The refusal that rolled the work back; None when it was not refused.
        self.error: E | None = None
        #: Whether the work was committed.
        self.committed = False
        self._discard = False

    @property
    def refused(self) -> bool:
        """Whether a service refused (and nothing was saved)."""
        return self.error is not None

    def discard(self) -> None:
        """Roll back at the end instead of committing: the work found something to show
        first (conflicts, missing answers) and must keep nothing meanwhile."""
        self._discard = True


@contextmanager
def saving(*refusals: type[E]) -> Iterator[Outcome[E]]:
    """The unit of work of a view: commit on leaving the block; when one of `refusals` (a
    service's refusal such as `RoundError`) is raised inside, roll back and keep it on
    the outcome for the view to show. Anything else, a lost race above all, goes on
    unchanged and nothing is committed, so that `retry_on_conflict` can run the view
    again.

        with saving(RoundError) as outcome:
            open_round(round, user=user)
        if outcome.refused:
            flash_refusal(outcome.error)
    """
    outcome: Outcome[E] = Outcome()
    try:
        yield outcome
    except refusals as error:
        if isinstance(error, RACE_ERRORS):
            raise
        db.session.rollback()
        outcome.error = error
        return
    if outcome._discard:
        db.session.rollback()
    else:
        db.session.commit()
        outcome.committed = True


def flash_refusal(error: BaseException | None) -> None:
    """Show a service's refusal: as information when the work had been done already,
    else as an error."""
    flash(str(error), "info" if isinstance(error, AlreadyDone) else "error")


class ConcurrentChange(HTTPException):
    """Raised when a unit of work kept losing races: nothing was saved; try again."""

    code = 409
    description = "Someone else changed the same data at the same moment."


def is_conflict(error: BaseException) -> bool:
    """Whether `error` means the transaction lost a race (and may succeed when run again),
    rather than a mistake in the data or the code."""
    if isinstance(error, StaleDataError):
        return True
    if not isinstance(error, (IntegrityError, OperationalError)):
        return False
    original = getattr(error, "orig", None)
    sqlstate = getattr(original, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in POSTGRES_RACES
    if isinstance(original, sqlite3.Error):
        name = getattr(original, "sqlite_errorname", "")
        return name in SQLITE_RACES or (isinstance(error, OperationalError) and "locked" in str(original))
    return False


def _pause(attempt: int) -> None:
    """A short random wait, so that the losers do not collide again in step."""
    time.sleep(random.uniform(0.01, 0.05) * attempt)  # noqa: S311 - jitter, not a secret


def run_with_retries(work: Callable[[], T], attempts: int = ATTEMPTS) -> T:
    """Run `work` (which commits) until it does not lose a race; the last loss is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return work()
        except RACE_ERRORS as error:
            db.session.rollback()
            if not is_conflict(error) or attempt == attempts:
                raise
            current_app.logger.info("Concurrent change (attempt %s): %s; running again.", attempt, error)
            _pause(attempt)
    raise AssertionError("unreachable")


def retry_on_conflict(view: Callable) -> Callable:
    """Wrap a view: when it loses a race, roll back and run it again from the start.

    Whatever the losing attempt put in the session cookie (flashed messages, notes of
    saves) is put back first, and uploaded files are rewound, so the next attempt starts
    from the request exactly as it arrived."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        saved_session = copy.deepcopy(dict(session))
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return view(*args, **kwargs)
            except RACE_ERRORS as error:
                db.session.rollback()
                if not is_conflict(error):
                    raise
                current_app.logger.info("%s %s lost a race (attempt %s): %s", request.method, request.path,
                                        attempt, error)
                if attempt == ATTEMPTS:
                    raise ConcurrentChange() from error
                _restore(saved_session)
                _pause(attempt)
        raise AssertionError("unreachable")

    return wrapped


def _restore(saved_session: dict) -> None:
    request_cache.clear()  # rows kept by the lost attempt: load them again, as the winner left them
    session.clear()
    session.update(copy.deepcopy(saved_session))
    for upload in request.files.values():
        upload.stream.seek(0)


def register(app) -> None:
    """Run every view of `app` as a unit of work that is retried when it loses a race."""
    for endpoint, view in list(app.view_functions.items()):
        if endpoint != "static":
            app.view_functions[endpoint] = retry_on_conflict(view)
