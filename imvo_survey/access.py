"""One mechanism for access to every route.

Each view declares who may use it with `@public`, `@roles(...)` or `@access(...)`.
`check_access` runs before every request: a view that declares nothing is refused
(fail closed), and a test walks the URL map to prove that every view declares access.
Reading (GET, HEAD, OPTIONS) and changing (every other method) can be granted to
different roles, which is how an analyst reads what only the secretariat may change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import abort, current_app, request
from flask_login import current_user

from .extensions import login_manager

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Any logged-in user, whatever the role.
ANY_ROLE = "*"
#: Someone without an account who opened a valid invitation link in this session.
INVITEE = "invitee"
#: Where `register_invitee` keeps the respondent's side's answers (in `app.extensions`).
INVITEE_HOOKS = "imvo.invitee"


@dataclass(frozen=True)
class InviteeHooks:
    """What only the respondent's side knows, handed down to this check (which must not
    import it: every feature, that one included, imports this module)."""

    #: Whether this browser opened a valid invitation link (and its session lives).
    has_session: Callable[[], bool]
    #: Called before a visitor is sent to the login page (to keep what they typed).
    before_login: Callable[[], None]


def register_invitee(app, hooks: InviteeHooks) -> None:
    """Tell the access check how invitees are recognised (see `create_app`)."""
    app.extensions[INVITEE_HOOKS] = hooks


@dataclass(frozen=True)
class Access:
    """Who may read and who may change through a view; `public` needs no login."""

    read: frozenset[str]
    write: frozenset[str]
    public: bool = False

    def allows(self, role: str | None, method: str) -> bool:
        if self.public:
            return True
        if role is None:
            return False
        allowed = self.read if method in READ_METHODS else self.write
        return ANY_ROLE in allowed or role in allowed


def access(read: Iterable[str], write: Iterable[str] = ()) -> Callable:
    """Declare the roles that may read (GET) and change (POST, ...) through a view."""
    rule = Access(read=frozenset(read), write=frozenset(write))

    def decorate(view: Callable) -> Callable:
        view.access = rule
        return view

    return decorate


def roles(*allowed: str) -> Callable:
    """The same roles may read and change."""
    return access(read=allowed, write=allowed)


def public(view: Callable) -> Callable:
    """No login needed (the login page, the language switch, error pages)."""
    view.access = Access(read=frozenset(), write=frozenset(), public=True)
    return view


def logged_in(view: Callable) -> Callable:
    """Any logged-in user (their own profile, say)."""
    return roles(ANY_ROLE)(view)


def check_access():
    """Before every request: refuse what the view's declaration does not allow."""
    if request.endpoint is None:  # no route matched: the 404 handler answers
        return None
    if request.endpoint == "static":
        return None
    view = current_app.view_functions.get(request.endpoint)
    rule: Access | None = getattr(view, "access", None)
    if rule is None:
        current_app.logger.error("View %s declares no access; refused.", request.endpoint)
        abort(403)
    if rule.public:
        return None
    if not current_user.is_authenticated:
        allowed = rule.read if request.method in READ_METHODS else rule.write
        invitee = current_app.extensions[INVITEE_HOOKS]
        if INVITEE in allowed and invitee.has_session():
            return None
        invitee.before_login()
        return login_manager.unauthorized()
    if not rule.allows(current_user.role, request.method):
        abort(403)
    return None


def ensure_own_organisation(organisation_id: int) -> None:
    """A respondent reaches only their own organisation: anything else is a 404,
    so that ids of other organisations are not even confirmed to exist."""
    if current_user.role == "respondent" and current_user.organisation_id != organisation_id:
        abort(404)


def signed_in_user():
    """The logged-in account itself (not Flask-Login's proxy), for the services that
    record who did what."""
    return current_user._get_current_object()
