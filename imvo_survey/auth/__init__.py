"""Logging in and out, login sessions, password reset and change."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import routes  # noqa: E402,F401  (routes register themselves on bp)
from .sessions import note_activity  # noqa: E402

# Before every request of the app, and before the access check (blueprints are
# registered before it): the login is loaded, checked for idleness and its last-seen
# time written while the request has done nothing else in the database.
bp.before_app_request(note_activity)
