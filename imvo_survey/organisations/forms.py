"""Forms of the register: an organisation, a contact, the list filters and the import."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SearchField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from ..extensions import db
from ..forms import (
    MultilineField,
    ValidEmail,
    WholeNumberField,
    code_choices,
    coerce_optional_int,
    empty_to_none,
    options,
    strip_filter,
)
from ..i18n import current_language
from ..i18n import lazy_gettext as _l
from ..models import ASSOCIATION_KINDS, Branch, Contact, Organisation, Sector, name_key
from .services import association_options


def taxonomy_choices(model, blank: str) -> list[tuple[object, str]]:
    """(id, label) pairs of a reference list in the current language, after a blank choice."""
    language = current_language()
    items = db.session.scalars(select(model).order_by(model.position))
    return options([("", blank)] + [(item.id, item.label(language)) for item in items])


class OrganisationForm(FlaskForm):
    """Create or edit an organisation in the register."""

    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the name.")), Length(max=200)])
    kind = SelectField(_l("Kind"), validators=[DataRequired(_l("Choose the kind."))])
    size = SelectField(_l("Size (companies)"), validators=[Optional()], filters=[empty_to_none])
    sector_id = SelectField(_l("Sector"), coerce=coerce_optional_int, validators=[Optional()])
    branch_id = SelectField(_l("Branch (MVO Nederland)"), coerce=coerce_optional_int,
                            validators=[Optional()])
    kvk_number = StringField(
        _l("KvK number"), filters=[empty_to_none],
        validators=[Optional(), Regexp(r"^\d{8}$", message=_l("A KvK number has exactly 8 digits."))],
        description=_l("Chamber of Commerce number: 8 digits. Optional, unique."),
        render_kw={"inputmode": "numeric", "autocomplete": "off"})
    member_count = WholeNumberField(_l("Number of member companies"),
                                validators=[Optional(), NumberRange(min=0)],
                                description=_l("Associations and boards only."))
    mkb_member_count = WholeNumberField(_l("Of which MKB (SME) members"),
                                    validators=[Optional(), NumberRange(min=0)])
    website = StringField(_l("Website"), filters=[empty_to_none],
                          validators=[Optional(), Length(max=300)], render_kw={"type": "url"})
    is_listed = BooleanField(_l("Listed on a stock exchange (companies)"))
    associations = SelectMultipleField(_l("Member of branch associations or boards"), coerce=int,
                                       validators=[Optional()],
                                       description=_l("Companies only. Hold Ctrl (or Cmd) to choose several."))
    is_active = BooleanField(_l("Active"), default=True)
    notes = MultilineField(_l("Internal notes"), filters=[empty_to_none],
                          validators=[Optional(), Length(max=5000)])
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisation: Organisation | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.kind.choices = code_choices("kind", blank=_l("Choose..."))
        self.size.choices = code_choices("size", blank=_l("Unknown"))
        self.sector_id.choices = taxonomy_choices(Sector, _l("No sector"))
        self.branch_id.choices = taxonomy_choices(Branch, _l("No branch"))
        self.associations.choices = options(
            (a.id, a.name) for a in association_options() if organisation is None or a.id != organisation.id)

    def validate_kvk_number(self, field) -> None:
        if not field.data:
            return
        other = db.session.scalar(select(Organisation).where(Organisation.kvk_number == field.data))
        if other is not None and other is not self.organisation:
            raise ValidationError(_l("This KvK number belongs to %(name)s.", name=other.name))

    def validate_name(self, field) -> None:
        if not field.data or not self.kind.data:
            return
        other = db.session.scalar(select(Organisation).where(
            Organisation.name_key == name_key(field.data), Organisation.kind == self.kind.data))
        if other is not None and other is not self.organisation:
            raise ValidationError(_l("There is already an organisation of this kind with this name."))

    def validate_kind(self, field) -> None:
        # The database refuses it too (a trigger); this says why and what to do.
        if (field.data and field.data not in ASSOCIATION_KINDS and self.organisation is not None
                and self.organisation.members):
            raise ValidationError(_l("Companies are registered as members of this organisation, and only "
                                     "associations and boards have members. First remove it from those "
                                     "companies' memberships."))

    def validate_size(self, field) -> None:
        if field.data and self.kind.data and self.kind.data != "company":
            raise ValidationError(_l("Only companies have a size."))

    def validate_member_count(self, field) -> None:
        if field.data is not None and self.kind.data == "company":
            raise ValidationError(_l("Only associations and boards have members."))

    def validate_mkb_member_count(self, field) -> None:
        if field.data is None:
            return
        if self.kind.data == "company":
            raise ValidationError(_l("Only associations and boards have members."))
        if self.member_count.data is not None and field.data > self.member_count.data:
            raise ValidationError(_l("There cannot be more MKB members than members."))

    def validate_is_listed(self, field) -> None:
        if field.data and self.kind.data and self.kind.data != "company":
            raise ValidationError(_l("Only companies can be listed on a stock exchange."))

    def validate_associations(self, field) -> None:
        if field.data and self.kind.data and self.kind.data != "company":
            raise ValidationError(_l("Only companies are members of associations."))


class ContactForm(FlaskForm):
    """A contact person of an organisation."""

    name = StringField(_l("Name"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the name.")), Length(max=200)],
                       render_kw={"autocomplete": "off"})
    email = EmailField(_l("E-mail address"), filters=[strip_filter],
                       validators=[DataRequired(_l("Enter the e-mail address.")), ValidEmail(), Length(max=254)],
                       render_kw={"autocomplete": "off"})
    phone = StringField(_l("Telephone"), filters=[empty_to_none], validators=[Optional(), Length(max=40)],
                        render_kw={"type": "tel", "autocomplete": "off"})
    function = StringField(_l("Function"), filters=[empty_to_none], validators=[Optional(), Length(max=200)])
    language = SelectField(_l("Language of messages"), default="nl")
    is_primary = BooleanField(_l("Primary contact"),
                              description=_l("The primary contact receives the invitations when the "
                                             "secretariat writes to one contact only."))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, organisation: Organisation, contact: Contact | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.contact = contact
        self.language.choices = code_choices("language")

    def validate_is_primary(self, field) -> None:
        if field.data and self.contact is not None and not self.contact.is_active:
            raise ValidationError(_l("A deactivated contact cannot be the primary contact: activate it first."))

    def validate_email(self, field) -> None:
        other = db.session.scalar(select(Contact).where(
            Contact.organisation_id == self.organisation.id, Contact.email == field.data))
        if other is not None and other is not self.contact:
            raise ValidationError(_l("This organisation already has a contact with this address."))


class OrganisationFilterForm(FlaskForm):
    """The search and filters above the register (a GET form: no token needed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), filters=[strip_filter],
                    description=_l("Name, KvK number, or a contact's name or e-mail address."))
    kind = SelectField(_l("Kind"), validators=[Optional()])
    sector = SelectField(_l("Sector"), coerce=coerce_optional_int, validators=[Optional()])
    branch = SelectField(_l("Branch"), coerce=coerce_optional_int, validators=[Optional()])
    size = SelectField(_l("Size"), validators=[Optional()])
    status = SelectField(_l("Status"), default="active")
    submit = SubmitField(_l("Filter"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = code_choices("kind", blank=_l("All kinds"))
        self.sector.choices = taxonomy_choices(Sector, _l("All sectors"))
        self.branch.choices = taxonomy_choices(Branch, _l("All branches"))
        self.size.choices = code_choices("size", blank=_l("All sizes"))
        self.status.choices = options([("active", _l("Active")), ("inactive", _l("Inactive")), ("all", _l("All"))])


class ImportForm(FlaskForm):
    """Upload a CSV or XLSX file of organisations and contacts."""

    file = FileField(_l("File (CSV or XLSX)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["csv", "xlsx", "txt"], _l("Choose a CSV or XLSX file."))])
    save_when_valid = BooleanField(_l("Save a large file at once when every row is valid"), description=_l(
        "A file with many rows is checked in the background while a page shows the progress. Ticked, it "
        "is then saved at once if every row is valid; otherwise you see the outcome first and confirm."))
    submit = SubmitField(_l("Check the file"))


class ConfirmImportForm(FlaskForm):
    """Confirm an import that was checked and found valid."""

    upload = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Import"))
