"""The `imvo` command: a Flask CLI group, so every command runs inside the app.

Commands are thin: they parse arguments, call a service, commit once and print.
Flask-Migrate adds `imvo db upgrade` and `imvo db check`.
"""

from __future__ import annotations

import functools
import os
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext
from flask_babel import force_locale

from .matrix.commands import matrix_group
from .backup.cli import register as register_backup
from .extensions import db
from .privacy.cli import register as register_privacy
from .whole_numbers import MAX_INT, fits_an_id, parse_whole_number

ADMIN_DEFAULT_EMAIL = "secretariaat@example.org"


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


def _create_app():
    from . import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             help="IMVO inventory platform: database, reference data, accounts and imports.")
def main() -> None:
    """Entry point of the `imvo` console script."""


def register(app) -> None:
    """Add the command groups to the app's CLI."""
    app.cli.add_command(seed_command)
    app.cli.add_command(user_group)
    app.cli.add_command(org_group)
    app.cli.add_command(questionnaire_group)
    app.cli.add_command(round_group)
    app.cli.add_command(mail_group)
    app.cli.add_command(matrix_group)
    register_backup(app)  # backup, restore: imvo_survey/backup/cli.py
    register_privacy(app)  # privacy export, erase, purge: imvo_survey/privacy/cli.py


@main.group("i18n")
def i18n_group() -> None:
    """Translation catalogues (Dutch and English)."""


@i18n_group.command("update")
def i18n_update() -> None:
    """Extract the messages and update both catalogues (English is filled in)."""
    from .i18n.catalogues import update

    untranslated = update()
    click.echo(f"Catalogues updated; untranslated Dutch messages: {untranslated['nl']}.")


@i18n_group.command("compile")
def i18n_compile() -> None:
    """Compile the catalogues (.po -> .mo)."""
    from .i18n.catalogues import compile_all

    written = compile_all()
    click.echo(f"Translations compiled ({len(written)} changed).")


@i18n_group.command("check")
def i18n_check() -> None:
    """Fail when a message has no translation in a catalogue."""
    from .i18n.catalogues import LANGUAGES, missing

    failed = False
    for language in LANGUAGES:
        for message in missing(language):
            failed = True
            click.echo(f"{language}: untranslated: {message!r}", err=True)
    if failed:
        sys.exit(1)
    click.echo("Both catalogues are complete.")


@click.command("seed")
@click.option("--demo", is_flag=True, help="Also load the demo register and the 2008 benchmark scores.")
@with_appcontext
def seed_command(demo: bool) -> None:
    """Load the reference data and the shipped questionnaires (and demo data).
    Safe to run again: it changes nothing then."""
    from .seed import seed_demo, seed_questionnaires, seed_reference

    report = seed_reference()
    seed_questionnaires(report)
    if demo:
        seed_demo(report)
    db.session.commit()
    if report.changed:
        for line in report.lines():
            click.echo(line)
    else:
        click.echo("Reference data" + (" and demo data" if demo else "") + " already up to date.")


@click.group("user")
def user_group() -> None:
    """Accounts."""


def _add_user_commands() -> None:
    from .users.commands import COMMANDS

    for command in COMMANDS:
        user_group.add_command(command)


_add_user_commands()


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
    from .auth.services import MIN_PASSWORD_LENGTH, InvalidEmail
    from .organisations.services import resolve_organisation
    from .users.services import UserError, create_user

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
    from .auth.services import MIN_PASSWORD_LENGTH, find_user_by_email, set_password

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
    from sqlalchemy import select

    from .auth.services import generate_password
    from .models import User
    from .users.services import create_user

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


@click.group("org")
def org_group() -> None:
    """The register of organisations."""


