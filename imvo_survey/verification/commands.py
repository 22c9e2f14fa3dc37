"""`imvo sample`: draw a verification sample of a round's submitted responses.

    imvo sample draw imvo-2010 --size 20 --stratify sector --seed 2010
    imvo sample draw imvo-2010 --percent 10
    imvo sample list [ROUND]
"""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from ..console import counted, in_english
from ..extensions import db
from ..rounds.services import find_round
from .services import SampleError, draw_sample, samples_of


def _round(identifier: str):
    found = find_round(identifier) if len(identifier) <= 80 else None
    if found is None:
        raise click.ClickException(f"No round {identifier}.")
    return found


@click.group("sample")
def sample_group() -> None:
    """Verification samples of a round's submitted responses."""


@sample_group.command("draw")
@click.argument("round_id", metavar="ROUND")
@click.option("--size", type=click.IntRange(min=1), help="How many responses to draw.")
@click.option("--percent", type=click.FloatRange(min=0, max=100, min_open=True),
              help="Which percentage of the responses to draw (rounded up).")
@click.option("--seed", type=click.IntRange(min=0, max=2**31 - 1),
              help="The seed: the same seed and round give the same sample (default: a random one, shown).")
@click.option("--stratify", type=click.Choice(["sector"]), default=None,
              help="Stratify by sector (proportional, at least one per sector); default simple random.")
@with_appcontext
@in_english
def sample_draw(round_id: str, size: int | None, percent: float | None, seed: int | None,
                stratify: str | None) -> None:
    """Draw a new sample of ROUND (id or short name) and keep it beside earlier ones."""
    if (size is None) == (percent is None):
        raise click.UsageError("Give --size N or --percent P (one of them).")
    round = _round(round_id)
    try:
        sample = draw_sample(round, size=size, percent=percent, seed=seed, stratified=stratify == "sector")
    except SampleError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Drew sample {sample.id} of round {round.slug}: {counted(len(sample.members), 'response')} of "
               f"{sample.population}, {sample.method}, seed {sample.seed}.")
    for member in sample.members:
        click.echo(f"  response {member.response_id}  {member.response.organisation.name}  "
                   f"{member.sector.code if member.sector else '-'}")


@sample_group.command("list")
@click.argument("round_id", metavar="[ROUND]", required=False)
@with_appcontext
def sample_list(round_id: str | None) -> None:
    """The samples drawn (of ROUND), the latest first."""
    for sample in samples_of(_round(round_id) if round_id else None):
        click.echo(f"{sample.id:>4}  {sample.round.slug:<24} {sample.method:<10} seed {sample.seed:<10} "
                   f"{len(sample.members)}/{sample.population}  {sample.drawn_at:%Y-%m-%d %H:%M}")
    db.session.rollback()


#: Registered by `imvo_survey.cli`.
COMMANDS = (sample_group,)
