"""Checking and submitting: the summary of every answer and of what is missing, the
submission with its confirmation mail, the printable copy and its PDF, and the
glossary."""

from __future__ import annotations

from flask import abort, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..access import access, public
from ..answers import services
from ..answers.checks import missing, shown
from ..answers.sections import saved_sections
from ..answers.services import ResponseError
from ..answers.values import display
from ..deadlines import deadline_for
from ..forms import ActionForm
from ..i18n import current_language
from ..mail.messages import build_message, external_url
from ..mail.outbox import queue
from ..questionnaires.question_types import question_type
from ..rounds.services import usable_contacts
from ..unit_of_work import flash_refusal, saving
from . import bp
from .access import invitation_or_404
from .glossary import TERMS
from .pages import labels_for, progress
from .questionnaire import RESPONDENTS, _response, actor


def answer_sheet(response, language: str) -> list[dict]:
    """Every section with its questions and answers in words, as the summary, the
    printable copy and the confirmation mail show them."""
    layout, document = services.document_of(response)
    labels = labels_for(language)
    sheet = []
    for section in layout.sections:
        items = []
        for question in section["questions"]:
            if question_type(question).is_group:
                entries = [{"key": entry.key, "carry_status": entry.carry_status,
                            "rows": [(child["label"][language], display(child, entry.values.get(child["code"]),
                                                                        language, labels))
                                     for child in question["questions"]
                                     if shown(child, document.answers, entry.values, question)]}
                           for entry in document.entries.get(question["code"], [])]
                items.append({"question": question, "entries": entries, "shown": shown(question, document.answers)})
            else:
                items.append({"question": question, "shown": shown(question, document.answers),
                              "answer": display(question, document.answers.get(question["code"]), language,
                                                labels)})
        sheet.append({"section": section, "items": items})
    return sheet


@bp.route("/respond/<int:invitation_id>/summary")
@access(read=RESPONDENTS)
def summary(invitation_id: int):
    """Every answer, every missing required answer with a link to it, and the optional
    sections not looked at yet (they do not stop a submission, but may be forgotten)."""
    invitation, response = _response(invitation_id)
    language = current_language()
    layout, document = services.document_of(response)
    problems = missing(layout, document)
    sections = progress(layout, document, problems, language, saved_sections(response))
    return render_template("respondent/summary.html", invitation=invitation, response=response,
                           sheet=answer_sheet(response, language), problems=problems,
                           unseen=[item for item in sections if item.state == "unseen"],
                           layout=layout, language=language, form=ActionForm(),
                           editable=services.editable(response, actor()),
                           deadline=deadline_for(invitation.round, invitation.organisation_id))


@bp.route("/respond/<int:invitation_id>/submit", methods=["POST"])
@access(read=RESPONDENTS, write=RESPONDENTS)
def submit(invitation_id: int):
    """Submit: checks everything, locks the answers, records who and when, mails a copy."""
    invitation, response = _response(invitation_id)
    if response.status in ("submitted", "accepted"):
        # A double click, a second tab or a replayed post: one submission, one mail.
        flash(_("These answers were already submitted."), "info")
        return redirect(url_for("respond.submitted", invitation_id=invitation.id))
    if not ActionForm().validate_on_submit():
        flash(_("For your security, please press the button again."), "error")
        return redirect(url_for("respond.summary", invitation_id=invitation.id))
    who = actor()
    with saving(ResponseError) as outcome:
        problems = services.submit(response, who)
        if problems:
            outcome.discard()
        else:
            _queue_confirmation(response, who)
    if outcome.refused:
        flash_refusal(outcome.error)
        return redirect(url_for("respond.summary", invitation_id=invitation.id))
    if problems:
        flash(_("Some answers are still missing; they are listed below."), "error")
        return redirect(url_for("respond.summary", invitation_id=invitation.id))
    return redirect(url_for("respond.submitted", invitation_id=invitation.id))


