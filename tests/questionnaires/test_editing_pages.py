"""The editing pages of a draft, through HTTP: sections edited, moved and deleted, the
questionnaire's header, a question changed; and every editing page refused to
analysts and respondents."""

from __future__ import annotations

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Question, Questionnaire, Section
from imvo_survey.questionnaires.services import definition_of, find_version, publish, store_definition

from .helpers import activity_repeat, definition, q

SECTION_CODES = ["first", "second", "third"]


def section(code: str, *questions: dict) -> dict:
    return {"code": code, "title": {"nl": f"Onderdeel {code}", "en": f"Section {code}"},
            "intro": {"nl": f"Over {code}", "en": f"About {code}"}, "questions": list(questions)}


@pytest.fixture
def draft():
    """A draft with three sections, each with questions; the second has a repeating group."""
    version = store_definition(definition(sections=[
        section("first", q("a", "yes_no", required=True), q("b", "text")),
        section("second", q("c", "integer"), activity_repeat()),
        section("third", q("d", "date"), q("e", "long_text")),
    ]))
    db.session.commit()
    return version


def _page(response) -> str:
    return response.get_data(as_text=True)


def _sections_now() -> list[dict]:
    """The draft's sections as stored, read afresh (not from the session's cache)."""
    db.session.expire_all()
    return definition_of(find_version("test-q", 1))["sections"]


def _section_id(code: str) -> int:
    return db.session.scalar(select(Section.id).where(Section.code == code))


def _question_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Question))


# --- moving sections ----------------------------------------------------------------

@pytest.mark.parametrize(("moved", "direction", "order"), [
    ("second", "up", ["second", "first", "third"]),
    ("third", "up", ["first", "third", "second"]),
    ("first", "down", ["second", "first", "third"]),
    ("second", "down", ["first", "third", "second"]),
    ("first", "up", SECTION_CODES),  # already first: nothing moves
    ("third", "down", SECTION_CODES),  # already last
])
def test_moving_a_section_keeps_every_section_and_question(secretariat_client, draft, moved, direction, order):
    before = {s["code"]: s for s in _sections_now()}
    questions = _question_count()
    response = secretariat_client.post(f"/questionnaires/test-q/v1/sections/{_section_id(moved)}/move",
                                       data={"direction": direction})
    assert response.status_code == 302 and response.location.endswith(f"#section-{moved}")
    after = _sections_now()
    assert [s["code"] for s in after] == order
    assert after == [before[code] for code in order]  # titles, intros, questions, sub-questions: all there
    assert _question_count() == questions
    positions = db.session.scalars(select(Section.position).order_by(Section.position)).all()
    assert positions == [0, 1, 2]


def test_moving_a_section_up_then_down_gives_the_start_back(secretariat_client, draft):
    before = _sections_now()
    url = f"/questionnaires/test-q/v1/sections/{_section_id('third')}/move"
    secretariat_client.post(url, data={"direction": "up"})
    secretariat_client.post(url, data={"direction": "up"})
    assert [s["code"] for s in _sections_now()] == ["third", "first", "second"]
    secretariat_client.post(url, data={"direction": "down"})
    secretariat_client.post(url, data={"direction": "down"})
    assert _sections_now() == before
    page = _page(secretariat_client.get("/questionnaires/test-q/v1"))
    assert page.index("Onderdeel first") < page.index("Onderdeel second") < page.index("Onderdeel third")


# --- editing and deleting sections ----------------------------------------------------

def test_edit_section(secretariat_client, draft):
    url = f"/questionnaires/test-q/v1/sections/{_section_id('second')}/edit"
    form = _page(secretariat_client.get(url))
    assert 'value="Onderdeel second"' in form and "Over second" in form
    response = secretariat_client.post(url, data={
        "code": "profile", "title_nl": "Profiel", "title_en": "Profile", "intro_nl": "Wie u bent", "intro_en": ""})
    assert response.status_code == 302 and response.location.endswith("/questionnaires/test-q/v1#section-profile")
    changed = _sections_now()[1]
    assert (changed["code"], changed["title"], changed["intro"]) == (
        "profile", {"nl": "Profiel", "en": "Profile"}, {"nl": "Wie u bent", "en": ""})
    assert [q["code"] for q in changed["questions"]] == ["c", "activity"]


@pytest.mark.parametrize("taken", ["first", "a", "activity_title"])
def test_edit_section_refuses_a_code_in_use(secretariat_client, draft, taken):
    url = f"/questionnaires/test-q/v1/sections/{_section_id('second')}/edit"
    response = secretariat_client.post(url, data={"code": taken, "title_nl": "X", "title_en": "X"})
    assert response.status_code == 200 and "Deze code wordt al gebruikt in deze versie." in _page(response)
    assert [s["code"] for s in _sections_now()] == SECTION_CODES


