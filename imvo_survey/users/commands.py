"""`imvo user deactivate` and `imvo user activate`: for a shell when no secretariat
account can log in, or to lock an account at once. Either ends the account's logins
(see `User.auth_version`)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db


def _user(email: str):
    from ..auth.services import find_user_by_email

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    return user


@click.command("deactivate")
@click.argument("email")
@with_appcontext
def user_deactivate(email: str) -> None:
    """Deactivate an account: it can no longer log in, and its logins end now."""
    user = _user(email)
    user.is_active = False
    db.session.commit()
    click.echo(f"Deactivated {user.email}; its logins have ended.")


@click.command("activate")
@click.argument("email")
@with_appcontext
def user_activate(email: str) -> None:
    """Activate an account again (it logs in anew: earlier logins stay ended)."""
    user = _user(email)
    user.is_active = True
    db.session.commit()
    click.echo(f"Activated {user.email}.")


COMMANDS = (user_deactivate, user_activate)
