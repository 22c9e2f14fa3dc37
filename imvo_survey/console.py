"""What the `imvo` commands share: they speak English, in the right number."""

from __future__ import annotations

import functools

from flask_babel import force_locale


def in_english(command):
    """Run a command's body in English. The CLI speaks English, and so must the app's
    messages it prints (import problems and warnings, refusals of the services), which
    would otherwise come in the default language, Dutch. Put it below @with_appcontext;
    not for commands that write text in the current language (exports)."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        with force_locale("en"):
            return command(*args, **kwargs)

    return wrapper


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """"1 organisation", "2 organisations": the CLI speaks English, in the right number."""
    return f"{number} {noun if number == 1 else plural or noun + 's'}"