def test_delete_section_takes_its_questions_and_only_those(secretariat_client, draft):
    before = {s["code"]: s for s in _sections_now()}
    response = secretariat_client.post(f"/questionnaires/test-q/v1/sections/{_section_id('second')}/delete")
    assert response.status_code == 302
    assert "Het onderdeel is verwijderd." in _page(secretariat_client.get(response.location))
    assert _sections_now() == [before["first"], before["third"]]
    assert db.session.scalars(select(Section.position).order_by(Section.position)).all() == [0, 1]
    codes = set(db.session.scalars(select(Question.code)))
    assert codes == {"a", "b", "d", "e"}


def test_a_published_version_keeps_its_sections(secretariat_client, draft):
    publish(draft, None)
    db.session.commit()
    second = _section_id("second")
    for action, data in (("move", {"direction": "up"}), ("delete", {}),
                         ("edit", {"code": "x", "title_nl": "X", "title_en": "X"})):
        response = secretariat_client.post(f"/questionnaires/test-q/v1/sections/{second}/{action}", data=data)
        assert response.status_code == 302
    assert [s["code"] for s in _sections_now()] == SECTION_CODES


# --- the questionnaire and its questions ----------------------------------------------

def _header(**changes) -> dict:
    data = {"code": "test-q", "audience": "company", "title_nl": "Testlijst", "title_en": "Test list",
            "description_nl": "", "description_en": ""}
    data.update(changes)
    return data


def test_edit_questionnaire(secretariat_client, draft):
    assert 'value="Testlijst"' in _page(secretariat_client.get("/questionnaires/test-q/edit"))
    response = secretariat_client.post("/questionnaires/test-q/edit", data=_header(
        code="renamed", title_nl="Nieuwe titel", description_en="What this is about"))
    assert response.status_code == 302 and response.location.endswith("/questionnaires/")
    assert "De wijzigingen zijn opgeslagen." in _page(secretariat_client.get(response.location))
    db.session.expire_all()
    questionnaire = db.session.scalar(select(Questionnaire))
    assert (questionnaire.code, questionnaire.title_nl, questionnaire.description_en) == (
        "renamed", "Nieuwe titel", "What this is about")
    assert secretariat_client.get("/questionnaires/test-q/edit").status_code == 404


def test_edit_questionnaire_refusals(secretariat_client, draft):
    store_definition(definition(q("z", "text"), code="other"))
    db.session.commit()
    page = _page(secretariat_client.post("/questionnaires/test-q/edit", data=_header(code="other")))
    assert "Er is al een vragenlijst met deze code." in page
    publish(find_version("test-q", 1), None)
    db.session.commit()
    for changed in ({"code": "new-code"}, {"audience": "association"}):
        page = _page(secretariat_client.post("/questionnaires/test-q/edit", data=_header(**changed)))
        assert "De code en de doelgroep kunnen niet meer veranderen" in page
    response = secretariat_client.post("/questionnaires/test-q/edit", data=_header(title_en="Better title"))
    assert response.status_code == 302  # titles may still change
    db.session.expire_all()
    questionnaire = db.session.scalar(select(Questionnaire).where(Questionnaire.code == "test-q"))
    assert (questionnaire.audience, questionnaire.title_en) == ("company", "Better title")


def test_edit_question_on_a_draft(secretariat_client, draft):
    question_id = find_version("test-q", 1).question("b").id
    url = f"/questionnaires/test-q/v1/questions/{question_id}/edit"
    assert "\nVraag b</textarea>" in _page(secretariat_client.get(url))
    response = secretariat_client.post(url, data={
        "code": "which", "type": "multiple_choice", "label_nl": "Welke?", "label_en": "Which?",
        "hint_nl": "Kies er een of meer", "required": "y",
        "choices": "oecd | OESO-richtlijnen | OECD guidelines\nilo | ILO | ILO", "show_if": "${a} = 'yes'"})
    assert response.status_code == 302 and response.location.endswith("#question-which")
    changed = _sections_now()[0]["questions"][1]
    assert changed == {
        "code": "which", "type": "multiple_choice", "label": {"nl": "Welke?", "en": "Which?"},
        "hint": {"nl": "Kies er een of meer", "en": ""}, "required": True,
        "show_if": {"op": "equals", "question": "a", "value": "yes"},
        "choices": [{"code": "oecd", "label": {"nl": "OESO-richtlijnen", "en": "OECD guidelines"}},
                    {"code": "ilo", "label": {"nl": "ILO", "en": "ILO"}}]}
    form = _page(secretariat_client.get(url))
    assert "oecd | OESO-richtlijnen | OECD guidelines" in form and "${a} = &#39;yes&#39;" in form


