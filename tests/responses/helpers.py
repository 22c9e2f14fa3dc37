"""Answering the shipped association questionnaire in tests."""

from __future__ import annotations

from imvo_survey.responses import services

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