@org_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and show what would change; save nothing.")
@with_appcontext
@in_english
def org_import(file: Path, dry_run: bool) -> None:
    """Import organisations and contacts from CSV or XLSX: all rows, or none."""
    from .organisations.importer import apply_import, plan_import
    from .spreadsheets.reading import TableError, read_table

    try:
        table = read_table(file.read_bytes(), file.name)
    except TableError as error:
        raise click.ClickException(str(error)) from None
    plan = plan_import(table)
    if not plan.is_valid:
        db.session.rollback()
        click.echo(f"{counted(len(plan.errors), 'problem')} found; nothing was imported:", err=True)
        for error in plan.errors:
            where = f"line {error.line}" if error.line else "file"
            column = f", column {error.column}" if error.column else ""
            click.echo(f"  {where}{column}: {error.message}", err=True)
        sys.exit(1)
    for item in plan.to_create:
        click.echo(f"create  {item.name}")
    for item in plan.to_update:
        click.echo(f"update  {item.existing.name} (id {item.existing.id})")
    if dry_run:
        db.session.rollback()
        click.echo(f"Dry run: {len(plan.to_create)} would be created, {len(plan.to_update)} updated, "
                   f"{plan.contact_count} contacts; nothing saved.")
        return
    result = apply_import(plan)
    db.session.commit()
    click.echo(f"Imported: {result.created} created, {result.updated} updated, "
               f"{counted(result.contacts, 'contact')}.")


@click.group("questionnaire")
def questionnaire_group() -> None:
    """Questionnaires and their versions."""


@questionnaire_group.command("list")
@with_appcontext
def questionnaire_list() -> None:
    """Every questionnaire with its versions."""
    from sqlalchemy import select

    from .models import Questionnaire

    for questionnaire in db.session.scalars(select(Questionnaire).order_by(Questionnaire.code)):
        click.echo(f"{questionnaire.code}  ({questionnaire.audience})  {questionnaire.title_nl}")
        for version in questionnaire.versions:
            published = f"published {version.published_at:%Y-%m-%d}" if version.published_at else "draft"
            click.echo(f"  v{version.number}  {published}  {counted(len(version.questions), 'question')}")


@questionnaire_group.command("export")
@click.argument("code")
@click.option("--version", "number", type=click.IntRange(1, MAX_INT), help="Version number (default: the newest).")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="FILE.xlsx (XLSForm) or FILE.json.")
@with_appcontext
def questionnaire_export(code: str, number: int | None, output: Path) -> None:
    """Write a version as an XLSForm workbook or JSON, by the file's extension."""
    from .questionnaires.definition import dump_json
    from .questionnaires.services import definition_of, find_version, reference_lists
    from .questionnaires.xlsform import write_workbook

    version = find_version(code, number)
    if version is None:
        raise click.ClickException(f"No questionnaire {code}" + (f" with version {number}." if number else "."))
    definition = definition_of(version)
    if output.suffix.lower() == ".json":
        output.write_bytes(dump_json(definition))
    elif output.suffix.lower() == ".xlsx":
        output.write_bytes(write_workbook(definition, reference_lists()))
    else:
        raise click.ClickException("The output file must end in .xlsx or .json.")
    click.echo(f"Wrote {code} version {version.number} to {output}.")


def _where(sheet, row, column) -> str:
    """Where in a workbook a problem is, as "sheet survey, row 4, column type"."""
    parts = (f"sheet {sheet}" if sheet else "", f"row {row}" if row else "", f"column {column}" if column else "")
    return ", ".join(part for part in parts if part) or "file"


@questionnaire_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
@in_english
def questionnaire_import(file: Path) -> None:
    """Import a workbook or JSON as a new draft version (or a new questionnaire)."""
    from .questionnaires.services import DefinitionError, grouped_warnings, read_import, store_definition

    reading = read_import(file.read_bytes(), file.name.lower())
    errors = reading.errors
    if reading.definition is not None and not errors:
        try:
            version = store_definition(reading.definition)
        except DefinitionError as error:
            db.session.rollback()
            errors = [("", "", problem.code or "", problem.message) for problem in error.problems]
        else:
            db.session.commit()
            click.echo(f"Imported as draft version {version.number} of {version.questionnaire.code}.")
            for sheet, rows, column, message in grouped_warnings(reading.warnings):
                rows_text = ", ".join(str(row) for row in rows)
                click.echo(f"  ignored ({_where(sheet, rows_text, column)}): {message}", err=True)
            return
    click.echo(f"{counted(len(errors), 'problem')} found; nothing was imported:", err=True)
    for sheet, row, column, message in errors:
        click.echo(f"  {_where(sheet, row, column)}: {message}", err=True)
    sys.exit(1)


# --- rounds -------------------------------------------------------------------------

