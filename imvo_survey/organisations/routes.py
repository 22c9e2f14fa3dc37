"""Pages of the register: list, view, create, edit, (de)activate, contacts."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..access import access, ensure_own_organisation, roles
from ..extensions import db
from ..forms import ActionForm
from ..models import STAFF_ROLES, Contact, Organisation
from ..whole_numbers import paginate
from . import bp
from .forms import ContactForm, OrganisationFilterForm, OrganisationForm
from .services import (
    OrganisationFilter,
    activate_contact,
    add_contact,
    apply_kind_rules,
    deactivate_contact,
    deactivate_organisation,
    remove_contact,
    set_primary_contact,
)


@bp.route("/")
@roles(*STAFF_ROLES)
def list_organisations():
    """The register with search, filters and pages."""
    form = OrganisationFilterForm(request.args)
    form.validate()
    filters = OrganisationFilter(
        q=form.q.data or None, kind=form.kind.data or None, sector_id=form.sector.data,
        branch_id=form.branch.data, size=form.size.data or None, status=form.status.data or "active")
    page = paginate(filters.query(), current_app.config["ORGANISATIONS_PER_PAGE"])
    return render_template("organisations/list.html", form=form, page=page,
                           action_form=ActionForm())


def _get_organisation(organisation_id: int) -> Organisation:
    organisation = db.session.get(Organisation, organisation_id)
    if organisation is None:
        abort(404)
    ensure_own_organisation(organisation.id)
    return organisation


@bp.route("/<int:organisation_id>")
@access(read=("secretariat", "analyst", "respondent"))
def show_organisation(organisation_id: int):
    """One organisation with its contacts; respondents see only their own."""
    organisation = _get_organisation(organisation_id)
    return render_template("organisations/show.html", organisation=organisation,
                           action_form=ActionForm(),
                           show_contact_details=current_user.role != "analyst")


@bp.route("/new", methods=["GET", "POST"])
@roles("secretariat")
def create_organisation():
    """Add an organisation to the register."""
    form = OrganisationForm()
    if form.validate_on_submit():
        organisation = Organisation()
        _fill(organisation, form)
        db.session.add(organisation)
        db.session.commit()
        flash(_("%(name)s has been added. Add a contact so that it can be invited.",
                name=organisation.name), "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=None)


@bp.route("/<int:organisation_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_organisation(organisation_id: int):
    """Change an organisation's register data."""
    organisation = _get_organisation(organisation_id)
    form = OrganisationForm(obj=organisation, organisation=organisation)
    if request.method == "GET":
        form.associations.data = [a.id for a in organisation.associations]
    if form.validate_on_submit():
        _fill(organisation, form)
        db.session.commit()
        flash(_("The changes have been saved."), "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/form.html", form=form, organisation=organisation)


def _fill(organisation: Organisation, form: OrganisationForm) -> None:
    chosen = set(form.associations.data or []) if form.kind.data == "company" else set()
    if organisation.id is not None:
        # Memberships that go, first, while the kind is still the old one: the database
        # refuses a kind that contradicts the memberships the organisation still has
        # (a company that becomes a branch association must lose its associations first).
        organisation.associations = [a for a in organisation.associations if a.id in chosen]
        db.session.flush()
    for name in ("name", "kind", "size", "sector_id", "branch_id", "kvk_number", "member_count",
                 "mkb_member_count", "website", "is_listed", "is_active", "notes"):
        setattr(organisation, name, getattr(form, name).data)
    # The new memberships after the kind: on flush the organisation row is written
    # before the membership rows, so the database sees the new kind.
    organisation.associations = [db.session.get(Organisation, association_id) for association_id in chosen]
    apply_kind_rules(organisation)
    if not organisation.is_active:
        db.session.add(organisation)  # a new one too: it is deactivated by its saved id
        deactivate_organisation(organisation)


