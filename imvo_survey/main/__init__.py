"""The start page, the language switch and the error pages."""

from flask import Blueprint

bp = Blueprint("main", __name__)
