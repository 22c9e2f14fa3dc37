"""Rate limits that hold: per client address and per account, counted where every
worker sees the same counts.

- The client address is the connection's, unless `TRUSTED_PROXIES` says how many
  reverse proxies in front of the app set X-Forwarded-For (Werkzeug's ProxyFix then
  takes the address that many hops back). By default the header is never trusted:
  anyone can send it.
- Login and password-change attempts also count per account (the e-mail address tried,
  normalised as logins find it): an attacker rotating addresses still gets
  `LOGIN_ACCOUNT_RATE_LIMIT` tries per account, and a correct password is refused only
  until the window has passed, so no one is locked out for good. Every attempt counts,
  successful ones too: counting is then one atomic increment, which holds for requests
  that arrive at once on several workers (a count of failures only, tested before and
  added after the attempt, would let a burst through).
- Reset mails count per address asked for and registration mails per contact address,
  so that no one's mailbox can be flooded from many client addresses. A registration
  counts only when its mail went out: one with errors in the form is tried again.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

#: One scope for the attempts at an account's password, whichever page they come from.
ACCOUNT_SCOPE = "account-password"


def email_key(address: str | None) -> str:
    """An e-mail address as logins find it (`find_user_by_email`): trimmed, lower case."""
    return (address or "").strip().lower()


def trust_proxies(app: Flask) -> None:
    """Take the client address (and scheme) from the `TRUSTED_PROXIES` proxies in front."""
    count = app.config.get("TRUSTED_PROXIES", 0)
    if count < 0:
        raise ValueError("IMVO_TRUSTED_PROXIES cannot be negative.")
    if count:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)


def login_account_limit() -> str:
    return current_app.config["LOGIN_ACCOUNT_RATE_LIMIT"]


def reset_account_limit() -> str:
    return current_app.config["RESET_ACCOUNT_RATE_LIMIT"]


def registration_address_limit() -> str:
    return current_app.config["REGISTRATION_ADDRESS_RATE_LIMIT"]


def account_tried() -> str:
    """The account a login or reset request is about: the posted e-mail address. Never
    empty (Flask-Limiter skips a limit whose key is empty)."""
    return "account:" + email_key(request.form.get("email"))


def own_account() -> str:
    """The logged-in user's account (changing the password checks the current one)."""
    return "account:" + email_key(getattr(current_user, "email", None))


def contact_address() -> str:
    """The address a registration would send its confirmation mail to."""
    return "address:" + email_key(request.form.get("contact_email"))


def note_mail_sent() -> None:
    """The view sent a mail for this request: count it against `contact_address`."""
    g.limited_mail_sent = True


def mail_was_sent(_response) -> bool:
    """Flask-Limiter's `deduct_when`: registrations that failed their checks do not count."""
    return bool(g.get("limited_mail_sent"))