def test_edit_question_keeps_a_repeat_with_sub_questions(secretariat_client, draft):
    repeat_id = find_version("test-q", 1).question("activity").id
    page = _page(secretariat_client.post(f"/questionnaires/test-q/v1/questions/{repeat_id}/edit", data={
        "code": "activity", "type": "text", "label_nl": "X", "label_en": "X"}))
    assert "Verwijder eerst de deelvragen." in page
    assert _sections_now()[1]["questions"][1]["type"] == "repeat"


# --- who may edit -----------------------------------------------------------------------

EDITING_PAGES = [
    ("GET", "/questionnaires/new"), ("POST", "/questionnaires/new"),
    ("GET", "/questionnaires/import"), ("POST", "/questionnaires/import"),
    ("GET", "/questionnaires/test-q/edit"), ("POST", "/questionnaires/test-q/edit"),
    ("POST", "/questionnaires/test-q/v1/copy"), ("POST", "/questionnaires/test-q/v1/publish"),
    ("POST", "/questionnaires/test-q/v1/delete"),
    ("GET", "/questionnaires/test-q/v1/sections/new"), ("POST", "/questionnaires/test-q/v1/sections/new"),
    ("GET", "/questionnaires/test-q/v1/sections/{section}/edit"),
    ("POST", "/questionnaires/test-q/v1/sections/{section}/edit"),
    ("POST", "/questionnaires/test-q/v1/sections/{section}/delete"),
    ("POST", "/questionnaires/test-q/v1/sections/{section}/move"),
    ("GET", "/questionnaires/test-q/v1/sections/{section}/questions/new"),
    ("POST", "/questionnaires/test-q/v1/sections/{section}/questions/new"),
    ("GET", "/questionnaires/test-q/v1/questions/{question}/edit"),
    ("POST", "/questionnaires/test-q/v1/questions/{question}/edit"),
    ("POST", "/questionnaires/test-q/v1/questions/{question}/delete"),
    ("POST", "/questionnaires/test-q/v1/questions/{question}/move"),
]


@pytest.mark.parametrize("role", ["analyst", "respondent"])
@pytest.mark.parametrize(("method", "url"), EDITING_PAGES)
def test_only_the_secretariat_edits(request, draft, role, method, url):
    client = request.getfixturevalue(f"{role}_client")
    before = _sections_now()
    ids = {"section": _section_id("second"), "question": find_version("test-q", 1).question("c").id}
    data = {"code": "x", "title_nl": "X", "title_en": "X", "audience": "company", "type": "text",
            "label_nl": "X", "label_en": "X", "direction": "up"}
    response = client.open(url.format(**ids), method=method, data=data if method == "POST" else None)
    assert response.status_code == 403
    assert _sections_now() == before
    assert not find_version("test-q", 1).is_published and find_version("test-q", 2) is None


def test_a_form_error_that_quotes_what_was_typed_is_escaped(secretariat_client, draft):
    """A validation message quotes the condition as typed; Flask-Babel's lazy messages
    pass as HTML in templates, ours are escaped, so it cannot put markup on the page."""
    question_id = find_version("test-q", 1).question("b").id
    url = f"/questionnaires/test-q/v1/questions/{question_id}/edit"
    response = secretariat_client.post(url, data={
        "code": "b", "type": "text", "label_nl": "Vraag b", "label_en": "Question b",
        "show_if": "@<b id=x>y</b>"})
    page = _page(response)
    assert "De voorwaarde kan niet worden gelezen" in page
    assert "<b id=x>" not in page
    # the parser quotes 12 characters, and says so in the page's language
    assert "onverwachte tekst op positie 1: &#39;@&lt;b id=x&gt;y&lt;/&#39;" in page


# --- conditions checked where the question stands ------------------------------------------

def _post_question(client, url: str, **values):
    return client.post(url, data={"code": "b", "type": "text", "label_nl": "Vraag b", "label_en": "Question b",
                                  **values})


