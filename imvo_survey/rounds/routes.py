"""Round pages: list, create (or copy), edit, open/close/reopen, targeting, invite,
remind, and one invitation with its links, reminders and extension."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..access import access, roles, signed_in_user
from ..analysis import queries
from ..analysis.response import response_figures
from ..extensions import db
from ..forms import ActionForm, OnceForm
from ..models import STAFF_ROLES, QuestionnaireVersion, Round
from ..organisations.forms import OrganisationFilterForm
from ..organisations.services import OrganisationFilter
from ..unit_of_work import flash_refusal, saving
from ..whole_numbers import whole_numbers
from . import bp
from .creating import check_baseline, copy_round, create_round, set_versions
from .feedback import feedback_last_sent, last_feedback_event, responded_invitations, send_feedback
from .forms import (
    ReasonForm,
    RoundForm,
    TargetConfirmForm,
    slugify,
)
from .mailings import (
    invite,
    latest_reminder,
    remind,
    remindable,
)
from .sending_job import start_send
from .services import (
    RoundError,
    add_targets,
    close_round,
    get_round,
    local_to_utc,
    open_round,
    preview_targets,
    reopen_round,
    status_counts,
    usable_contacts,
    utc_to_local,
)


@bp.route("/")
@access(read=STAFF_ROLES)
def list_rounds():
    """All rounds, newest first, each with its targeted and responded organisations as
    the analysis counts them (`analysis/response.py`), in one query for all rounds."""
    rounds = db.session.scalars(select(Round).order_by(*Round.newest_first())).all()
    targeted = queries.targeted_in_rounds(db.session.connection(), [r.id for r in rounds])
    table = response_figures(targeted, "round_id")
    figures = {r.id: {"targeted": int(table.at[r.id, "targeted"]) if r.id in table.index else 0,
                      "responded": int(table.at[r.id, "responded"]) if r.id in table.index else 0} for r in rounds}
    return render_template("rounds/list.html", rounds=rounds, figures=figures)


def _version(version_id: int | None) -> QuestionnaireVersion | None:
    return db.session.get(QuestionnaireVersion, version_id) if version_id else None


def _settings(form: RoundForm) -> dict:
    return {"contact_mode": form.contact_mode.data, "reminder_days": form.reminder_days.parsed,
            "invitation_subject_nl": form.invitation_subject_nl.data or None,
            "invitation_subject_en": form.invitation_subject_en.data or None,
            "invitation_intro_nl": form.invitation_intro_nl.data or None,
            "invitation_intro_en": form.invitation_intro_en.data or None}


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create():
    """A new round, or a copy of an earlier one."""
    form = RoundForm()
    if form.validate_on_submit():
        slug = form.slug.data or slugify(form.name.data)
        opens_at, closes_at = local_to_utc(form.opens_at.data), local_to_utc(form.closes_at.data)
        with saving(RoundError) as outcome:
            if form.copy_of.data:
                source = db.session.get(Round, form.copy_of.data) or abort(400)
                round = copy_round(source, form.name.data, slug, form.year.data, opens_at, closes_at,
                                   is_baseline=form.is_baseline.data, user=signed_in_user())
            else:
                round = create_round(form.name.data, slug, form.year.data, opens_at, closes_at,
                                     association=_version(form.association_version_id.data),
                                     company=_version(form.company_version_id.data),
                                     is_baseline=form.is_baseline.data, user=signed_in_user(), **_settings(form))
        if outcome.refused:
            form.name.errors.append(str(outcome.error))
        else:
            flash(_("The round %(name)s has been created as a draft.", name=round.name), "success")
            return redirect(url_for("rounds.show", slug=round.slug))
    return render_template("rounds/form.html", form=form, round=None)


@bp.route("/<slug>")
@access(read=STAFF_ROLES)
def show(slug: str):
    """A round's settings, status, actions and log."""
    round = get_round(slug)
    return render_template("rounds/show.html", round=round, counts=status_counts(round), action_form=ActionForm(),
                           reason_form=ReasonForm(), local=utc_to_local,
                           remindable_count=len(remindable(round)),
                           pending_count=sum(1 for inv in round.invitations if inv.status == "targeted"),
                           feedback_sent=feedback_last_sent(round),
                           feedback_form=OnceForm(seen=str(last_feedback_event(round))),
                           responded_count=len(responded_invitations(round)) if round.status == "closed" else 0)


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit(slug: str):
    """Change a round's settings; the questionnaires only while it is a draft."""
    round = get_round(slug)
    form = RoundForm(obj=round, round=round)
    if request.method == "GET":
        form.opens_at.data = utc_to_local(round.opens_at).replace(tzinfo=None)
        form.closes_at.data = utc_to_local(round.closes_at).replace(tzinfo=None)
        form.reminder_days.data = ", ".join(str(days) for days in round.reminder_days)
    if form.validate_on_submit():
        with saving(RoundError) as outcome:
            _apply_edit(round, form)
        if outcome.refused:
            form.name.errors.append(str(outcome.error))
        else:
            flash(_("The changes have been saved."), "success")
            return redirect(url_for("rounds.show", slug=round.slug))
    return render_template("rounds/form.html", form=form, round=round)


