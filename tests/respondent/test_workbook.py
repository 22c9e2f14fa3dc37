"""The offline workbook: download pre-filled, upload back (saved like the web form, all
or nothing), errors by sheet and cell, conflicts with changes made on the website."""

from __future__ import annotations

import html
import re
import zipfile
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from imvo_survey.answers import services
from imvo_survey.deadlines import response_for
from imvo_survey.extensions import db
from imvo_survey.models import ResponseEvent, utcnow
from imvo_survey.questionnaires.services import publish, store_definition
from imvo_survey.rounds.services import issue_token

from .. import factories
from ..answering import add_activity, answer_required
from ..questionnaires.helpers import choices, definition, q

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- helpers ---------------------------------------------------------------------

def start(client, invitation):
    assert client.post(f"/respond/{invitation.id}/start").status_code == 302
    db.session.expire_all()  # the request changed the invitation: read it anew (its version moved on)
    return response_for(invitation)


def contact_actor(invitation):
    return services.Actor(contact=invitation.organisation.contacts[0])


def download(client, invitation):
    result = client.get(f"/respond/{invitation.id}/workbook.xlsx")
    assert result.status_code == 200
    return load_workbook(BytesIO(result.data))


def as_bytes(book) -> bytes:
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, invitation, data):
    if not isinstance(data, bytes):
        data = as_bytes(data)
    return client.post(f"/respond/{invitation.id}/workbook", data={"workbook": (BytesIO(data), "antwoorden.xlsx")},
                       content_type="multipart/form-data")


def sheet_of(book, code):
    """The sheet of a section or repeating group, found through the hidden sheet."""
    title = next(row[1] for row in book["_imvo"].iter_rows(values_only=True) if row[0] == "sheet" and row[3] == code)
    return book[title]


def answer_cell(book, section, code):
    return next(row[3] for row in sheet_of(book, section).iter_rows() if row[0].value == code)


def column(sheet, code) -> str:
    return next(cell.column_letter for cell in sheet[2] if cell.value == code)


def errors_of(result) -> list[tuple[str, str, str]]:
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", result.get_data(as_text=True), re.S)
    return [tuple(html.unescape(part) for part in row) for row in rows]


def state(response):
    """Everything saved, to prove that nothing changed."""
    db.session.expire_all()
    layout, document = services.document_of(response)
    return response.lock_version, document.answers, {k: [(e.key, e.values) for e in v]
                                                     for k, v in document.entries.items()}


@pytest.fixture
def started(link_client, invited):
    invitation, _token = invited
    response = start(link_client, invitation)
    actor = contact_actor(invitation)
    answer_required(response, actor)
    key = add_activity(response, actor)
    db.session.commit()
    return invitation, response, key


# --- downloading -----------------------------------------------------------------

def test_download_has_instructions_first_and_hidden_sheets(link_client, started):
    invitation, response, _key = started
    result = link_client.get(f"/respond/{invitation.id}/workbook.xlsx")
    assert result.headers["Content-Type"] == XLSX
    assert "attachment" in result.headers["Content-Disposition"]
    book = load_workbook(BytesIO(result.data))
    assert book.worksheets[0].sheet_state == "visible" and book.worksheets[0]["A1"].value
    assert book["_imvo"].sheet_state == "hidden" and book["_lists"].sheet_state == "hidden"
    meta = {row[0]: row[1] for row in book["_imvo"].iter_rows(values_only=True)}
    assert meta["response"] == response.id and meta["lock_version"] == response.lock_version
    assert meta["version"] == response.version_id
    profile = sheet_of(book, "profile")
    assert profile.column_dimensions["A"].hidden and len(profile.title) <= 31
    assert len(set(book.sheetnames)) == len(book.sheetnames)