@bp.route("/<int:organisation_id>/deactivate", methods=["POST"])
@roles("secretariat")
def deactivate(organisation_id: int):
    """Deactivate: no longer targeted, its respondents can no longer log in; history stays."""
    organisation = _get_organisation(organisation_id)
    if ActionForm().validate_on_submit():
        deactivate_organisation(organisation)
        db.session.commit()
        flash(_("%(name)s has been deactivated.", name=organisation.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/activate", methods=["POST"])
@roles("secretariat")
def activate(organisation_id: int):
    """Make a deactivated organisation active again (its accounts stay deactivated)."""
    organisation = _get_organisation(organisation_id)
    if ActionForm().validate_on_submit():
        organisation.is_active = True
        db.session.commit()
        flash(_("%(name)s is active again.", name=organisation.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/contacts/new", methods=["GET", "POST"])
@roles("secretariat")
def create_contact(organisation_id: int):
    """Add a contact person."""
    organisation = _get_organisation(organisation_id)
    form = ContactForm(organisation=organisation)
    if form.validate_on_submit():
        add_contact(organisation, name=form.name.data, email=form.email.data, phone=form.phone.data,
                    function=form.function.data, language=form.language.data,
                    is_primary=form.is_primary.data)
        db.session.commit()
        flash(_("The contact has been added."), "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/contact_form.html", form=form, organisation=organisation,
                           contact=None)


def _get_contact(organisation: Organisation, contact_id: int) -> Contact:
    contact = db.session.get(Contact, contact_id)
    if contact is None or contact.organisation_id != organisation.id:
        abort(404)
    return contact


def _erased(contact: Contact):
    """An erased contact is not edited or written to again: a redirect that says so, or None."""
    if contact.erased_at is None:
        return None
    flash(_("The personal data of this contact were erased: add a new contact instead."), "error")
    return redirect(url_for("organisations.show_organisation", organisation_id=contact.organisation_id))


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@roles("secretariat")
def edit_contact(organisation_id: int, contact_id: int):
    """Change a contact person."""
    organisation = _get_organisation(organisation_id)
    contact = _get_contact(organisation, contact_id)
    if refused := _erased(contact):
        return refused
    form = ContactForm(obj=contact, organisation=organisation, contact=contact)
    if form.validate_on_submit():
        for name in ("name", "email", "phone", "function", "language"):
            setattr(contact, name, getattr(form, name).data)
        if form.is_primary.data:
            set_primary_contact(contact)
        else:
            contact.is_primary = False
        db.session.commit()
        flash(_("The contact has been saved."), "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/contact_form.html", form=form, organisation=organisation,
                           contact=contact)


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/deactivate", methods=["POST"])
@roles("secretariat")
def deactivate_contact_route(organisation_id: int, contact_id: int):
    """Stop writing to a contact; it stays in the register and the history."""
    organisation = _get_organisation(organisation_id)
    contact = _get_contact(organisation, contact_id)
    if ActionForm().validate_on_submit():
        deactivate_contact(contact)
        db.session.commit()
        flash(_("%(name)s has been deactivated: no more invitations, reminders or feedback, and the links "
                "sent before no longer work.", name=contact.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/activate", methods=["POST"])
@roles("secretariat")
def activate_contact_route(organisation_id: int, contact_id: int):
    """Write to a deactivated contact again (new messages bring new links)."""
    organisation = _get_organisation(organisation_id)
    contact = _get_contact(organisation, contact_id)
    if refused := _erased(contact):
        return refused
    if ActionForm().validate_on_submit():
        activate_contact(contact)
        db.session.commit()
        flash(_("%(name)s is active again. Links sent before stay void: send the invitation again if needed.",
                name=contact.name), "success")
    return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))


@bp.route("/<int:organisation_id>/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
@roles("secretariat")
def delete_contact(organisation_id: int, contact_id: int):
    """Remove a contact person, after asking (GET shows the question, POST removes): for
    a contact entered by mistake, or whose personal data must go. Their invitation
    links stop working; the responses stay, and the audit trail keeps the name."""
    organisation = _get_organisation(organisation_id)
    contact = _get_contact(organisation, contact_id)
    form = ActionForm()
    if form.validate_on_submit():
        remove_contact(contact)
        db.session.commit()
        flash(_("The contact %(name)s has been removed.", name=contact.name), "success")
        return redirect(url_for("organisations.show_organisation", organisation_id=organisation.id))
    return render_template("organisations/contact_delete.html", form=form, organisation=organisation,
                           contact=contact)
