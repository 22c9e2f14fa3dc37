"""Verification samples (*steekproef*): drawing a reproducible sample of a round's
submitted responses, asking the sampled respondents for evidence, recording what the
check found per activity, and the results with their margins. Kept by the secretariat."""

from flask import Blueprint

bp = Blueprint("verification", __name__)
