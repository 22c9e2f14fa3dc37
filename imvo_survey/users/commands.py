"""`imvo user create|set-password|ensure-admin|deactivate|activate`: accounts from a shell.

Deactivate and activate are for a shell when no secretariat account can log in, or to
lock an account at once; either ends the account's logins (see `User.auth_version`)."""

from __future__ import annotations

import os
import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..auth.services import MIN_PASSWORD_LENGTH, find_user_by_email, generate_password, set_password
from ..console import in_english
from ..emails import InvalidEmail
from ..extensions import db
from ..models import User
from ..organisations.services import resolve_organisation
from .services import UserError, create_user

#: The first secretariat account of `imvo user ensure-admin`, unless IMVO_ADMIN_EMAIL says otherwise.
ADMIN_DEFAULT_EMAIL = "secretariaat@example.org"


def _user(email: str):
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


_STATE_COMMANDS = (user_deactivate, user_activate)


@click.group("user")
def user_group() -> None:
    """Accounts."""




def _read_password(prompt: str = "Password") -> str:
    """Ask at the terminal (twice, hidden), or read one line from standard input."""
    if sys.stdin.isatty():
        return click.prompt(prompt, hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["secretariat", "analyst", "respondent"]), required=True)
@click.option("--org", "organisation", metavar="ID_OR_KVK", help="The respondent's organisation.")
@click.option("--name", default=None, help="Display name.")
@with_appcontext
@in_english
def user_create(email: str, role: str, organisation: str | None, name: str | None) -> None:
    """Create an account; the password is asked for (or read from standard input)."""
    org = None
    if organisation:
        org = resolve_organisation(organisation)
        if org is None:
            raise click.ClickException(f"No organisation with id or KvK number {organisation}.")
    if role == "respondent" and org is None:
        raise click.ClickException("A respondent needs --org ID_OR_KVK.")
    if role != "respondent" and org is not None:
        raise click.ClickException("Only respondents belong to an organisation; leave out --org.")
    password = _read_password()
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    try:
        user = create_user(email, role, password=password, organisation=org, name=name)
    except (UserError, InvalidEmail) as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.role} account {user.email}" + (f" for {org.name}" if org else "") + ".")


@user_group.command("set-password")
@click.argument("email")
@with_appcontext
def user_set_password(email: str) -> None:
    """Set a user's password (asked for, or read from standard input)."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"No account for {email}.")
    password = _read_password("New password")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise click.ClickException(f"The password needs at least {MIN_PASSWORD_LENGTH} characters.")
    set_password(user, password)
    db.session.commit()
    click.echo(f"Password of {user.email} changed.")


@user_group.command("ensure-admin")
@with_appcontext
def user_ensure_admin() -> None:
    """Create the first secretariat account if there is none, and print its login once.

    Uses IMVO_ADMIN_EMAIL and IMVO_ADMIN_PASSWORD when set; otherwise the e-mail is
    secretariaat@example.org and the password is generated.
    """

    existing = db.session.scalar(select(User).where(User.role == "secretariat", User.is_active)
                                 .order_by(User.id).limit(1))
    if existing is not None:
        click.echo(f"Secretariat account: {existing.email} (its password was printed when it was "
                   f"created; `imvo user set-password {existing.email}` sets a new one).")
        return
    email = os.environ.get("IMVO_ADMIN_EMAIL") or ADMIN_DEFAULT_EMAIL
    given = os.environ.get("IMVO_ADMIN_PASSWORD")
    password = given or generate_password()
    user = create_user(email, "secretariat", password=password, name="Secretariaat")
    db.session.commit()
    click.echo("=" * 64)
    click.echo("Secretariat account created. Log in at the address below with:")
    click.echo(f"  e-mail:   {user.email}")
    click.echo("  password: " + ("(the value of IMVO_ADMIN_PASSWORD)" if given else password))
    if not given:
        click.echo("This password is shown only now.")
    click.echo("=" * 64)


for _command in _STATE_COMMANDS:
    user_group.add_command(_command)


#: Registered by `imvo_survey.cli`.
COMMANDS = (user_group,)