def test_download_is_prefilled_with_drop_downs(link_client, started):
    invitation, response, key = started
    services.save_section(response, "sector_policy", {"frameworks": ["oecd_guidelines", "other"]}, None,
                          response.lock_version, contact_actor(invitation))
    db.session.commit()
    book = download(link_client, invitation)
    assert answer_cell(book, "profile", "member_count").value == 120
    assert answer_cell(book, "sector_policy", "frameworks").value == "oecd_guidelines; other"
    consent = answer_cell(book, "publication", "publish_name_consent")
    assert consent.value == "Ja"
    validations = sheet_of(book, "publication").data_validations.dataValidation
    assert any(consent.coordinate in v.sqref and "_lists" in v.formula1 for v in validations)
    activities = sheet_of(book, "activity")
    assert activities.column_dimensions["A"].hidden and activities.row_dimensions[2].hidden
    assert activities["A3"].value == key
    assert activities[f"{column(activities, 'activity_title')}3"].value == "Gedragscode koffie"
    assert activities[f"{column(activities, 'activity_type')}3"].value == "Gedragscode"
    assert activities[f"{column(activities, 'activity_aspects')}3"].value == "child_labour; wages"
    assert activities[f"{column(activities, 'activity_channels::website')}3"].value == "Nee"
    assert activities[f"{column(activities, 'activity_publish_consent')}3"].value == "Ja"
    lists = [cell.value for cell in book["_lists"][1]]
    assert "ref:country" in lists and "ref:activity_type" in lists  # to look codes up, and for drop-downs