def _round(identifier: str):
    from .rounds.services import find_round

    # An id past what the database holds names no round (and would not fit the query).
    found = find_round(identifier) if not identifier.isdigit() or fits_an_id(identifier) else None
    if found is None:
        raise click.ClickException(f"No round {identifier}.")
    return found


def _parse_moment(value: str, end_of_day: bool):
    """A date (2010-06-01) or date and time (2010-06-01T17:00), in Dutch time, as UTC."""
    from datetime import datetime, time

    from .rounds.services import local_to_utc

    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date such as 2010-06-01 or 2010-06-01T17:00.") from None
    if len(value) <= 10:
        moment = datetime.combine(moment.date(), time(23, 59) if end_of_day else time(9, 0))
    return local_to_utc(moment.replace(tzinfo=None))


def _questionnaire_version(spec: str | None):
    """CODE or CODE:VERSION; the newest published version by default."""
    from .questionnaires.services import find_version

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
    from .rounds.forms import slugify
    from .rounds.services import RoundError, copy_round, create_round

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
    from sqlalchemy import select

    from .models import Round
    from .rounds.services import status_counts

    for round in db.session.scalars(select(Round).order_by(*Round.oldest_first())):
        counts = status_counts(round)
        summary = ", ".join(f"{status} {count}" for status, count in sorted(counts.items())) or "no organisations"
        baseline = " baseline" if round.is_baseline else ""
        click.echo(f"{round.id:>4}  {round.slug:<24} {round.year}  {round.status:<6}{baseline}  {summary}")


@round_group.command("target")
@click.argument("round_id", metavar="ROUND")
@click.option("--kind", type=click.Choice(["branch_association", "product_board", "industry_board", "company"]))
@click.option("--sector", metavar="CODE")
@click.option("--branch", metavar="CODE")
@click.option("--size", type=click.Choice(["large", "mkb"]))
@click.option("--org", "orgs", multiple=True, metavar="ID_OR_KVK", help="By hand; may be repeated.")
@click.option("--dry-run", is_flag=True, help="Show who would be added (and the problems); save nothing.")
@with_appcontext
@in_english
def round_target(round_id, kind, sector, branch, size, orgs, dry_run) -> None:
    """Add the matching active organisations to a round, naming each one."""
    from sqlalchemy import select

    from .models import Branch, Sector
    from .organisations.services import OrganisationFilter, resolve_organisation
    from .rounds.services import add_targets, preview_targets

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


def _require_base_url() -> None:
    """Refuse, before anything is queued, to make links nobody can follow."""
    from .mail.messages import BaseUrlMissing, base_url

    try:
        base_url()
    except BaseUrlMissing as error:
        raise click.ClickException(str(error)) from None


def _round_action(round_id: str, action_name: str) -> None:
    from .rounds import services

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
    from .rounds.mailings import invite
    from .rounds.services import RoundError, usable_contacts

    if not dry_run:
        _require_base_url()
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
    from .rounds.mailings import remind

    if not dry_run:
        _require_base_url()
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


# --- mail ---------------------------------------------------------------------------

@click.group("mail")
def mail_group() -> None:
    """The mail outbox."""


@mail_group.command("send")
@click.option("--loop", is_flag=True, help="Keep going: send, send scheduled reminders, wait, repeat.")
@click.option("--interval", type=float, default=10.0, show_default=True, help="Seconds between passes.")
@with_appcontext
def mail_send(loop: bool, interval: float) -> None:
    """Send the queued messages (and, with --loop, the scheduled reminders too)."""
    import time

    from .mail.outbox import send_due
    from .rounds.mailings import send_scheduled_reminders
    from .unit_of_work import run_with_retries

    def scheduled_reminders() -> int:
        count = send_scheduled_reminders()
        db.session.commit()
        return count

    _require_base_url()  # the scheduled reminders carry links
    while True:
        # A respondent saving or the secretariat reminding at the same moment changes the
        # same invitations: the pass runs again rather than stopping the worker.
        reminded = run_with_retries(scheduled_reminders)
        report = send_due()
        if report.sent or report.failed or report.retried or reminded or not loop:
            click.echo(f"mail: {len(report.sent)} sent, {len(report.retried)} to retry, {len(report.failed)} "
                       f"failed, {reminded} scheduled reminders queued")
        if not loop:
            return
        db.session.remove()
        time.sleep(interval)
