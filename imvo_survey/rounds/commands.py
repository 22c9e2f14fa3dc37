"""`imvo round create|list|target|open|close|invite|remind`: survey rounds from a shell."""

from __future__ import annotations

from datetime import datetime, time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from ..console import counted, in_english
from ..extensions import db
from ..mail.commands import require_base_url
from ..models import KINDS, Branch, Round, Sector
from ..organisations.services import OrganisationFilter, resolve_organisation
from ..questionnaires.services import find_version
from ..whole_numbers import MAX_INT, fits_an_id, parse_whole_number
from . import services
from .creating import copy_round, create_round
from .forms import slugify
from .mailings import invite, remind
from .services import (
    RoundError,
    add_targets,
    find_round,
    local_to_utc,
    preview_targets,
    status_counts,
    usable_contacts,
)


def _round(identifier: str):
    # An id past what the database holds names no round (and would not fit the query).
    found = find_round(identifier) if not identifier.isdigit() or fits_an_id(identifier) else None
    if found is None:
        raise click.ClickException(f"No round {identifier}.")
    return found


def _parse_moment(value: str, end_of_day: bool):
    """A date (2010-06-01) or date and time (2010-06-01T17:00), in Dutch time, as UTC."""

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2010-06-01 or 2010-06-01T17:00.") from None
    if len(value) <= 10:
        moment = datetime.combine(moment.date(), time(23, 59) if end_of_day else time(9, 0))
    return local_to_utc(moment.replace(tzinfo=None))


def _questionnaire_version(spec: str | None):
    """CODE or CODE:VERSION; the newest published version by default."""
    if not spec:
        return None
    code, _, number = spec.partition(":")
    try:
        version = find_version(code, parse_whole_number(number, 1) if number else None, published_only=True)
    except ValueError:  # not a version number at all
        version = None
    if version is None:
        raise click.ClickException(f"No published version of {spec}.")
    return version


@click.group("round")
def round_group() -> None:
    """Survey rounds: create, target, open, invite, remind, close."""


@round_group.command("create")
@click.option("--name", required=True)
@click.option("--year", type=click.IntRange(0, MAX_INT), required=True)
@click.option("--slug", default=None, help="Short name (default: made from the name).")
@click.option("--association-questionnaire", "association", metavar="CODE[:VERSION]")
@click.option("--company-questionnaire", "company", metavar="CODE[:VERSION]")
@click.option("--opens", required=True, metavar="DATE", help="2010-06-01 or 2010-06-01T09:00 (Dutch time).")
@click.option("--closes", required=True, metavar="DATE", help="2010-09-30 or 2010-09-30T17:00 (Dutch time).")
@click.option("--baseline", is_flag=True, help="The baseline (nulmeting) round.")
@click.option("--copy-of", "copy_of", metavar="ROUND", help="Copy settings and targets of this round.")
@with_appcontext
@in_english
def round_create(name, year, slug, association, company, opens, closes, baseline, copy_of) -> None:
    """Create a draft round."""
    slug = slug or slugify(name)
    opens_at, closes_at = _parse_moment(opens, False), _parse_moment(closes, True)
    try:
        if copy_of:
            # The versions given replace the newest ones the copy would otherwise take.
            round = copy_round(_round(copy_of), name, slug, year, opens_at, closes_at, is_baseline=baseline,
                               association=_questionnaire_version(association),
                               company=_questionnaire_version(company))
        else:
            if not association and not company:
                raise click.ClickException("Give --association-questionnaire and/or --company-questionnaire.")
            round = create_round(name, slug, year, opens_at, closes_at, association=_questionnaire_version(association),
                                 company=_questionnaire_version(company), is_baseline=baseline)
    except RoundError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created round {round.slug} (id {round.id}), draft, with "
               f"{counted(len(round.invitations), 'organisation')}.")


@round_group.command("list")
@with_appcontext
def round_list() -> None:
    """Every round with its status and counts."""

    for round in db.session.scalars(select(Round).order_by(*Round.oldest_first())):
        counts = status_counts(round)
        summary = ", ".join(f"{status} {count}" for status, count in sorted(counts.items())) or "no organisations"
        baseline = " baseline" if round.is_baseline else ""
        click.echo(f"{round.id:>4}  {round.slug:<24} {round.year}  {round.status:<6}{baseline}  {summary}")


