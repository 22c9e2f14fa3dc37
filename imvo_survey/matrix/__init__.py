"""The coverage matrix page for the secretariat and analysts: the table with filters and
measures, the drill-down behind each cell, and the exports."""

from flask import Blueprint

bp = Blueprint("matrix", __name__)
