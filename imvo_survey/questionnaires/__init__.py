"""Questionnaires: the definition vocabulary, conditions, JSON and XLSForm formats,
publication checks, and the secretariat's authoring pages."""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)