def _apply_edit(round: Round, form: RoundForm) -> None:

    slug = form.slug.data or round.slug
    if slug != round.slug and db.session.scalar(select(Round.id).where(Round.slug == slug)):
        raise RoundError(_("There is already a round with the short name %(slug)s.", slug=slug))
    new_versions = (form.association_version_id.data, form.company_version_id.data)
    if new_versions != (round.association_version_id, round.company_version_id):
        if round.status != "draft":
            raise RoundError(_("The questionnaires can change only while the round is a draft."))
        set_versions(round, _version(new_versions[0]), _version(new_versions[1]))
    round.name, round.slug, round.year = form.name.data, slug, form.year.data
    round.opens_at, round.closes_at = local_to_utc(form.opens_at.data), local_to_utc(form.closes_at.data)
    round.is_baseline = form.is_baseline.data
    check_baseline(round)
    for key, value in _settings(form).items():
        if value is not None:
            setattr(round, key, value)
    db.session.flush()


def _status_action(slug: str, action, message: str):
    round = get_round(slug)
    if ActionForm().validate_on_submit():
        with saving(RoundError) as outcome:
            action(round, user=signed_in_user())
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(message, "success")
    return redirect(url_for("rounds.show", slug=slug))


@bp.route("/<slug>/open", methods=["POST"])
@roles("secretariat")
def open(slug: str):  # noqa: A001  (the endpoint reads rounds.open)
    """Open a draft round."""
    return _status_action(slug, open_round, _("The round is open. Now invite the organisations."))


@bp.route("/<slug>/close", methods=["POST"])
@roles("secretariat")
def close(slug: str):
    """Close an open round (extensions keep running)."""
    return _status_action(slug, close_round, _("The round is closed."))


@bp.route("/<slug>/reopen", methods=["POST"])
@roles("secretariat")
def reopen(slug: str):
    """Reopen a closed round, with a reason that is logged."""
    round = get_round(slug)
    form = ReasonForm()
    if form.validate_on_submit():
        with saving(RoundError) as outcome:
            reopen_round(round, form.reason.data, signed_in_user())
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(_("The round is open again."), "success")
    else:
        flash(_("Give a reason for reopening the round."), "error")
    return redirect(url_for("rounds.show", slug=slug))