def test_texts_are_not_formulas_in_the_workbook(link_client, started):
    invitation, response, key = started
    actor = contact_actor(invitation)
    services.save_section(response, "sector_policy", {"frameworks": ["other"], "frameworks_other": "=1+1"}, None,
                          response.lock_version, actor)
    services.save_entry(response, "activity", key, {"activity_title": '=HYPERLINK("http://evil")'}, None,
                        response.lock_version, actor)
    db.session.commit()
    data = link_client.get(f"/respond/{invitation.id}/workbook.xlsx").data
    with zipfile.ZipFile(BytesIO(data)) as archive:
        sheets = [archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/worksheets/")]
    assert not any("<f>" in sheet or "<f " in sheet for sheet in sheets)
    book = load_workbook(BytesIO(data))
    cell = answer_cell(book, "sector_policy", "frameworks_other")
    assert cell.value == "'=1+1" and cell.data_type == "s"
    before = state(response)
    assert upload(link_client, invitation, data).status_code == 302
    assert state(response) == before  # the quote is not part of the answer


# --- uploading -------------------------------------------------------------------

def test_an_unchanged_workbook_changes_nothing(link_client, started):
    invitation, response, key = started
    actor = contact_actor(invitation)
    services.save_entry(response, "activity", key, {"activity_description": "Regel 1\r\nRegel 2"}, None,
                        response.lock_version, actor)
    db.session.commit()
    before = state(response)
    result = upload(link_client, invitation, download(link_client, invitation))
    assert result.status_code == 302 and result.location.endswith(f"/respond/{invitation.id}/summary")
    assert state(response) == before
    assert not db.session.query(ResponseEvent).filter_by(response_id=response.id, kind="imported").count()


def test_a_filled_workbook_is_saved_like_the_web_form(link_client, started):
    invitation, response, _key = started
    book = download(link_client, invitation)
    cells = {"member_count": "1.200", "main_import_countries": "Nederland; BE", "sector_code_of_conduct": "ja",
             "frameworks": "oecd_guidelines;other", "frameworks_other": "Eigen code", "supplier_frequency": "4",
             "supplier_intensity": "5 - Zeer nauw", "complaint_mechanism_exists": "Nee"}
    for code, value in cells.items():
        section = services.layout_of(response.version).section_of[code]
        answer_cell(book, section, code).value = value
    activities = sheet_of(book, "activity")
    for code, value in {"activity_title": "Leefbaar loon", "activity_type": "Certificering of keurmerk",
                        "activity_aspects": "climate; Water", "activity_member_share": "12,5",
                        "activity_start_year": 2009, "activity_channels::website": "Ja",
                        "activity_channels::annual_report": "ja", "activity_publish_consent": "Nee"}.items():
        activities[f"{column(activities, code)}4"] = value
    assert upload(link_client, invitation, book).status_code == 302

    # The same answers typed into the web form of another organisation's response:
    other = factories.make_invitation(invitation.round, status="invited")
    web = services.start(other, contact_actor(other))
    actor = contact_actor(other)
    answer_required(web, actor)
    web_inputs = {"profile": {"member_count": "1200", "main_import_countries": ["NL", "BE"]},
                  "sector_policy": {"sector_code_of_conduct": "yes", "frameworks": ["oecd_guidelines", "other"],
                                    "frameworks_other": "Eigen code"},
                  "complaint_mechanism": {"complaint_mechanism_exists": "no"},
                  "supply_chain": {"supplier_frequency": "4", "supplier_intensity": "5"}}
    for section, raw in web_inputs.items():
        if raw:
            services.save_section(web, section, raw, None, web.lock_version, actor)
    add_activity(web, actor)
    add_activity(web, actor, activity_title="Leefbaar loon", activity_type="certification",
                 activity_aspects=["climate", "water"], activity_countries=[], activity_member_share="12,5",
                 activity_start_year="2009", activity_channels=["annual_report", "website"],
                 activity_publish_consent="no")
    db.session.commit()
    _, mine = services.document_of(db.session.get(type(response), response.id))
    _, theirs = services.document_of(web)
    assert mine.answers == theirs.answers
    assert [sorted_values(e.values) for e in mine.entries["activity"]] == \
        [sorted_values(e.values) for e in theirs.entries["activity"]]
    event = db.session.query(ResponseEvent).filter_by(response_id=response.id, kind="imported").one()
    assert {change["code"] for change in event.changes} >= {"member_count", "activity_title"}


def sorted_values(values: dict) -> dict:
    return {code: sorted(value) if isinstance(value, list) else value for code, value in values.items()}


def test_rows_update_remove_and_add_entries(link_client, started):
    invitation, response, key = started
    second = add_activity(response, contact_actor(invitation), activity_title="Tweede")
    db.session.commit()
    book = download(link_client, invitation)
    activities = sheet_of(book, "activity")
    title = column(activities, "activity_title")
    assert activities["A4"].value == second
    activities[f"{title}3"] = "Gedragscode koffie en thee"
    activities.delete_rows(4)  # removes the second activity
    for cell in activities[3]:  # a copy of the first row, hidden key and all, is a new activity
        activities.cell(5, cell.column, cell.value)
    activities[f"{title}5"] = "Kopie"
    assert upload(link_client, invitation, book).status_code == 302
    _state = state(response)
    entries = dict(_state[2]["activity"])
    assert entries[key]["activity_title"] == "Gedragscode koffie en thee"
    assert sorted(v["activity_title"] for v in entries.values()) == ["Gedragscode koffie en thee", "Kopie"]


def test_entries_added_on_the_website_after_the_download_stay(link_client, started):
    invitation, response, key = started
    book = download(link_client, invitation)
    later = add_activity(response, contact_actor(invitation), activity_title="Later toegevoegd")
    db.session.commit()
    assert upload(link_client, invitation, book).status_code == 302
    assert {k for k, _values in state(response)[2]["activity"]} == {key, later}


@pytest.mark.parametrize("change, sheet_code, cell_code", [
    (lambda book: setattr(answer_cell(book, "profile", "member_count"), "value", "veel"), "profile", "member_count"),
    (lambda book: setattr(answer_cell(book, "publication", "publish_name_consent"), "value", "misschien"),
     "publication", "publish_name_consent"),
    (lambda book: setattr(answer_cell(book, "supply_chain", "supplier_frequency"), "value", "7"),
     "supply_chain", "supplier_frequency"),
    (lambda book: activity_cell(book, 3, "activity_member_share", 140), "activity", "activity_member_share"),
    (lambda book: activity_cell(book, 3, "activity_aspects", "child_labour; fietsen"), "activity",
     "activity_aspects"),
    (lambda book: activity_cell(book, 4, "activity_description", "Geen naam"), "activity", "activity_title"),
    (lambda book: activity_cell(book, 3, "activity_channels::website", "misschien"), "activity",
     "activity_channels::website"),
])
def test_invalid_cells_are_reported_by_sheet_and_cell(link_client, started, change, sheet_code, cell_code):
    invitation, response, _key = started
    book = download(link_client, invitation)
    change(book)
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    sheet = sheet_of(book, sheet_code)
    if sheet_code == "activity":
        expected = f"{column(sheet, cell_code)}{4 if cell_code == 'activity_title' else 3}"
    else:
        expected = answer_cell(book, sheet_code, cell_code).coordinate
    assert (sheet.title, expected) in [(s, c) for s, c, _m in errors_of(result)]
    assert state(response) == before


def activity_cell(book, row: int, code: str, value) -> None:
    sheet = sheet_of(book, "activity")
    sheet[f"{column(sheet, code)}{row}"] = value


def test_too_many_entries_are_refused(link_client, started):
    invitation, response, _key = started
    book = download(link_client, invitation)
    dilemmas = sheet_of(book, "dilemma")
    for row in range(3, 3 + 21):
        dilemmas[f"{column(dilemmas, 'dilemma_description')}{row}"] = f"Dilemma {row}"
        dilemmas[f"{column(dilemmas, 'dilemma_aspects')}{row}"] = "water"
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 422
    assert (dilemmas.title, "B23") in [(s, c) for s, c, _m in errors_of(result)]
    assert state(response) == before


@pytest.mark.parametrize("damage", ["not_xlsx", "no_hidden_sheet", "other_response", "broken_base"])
def test_a_workbook_that_cannot_be_matched_is_refused(link_client, started, damage):
    invitation, response, _key = started
    book = download(link_client, invitation)
    if damage == "no_hidden_sheet":
        del book["_imvo"]
    elif damage == "other_response":
        next(row for row in book["_imvo"].iter_rows() if row[0].value == "response")[1].value = response.id + 1
    elif damage == "broken_base":
        next(row for row in book["_imvo"].iter_rows() if row[0].value == "base")[1].value = "~{kapot"
    data = b"Dit is geen werkmap" if damage == "not_xlsx" else as_bytes(book)
    before = state(response)
    result = upload(link_client, invitation, data)
    assert result.status_code == 422
    errors = errors_of(result)
    assert len(errors) == 1 and errors[0][0] == ("" if damage == "not_xlsx" else "_imvo")
    assert state(response) == before


# --- conflicts -------------------------------------------------------------------

def test_changes_on_both_sides_to_different_answers_are_merged(link_client, started):
    invitation, response, _key = started
    book = download(link_client, invitation)
    services.save_section(response, "profile", {"member_count_mkb": "70"}, None, response.lock_version,
                          contact_actor(invitation))
    db.session.commit()
    answer_cell(book, "profile", "member_count").value = 130
    assert upload(link_client, invitation, book).status_code == 302
    answers = state(response)[1]
    assert answers["member_count"] == 130 and answers["member_count_mkb"] == 70


def test_a_conflict_shows_both_values_and_saves_the_choice(link_client, started):
    invitation, response, _key = started
    book = download(link_client, invitation)
    services.save_section(response, "profile", {"member_count": "150"}, None, response.lock_version,
                          contact_actor(invitation))
    db.session.commit()
    answer_cell(book, "profile", "member_count").value = 130
    answer_cell(book, "profile", "member_count_mkb").value = 60
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 409
    page = result.get_data(as_text=True)
    assert "130" in page and "150" in page and 'name="choice_0"' in page
    assert state(response) == before
    form = {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)}
    result = link_client.post(f"/respond/{invitation.id}/workbook", data={**form, "choice_0": "theirs"})
    assert result.status_code == 302
    answers = state(response)[1]
    assert answers["member_count"] == 150 and answers["member_count_mkb"] == 60