@round_group.command("target")
@click.argument("round_id", metavar="ROUND")
@click.option("--kind", type=click.Choice(KINDS))
@click.option("--sector", metavar="CODE")
@click.option("--branch", metavar="CODE")
@click.option("--size", type=click.Choice(["large", "mkb"]))
@click.option("--org", "orgs", multiple=True, metavar="ID_OR_KVK", help="By hand; may be repeated.")
@click.option("--dry-run", is_flag=True, help="Show who would be added (and the problems); save nothing.")
@with_appcontext
@in_english
def round_target(round_id, kind, sector, branch, size, orgs, dry_run) -> None:
    """Add the matching active organisations to a round, naming each one."""

    round = _round(round_id)
    filters = OrganisationFilter(kind=kind, size=size, status="active")
    for code, model, attribute in ((sector, Sector, "sector_id"), (branch, Branch, "branch_id")):
        if code:
            item = db.session.scalar(select(model).where(model.code == code))
            if item is None:
                raise click.ClickException(f"Unknown {attribute.removesuffix('_id')} {code}.")
            setattr(filters, attribute, item.id)
    ids = None
    if orgs:
        ids = []
        for identifier in orgs:
            organisation = resolve_organisation(identifier)
            if organisation is None:
                raise click.ClickException(f"No organisation with id or KvK number {identifier}.")
            ids.append(organisation.id)
    preview = preview_targets(round, filters, ids)
    added = preview.new if dry_run else [inv.organisation for inv in add_targets(round, preview.new)]
    for organisation in added:
        click.echo(f"{'would add' if dry_run else 'added'}  {organisation.name} (id {organisation.id})")
    for organisation in preview.no_contact:
        click.echo(f"  problem: {organisation.name} (id {organisation.id}) has no usable contact e-mail", err=True)
    for organisation in preview.no_questionnaire:
        click.echo(f"  left out: {organisation.name}: the round has no questionnaire for its kind", err=True)
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {counted(len(added), 'organisation')} would be added; {len(preview.already)} "
                   "already in the round; nothing saved.")
        return
    db.session.commit()
    click.echo(f"Added {counted(len(added), 'organisation')}; {len(preview.already)} already in the round.")


def _round_action(round_id: str, action_name: str) -> None:
    round = _round(round_id)
    try:
        getattr(services, action_name)(round)
    except services.RoundError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Round {round.slug} is {round.status}.")


@round_group.command("open")
@click.argument("round_id", metavar="ROUND")
@with_appcontext
@in_english
def round_open(round_id) -> None:
    """Open a draft round."""
    _round_action(round_id, "open_round")


@round_group.command("close")
@click.argument("round_id", metavar="ROUND")
@with_appcontext
@in_english
def round_close(round_id) -> None:
    """Close an open round."""
    _round_action(round_id, "close_round")


@round_group.command("invite")
@click.argument("round_id", metavar="ROUND")
@click.option("--dry-run", is_flag=True, help="Show who would be invited; send nothing.")
@with_appcontext
@in_english
def round_invite(round_id, dry_run) -> None:
    """Queue the invitations of the organisations not yet invited."""
    if not dry_run:
        require_base_url()
    round = _round(round_id)
    unreachable = [inv for inv in round.invitations if inv.status == "targeted"
                   and not usable_contacts(inv.organisation, round.contact_mode)]
    try:
        invitations = invite(round, dry_run=dry_run)
    except RoundError as error:
        raise click.ClickException(str(error)) from None
    for invitation in invitations:
        if invitation not in unreachable:
            click.echo(f"{'would invite' if dry_run else 'invited'}  {invitation.organisation.name}")
    for invitation in unreachable:
        click.echo(f"  problem: {invitation.organisation.name} has no usable contact e-mail; not invited", err=True)
    invitations = [inv for inv in invitations if inv not in unreachable]
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(invitations)} would be invited; nothing sent.")
        return
    db.session.commit()
    click.echo(f"{counted(len(invitations), 'invitation')} queued; `imvo mail send` delivers them.")


@round_group.command("remind")
@click.argument("round_id", metavar="ROUND")
@click.option("--dry-run", is_flag=True, help="Show who would be reminded; send nothing.")
@with_appcontext
@in_english
def round_remind(round_id, dry_run) -> None:
    """Queue reminders for organisations that have not submitted and not declined."""
    if not dry_run:
        require_base_url()
    round = _round(round_id)
    invitations = remind(round, dry_run=dry_run)
    for invitation in invitations:
        click.echo(f"{'would remind' if dry_run else 'reminded'}  {invitation.organisation.name}")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(invitations)} would be reminded; nothing sent.")
        return
    db.session.commit()
    click.echo(f"{counted(len(invitations), 'reminder')} queued.")


#: Registered by `imvo_survey.cli`.
COMMANDS = (round_group,)
