"""Nothing typed is lost when a login has ended: the posted fields are kept server-side
for this browser session and put back in the form after logging in again."""

from __future__ import annotations

import json
import re
import secrets
from datetime import timedelta

from flask import current_app, request, session
from sqlalchemy import delete
from werkzeug.datastructures import MultiDict

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
# Only the server knows that a Save arrived: a changed lock version does not prove it (a
# colleague's save moves it too). Each Save carries a random id (save_id); the server
# notes the ids of the saves it stored, and the next questionnaire page it shows lists
# them, so that the script forgets those copies, whichever page they were typed on.

SAVED_KEY = "saved_ids"
SAVED_KEEP = 20  # ids remembered per session; older ones are dropped
SAVE_ID = re.compile(r"^[0-9a-f]{24}$")


def note_saved(save_id: str | None) -> None:
    """The save that carried `save_id` was stored: the browser may forget its copy."""
    if save_id and SAVE_ID.match(save_id):
        session[SAVED_KEY] = [*session.get(SAVED_KEY, [])[-(SAVED_KEEP - 1):], save_id]


def saved_ids() -> str:
    """The ids of the saves stored since the last questionnaire page, as JSON for the
    page's script (used up: each is listed once)."""
    ids = session.pop(SAVED_KEY, [])
    return json.dumps(ids)
