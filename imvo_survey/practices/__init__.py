"""Good practices: the secretariat marks consented activities with a public text, the
respondent can withdraw consent at any time, and a public page (HTML, JSON, Atom)
shows what may be shown, reading the consent live."""

import re
from datetime import UTC, datetime

from flask import Blueprint

bp = Blueprint("practices", __name__)

#: Characters XML 1.0 does not allow at all (escaping cannot save them).
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@bp.app_template_filter("xml_text")
def xml_text(value) -> str:
    """Text safe to put in XML once escaped: without the characters XML forbids."""
    return NOT_IN_XML.sub("", str(value))


@bp.app_template_filter("atom_time")
def atom_time(value: datetime) -> str:
    """An RFC 3339 time in UTC, as Atom wants it."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
