"""The register of organisations and their contacts, and its import."""

from flask import Blueprint

bp = Blueprint("organisations", __name__)
