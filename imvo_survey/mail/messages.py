"""Building and delivering e-mail. Messages are not delivered from a request: they go
through the outbox (`imvo_survey.mail.outbox`), whose worker calls `deliver`.

Two backends: `file` writes each message as an `.eml` file under `MAIL_FILE_DIR`
(the default for `make run`, so no mail server is needed), and `smtp` delivers
through the server in the `MAIL_*` settings (production).

The `.eml` files are the developer's mailbox: their links must work when clicked, so
they are written as sent, not masked. They must not become a lasting store of live
links elsewhere: the folder and files are readable by their owner only, and production
refuses the file backend unless IMVO_ALLOW_FILE_MAIL says it is meant (config.py).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from flask import current_app, has_request_context, render_template, request

from ..models import utcnow


class MailError(RuntimeError):
    """Delivery failed; `permanent` is True when the server refused for good (5xx)."""

    def __init__(self, message: str, permanent: bool = False):
        super().__init__(message)
        self.permanent = permanent


class BaseUrlMissing(RuntimeError):
    """A link for a message is needed outside a request, and IMVO_BASE_URL is not set."""


BASE_URL_MISSING = ("Set IMVO_BASE_URL to the address the app is served at (for `make run`: "
                    "http://127.0.0.1:5000, or the port you gave): links in e-mails are built from it, "
                    "and outside the web server there is no other way to know it. Nothing was sent.")


def base_url() -> str:
    """Where links in messages point: IMVO_BASE_URL. Production requires it (config.py).
    In development without it, a link made in a request points where the server runs;
    outside a request (the CLI, the mail worker) `BaseUrlMissing` says what to set."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    if current_app.config.get("ENV_NAME") != "production" and has_request_context():
        return request.url_root.rstrip("/")
    raise BaseUrlMissing(BASE_URL_MISSING)


def external_url(endpoint: str, **values) -> str:
    """An absolute link for messages: `base_url()` plus the route's path. It works
    outside requests too (CLI, worker) when IMVO_BASE_URL is set."""
    adapter = current_app.url_map.bind("localhost")
    return base_url() + adapter.build(endpoint, values)


def build_message(to: str, subject: str, template: str, **context) -> EmailMessage:
    """A plain-text and HTML message from `templates/email/<template>.txt` and `.html`."""
    config = current_app.config
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = config["MAIL_DEFAULT_SENDER"]
    message["To"] = to
    if config.get("MAIL_REPLY_TO"):
        message["Reply-To"] = config["MAIL_REPLY_TO"]
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain="imvo.local")
    context.setdefault("secretariat_contact", config["SECRETARIAT_CONTACT"])
    message.set_content(render_template(f"email/{template}.txt", **context))
    message.add_alternative(render_template(f"email/{template}.html", **context), subtype="html")
    return message


def deliver(message: EmailMessage) -> None:
    """Send one message with the configured backend; raises `MailError` on failure."""
    backend = current_app.config["MAIL_BACKEND"]
    if backend == "file":
        _write_file(message)
    elif backend == "smtp":
        _send_smtp(message)
    else:
        raise MailError(f"Unknown MAIL_BACKEND {backend!r}", permanent=True)


def _write_file(message: EmailMessage) -> Path:
    directory = Path(current_app.config["MAIL_FILE_DIR"])
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory.chmod(0o700)  # also a folder made before: the messages hold personal links
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    path = directory / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    # Created owner-only (no window in which another user could read it), never overwritten.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(bytes(message))
    return path


def _send_smtp(message: EmailMessage) -> None:
    config = current_app.config
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    try:
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
            smtp.send_message(message)
    except smtplib.SMTPResponseException as error:
        permanent = 500 <= error.smtp_code < 600
        detail = (error.smtp_error.decode(errors="replace") if isinstance(error.smtp_error, bytes)
                  else str(error.smtp_error))
        raise MailError(f"{error.smtp_code} {detail}", permanent=permanent) from error
    except smtplib.SMTPRecipientsRefused as error:
        # Permanent only when every recipient got a 5xx; a 4xx is worth trying again.
        codes = [code for code, _message in error.recipients.values()]
        replies = "; ".join(f"{address}: {code} {reply.decode(errors='replace')}"
                            for address, (code, reply) in error.recipients.items())
        raise MailError(replies, permanent=all(500 <= code < 600 for code in codes)) from error
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(str(error) or type(error).__name__) from error
