"""Personal links: where the app's secret links are, and how to make a copy unusable.

A secret link is any route of the app with a `token` in its path: the invitation link
(`/i/<token>`, also in reminders and clarification requests), a password reset, a
registration confirmation, a feedback link. Only a hash of most tokens is stored, so a
copy kept in clear (the outbox's stored message, the outbox page, a log line) would undo
that. `mask_text` replaces the token of every such link with `MASK`; it finds them from
the app's URL map, so a new route with a token is covered without a change here.

Masking is deliberately broad: any http(s) host, so a message built with another base
URL than the worker's (IMVO_BASE_URL differing between processes) is masked as well.
"""

from __future__ import annotations

import logging
import re
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser

from flask import Flask, current_app

#: What a masked token reads as; no token character, so masking twice changes nothing.
MASK = "********"
#: The characters of a token: URL-safe base64 (secrets.token_urlsafe) and itsdangerous's dots.
_TOKEN = r"[A-Za-z0-9_\-.~%]+"  # noqa: S105 - a pattern, not a secret
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
_EXTENSION_KEY = "imvo_secret_links"
#: Loggers that write request lines (the development server, gunicorn's access log).
REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def _prefix(rule: str) -> str | None:
    """The regex for the part of a rule's path before its token (other variables as
    wildcards); None when the rule has no token at its end."""
    parts = _CONVERTER.split(rule)  # text, variable, text, variable, ..., text
    names = parts[1::2]
    if not names or names[-1] != "token" or parts[-1]:
        return None
    pieces = [re.escape(text) if index % 2 == 0 else r"[^/\s\"'<>]+" for index, text in enumerate(parts[:-2])]
    return "".join(pieces)


#: An absolute link: (scheme and host, the rest up to a space or quote). Greedy and
#: without a lookahead, so a long run of "http://http://..." is read in one pass.
_LINK = re.compile(r"(https?://[^\s\"'<>/]+)([^\s\"'<>]*)")


def _patterns(app: Flask) -> tuple[re.Pattern, re.Pattern]:
    """(secret route paths within a link's path, bare paths) of the app's secret routes,
    compiled once per app."""
    cached = app.extensions.get(_EXTENSION_KEY)
    if cached is None:
        prefixes = sorted({p for rule in app.url_map.iter_rules() if (p := _prefix(rule.rule)) is not None},
                          key=len, reverse=True)
        choice = "(?:" + "|".join(prefixes) + ")"
        in_link = re.compile("(" + choice + ")" + _TOKEN)
        # A request line or path in a log: the route's path at the start of a path.
        paths = re.compile(r"((?<![^\s\"'(])" + choice + ")" + _TOKEN)
        cached = app.extensions[_EXTENSION_KEY] = (in_link, paths)
    return cached


def mask_text(text: str, app: Flask | None = None) -> str:
    """`text` with the token of every absolute link to a secret route replaced by MASK.

    Each link is found first and its path masked apart: one regex for both would try
    every "http" of a long run of them again to its end (quadratic)."""
    in_link, _paths = _patterns(app or current_app)

    def mask_link(match: re.Match) -> str:
        return match.group(1) + in_link.sub(lambda secret: secret.group(1) + MASK, match.group(2))

    return _LINK.sub(mask_link, text)


def mask_message(message: EmailMessage, app: Flask | None = None) -> bool:
    """Mask the links in every text part (plain and HTML) of `message`, in place.
    Headers, the Message-ID included, stay as they are. True when something changed."""
    changed = False
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        content = part.get_content()
        masked = mask_text(content, app)
        if masked != content:
            part.set_content(masked, subtype=part.get_content_subtype())
            changed = True
    return changed


def mask_raw(raw: bytes, app: Flask | None = None) -> tuple[bytes, bool]:
    """A stored message (RFC 5322 bytes) with its links masked, and whether any was."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not mask_message(message, app):
        return raw, False
    return bytes(message), True


class MaskLinksFilter(logging.Filter):
    """Masks secret links and paths in log records (request lines, Referer headers)."""

    def __init__(self, app: Flask):
        super().__init__()
        self.app = app  # the patterns are read at the first record, when every route exists

    def filter(self, record: logging.LogRecord) -> bool:
        _in_link, paths = _patterns(self.app)
        text = record.getMessage()
        masked = paths.sub(lambda m: m.group(1) + MASK, mask_text(text, self.app))
        if masked != text:
            record.msg, record.args = masked, None
        return True


def init_app(app: Flask) -> None:
    """Keep the tokens of secret links out of the request logs."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(existing, MaskLinksFilter) for existing in logger.filters):
            logger.addFilter(MaskLinksFilter(app))
