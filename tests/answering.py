"""Answering the shipped association questionnaire in tests, and reading the pages."""

from __future__ import annotations

import re
from html import unescape as html_unescape

from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.extensions import db
from imvo_survey.models import Response

#: The required answers of imvo-associations, per section (strings as typed).
REQUIRED = {"profile": {"member_count": "120"}, "publication": {"publish_name_consent": "yes"}}

ACTIVITY = {"activity_title": "Gedragscode koffie", "activity_type": "code_of_conduct",
            "activity_aspects": ["child_labour", "wages"], "activity_countries": ["CI", "GH"],
            "activity_member_share": "40", "activity_publish_consent": "yes"}


def answer_required(response, actor):
    """Answer every required plain question, so that the response can be submitted."""
    for section, values in REQUIRED.items():
        result = services.save_section(response, section, values, None, response.lock_version, actor)
        assert result.saved and not result.errors, result.errors


def add_activity(response, actor, **overrides):
    values = {**ACTIVITY, **overrides}
    result = services.save_entry(response, "activity", None, values, None, response.lock_version, actor)
    assert not result.errors and not result.conflicts, result.errors
    return result.key


def page_text(response) -> str:
    return response.get_data(as_text=True)


def lock_of(html: str) -> str:
    """The lock version a page was shown with."""
    return re.search(r'name="lock_version" (?:type="hidden" )?value="(\d+)"', html).group(1)


def base_of(html: str) -> str:
    """The values a page was shown with (the base of the three-way merge), as JSON."""
    found = re.search(r'name="base" (?:type="hidden" )?value="([^"]*)"', html).group(1)
    return html_unescape(found)


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a page (name -> value), as a browser would post them."""
    return {name: html_unescape(value)
            for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)}


def stored_response(invitation) -> Response:
    """The invitation's response as the database has it now (not the session's copy)."""
    db.session.expire_all()
    return db.session.scalar(select(Response).where(Response.invitation_id == invitation.id))