def test_an_entry_removed_in_the_workbook_but_changed_on_the_website_is_a_conflict(link_client, started):
    invitation, response, key = started
    book = download(link_client, invitation)
    services.save_entry(response, "activity", key, {"activity_title": "Veranderd"}, None, response.lock_version,
                        contact_actor(invitation))
    db.session.commit()
    sheet_of(book, "activity").delete_rows(3)
    before = state(response)
    result = upload(link_client, invitation, book)
    assert result.status_code == 409 and "Veranderd" in result.get_data(as_text=True)
    assert state(response) == before
    page = result.get_data(as_text=True)
    form = {name: html.unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page)}
    assert link_client.post(f"/respond/{invitation.id}/workbook", data={**form, "choice_0": "mine"}).status_code == 302
    assert state(response)[2]["activity"] == []


def test_choices_that_cannot_be_read_save_nothing(link_client, started):
    invitation, response, _key = started
    before = state(response)
    result = link_client.post(f"/respond/{invitation.id}/workbook",
                              data={"resolve": "1", "upload": "{}", "conflicts": "[1]", "stored": "null"})
    assert result.status_code == 400
    assert state(response) == before


# --- when uploads are refused ----------------------------------------------------

def test_after_the_deadline_an_upload_is_refused(client, auth, started):
    invitation, response, _key = started
    factories.make_user("respondent", email="lid@example.org", organisation=invitation.organisation)
    db.session.commit()
    auth.login("lid@example.org")
    book = download(client, invitation)
    answer_cell(book, "profile", "member_count").value = 999
    invitation.round.closes_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    before = state(response)
    page = client.get(f"/respond/{invitation.id}/workbook")
    assert page.status_code == 200 and 'type="file"' not in page.get_data(as_text=True)
    assert upload(client, invitation, book).status_code == 403
    assert state(response) == before


