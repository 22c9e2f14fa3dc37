"""The user's own account pages: for now, personal API tokens (staff only)."""

from flask import Blueprint

bp = Blueprint("account", __name__)
