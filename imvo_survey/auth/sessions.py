"""Login sessions kept on the server, and the idle timeout.

Flask's session is a signed cookie: the server cannot take one back, so a copy of it
(or of the "remember me" cookie) would keep working after logout. Each login therefore
gets a row in `login_session` with a random token, which is all the cookies carry; the
database keeps only its hash. A login counts while its row exists, the user is active,
the user's `auth_version` is the one it was made under, and it has not been idle for
longer than the role's limit (staff `STAFF_IDLE_MINUTES`, respondents
`RESPONDENT_IDLE_MINUTES`). So:

- logout deletes this login's row (other devices stay logged in);
- a password, role or organisation change and a (de)activation raise `auth_version`,
  which ends every login of that user (see `User._end_sessions_on_change`);
- logging in starts from an empty session with a new token (no session fixation):
  only the language and what was kept of a save refused for want of a login go along.

`last_seen_at` is written at most once a minute per login, so a request costs one
SELECT here and, once a minute, one UPDATE.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, flash, g, request, session
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select, update
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import LoginSession, User, saved_id, utcnow

#: How stale `last_seen_at` may be before a request writes it again.
TOUCH_INTERVAL = timedelta(minutes=1)
#: What a new login keeps of the session before it: the language chosen, and the saves
#: kept when a login had ended (`respond.pending`), which come back after logging in.
CARRIED_OVER = ("language", "pending_saves", "saved_ids")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    """How long a login of this user may go without a request."""
    config = current_app.config
    minutes = config["RESPONDENT_IDLE_MINUTES"] if user.role == "respondent" else config["STAFF_IDLE_MINUTES"]
    return timedelta(minutes=minutes)


def _longest_idle_limit() -> timedelta:
    config = current_app.config
    return timedelta(minutes=max(config["RESPONDENT_IDLE_MINUTES"], config["STAFF_IDLE_MINUTES"]))


def start_session(user: User, remember: bool = False) -> None:
    """Log `user` in with a new login session (flushes; the view commits)."""
    carried = {key: session[key] for key in CARRIED_OVER if key in session}
    session.clear()
    session.update(carried)
    user_id = saved_id(user)
    now = utcnow()
    # Clean-up, here rather than on every request: logins idle for longer than any
    # limit, and the user's logins that an auth_version change has ended.
    db.session.execute(delete(LoginSession).where(LoginSession.last_seen_at < now - _longest_idle_limit()))
    db.session.execute(delete(LoginSession).where(LoginSession.user_id == user_id,
                                                  LoginSession.auth_version != user.auth_version))
    token = secrets.token_urlsafe(32)
    db.session.add(LoginSession(user_id=user_id, token_hash=_hash(token), auth_version=user.auth_version,
                                created_at=now, last_seen_at=now))
    db.session.flush()
    user.login_token = token
    login_user(user, remember=remember)


def end_session() -> None:
    """Log out of this login (and its "remember me" cookie); flushes, the view commits.
    The user's logins on other devices go on."""
    if current_user.is_authenticated and current_user.login_token:
        db.session.execute(delete(LoginSession).where(LoginSession.token_hash == _hash(current_user.login_token)))
    language = session.get("language")
    session.clear()
    if language:
        session["language"] = language
    logout_user()  # also has Flask-Login delete the "remember me" cookie


def load_user(token: str) -> User | None:
    """Flask-Login's loader, for the token in the session or the "remember me" cookie."""
    row = db.session.scalar(select(LoginSession).options(joinedload(LoginSession.user))
                            .where(LoginSession.token_hash == _hash(token)))
    if row is None:
        return _forget()
    user = row.user
    if not user.is_active or row.auth_version != user.auth_version:
        return _forget()
    now = utcnow()
    limit = idle_limit(user)
    if now - row.last_seen_at > limit:
        minutes = int(limit.total_seconds() // 60)
        flash(_("You have been logged out after %(minutes)d minutes without activity. Log in again to go on; "
                "what you were saving has been kept.", minutes=minutes), "info")
        return _forget()
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        g.login_session_seen = row.id
    user.login_token = token
    return user


def _forget() -> None:
    """Drop a login that no longer counts from this browser: its token from the session
    and its "remember me" cookie (so that the loader is not asked again)."""
    session.pop("_user_id", None)
    session.pop("_fresh", None)
    session.pop("_id", None)
    if current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies:
        session["_remember"] = "clear"
    return None


def note_activity() -> None:
    """Before every request: load the user first, then write `last_seen_at` when it is
    a minute old. This runs before the view, so the commit holds nothing of the view's."""
    if request.endpoint == "static":
        return
    current_user._get_current_object()  # runs `load_user` once for this request
    row_id = g.pop("login_session_seen", None)
    if row_id is not None:
        db.session.execute(update(LoginSession).where(LoginSession.id == row_id)
                           .values(last_seen_at=utcnow()))
        db.session.commit()