def test_the_upload_page_links_to_the_download(link_client, started):
    invitation, _response, _key = started
    page = link_client.get(f"/respond/{invitation.id}/workbook")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/respond/{invitation.id}/workbook.xlsx" in text and 'type="file"' in text


def test_another_organisation_cannot_download(client, started):
    invitation, _response, _key = started
    assert client.get(f"/respond/{invitation.id}/workbook.xlsx").status_code in (302, 401, 403, 404)


# --- every kind of question ------------------------------------------------------

@pytest.fixture
def custom(app):
    """A questionnaire with a date, a scale, choices and a numbered repeating group."""
    version = store_definition(definition(code="werkmap-test", audience="association", sections=[
        {"code": "basics", "title": {"nl": "Basis", "en": "Basics"}, "questions": [
            q("founded", "date"), q("share", "percentage"),
            q("mood", "scale", scale={"min_label": {"nl": "Slecht", "en": "Bad"},
                                      "max_label": {"nl": "Goed", "en": "Good"}}),
            q("size", "single_choice", choices=choices("small", "large")),
            q("topics", "multiple_choice", choices=choices("a", "b", "c")),
            q("country", "reference_one", reference="country"), q("members", "integer", required=True)]},
        {"code": "visits", "title": {"nl": "Bezoeken", "en": "Visits"}, "questions": [
            q("visit", "repeat", max_repeat=3, questions=[
                q("visit_place", "text", required=True), q("visit_date", "date"),
                q("visit_topics", "multiple_choice", choices=choices("a", "b", "c")),
                q("visit_share", "percentage")])]},
    ]))
    publish(version, None)
    round = factories.make_round(association=version)
    organisation = factories.make_organisation()
    contact = factories.make_contact(organisation)
    invitation = factories.make_invitation(round, organisation, status="invited")
    token = issue_token(invitation, contact)
    db.session.commit()
    client = app.test_client()
    client.get(f"/i/{token}")
    return client, invitation


