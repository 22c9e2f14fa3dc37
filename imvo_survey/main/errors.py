"""Plain, translated error pages."""

from __future__ import annotations

import time

from flask import jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError

from ..extensions import db, limiter
from ..unit_of_work import ConcurrentChange
from ..whole_numbers import BadNumber


def register(app) -> None:
    """Attach the handlers to the app."""

    def page(status: int, title: str, message: str):
        return render_template("errors/error.html", status=status, title=title, message=message), status

    @app.errorhandler(400)
    def bad_request(error):
        if isinstance(error, BadNumber):  # says which parameter and what it may be
            return page(400, _("Bad request"), str(error.message))
        return page(400, _("Bad request"), _("The request could not be understood."))

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("The form has expired"),
                    _("For your security the form could not be accepted. Go back, reload the "
                      "page and send it again."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("No access"), _("You do not have access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Page not found"), _("This page does not exist (any more)."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, _("Not allowed"), _("This action is not possible on this page."))

    @app.errorhandler(ConcurrentChange)
    def concurrent_change(error):
        message = _("Someone else changed the same data at the same moment, several times in a row. Nothing "
                    "of your last action was saved: go back and try again.")
        if request.accept_mimetypes.best == "application/json" or request.path.startswith("/api/"):
            return jsonify(status="conflict", error=message, message=message), 409
        return page(409, _("Changed at the same moment"), message)

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("File too large"), _(
            "The file is larger than %(limit)s MB, the most that can be uploaded. Remove what is not needed, "
            "or split the file.", limit=app.config["UPLOAD_MAX_MB"]))

    @app.errorhandler(429)
    def too_many(error):
        minutes = _minutes_to_wait()
        return page(429, _("Too many attempts"),
                    ngettext("There were too many attempts in a short time. Try again in %(num)d minute.",
                             "There were too many attempts in a short time. Try again in %(num)d minutes.",
                             minutes))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return page(500, _("Something went wrong"),
                    _("An unexpected error occurred. Nothing was saved of the last action. "
                      "Try again, or contact the secretariat if it happens again."))


def _minutes_to_wait() -> int:
    """Until the limit that was hit lets a request through again (an account's limit
    can take up to an hour), rounded up to whole minutes."""
    current = limiter.current_limit
    seconds = int(current.reset_at - time.time()) if current is not None else 60
    return max(1, (seconds + 59) // 60)
