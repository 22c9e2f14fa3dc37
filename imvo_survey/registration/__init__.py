"""MKB self-registration: the public page, the e-mail confirmation, and the
secretariat's review (merge or reject)."""

from flask import Blueprint

bp = Blueprint("registration", __name__)
