"""Workbooks that cannot be taken in are refused whole, with one clear message, and
change nothing: another questionnaire version's workbook, a sheet deleted or renamed,
a question's row deleted, a table's hidden row of codes changed, a file too large."""

from __future__ import annotations

import pytest

from .test_workbook import column, download, errors_of, sheet_of, started, state, upload  # noqa: F401


def _only_error(result) -> tuple[str, str, str]:
    errors = errors_of(result)
    assert len(errors) == 1, errors
    return errors[0]


def test_a_workbook_of_another_questionnaire_version_is_refused(link_client, started):  # noqa: F811
    invitation, response, _key = started
    book = download(link_client, invitation)
    next(row for row in book["_imvo"].iter_rows() if row[0].value == "version")[1].value = response.version_id + 1
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    sheet, _cell, message = _only_error(result)
    assert sheet == "_imvo" and "andere versie van de vragenlijst" in message
    assert state(response) == before


@pytest.mark.parametrize("how", ["deleted", "renamed"])
def test_a_deleted_or_renamed_sheet_is_refused(link_client, started, how):  # noqa: F811
    invitation, response, _key = started
    book = download(link_client, invitation)
    profile = sheet_of(book, "profile")
    title = profile.title
    if how == "deleted":
        del book[title]
    else:
        profile.title = "Mijn eigen naam"
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    assert [sheet for sheet, _cell, _message in errors_of(result)] == [title]
    assert state(response) == before


def test_a_deleted_question_row_is_refused(link_client, started):  # noqa: F811
    invitation, response, _key = started
    book = download(link_client, invitation)
    profile = sheet_of(book, "profile")
    row = next(cells[0].row for cells in profile.iter_rows() if cells[0].value == "member_count")
    profile.delete_rows(row)
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    sheet, _cell, message = _only_error(result)
    assert sheet == profile.title and message.startswith("Hoeveel bedrijven zijn lid")
    assert state(response) == before


def test_a_changed_hidden_code_row_is_refused(link_client, started):  # noqa: F811
    invitation, response, _key = started
    book = download(link_client, invitation)
    activities = sheet_of(book, "activity")
    activities[f"{column(activities, 'activity_title')}2"] = "titel"
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    sheet, cell, _message = _only_error(result)
    assert (sheet, cell) == (activities.title, "A2")
    assert state(response) == before


def test_a_file_over_5_mb_is_refused_with_413(link_client, started):  # noqa: F811
    invitation, response, _key = started
    before = state(response)
    # The body is built here: werkzeug's test client would spool a large file to a
    # temporary file of its own and leave it to the garbage collector.
    boundary = "grens"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"workbook\"; filename=\"groot.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"PK" + b"\0" * (5 * 1024 * 1024) + \
        f"\r\n--{boundary}--\r\n".encode()
    result = link_client.post(f"/respond/{invitation.id}/workbook", data=body,
                              content_type=f"multipart/form-data; boundary={boundary}")
    assert result.status_code == 413
    assert state(response) == before
