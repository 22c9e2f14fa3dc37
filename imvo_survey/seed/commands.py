"""`imvo seed`: the reference data, the shipped questionnaires, the example risk entries
and (with --demo) the demo data."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..extensions import db
from . import seed_demo, seed_questionnaires, seed_reference
from .risk_examples import seed_risk_examples


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demo register and the 2008 benchmark scores.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the reference data, the shipped questionnaires and example risk entries (and demo data).
    Safe to run again: it changes nothing then."""
    report = seed_reference()
    seed_questionnaires(report)
    seed_risk_examples(report)
    if demo:
        seed_demo(report)
    db.session.commit()
    if report.changed:
        for line in report.lines():
            click.echo(line)
    else:
        click.echo("Reference data" + (" and demo data" if demo else "") + " already up to date.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (seed_command,)
