"""The public page of good practices: filters and search, JSON and Atom that parse,
caching headers, read only, and hostile texts escaped in HTML, JSON and Atom."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import escape

from imvo_survey.extensions import db

from ..hostile import XSS
from .world import build, name_consent, practice

ATOM = "{http://www.w3.org/2005/Atom}"
COFFEE = "Leden kopen cacao met keurmerk en controleren hun ketens."
WATER = "Een jaarlijkse audit van het waterverbruik bij toeleveranciers."


def _feed(answer) -> ET.Element:
    """The feed parsed: our own answer, so the standard parser will do."""
    return ET.fromstring(answer.get_data())  # noqa: S314  (our own feed)


def _texts(client, query: str = "") -> list[str]:
    return [item["text"] for item in client.get(f"/openbaar/praktijken.json{query}").get_json()["practices"]]


@pytest.mark.parametrize("query, expected", [
    ("", {COFFEE, WATER}),
    ("?sector=voedsel_drank", {COFFEE}),
    ("?sector=energie", {WATER}),
    ("?aspect=child_labour", {COFFEE}),
    ("?aspect=wages", set()),  # the coffee association's wages activity is not consented
    ("?activity_type=audit_monitoring", {WATER}),
    ("?country=BR", {WATER}),
    ("?product_group=cocoa", {COFFEE}),
    ("?product_group=cocoa&country=BR", set()),
    ("?q=KEURMERK", {COFFEE}),
    ("?q=koffie", {COFFEE}),            # a consented name is searched
    ("?q=Stille", set()),               # a name without consent is not, not even by search
    ("?q=100%25", set()),               # % is a character, not a wildcard
    ("?q=_", set()),
    ("?sector=onbekend", set()),
])
def test_filters_and_search(client, query, expected):
    build()
    assert set(_texts(client, query)) == expected
    html = client.get(f"/openbaar/praktijken{query}").get_data(as_text=True)
    assert {text for text in (COFFEE, WATER) if text in html} == expected


def test_the_page_offers_the_filters_and_keeps_the_choice(client):
    build()
    html = client.get("/openbaar/praktijken?aspect=child_labour&q=cacao").get_data(as_text=True)
    for name in ("sector", "aspect", "activity_type", "country", "product_group", "q"):
        assert f'name="{name}"' in html
    assert '<option value="child_labour" selected>' in html and 'value="cacao"' in html
    assert "/openbaar/praktijken.atom?aspect=child_labour&amp;q=cacao" in html
    assert "<form method=\"post\"" not in html  # a GET form: nothing that needs a token


def test_json_lists_only_public_fields(client):
    build()
    answer = client.get("/openbaar/praktijken.json")
    assert answer.mimetype == "application/json"
    items = json.loads(answer.get_data(as_text=True))["practices"]
    coffee = next(item for item in items if item["text"] == COFFEE)
    assert set(coffee) == {"id", "text", "year", "organisation", "sector", "aspects", "activity_type", "countries",
                           "product_groups", "published", "updated"}
    assert coffee["year"] == 2010 and coffee["organisation"] == "Koffie Vereniging"
    assert coffee["countries"] == ["Ghana"] and coffee["product_groups"] == ["Cacao"]
    assert "Cacao zonder kinderarbeid" not in answer.get_data(as_text=True)  # the respondent's own title stays in


def test_atom_feed_is_valid_atom(client):
    build()
    answer = client.get("/openbaar/praktijken.atom?sector=voedsel_drank")
    assert answer.mimetype == "application/atom+xml"
    feed = _feed(answer)
    assert feed.tag == f"{ATOM}feed"
    for child in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{child}").text
    assert feed.find(f"{ATOM}link[@rel='self']").get("href").endswith("/openbaar/praktijken.atom?sector=voedsel_drank")
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert entry.find(f"{ATOM}content").text == COFFEE
    assert "Koffie Vereniging" in entry.find(f"{ATOM}title").text
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry.find(f"{ATOM}updated").text)
    assert entry.find(f"{ATOM}id").text.endswith(f"#practice-{_ids(client)[COFFEE]}")


def _ids(client) -> dict[str, int]:
    return {item["text"]: item["id"] for item in client.get("/openbaar/praktijken.json").get_json()["practices"]}


@pytest.mark.parametrize("hostile", XSS)
def test_hostile_text_and_name_are_escaped_everywhere(client, hostile):
    world = build()
    world["coffee"].organisation.name = f"Vereniging {hostile}"
    practice(world["coffee"], f"Tekst {hostile}")
    db.session.commit()
    name = world["coffee"].organisation.name  # as the register keeps it (it tidies spaces)
    html = client.get("/openbaar/praktijken").get_data(as_text=True)
    assert str(escape(f"Tekst {hostile}")) in html and str(escape(name)) in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<b>vet</b>" not in html
    item = next(i for i in client.get("/openbaar/praktijken.json").get_json()["practices"]
                if i["text"].startswith("Tekst"))
    assert item["text"] == f"Tekst {hostile}" and item["organisation"] == name
    atom = client.get("/openbaar/praktijken.atom")
    entry = next(e for e in _feed(atom).findall(f"{ATOM}entry")
                 if e.find(f"{ATOM}content").text.startswith("Tekst"))
    assert entry.find(f"{ATOM}content").text == f"Tekst {hostile}"
    assert entry.find(f"{ATOM}title").text.endswith(name)
    assert b"<script>" not in atom.get_data()


def test_characters_xml_forbids_are_left_out(client):
    world = build()
    practice(world["coffee"], "Met\x00een\x0bstuurteken")
    db.session.commit()
    feed = _feed(client.get("/openbaar/praktijken.atom"))
    assert "Meteenstuurteken" in [e.find(f"{ATOM}content").text for e in feed.findall(f"{ATOM}entry")]


@pytest.mark.parametrize("url", ["/openbaar/praktijken", "/openbaar/praktijken.json", "/openbaar/praktijken.atom"])
def test_public_pages_are_read_only_and_revalidated(client, url):
    build()
    answer = client.get(url)
    assert answer.status_code == 200 and answer.headers["ETag"]
    assert "must-revalidate" in answer.headers["Cache-Control"] or "no-cache" in answer.headers["Cache-Control"]
    again = client.get(url, headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304
    assert client.post(url).status_code == 405


def test_a_withdrawal_changes_the_etag(client):
    world = build()
    before = client.get("/openbaar/praktijken.json").headers["ETag"]
    name_consent(world["coffee"], False)
    db.session.commit()
    assert client.get("/openbaar/praktijken.json", headers={"If-None-Match": before}).status_code == 200


def test_the_html_page_is_private_to_the_browser(client):
    build()
    assert client.get("/openbaar/praktijken").headers["Cache-Control"].startswith("private")
