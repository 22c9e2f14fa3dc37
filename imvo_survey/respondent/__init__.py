"""The respondent's side of a round: the invitation link, the landing page, declining,
setting a password, the questionnaire forms, submitting, the offline workbook and the
feedback pages."""

from flask import Blueprint

bp = Blueprint("respond", __name__)
