"""Privacy (AVG/GDPR) for the secretariat: export everything held about a contact
person, erase them, the retention purge, and the log of who did which."""

from flask import Blueprint
from flask_babel import gettext as _

bp = Blueprint("privacy", __name__)


@bp.app_template_filter("contact_name")
def contact_name(contact) -> str:
    """A contact's name, or "a removed contact" once their data were erased."""
    return _("a removed contact") if contact.erased_at is not None else contact.name
