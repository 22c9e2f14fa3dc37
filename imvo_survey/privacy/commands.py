"""`imvo privacy export|erase|purge` (registered by `imvo_survey.cli`). Each command
commits once; exports and erasures are written to the privacy log as the command line's."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from ..extensions import db
from ..models import Contact
from ..whole_numbers import MAX_INT
from . import services
from .services import PrivacyError, Who


@click.group("privacy")
def privacy_group() -> None:
    """Personal data of contact persons (AVG/GDPR): export, erase, purge."""


def _refusal(error: PrivacyError) -> click.ClickException:
    """The service's (translated) message, in English like the rest of the command line."""
    with force_locale("en"):
        return click.ClickException(str(error))


def _contact(contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        raise click.ClickException(f"There is no contact {contact_id}.")
    return contact


@privacy_group.command("export")
@click.argument("contact_id", type=click.IntRange(1, MAX_INT))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="The JSON file to write (readable by its owner only).")
@with_appcontext
def privacy_export(contact_id: int, output: Path) -> None:
    """Write everything held about contact CONTACT_ID to a JSON file."""
    document = services.export_contact(_contact(contact_id), Who.cli())
    descriptor = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(document, file, ensure_ascii=False, indent=2)
    db.session.commit()
    click.echo(f"Everything held about contact {contact_id} written to {output}.")


@privacy_group.command("erase")
@click.argument("contact_id", type=click.IntRange(1, MAX_INT))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def privacy_erase(contact_id: int, yes: bool) -> None:
    """Erase (anonymise) contact CONTACT_ID wherever they are found; answers and the
    audit trail's facts stay."""
    contact = _contact(contact_id)
    if not yes:
        click.confirm(f"Erase the personal data of contact {contact_id} ({contact.email}) of "
                      f"{contact.organisation.name}? This cannot be undone", abort=True)
    try:
        summary = services.erase_contact(contact, Who.cli())
    except PrivacyError as error:
        raise _refusal(error) from None
    db.session.commit()
    changed = ", ".join(f"{key} {count}" for key, count in summary.items() if count)
    click.echo(f"Contact {contact_id} erased ({changed}).")


@privacy_group.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what would be anonymised; change nothing.")
@with_appcontext
def privacy_purge(dry_run: bool) -> None:
    """Anonymise the contacts and accounts of organisations inactive for longer than
    IMVO_PRIVACY_RETENTION_DAYS."""
    try:
        cutoff = services.retention_cutoff()
    except PrivacyError as error:
        raise _refusal(error) from None
    plan = services.purge_plan(cutoff)
    for item in plan:
        click.echo(f"{item.organisation.id} {item.organisation.name}: {len(item.contacts)} contacts, "
                   f"{len(item.accounts)} accounts, {len(item.traces)} addresses of contacts removed earlier")
    if dry_run:
        click.echo(f"Dry run: {len(plan)} organisations inactive since before {cutoff:%Y-%m-%d} would be purged; "
                   "nothing was changed.")
        return
    services.purge(plan, Who.cli())
    db.session.commit()
    click.echo(f"{len(plan)} organisations inactive since before {cutoff:%Y-%m-%d} purged.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (privacy_group,)
