"""The read-only API for analysts, under /api/v1: rounds, the coverage matrix, the
activities, dilemmas and bottlenecks behind it, and the benchmark scores, as JSON, for
a personal token (`Authorization: Bearer ...`). `/api/v1/openapi.json` describes it.

GET only, no session and no cookies, so the blueprint is exempt from CSRF: a forged
cross-site request cannot carry the Bearer header.
"""

from flask import Blueprint

from ..extensions import csrf

bp = Blueprint("api", __name__)
csrf.exempt(bp)