def test_every_kind_of_answer_is_read(custom):
    client, invitation = custom
    response = start(client, invitation)
    book = download(client, invitation)
    for code, value in {"founded": "31-12-2010", "share": 0.125, "mood": "4", "size": "LARGE", "topics": "a; C",
                        "country": "Nederland", "members": "1.200"}.items():
        answer_cell(book, "basics", code).value = value
    answer_cell(book, "basics", "share").number_format = "0.0%"
    visits = sheet_of(book, "visit")
    assert column(visits, "visit_topics::a")  # few options: one yes/no column each
    for code, value in {"visit_place": "Abidjan", "visit_date": date(2010, 3, 1), "visit_topics::a": "Ja",
                        "visit_topics::c": "x", "visit_share": "45,5"}.items():
        visits[f"{column(visits, code)}3"] = value
    visits[f"{column(visits, 'visit_place')}4"] = "Accra"
    visits[f"{column(visits, 'visit_date')}4"] = "2010-04-02"
    assert upload(client, invitation, book).status_code == 302
    _lock, answers, entries = state(response)
    assert answers == {"founded": date(2010, 12, 31), "share": 12.5, "mood": "4", "size": "large",
                       "topics": ["a", "c"], "country": "NL", "members": 1200}
    assert [values for _key, values in entries["visit"]] == [
        {"visit_place": "Abidjan", "visit_date": date(2010, 3, 1), "visit_topics": ["a", "c"], "visit_share": 45.5},
        {"visit_place": "Accra", "visit_date": date(2010, 4, 2)}]


def test_an_impossible_date_is_reported_at_its_cell(custom):
    client, invitation = custom
    response = start(client, invitation)
    book = download(client, invitation)
    answer_cell(book, "basics", "founded").value = "31-02-2010"
    visits = sheet_of(book, "visit")
    for row in (3, 4, 5, 6):
        visits[f"{column(visits, 'visit_place')}{row}"] = f"Plaats {row}"
    before = state(response)
    result = upload(client, invitation, book)
    assert result.status_code == 422
    cells = [(s, c) for s, c, _m in errors_of(result)]
    assert (sheet_of(book, "basics").title, answer_cell(book, "basics", "founded").coordinate) in cells
    assert (visits.title, "B6") in cells  # at most three visits
    assert state(response) == before


def test_text_from_the_workbook_is_stored_with_lf_and_written_without_cr(link_client, started):
    """Excel writes a CR in a cell as `_x000D_` (and a typed `_x000D_` as `_x005F_x000D_`);
    openpyxl reads both as they are written, so the upload decodes them."""
    invitation, response, key = started
    book = download(link_client, invitation)
    activity_cell(book, 3, "activity_description", "Regel een_x000D_\nRegel twee_x000D_Regel drie")
    activity_cell(book, 3, "activity_title", "Letterlijk _x005F_x000D_")
    assert upload(link_client, invitation, book).status_code == 302
    entries = dict(state(response)[2]["activity"])
    assert entries[key]["activity_description"] == "Regel een\nRegel twee\nRegel drie"
    assert entries[key]["activity_title"] == "Letterlijk _x000D_"
    again = download(link_client, invitation)
    assert upload(link_client, invitation, again).status_code == 302  # the same text after a round trip
    assert dict(state(response)[2]["activity"])[key] == entries[key]
    result = link_client.get(f"/respond/{invitation.id}/workbook.xlsx")
    with zipfile.ZipFile(BytesIO(result.data)) as archive:
        xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.startswith("xl/"))
    assert "Regel een\nRegel twee\nRegel drie" in xml and "Letterlijk _x005F_x000D_" in xml


def test_an_uploaded_workbook_saves_every_section_it_holds(link_client, started):
    invitation, response, _key = started
    from imvo_survey.answers.sections import saved_sections

    before = saved_sections(response)
    assert "reporting" not in before
    assert upload(link_client, invitation, download(link_client, invitation)).status_code == 302
    db.session.expire_all()
    assert saved_sections(db.session.get(type(response), response.id)) == {
        section["code"] for section in services.layout_of(response.version).sections}
