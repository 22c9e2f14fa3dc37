"""Hostile files as the respondent's offline workbook, and hostile JSON in the fields
the conflict pages post back: refused with a message (or a 400), never a 500, and
nothing saved."""

from __future__ import annotations

import pytest

from .. import hostile
from .test_workbook import download, errors_of, started, state, upload  # noqa: F401

CASES = [
    pytest.param(lambda: hostile.zip_bomb("Profiel"), "meer dan de grens van 10 MB", id="zip-bomb"),
    pytest.param(lambda: hostile.wide("Profiel"), "Het werkblad Profiel loopt tot kolom 10.000", id="wide"),
    pytest.param(lambda: hostile.dimension_to_last_row("Profiel"), "Het werkblad Profiel loopt tot rij 1.048.576",
                 id="last-row"),
    pytest.param(lambda: hostile.BINARY, "Dit bestand bevat binaire gegevens", id="binary"),
    pytest.param(lambda: hostile.UTF16_CSV, "opgeslagen als UTF-16", id="utf-16"),
    pytest.param(lambda: hostile.EMPTY, "Het bestand is leeg.", id="empty"),
]


@pytest.mark.parametrize("build, message", CASES)
def test_a_hostile_workbook_is_refused_with_a_message(link_client, started, build, message):  # noqa: F811
    invitation, response, _key = started
    before = state(response)
    result = hostile.upload(link_client, f"/respond/{invitation.id}/workbook", "workbook", build(), "antwoorden.xlsx")
    assert result.status_code == 422
    assert [error for _sheet, _cell, error in errors_of(result) if message in error]
    assert state(response) == before


def test_deep_json_in_the_hidden_sheet_is_a_changed_hidden_sheet(link_client, started):  # noqa: F811
    invitation, response, _key = started
    book = download(link_client, invitation)
    meta = book["_imvo"]
    base_rows = [row for row in meta.iter_rows() if row[0].value == "base"]
    base_rows[0][1].value = "'" + "[" * 20_000
    for row in base_rows[1:]:
        row[1].value = "'" + "]" * 20_000 if row is base_rows[-1] else "'"
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    assert "verborgen blad _imvo is gewijzigd" in errors_of(result)[0][2]
    assert state(response) == before


DEEP = "[" * 50_000 + "]" * 50_000


def test_deep_json_posted_with_a_workbook_choice_is_a_400(link_client, started):  # noqa: F811
    invitation, response, _key = started
    before = state(response)
    for field in ("conflicts", "stored", "upload"):
        result = link_client.post(f"/respond/{invitation.id}/workbook", data={"resolve": "1", field: DEEP})
        assert result.status_code == 400, field
    assert state(response) == before


def test_deep_json_posted_with_a_section_is_a_400_or_ignored(link_client, started):  # noqa: F811
    invitation, response, _key = started
    url = f"/respond/{invitation.id}/section/profile"
    before = state(response)
    for field in ("merged", "theirs"):
        assert link_client.post(url, data={"resolve": "1", field: DEEP}).status_code == 400
    assert link_client.post(url, data={"resolve": "1", "merged": "[1, 2]"}).status_code == 400
    assert state(response) == before
    # a deep "base" is no base at all: the save goes ahead as one without it
    assert link_client.post(url, data={"base": DEEP, "lock_version": str(response.lock_version)}).status_code < 500
