"""`imvo i18n update|compile|check`: the translation catalogues (see `catalogues.py`)."""

from __future__ import annotations

import sys

import click

from .catalogues import LANGUAGES, compile_all, missing, placeholder_problems, update


@click.group("i18n")
def i18n_group() -> None:
    """Translation catalogues (Dutch and English)."""


@i18n_group.command("update")
def i18n_update() -> None:
    """Extract the messages and update both catalogues (English is filled in)."""
    untranslated = update()
    click.echo(f"Catalogues updated; untranslated Dutch messages: {untranslated['nl']}.")


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile the catalogues (.po -> .mo)."""
    written = compile_all()
    click.echo(f"Translations compiled ({len(written)} changed).")


@i18n_group.command("check")
def i18n_check() -> None:
    """Fail when a message has no translation in a catalogue, or one whose placeholders
    do not fit the message's."""
    failed = False
    for language in LANGUAGES:
        for message in missing(language):
            failed = True
            click.echo(f"{language}: untranslated: {message!r}", err=True)
        for problem in placeholder_problems(language):
            failed = True
            click.echo(f"{language}: placeholders: {problem}", err=True)
    if failed:
        sys.exit(1)
    click.echo("Both catalogues are complete.")
