"""Numbers from the address larger than a database integer are a 404 (in the path) or a
400 (in the query string), never a 500, for anonymous visitors and staff alike: every
route of the URL map that takes an int is asked with a huge one."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Organisation, Questionnaire
from imvo_survey.whole_numbers import MAX_INT

from . import factories
from .api import bearer, token_for

HUGE = "99999999999999999999"  # past SQLite's INTEGER (2**63 - 1), let alone PostgreSQL's
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
METHODS = ("GET", "POST")


def _url(rule, number: str, names: dict[str, str]) -> str:
    """The rule's path with `number` for every int and a plausible value for the rest."""
    def value(match) -> str:
        converter, name = match.group(1), match.group(2)
        if converter == "int":
            return number
        if converter == "any":
            return "csv"
        return names.get(name, "x")

    return PARAMETER.sub(value, rule.rule)


def _int_rules(app):
    return sorted((rule for rule in app.url_map.iter_rules() if "<int:" in rule.rule), key=lambda rule: rule.rule)


@pytest.fixture
def world():
    """A round and the shipped questionnaires, so that slugs and codes in the path exist."""
    round = factories.make_round(slug="uitvraag-groot")
    db.session.commit()
    return {"slug": round.slug, "code": "imvo-associations", "fmt": "json", "section_code": "profile",
            "repeat_code": "activity", "key": "x", "token": "x", "reference": round.slug}


def test_the_int_converter_is_bounded_app_wide(app):
    rules = _int_rules(app)
    assert len(rules) > 50
    for rule in rules:
        for name, converter in rule._converters.items():
            if "<int:" + name + ">" in rule.rule:
                assert converter.max == MAX_INT, rule.rule


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_every_route_with_a_huge_id_is_a_404(app, world, who, secretariat):
    client = app.test_client()
    if who == "secretariat":
        client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    for rule in _int_rules(app):
        url = _url(rule, HUGE, world)
        for method in METHODS:
            if method in rule.methods:
                status = client.open(url, method=method).status_code
                assert status == 404, f"{method} {url} as {who}: {status}"


@pytest.mark.parametrize("who", ["anonymous", "secretariat"])
def test_the_largest_id_is_looked_up_without_error(app, world, who, secretariat):
    """MAX_INT itself passes the converter and reaches the query: no row, no error."""
    client = app.test_client()
    if who == "secretariat":
        client.post("/auth/login", data={"email": secretariat.email, "password": factories.PASSWORD})
    for rule in _int_rules(app):
        url = _url(rule, str(MAX_INT), world)
        for method in METHODS:
            if method in rule.methods:
                status = client.open(url, method=method).status_code
                assert status < 500, f"{method} {url} as {who}: {status}"


PAGED = ["/organisations/", "/registrations/", "/outbox/", "/review/rounds/uitvraag-groot",
         "/rounds/uitvraag-groot/dashboard", "/privacy/log"]


@pytest.mark.parametrize("url", PAGED)
@pytest.mark.parametrize("page, status", [
    ("9223372036854775807", 400), (HUGE, 400), ("0", 400), ("-1", 400), ("abc", 400), ("1.5", 400),
    (str(MAX_INT), 200), ("2", 200), ("1", 200), ("", 200),
])
def test_page_numbers(world, secretariat_client, url, page, status):
    result = secretariat_client.get(url, query_string={"page": page})
    assert result.status_code == status
    if status == 400:
        assert "De parameter page in het adres moet een geheel getal van 1 tot 2147483647 zijn." in \
            result.get_data(as_text=True)


@pytest.mark.parametrize("url", [
    "/benchmark/?year=" + HUGE,
    "/questionnaires/imvo-associations/compare?old=" + HUGE,
    "/questionnaires/imvo-associations/compare?new=" + HUGE,
    "/users/new?organisation=" + HUGE,
    "/privacy/log?organisation=" + HUGE,
    "/privacy/log?organisation=abc",
])
def test_other_number_parameters_are_a_400(world, secretariat_client, url):
    assert secretariat_client.get(url).status_code == 400


@pytest.mark.parametrize("url", [
    "/organisations/?sector=" + HUGE, "/organisations/?branch=" + HUGE,
    "/rounds/uitvraag-groot/target?preview=1&sector=" + HUGE,
    "/users/?organisation=" + HUGE,
    "/rounds/uitvraag-groot/dashboard?sector=" + HUGE,
])
def test_filter_forms_refuse_huge_choices(world, secretariat_client, url):
    """A filter form's select takes a huge number as an invalid choice, not into a query."""
    assert secretariat_client.get(url).status_code == 200


def test_huge_organisation_ids_posted_as_targets_are_ignored(world, secretariat_client):
    organisation = factories.make_organisation(name="Gewoon Bedrijf")
    db.session.commit()
    result = secretariat_client.post("/rounds/uitvraag-groot/target",
                                     data={"organisation": [HUGE, str(organisation.id)]})
    assert result.status_code == 302


@pytest.mark.parametrize("query", ["page=" + HUGE, "page=9223372036854775807", "page=0", "per_page=" + HUGE,
                                   "page=" + "9" * 5000])
def test_api_page_parameters_are_a_400(world, client, analyst, query):
    result = client.get(f"/api/v1/rounds/uitvraag-groot/activities?{query}", headers=bearer(token_for(analyst)))
    assert result.status_code == 400
    assert "must be a whole number from" in result.get_json()["error"]


def test_api_round_reference_past_an_id_is_a_404(world, client, analyst):
    assert client.get(f"/api/v1/rounds/{HUGE}", headers=bearer(token_for(analyst))).status_code == 404


# --- the same class elsewhere: large numbers typed into forms and files ------------------

