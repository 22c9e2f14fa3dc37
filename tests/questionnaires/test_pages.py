"""The authoring pages for the secretariat, read-only for analysts, refused to respondents."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Question, Questionnaire, QuestionnaireVersion
from imvo_survey.questionnaires.services import definition_of, find_version, publish, store_definition
from imvo_survey.seed import seed_questionnaires

from .helpers import activity_repeat, definition, q
from .test_xlsform import kobo_workbook, make_xlsx


@pytest.fixture
def draft():
    version = store_definition(definition(q("a", "yes_no", required=True),
                                          q("b", "text", show_if={"op": "equals", "question": "a", "value": "yes"}),
                                          activity_repeat()))
    db.session.commit()
    return version


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_list_and_version_pages(secretariat_client):
    seed_questionnaires()
    db.session.commit()
    page = _page(secretariat_client.get("/questionnaires/"))
    assert "Zelfrapportage IMVO - bedrijven" in page and "imvo-associations" in page
    version = _page(secretariat_client.get("/questionnaires/imvo-companies/v1"))
    assert "gepubliceerd" in version and "Nieuwe conceptversie van deze versie maken" in version
    assert "Publiceren" not in version  # already published


def test_create_questionnaire_section_and_questions(secretariat_client):
    response = secretariat_client.post("/questionnaires/new", data={
        "code": "nieuwe-lijst", "audience": "company", "title_nl": "Nieuwe lijst", "title_en": "New list"})
    assert response.status_code == 302
    secretariat_client.post("/questionnaires/nieuwe-lijst/v1/sections/new", data={
        "code": "algemeen", "title_nl": "Algemeen", "title_en": "General"})
    version = find_version("nieuwe-lijst")
    section = version.sections[0]
    response = secretariat_client.post(f"/questionnaires/nieuwe-lijst/v1/sections/{section.id}/questions/new", data={
        "code": "heeft_beleid", "type": "yes_no", "label_nl": "Hebt u beleid?", "label_en": "Do you have a policy?",
        "required": "y"})
    assert response.status_code == 302
    secretariat_client.post(f"/questionnaires/nieuwe-lijst/v1/sections/{section.id}/questions/new", data={
        "code": "welk_beleid", "type": "multiple_choice", "label_nl": "Welk?", "label_en": "Which?",
        "choices": "oecd | OESO-richtlijnen | OECD guidelines\nilo | ILO | ILO",
        "show_if": "${heeft_beleid} = 'yes'"})
    db.session.expire_all()
    version = find_version("nieuwe-lijst")
    question = version.question("welk_beleid")
    assert [c.code for c in question.choices] == ["oecd", "ilo"]
    assert question.show_if == {"op": "equals", "question": "heeft_beleid", "value": "yes"}
    page = _page(secretariat_client.get("/questionnaires/nieuwe-lijst/v1"))
    assert "Alleen getoond als" in page and "\u2018Hebt u beleid?\u2019 is \u2018Ja\u2019" in page
    response = secretariat_client.post("/questionnaires/nieuwe-lijst/v1/publish")
    assert response.status_code == 302
    db.session.expire_all()
    assert find_version("nieuwe-lijst").is_published


def test_question_form_errors_point_at_the_fields(secretariat_client, draft):
    section = draft.sections[0]
    url = f"/questionnaires/test-q/v1/sections/{section.id}/questions/new"
    page = _page(secretariat_client.post(url, data={
        "code": "a", "type": "single_choice", "label_nl": "X", "label_en": "X",
        "choices": "alleen een code", "show_if": "${zz} = "}))
    assert "Deze code wordt al gebruikt in deze versie." in page
    assert "Regel 1: schrijf code | Nederlands label | Engels label." in page
    assert "De voorwaarde kan niet worden gelezen" in page
    assert 'href="#show_if"' in page and 'value="${zz} ="' in page
    page = _page(secretariat_client.post(url, data={
        "code": "c", "type": "text", "label_nl": "X", "label_en": "X", "show_if": "${onbekend} = 'x'"}))
    assert "onbekend is geen vraag van deze versie." in page
    page = _page(secretariat_client.post(url, data={"code": "c", "type": "reference_many", "label_nl": "X",
                                                    "label_en": "X"}))
    assert "Kies de referentielijst." in page


def test_publish_shows_the_problems_naming_the_question(secretariat_client):
    version = store_definition(definition(q("a", "yes_no"), q("b", "text", required=True, show_if={"all": [
        {"op": "equals", "question": "a", "value": "yes"}, {"op": "equals", "question": "a", "value": "no"}]})))
    db.session.commit()
    response = secretariat_client.post("/questionnaires/test-q/v1/publish")
    assert response.status_code == 422
    assert 'href="#question-b"' in _page(response) and "nooit worden getoond" in _page(response)
    db.session.expire_all()
    assert not db.session.get(QuestionnaireVersion, version.id).is_published


def test_published_versions_cannot_be_edited_through_the_pages(secretariat_client, draft):
    publish(draft, None)
    db.session.commit()
    question = draft.question("a")
    response = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{question.id}/edit", data={
        "code": "a", "type": "text", "label_nl": "Veranderd", "label_en": "Changed"})
    assert response.status_code == 302
    assert "kan niet meer veranderen" in _page(secretariat_client.get(response.location))
    db.session.expire_all()
    assert db.session.get(Question, question.id).label_nl == "Vraag a"


def test_new_draft_edit_move_delete(secretariat_client, draft):
    publish(draft, None)
    db.session.commit()
    response = secretariat_client.post("/questionnaires/test-q/v1/copy")
    assert response.location.endswith("/questionnaires/test-q/v2")
    version = find_version("test-q", 2)
    b = version.question("b")
    secretariat_client.post(f"/questionnaires/test-q/v2/questions/{b.id}/move", data={"direction": "up"})
    db.session.expire_all()
    version = find_version("test-q", 2)
    assert [q.code for q in version.sections[0].questions] == ["b", "a", "activity"]
    secretariat_client.post(f"/questionnaires/test-q/v2/questions/{version.question('activity').id}/delete")
    db.session.expire_all()
    version = find_version("test-q", 2)
    assert version.question("activity_title") is None
    page = _page(secretariat_client.get("/questionnaires/test-q/compare?old=1&new=2"))
    assert "activity_title" in page and "Verwijderd (4)" in page


def test_delete_a_draft(secretariat_client, draft):
    secretariat_client.post("/questionnaires/test-q/v1/delete")
    assert db.session.scalar(select(Questionnaire)) is None


def test_preview_in_both_languages(secretariat_client):
    seed_questionnaires()
    db.session.commit()
    dutch = _page(secretariat_client.get("/questionnaires/imvo-associations/v1/preview?lang=nl"))
    assert 'lang="nl"' in dutch and "Voorbeeld" in dutch
    english = _page(secretariat_client.get("/questionnaires/imvo-associations/v1/preview/activities?lang=en"))
    assert 'lang="en"' in english and "What an entry looks like" in english
    assert "data-show-if" in english
    sections = definition_of(find_version("imvo-associations"))["sections"]
    for section in sections:
        assert secretariat_client.get(f"/questionnaires/imvo-associations/v1/preview/{section['code']}").status_code == 200


def test_export_and_import_json_through_the_pages(secretariat_client, draft):
    exported = secretariat_client.get("/questionnaires/test-q/v1/export.json")
    assert exported.headers["Content-Disposition"].endswith("test-q-v1.json")
    data = json.loads(exported.data)
    data["sections"][0]["questions"][0]["label"]["nl"] = "Aangepast"
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(json.dumps(data).encode()), "test-q.json")}, content_type="multipart/form-data")
    assert response.location.endswith("/questionnaires/test-q/v2")
    assert find_version("test-q", 2).question("a").label_nl == "Aangepast"


def test_export_and_import_xlsx_through_the_pages(secretariat_client, draft):
    exported = secretariat_client.get("/questionnaires/test-q/v1/export.xlsx")
    assert exported.data[:4] == b"PK\x03\x04"
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(exported.data), "test-q.xlsx")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert definition_of(find_version("test-q", 2))["sections"] == definition_of(draft)["sections"]


def test_import_errors_are_listed_and_nothing_is_imported(secretariat_client):
    bad = definition(q("a", "text"), q("a", "integer"))
    page = _page(secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(json.dumps(bad).encode()), "bad.json")}, content_type="multipart/form-data"))
    assert "er is niets geïmporteerd" in page and "twee keer" in page
    assert db.session.scalar(select(Questionnaire)) is None


def test_import_says_what_it_ignored(secretariat_client):
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(kobo_workbook()), "kobo.xlsx")}, content_type="multipart/form-data")
    assert response.location.endswith("/questionnaires/fruit_survey/v1")
    page = _page(secretariat_client.get(response.location))
    assert 'class="flash flash-warning"' in page
    assert "Genegeerd (blad survey, rij 2, kolom type): De metadatarij start wordt genegeerd" in page
    assert "Genegeerd (blad settings, rij 2, kolom style): De instelling style wordt niet ondersteund" in page
    assert ("Genegeerd (blad settings, rij 2, kolom imvo::audience): Geen doelgroep opgegeven; aangenomen is "
            "brancheorganisaties (association)."
            in page)
    assert db.session.scalar(select(Questionnaire)).audience == "association"


def test_import_warnings_of_a_kind_come_as_one(secretariat_client):
    rows = [("text", f"q{number}", "Vraag", "Question", "w3") for number in range(12)]
    data = make_xlsx(survey=[("type", "name", "label::nl", "label::en", "appearance"), *rows],
                     settings=[("form_id", "imvo::audience"), ("breed", "company")])
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "breed.xlsx")}, content_type="multipart/form-data")
    page = _page(secretariat_client.get(response.location))
    assert page.count("flash-warning") == 1
    assert ("Genegeerd (blad survey, rijen 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 en nog 2, kolom appearance): "
            "De appearance w3 wordt genegeerd" in page)


def test_import_warnings_past_fifteen_kinds_are_counted(secretariat_client):
    """Flashes travel in the session cookie, so their number is bounded; the rest are counted."""
    rows = [("text", f"q{number}", "Vraag", "Question", f"w{number}") for number in range(17)]
    data = make_xlsx(survey=[("type", "name", "label::nl", "label::en", "appearance"), *rows],
                     settings=[("form_id", "imvo::audience"), ("breed", "company")])
    response = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(data), "breed.xlsx")}, content_type="multipart/form-data")
    page = _page(secretariat_client.get(response.location))
    assert page.count("flash-warning") == 16
    assert "De appearance w14 wordt genegeerd" in page and "De appearance w15 wordt genegeerd" not in page
    assert "Nog 2 soorten genegeerde inhoud staan hier niet." in page


@pytest.mark.parametrize("url", ["/questionnaires/new", "/questionnaires/import"])
def test_analysts_read_but_do_not_author(analyst_client, draft, url):
    assert analyst_client.get("/questionnaires/").status_code == 200
    assert analyst_client.get("/questionnaires/test-q/v1").status_code == 200
    assert "Publiceren" not in _page(analyst_client.get("/questionnaires/test-q/v1"))
    assert analyst_client.get(url).status_code == 403
    assert analyst_client.post("/questionnaires/test-q/v1/publish").status_code == 403
    assert analyst_client.post("/questionnaires/test-q/v1/copy").status_code == 403


def test_respondents_are_refused(respondent_client, draft):
    for url in ("/questionnaires/", "/questionnaires/test-q/v1", "/questionnaires/test-q/v1/preview",
                "/questionnaires/test-q/v1/export.json"):
        assert respondent_client.get(url).status_code == 403
    assert respondent_client.post("/questionnaires/test-q/v1/publish").status_code == 403


def test_unknown_versions_are_404(secretariat_client, draft):
    assert secretariat_client.get("/questionnaires/test-q/v9").status_code == 404
    assert secretariat_client.get("/questionnaires/nope/v1").status_code == 404