def _queue_confirmation(response, who) -> None:
    """A copy of the answers to the person who submitted (or the organisation's contacts)."""
    recipients = []
    if who.contact is not None:
        recipients = [(who.contact.email, who.contact.name, who.contact.language or "nl")]
    elif who.user is not None and who.user.role == "respondent":
        recipients = [(who.user.email, who.user.display_name, who.user.language or "nl")]
    else:
        recipients = [(c.email, c.name, c.language or "nl")
                      for c in usable_contacts(response.organisation, response.round.contact_mode)]
    for address, name, language in recipients:
        with force_locale(language):
            message = build_message(
                address, _("Received: the answers of %(organisation)s", organisation=response.organisation.name),
                "confirmation", response=response, name=name, sheet=answer_sheet(response, language),
                language=language, link=external_url("respond.overview", invitation_id=response.invitation_id))
        queue(message, "confirmation", invitation=response.invitation)


@bp.route("/respond/<int:invitation_id>/submitted")
@access(read=RESPONDENTS)
def submitted(invitation_id: int):
    """The confirmation page."""
    invitation, response = _response(invitation_id)
    if response.status not in ("submitted", "accepted"):
        return redirect(url_for("respond.overview", invitation_id=invitation.id))
    return render_template("respondent/submitted.html", invitation=invitation, response=response)


@bp.route("/respond/<int:invitation_id>/copy")
@access(read=RESPONDENTS)
def printable(invitation_id: int):
    """A printable copy of the answers."""
    invitation, response = _response(invitation_id)
    language = current_language()
    return render_template("respondent/print.html", invitation=invitation, response=response,
                           sheet=answer_sheet(response, language), language=language, blank=False)


@bp.route("/respond/<int:invitation_id>/blank")
@access(read=RESPONDENTS)
def blank(invitation_id: int):
    """The questionnaire without answers, to print and prepare."""
    invitation = invitation_or_404(invitation_id)
    version = invitation.round.version_for(invitation.audience) or abort(404)
    language = current_language()
    layout = services.layout_of(version)
    return render_template("respondent/print.html", invitation=invitation, response=None, layout=layout,
                           sheet=[{"section": s, "items": [{"question": q, "shown": True, "answer": "",
                                                            "entries": []} for q in s["questions"]]}
                                  for s in layout.sections], language=language, blank=True)


@bp.route("/respond/<int:invitation_id>/copy.pdf")
@access(read=RESPONDENTS)
def pdf(invitation_id: int):
    """The printable copy as a PDF (WeasyPrint); a plain message when PDF is unavailable."""
    invitation, response = _response(invitation_id)
    language = current_language()
    html = render_template("respondent/print.html", invitation=invitation, response=response,
                           sheet=answer_sheet(response, language), language=language, blank=False, for_pdf=True)
    return pdf_response(html, f"imvo-{response.round.slug}-{response.id}.pdf", invitation)


def pdf_response(html: str, filename: str, invitation, printable_url: str | None = None):
    """`html` (a page on static/css/print.css) as a PDF download, made by WeasyPrint;
    where WeasyPrint cannot run, a plain page that says so and points to the printable
    page (`printable_url`, else the printable copy of the answers)."""
    try:
        from weasyprint import HTML  # noqa: PLC0415  (needs Pango; loaded only when a PDF is asked for)
    except (ImportError, OSError):
        current_app.logger.warning("WeasyPrint is not available; no PDF.")
        return render_template("respondent/pdf_unavailable.html", invitation=invitation,
                               printable_url=printable_url), 503
    document = HTML(string=html, base_url=current_app.static_folder).write_pdf()
    result = make_response(document)
    result.headers["Content-Type"] = "application/pdf"
    result.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return result


@bp.route("/glossary")
@public
def glossary():
    """Terms of art explained."""
    return render_template("respondent/glossary.html", terms=TERMS)
