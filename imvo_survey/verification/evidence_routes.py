"""Evidence of a sampled response: the secretariat asks for it (a mail through the
outbox), the respondent of that response uploads files through the link in the mail
(or logged in), only the secretariat downloads them, and records the check of each
activity.

The upload page is declared `@public` and checks access itself (as the feedback page
does): the secretariat; a logged-in respondent of the sampled organisation; or whoever
opened this sampled response's evidence link in this browser session. Other roles get
a 403, other organisations' respondents a 404, strangers the login page."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, send_file, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import public, roles, signed_in_user
from ..extensions import db, limiter, login_manager
from ..forms import ActionForm
from ..models import Activity, EvidenceFile, SampledResponse, VerificationSample, utcnow
from ..respondent.access import SEEN_KEY, link_limit, link_session_alive
from ..unit_of_work import saving
from ..uploads import UploadRefused
from . import bp
from .evidence import EXTENSIONS, MIMETYPES, max_bytes, stored_path
from .forms import CheckForm, EvidenceForm
from .requests import add_evidence, member_for_token, record_check, request_evidence
from .services import SampleError

SESSION_KEY = "evidence_token"


@bp.route("/<int:sample_id>/request", methods=["POST"])
@roles("secretariat")
def request_sample_evidence(sample_id: int):
    """Ask every sampled respondent not asked yet for evidence."""
    sample = db.session.get(VerificationSample, sample_id) or abort(404)
    if ActionForm().validate_on_submit():
        queued, problems = 0, []
        with saving():
            for member in sample.members:
                if member.evidence_requested_at is None:
                    try:
                        queued += request_evidence(member)
                    except SampleError as error:  # refused before anything was queued: the others go on
                        problems.append(str(error))
        flash(_("%(count)d evidence requests are in the outbox.", count=queued), "success")
        for problem in problems:
            flash(problem, "error")
    return redirect(url_for("verification.show_sample", sample_id=sample.id))


@bp.route("/evidence/<token>")
@public
@limiter.limit(link_limit)
def evidence_link(token: str):
    """An evidence link: remember it in the session and open the upload page."""
    member = member_for_token(token)
    if member is None:
        return render_template("respondent/link_invalid.html"), 404
    session[SESSION_KEY] = token
    session[SEEN_KEY] = int(utcnow().timestamp())
    return redirect(url_for("verification.upload_evidence", member_id=member.id))


def _may_upload(member: SampledResponse) -> bool:
    """The secretariat, the organisation's respondents, or this member's link holder."""
    if current_user.is_authenticated:
        if current_user.role == "secretariat":
            return True
        if current_user.role == "respondent":
            if current_user.organisation_id != member.response.organisation_id:
                abort(404)
            return True
        abort(403)
    token = session.get(SESSION_KEY)
    if not isinstance(token, str) or not link_session_alive():
        return False
    opened = member_for_token(token)
    return opened is not None and opened.id == member.id


@bp.route("/evidence/for/<int:member_id>", methods=["GET", "POST"])
@public
def upload_evidence(member_id: int):
    """Upload evidence for a sampled response; the files sent so far are listed by name."""
    member = db.session.get(SampledResponse, member_id)
    if member is None:
        abort(404)
    if not _may_upload(member):
        return login_manager.unauthorized()
    form = EvidenceForm()
    if form.validate_on_submit():
        upload = form.file.data
        with upload.stream:  # a large upload is spooled to a temporary file: close it now
            data = upload.read(max_bytes() + 1)
        with saving(UploadRefused) as outcome:
            add_evidence(member, upload.filename or "", data)
        if not outcome.refused:
            flash(_("Thank you: the file has been received."), "success")
            return redirect(url_for("verification.upload_evidence", member_id=member.id))
        form.file.errors.append(str(outcome.error))
    return render_template("verification/upload.html", member=member, form=form)


@bp.route("/file/<int:file_id>")
@roles("secretariat")
def download_evidence(file_id: int):
    """An evidence file, as a download (never shown inline)."""
    file = db.session.get(EvidenceFile, file_id) or abort(404)
    download_name = f"bewijs-{file.member_id}-{file.id}{EXTENSIONS[file.kind]}"
    return send_file(stored_path(file.stored_name), mimetype=MIMETYPES[file.kind], as_attachment=True,
                     download_name=download_name)


@bp.route("/member/<int:member_id>", methods=["GET"])
@roles("secretariat")
def check_member(member_id: int):
    """A sampled response: its evidence and the check of each activity."""
    member = db.session.get(SampledResponse, member_id) or abort(404)
    return _check_page(member, {})


def _check_page(member: SampledResponse, forms: dict):
    checks = {check.activity_id: check for check in member.checks}
    for activity in member.response.activities:
        if activity.id not in forms:
            forms[activity.id] = CheckForm(prefix=f"a{activity.id}", obj=checks.get(activity.id), formdata=None)
    return render_template("verification/member.html", member=member, forms=forms, checks=checks,
                           action_form=ActionForm())


@bp.route("/member/<int:member_id>/check/<int:activity_id>", methods=["POST"])
@roles("secretariat")
def record_activity_check(member_id: int, activity_id: int):
    """Record what the check of one activity found."""
    member = db.session.get(SampledResponse, member_id) or abort(404)
    activity = db.session.get(Activity, activity_id)
    if activity is None or activity.response_id != member.response_id:
        abort(404)
    form = CheckForm(prefix=f"a{activity.id}")
    if form.validate_on_submit():
        with saving():
            record_check(member, activity, form.outcome.data, form.note.data or "", signed_in_user())
        flash(_("The check has been saved."), "success")
        return redirect(url_for("verification.check_member", member_id=member.id) + f"#activity-{activity.id}")
    return _check_page(member, {activity.id: form})


@bp.route("/member/<int:member_id>/request", methods=["POST"])
@roles("secretariat")
def request_member_evidence(member_id: int):
    """Ask this sampled respondent (again) for evidence."""
    member = db.session.get(SampledResponse, member_id) or abort(404)
    if ActionForm().validate_on_submit():
        with saving(SampleError) as outcome:
            count = request_evidence(member)
        if outcome.refused:
            flash(str(outcome.error), "error")
        else:
            flash(_("%(count)d evidence requests are in the outbox.", count=count), "success")
    return redirect(url_for("verification.check_member", member_id=member.id))
