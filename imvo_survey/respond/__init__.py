"""The respondent's side of a round: the invitation link, the landing page, declining,
setting a password, the questionnaire forms, submitting, the offline workbook and the
feedback pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import entries, feedback, form, routes, submit, workbook_routes  # noqa: E402,F401
from .pending import saved_ids  # noqa: E402

bp.add_app_template_global(saved_ids)

