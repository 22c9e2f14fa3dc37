"""How the API knows who calls: a personal token in `Authorization: Bearer ...`, and
errors as JSON, never as the HTML pages of the rest of the site.

The site's one access check (`access.check_access`) works with the login session.
The API uses no session and no cookies: its views are declared `public` for that check,
and `token_required` below is the API's own check. It is the same decorator that makes
the view public, so no API view can be public without also checking the token.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, jsonify, request
from werkzeug.exceptions import HTTPException

from ..access import public
from ..extensions import db
from ..models import utcnow
from .tokens import TOKEN_ROLES, find_token

#: Sent with every 401, as RFC 6750 asks.
CHALLENGE = 'Bearer realm="imvo-api"'


class ApiError(Exception):
    """An error the API answers with `{"error": message}` and a status code."""

    def __init__(self, status: int, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def error_response(status: int, message: str, **headers: str):
    """The JSON body every API error has."""
    response = jsonify(error=message)
    response.status_code = status
    if status == 401:
        response.headers["WWW-Authenticate"] = CHALLENGE
    response.headers.update(headers)
    return response


def _presented_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate() -> None:
    """Find the token's user or raise ApiError: 401 for no, unknown or revoked tokens
    and deactivated users; 403 for users whose role gets no API access (respondents)."""
    token = _presented_token()
    if token is None:
        raise ApiError(401, "Send a personal API token: Authorization: Bearer <token>.")
    row = find_token(token)
    if row is None or row.revoked_at is not None:
        raise ApiError(401, "This API token is unknown or has been revoked.")
    user = row.user
    if not user.is_active:
        raise ApiError(401, "The account of this API token has been deactivated.")
    if user.role not in TOKEN_ROLES:
        raise ApiError(403, "This account has no access to the API.")
    row.last_used_at = utcnow()
    db.session.commit()  # its own unit of work: the views only read
    g.api_user = user


def token_required(view: Callable) -> Callable:
    """An API view: public for the session-based check, guarded by the Bearer token."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        authenticate()
        return view(*args, **kwargs)

    return public(wrapper)


def register_error_handlers(bp) -> None:
    """JSON for every error raised in an API view (the site's handlers render HTML)."""

    @bp.errorhandler(ApiError)
    def api_error(error: ApiError):
        return error_response(error.status, error.message, **error.headers)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        return error_response(error.code or 500, error.description or error.name)
