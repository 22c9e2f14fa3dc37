"""The respondent's side of a round: the invitation link, the landing page, declining,
setting a password (and, later, the questionnaire forms)."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import routes  # noqa: E402,F401