@pytest.mark.parametrize(("show_if", "message"), [
    ("${c} = 3", "De voorwaarde verwijst naar c, die niet vóór deze vraag komt."),  # a later section
    ("${b} != ''", "De voorwaarde verwijst naar b, die niet vóór deze vraag komt."),  # the question itself
    ("${a} = 'maybe'", "De voorwaarde vergelijkt a met maybe, een waarde die die vraag niet kan hebben."),
])
def test_the_editor_refuses_a_condition_publication_would_refuse(secretariat_client, draft, show_if, message):
    """Found on the question's own field, what was typed kept, nothing saved; not only
    when the draft is published (its XLSForm export would not import again)."""
    question_id = find_version("test-q", 1).question("b").id
    url = f"/questionnaires/test-q/v1/questions/{question_id}/edit"
    response = _post_question(secretariat_client, url, show_if=show_if)
    page = _page(response)
    assert response.status_code == 200
    assert f'<a href="#show_if">Alleen tonen als: {message}</a>' in page  # the summary points at the field
    assert f'value="{escape(show_if)}"' in page
    assert "show_if" not in _sections_now()[0]["questions"][1]
    assert _post_question(secretariat_client, url, show_if="${a} = 'yes'").status_code == 302


def test_a_new_question_may_look_at_the_questions_before_its_place(secretariat_client, draft):
    """Added at the end of its section or repeating group: earlier questions there are
    before it; a question of another repeating group is not."""
    second = _section_id("second")
    new_in_second = f"/questionnaires/test-q/v1/sections/{second}/questions/new"
    response = secretariat_client.post(new_in_second, data={
        "code": "f", "type": "text", "label_nl": "F", "label_en": "F", "show_if": "${activity_title} != ''"})
    assert "een vraag van een herhalende groep waar deze vraag niet in" in _page(response)
    response = secretariat_client.post(new_in_second, data={
        "code": "f", "type": "text", "label_nl": "F", "label_en": "F", "show_if": "${c} = 3"})
    assert response.status_code == 302
    repeat_id = find_version("test-q", 1).question("activity").id
    response = secretariat_client.post(f"{new_in_second}?parent={repeat_id}", data={
        "code": "g", "type": "text", "label_nl": "G", "label_en": "G", "show_if": "${activity_title} != ''"})
    assert response.status_code == 302
    first = _section_id("first")
    new_in_first = f"/questionnaires/test-q/v1/sections/{first}/questions/new"
    response = secretariat_client.post(new_in_first, data={
        "code": "h", "type": "text", "label_nl": "H", "label_en": "H", "show_if": "${f} != ''"})
    assert "De voorwaarde verwijst naar f, die niet vóór deze vraag komt." in _page(response)
    # A repeating group of another section is no place for it (it was a 500 with a condition).
    for data in ({}, {"show_if": "${activity_title} != ''"}):
        assert secretariat_client.post(f"{new_in_first}?parent={repeat_id}", data={
            "code": "i", "type": "text", "label_nl": "I", "label_en": "I", **data}).status_code == 404
    assert secretariat_client.get(f"{new_in_first}?parent={repeat_id}").status_code == 404


def test_a_change_that_breaks_a_later_condition_is_said_at_once(secretariat_client):
    """Publication would refuse it: the editor says so after saving a question, moving
    one or deleting one, naming the condition to look at."""
    store_definition(definition(q("a", "single_choice", choices=[
        {"code": "yes", "label": {"nl": "Ja", "en": "Yes"}}, {"code": "other", "label": {"nl": "Anders", "en": "Other"}}]),
        q("b", "text", show_if={"op": "equals", "question": "a", "value": "other"}), q("c", "text")))
    db.session.commit()
    version = find_version("test-q", 1)
    a_id, b_id, c_id = (version.question(code).id for code in ("a", "b", "c"))
    edited = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{a_id}/edit", data={
        "code": "a", "type": "single_choice", "label_nl": "A", "label_en": "A", "choices": "yes | Ja | Yes"},
        follow_redirects=True)
    assert "Kijk naar de voorwaarde van b: De voorwaarde vergelijkt a met other" in _page(edited)
    untouched = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{c_id}/edit", data={
        "code": "c", "type": "text", "label_nl": "C", "label_en": "C"}, follow_redirects=True)
    assert "Kijk naar de voorwaarde" not in _page(untouched)  # c has nothing to do with it
    moved = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{b_id}/move", data={"direction": "up"},
                                    follow_redirects=True)
    assert "Kijk naar de voorwaarde van b: De voorwaarde verwijst naar a, die niet vóór deze vraag komt." \
        in _page(moved)
    deleted = secretariat_client.post(f"/questionnaires/test-q/v1/questions/{a_id}/delete", follow_redirects=True)
    assert "Kijk naar de voorwaarde van b" in _page(deleted)
