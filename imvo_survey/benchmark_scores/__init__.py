"""Transparantiebenchmark scores: read by staff, kept by the secretariat."""

from flask import Blueprint

bp = Blueprint("benchmarks", __name__)
