"""Transparantiebenchmark scores: read by staff, kept by the secretariat."""

from flask import Blueprint

bp = Blueprint("benchmarks", __name__)

from . import routes  # noqa: E402,F401
