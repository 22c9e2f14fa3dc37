"""Survey rounds for the secretariat: settings, targeting, invitations, reminders,
extensions and the tracking dashboard."""

from flask import Blueprint

bp = Blueprint("rounds", __name__)
