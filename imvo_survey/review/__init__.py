"""The secretariat's review of responses: read a response in full, return it for
clarification, accept it, keep internal notes, and follow its audit trail."""

from flask import Blueprint

bp = Blueprint("review", __name__)
