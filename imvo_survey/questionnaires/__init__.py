"""Questionnaires: the definition vocabulary, conditions, JSON and XLSForm formats,
publication checks, and the secretariat's authoring pages.

The routes are imported by `create_app` (not here), because the models import this
package's vocabulary (`types`) and the routes import the models.
"""

from flask import Blueprint

bp = Blueprint("questionnaires", __name__)
