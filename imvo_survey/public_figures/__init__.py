"""Public figures: a round's coverage matrix at sector level with small cells
suppressed, as a page and a CSV without login once the secretariat has published them
(see `analysis.public_figures` for the figures and `analysis.suppression` for the rule)."""

from flask import Blueprint

bp = Blueprint("public_figures", __name__)
