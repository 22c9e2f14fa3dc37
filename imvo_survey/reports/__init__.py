"""Progress reports (*voortgangsrapportages*): per round a report page and PDF, in Dutch
or English, built from the data of that moment and kept as a dated version that never
changes (`content.py` says what is in it, `building.py` how it is made)."""

from flask import Blueprint

bp = Blueprint("reports", __name__)
