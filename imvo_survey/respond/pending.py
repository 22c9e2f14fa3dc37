"""Nothing typed is lost when a login has ended: the posted fields are kept server-side
for this browser session and put back in the form after logging in again."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import delete

from ..extensions import db
from ..models import PendingSave, utcnow

SESSION_KEY = "pending_saves"
KEEP = timedelta(days=2)


def keeps_unsaved_input(view):
    """Mark a view whose POSTs are kept when the login has ended."""
    view.keeps_unsaved = True
    return view


def stash_if_wanted() -> None:
    """Called when a request is refused for want of a login: keep a marked view's POST."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if request.method != "POST" or not getattr(view, "keeps_unsaved", False):
        return
    data = {key: request.form.getlist(key) for key in request.form if key != "csrf_token"}
    key = secrets.token_urlsafe(24)
    db.session.execute(delete(PendingSave).where(PendingSave.created_at < utcnow() - KEEP))
    db.session.add(PendingSave(id=key, path=request.path, data=data))
    db.session.commit()
    pending = dict(session.get(SESSION_KEY, {}))
    pending[request.path] = key
    session[SESSION_KEY] = pending


def take(path: str):
    """The kept input for a page of this session, as a MultiDict (removed once taken)."""
    from werkzeug.datastructures import MultiDict

    pending = dict(session.get(SESSION_KEY, {}))
    key = pending.pop(path, None)
    if key is None:
        return None
    session[SESSION_KEY] = pending
    row = db.session.get(PendingSave, key)
    if row is None or row.path != path:
        return None
    data = MultiDict([(name, value) for name, values in row.data.items() for value in values])
    db.session.delete(row)
    db.session.commit()
    return data


# --- what the browser keeps -------------------------------------------------------
#
# With JavaScript, what is typed is also kept in the browser until the server has it.
# Only the server knows that a Save arrived: a changed lock version does not prove it
# (a colleague's save moves it too), so a page saved with success is noted here and the
# next view of that page tells the script to forget its copy.

SAVED_KEY = "saved_pages"
SAVED_KEEP = 20  # pages remembered per session; older notes are dropped


def note_saved(path: str) -> None:
    """The POST to `path` was saved: the browser may forget its copy of that page."""
    saved = [p for p in session.get(SAVED_KEY, []) if p != path][-(SAVED_KEEP - 1):]
    session[SAVED_KEY] = [*saved, path]


def saved_here() -> bool:
    """Was this page saved since it was last shown? (The note is used up.)"""
    saved = session.get(SAVED_KEY, [])
    if request.path not in saved:
        return False
    session[SAVED_KEY] = [p for p in saved if p != request.path]
    return True
