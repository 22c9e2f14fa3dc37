"""The secretariat's privacy pages: a contact's data as JSON, their erasure (after a
confirmation), and the privacy log. Secretariat only: the data are personal."""

from __future__ import annotations

import json

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import roles
from ..extensions import db
from ..forms import ActionForm
from ..models import Contact, Organisation, PrivacyEvent
from ..whole_numbers import paginate, query_int
from . import bp, footprint, services

PER_PAGE = 50


def _get_contact(contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None:
        abort(404)
    return contact


def _organisation_page(contact: Contact):
    return redirect(url_for("organisations.show_organisation", organisation_id=contact.organisation_id))


@bp.route("/contacts/<int:contact_id>/export", methods=["POST"])
@roles("secretariat")
def export_contact(contact_id: int):
    """Everything held about the contact person, as a JSON file (the export is logged)."""
    contact = _get_contact(contact_id)
    if not ActionForm().validate_on_submit():
        flash(_("The form has expired. Send it again; what you typed is kept."), "error")
        return _organisation_page(contact)
    document = services.export_contact(contact, services.Who.web(current_user))
    db.session.commit()
    return Response(json.dumps(document, ensure_ascii=False, indent=2), mimetype="application/json",
                    headers={"Content-Disposition": f'attachment; filename="contact-{contact.id}.json"',
                             "Cache-Control": "no-store"})


@bp.route("/contacts/<int:contact_id>/erase", methods=["GET", "POST"])
@roles("secretariat")
def erase_contact(contact_id: int):
    """Erase a contact person, after asking (GET shows what will happen, POST erases)."""
    contact = _get_contact(contact_id)
    if contact.erased_at is not None:
        flash(_("This contact was erased already."), "info")
        return _organisation_page(contact)
    form = ActionForm()
    if form.validate_on_submit():
        services.erase_contact(contact, services.Who.web(current_user))
        db.session.commit()
        flash(_("The contact's personal data have been erased. The answers and the audit trail stay; the trail "
                "now names a removed contact."), "success")
        return _organisation_page(contact)
    return render_template("privacy/erase.html", form=form, contact=contact, organisation=contact.organisation,
                           found=footprint.of_contact(contact))


@bp.route("/log")
@roles("secretariat")
def privacy_log():
    """Who exported or erased whose data, newest first; for one organisation with
    ?organisation=ID."""
    organisation = None
    query = select(PrivacyEvent).order_by(PrivacyEvent.created_at.desc(), PrivacyEvent.id.desc())
    organisation_id = query_int("organisation")
    if organisation_id is not None:
        organisation = db.session.get(Organisation, organisation_id)
        if organisation is None:
            abort(404)
        query = query.where(PrivacyEvent.organisation_id == organisation_id)
    page = paginate(query, PER_PAGE)
    ids = {event.organisation_id for event in page.items if event.organisation_id is not None}
    names = dict(db.session.execute(select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))).all())
    return render_template("privacy/log.html", page=page, organisation=organisation, names=names)