def test_forms_refuse_numbers_a_column_cannot_hold(secretariat_client):
    page = secretariat_client.post("/organisations/new", data={
        "name": "Vereniging Groot", "kind": "branch_association", "member_count": HUGE}).get_data(as_text=True)
    assert "Vul een kleiner getal in (hoogstens 2147483647)." in page
    page = secretariat_client.post("/benchmark/new", data={
        "source": "TB", "year": "2010", "level": "sector", "company_count": HUGE}).get_data(as_text=True)
    assert "Vul een kleiner getal in" in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_question_settings_past_a_column(secretariat_client):
    from imvo_survey.questionnaires.services import store_definition

    from .questionnaires.helpers import definition, q

    version = store_definition(definition(q("naam", "text")))
    db.session.commit()
    url = f"/questionnaires/test-q/v1/sections/{version.sections[0].id}/questions/new"
    page = secretariat_client.post(url, data={"code": "lang", "type": "text", "label_nl": "X", "label_en": "X",
                                              "max_length": HUGE}).get_data(as_text=True)
    assert "Vul een kleiner getal in" in page


def test_imported_definitions_with_numbers_past_a_column(secretariat_client):
    from .questionnaires.helpers import activity_repeat, definition, q

    too_many = definition(activity_repeat(max_repeat=10**30), code="groot", audience="association")
    too_long = definition(q("naam", "text", validation={"max_length": 10**30}), code="lang")
    too_low = definition(q("getal", "decimal", validation={"min": -(10**400)}), code="laag")
    for document, message in ((too_many, "Een aantal invullingen of tekens is hoogstens 2147483647."),
                              (too_long, "Een aantal invullingen of tekens is hoogstens 2147483647."),
                              (too_low, "hoogstens 15 cijfers voor de komma")):
        result = secretariat_client.post("/questionnaires/import", data={
            "file": (io.BytesIO(json.dumps(document).encode()), "lijst.json")}, content_type="multipart/form-data")
        assert result.status_code == 200 and message in result.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_xlsform_numbers_past_a_column_or_past_python(secretariat_client):
    """imvo::max_repeat past a column, and numbers longer than Python reads (4300 digits)."""
    from .questionnaires.test_xlsform import make_xlsx

    survey = [("type", "name", "label", "imvo::max_repeat", "constraint"),
              ("begin_repeat", "items", "Items", HUGE), ("text", "title", "Titel", None, ". != ''"),
              ("integer", "aantal", "Aantal", None, ". <= " + "9" * 5000), ("end_repeat",)]
    settings = [("form_id", "version", "imvo::audience"), ("lijst", "9" * 5000, "company")]
    result = secretariat_client.post("/questionnaires/import", data={
        "file": (io.BytesIO(make_xlsx(survey, None, settings)), "lijst.xlsx")}, content_type="multipart/form-data")
    page = result.get_data(as_text=True)
    assert result.status_code == 200
    assert f"&#39;{HUGE}&#39; is geen geheel getal van 1 tot en met 2147483647." in page
    assert db.session.scalar(select(func.count()).select_from(Questionnaire)) == 0


def test_organisation_import_refuses_member_counts_past_a_column(secretariat_client):
    data = f"naam;soort;leden\nVereniging Groot;branchevereniging;{HUGE}\n".encode()
    page = secretariat_client.post("/organisations/import", data={"file": (io.BytesIO(data), "o.csv")},
                                   content_type="multipart/form-data").get_data(as_text=True)
    assert "Vul een geheel getal in van 0 tot en met 2147483647." in page


def test_answers_past_what_is_stored_exactly():
    """A whole number past 2**63 could not even be passed to SQLite (a 500 on saving)."""
    from imvo_survey.answers.values import AnswerError, parse

    for kind, raw in (("integer", HUGE), ("integer", "9" * 400), ("decimal", "1e400"), ("decimal", "9" * 20)):
        with pytest.raises(AnswerError, match="15"):
            parse({"type": kind, "code": "x"}, raw, lambda question: set())
    assert parse({"type": "integer", "code": "x"}, "999999999999999", lambda question: set()) == 10**15 - 1


def test_the_command_line_takes_huge_ids_as_unknown(runner, world):
    result = runner.invoke(args=["user", "create", "r@example.org", "--role", "respondent", "--org", HUGE])
    assert result.exit_code == 1 and f"No organisation with id or KvK number {HUGE}." in result.output
    result = runner.invoke(args=["round", "open", HUGE])
    assert result.exit_code == 1 and f"No round {HUGE}." in result.output
    result = runner.invoke(args=["questionnaire", "export", "imvo-associations", "--version", HUGE, "-o", "x.json"])
    assert result.exit_code == 2 and "--version" in result.output
    result = runner.invoke(args=["round", "create", "--name", "Groot", "--year", "2012", "--opens", "2012-06-01",
                                 "--closes", "2012-09-01", "--association-questionnaire", f"imvo-associations:{HUGE}"])
    assert result.exit_code == 1 and f"No published version of imvo-associations:{HUGE}." in result.output
    for command in (["privacy", "erase", HUGE, "--yes"], ["privacy", "export", HUGE, "-o", "x.json"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 2 and "CONTACT_ID" in result.output and "1<=x<=2147483647" in result.output
    for command in (["matrix", "export", HUGE], ["matrix", "export", world["slug"], "--compare", HUGE],
                    ["matrix", "export", "²"]):  # "²" is a digit to str.isdigit, not to int()
        result = runner.invoke(args=[*command, "-o", "x.xlsx"])
        assert result.exit_code == 1 and "Error: No round " in result.output, (command, result.exception)