@bp.route("/<slug>/feedback", methods=["POST"])
@roles("secretariat")
def send_feedback_mails(slug: str):
    """Mail every responding organisation's contacts a personal link to its feedback
    (after the close; again when asked, the round page shows when it was last sent)."""
    round = get_round(slug)
    form = OnceForm()
    if form.validate_on_submit():
        with saving(RoundError) as outcome:
            count = send_feedback(round, signed_in_user(), seen=form.seen_id)
        if outcome.refused:
            flash_refusal(outcome.error)
        else:
            flash(ngettext("%(num)d feedback message is queued in the outbox.",
                           "%(num)d feedback messages are queued in the outbox.", count), "success")
    return redirect(url_for("rounds.show", slug=slug))


@bp.route("/<slug>/target", methods=["GET", "POST"])
@roles("secretariat")
def target(slug: str):
    """Choose organisations by kind, sector, branch, size or by hand; see them first."""
    round = get_round(slug)
    filter_form = OrganisationFilterForm(request.args)
    filter_form.validate()
    filters = OrganisationFilter(q=filter_form.q.data or None, kind=filter_form.kind.data or None,
                                 sector_id=filter_form.sector.data, branch_id=filter_form.branch.data,
                                 size=filter_form.size.data or None, status="active")
    confirm_form = TargetConfirmForm()
    if confirm_form.validate_on_submit():
        chosen = whole_numbers(request.form.getlist("organisation"))
        preview = preview_targets(round, filters, chosen or [-1])
        added = add_targets(round, preview.new)
        db.session.commit()
        flash(ngettext("%(num)d organisation has been added to the round.",
                       "%(num)d organisations have been added to the round.", len(added)), "success")
        return redirect(url_for("rounds.show", slug=slug))
    preview = preview_targets(round, filters) if request.args.get("preview") else None
    return render_template("rounds/target.html", round=round, filter_form=filter_form, preview=preview,
                           confirm_form=confirm_form)


@bp.route("/<slug>/invite", methods=["GET", "POST"])
@roles("secretariat")
def invite_all(slug: str):
    """Send the invitations (the page first says how many), in the background."""
    round = get_round(slug)
    if request.method == "POST" and ActionForm().validate_on_submit():
        return _send_in_background(round, "invite", seen=None)
    pending = invite(round, dry_run=True)
    return render_template("rounds/confirm_send.html", round=round, invitations=pending, kind="invite",
                           action_form=ActionForm(),
                           unreachable={inv.id for inv in pending
                                        if not usable_contacts(inv.organisation, round.contact_mode)})


@bp.route("/<slug>/remind", methods=["GET", "POST"])
@roles("secretariat")
def remind_all(slug: str):
    """Remind the organisations that have not answered and not declined, in the background."""
    round = get_round(slug)
    form = OnceForm()
    if request.method == "POST" and form.validate_on_submit():
        return _send_in_background(round, "remind", seen=form.seen_id)
    targets = remind(round, dry_run=True)
    form.seen.data = str(latest_reminder(targets))
    return render_template("rounds/confirm_send.html", round=round, invitations=targets, kind="remind",
                           action_form=form,
                           unreachable={inv.id for inv in targets
                                        if not usable_contacts(inv.organisation, round.contact_mode)})


def _send_in_background(round: Round, action: str, seen: int | None):
    """Start the job that sends to the whole round (or find the one already sending) and
    go to its page, where its progress shows; a colleague's job is only mentioned."""
    user = signed_in_user()
    round_page = url_for("rounds.show", slug=round.slug)
    try:
        job = start_send(round, action, user, seen, round_page)
    except RoundError as error:
        db.session.rollback()
        flash_refusal(error)
        return redirect(round_page)
    if job is None:
        flash(_("No invitations were sent: every organisation had been invited already.") if action == "invite"
              else _("There is nobody to send to."), "info")
        return redirect(round_page)
    if job.owner_id != user.id:  # a colleague's job: theirs to follow, this page shows what it did
        flash(_("A colleague is sending these already; this page shows the organisations as they are reached."),
              "info")
        return redirect(round_page)
    return redirect(url_for("jobs.show_job", job_id=job.id))
