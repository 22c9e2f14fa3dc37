"""The XSS corpus (tests/hostile.py) on every public page: every string of it goes into
every stored text a page without login can show (organisation names, activity titles
and descriptions, good practices' public texts, round names, a sector's label, an
evidence file's name), and no page may show it other than as text.

HTML: no string of the corpus appears raw, and each stored text appears escaped. JSON:
it parses and gives back each text exactly. Atom: it parses as XML (nothing broke out
of its elements) and gives back each text. CSV: every text cell that could start a
formula is neutralised.

Which routes are checked comes from the URL map: every view declared `@public`. Each
must be in `PAGES` (checked here, one line each) or in `NO_STORED_DATA` (with the
reason), so that a new public route fails `test_every_public_route_is_checked` until it
is added. The API's views are `@public` only for the session check (each checks a
token and answers JSON through `jsonify`): they are tested in tests/api. Pages behind
an invitation session (the `invitee` role) need no login either; the one they start
from, the invitation link's landing, is checked here.

One world for the whole module: the data is built once, every page read many times.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from markupsafe import escape
from sqlalchemy import select

from imvo_survey.access import Access
from imvo_survey.extensions import db
from imvo_survey.models import EvidenceFile, GoodPractice, Organisation, Round, Sector
from imvo_survey.public_figures.services import publish
from imvo_survey.rounds.feedback import feedback_token
from imvo_survey.rounds.services import issue_token
from imvo_survey.verification.requests import add_evidence, evidence_token
from imvo_survey.verification.services import draw_sample

from . import factories
from .analysis.builders import association, respond
from .conftest import empty_data_tables
from .hostile import BINARY, XSS
from .practices.world import name_consent, practice

ATOM = "{http://www.w3.org/2005/Atom}"
#: The sector whose label is made hostile (and put back afterwards).
SECTOR = "voedsel_drank"
#: The corpus entry that starts like a spreadsheet formula: the sector's label.
FORMULA = next(text for text in XSS if text.startswith("="))


@dataclass
class World:
    """What the pages should show, as stored (names are tidied when saved), and the
    links and ids that open them."""

    names: list[str] = field(default_factory=list)
    #: The activities' titles and descriptions (the titles show on the feedback page).
    activities: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    closed: str = ""
    closed_slug: str = ""
    open: str = ""
    open_slug: str = ""
    sector: str = ""
    #: Per organisation: (its name, the invitation link token in the open round).
    invitations: list[tuple[str, str]] = field(default_factory=list)
    #: Per organisation: (name, activity title, invitation id, feedback token).
    feedback: list[tuple[str, str, int, str]] = field(default_factory=list)
    #: Per sampled response: (name, file name, member id, evidence token).
    evidence: list[tuple[str, str, int, str]] = field(default_factory=list)


def _build() -> World:
    """Two rounds, one organisation per corpus string: in the closed round a response
    with a consented activity marked as good practice, drawn in a sample with an
    evidence file; in the open round an invitation with a working link. Both rounds'
    figures are published; the food sector's label is hostile too."""
    sector = factories.sector(SECTOR)
    sector.label_nl = sector.label_en = FORMULA
    half = len(XSS) // 2
    closed = factories.make_round(name="Ronde een " + " ".join(XSS[:half]), slug="ronde-een", status="open")
    later = factories.make_round(name="Ronde twee " + " ".join(XSS[half:]), slug="ronde-twee", year=2011)
    people = []
    for number, hostile in enumerate(XSS):
        # Two sectors of at least 3 each: a single one would be recoverable from the total.
        organisation = association(f"Vereniging {number} {hostile}", sector=(SECTOR, "energie")[number % 2])
        contact = factories.make_contact(organisation)
        response = respond(closed, organisation, [{"title": f"Activiteit {number} {hostile}",
                                                   "description": f"Beschrijving {number} {hostile}",
                                                   "aspects": ["child_labour"], "countries": ["GH"],
                                                   "consent": True}])
        name_consent(response, True)
        practice(response, f"Praktijk {number} {hostile}")
        invitation = factories.make_invitation(later, organisation, status="invited")
        people.append((organisation, contact, response, issue_token(invitation, contact), hostile))
    sample = draw_sample(closed, percent=100, seed=1)
    by_organisation = {member.response.organisation_id: member for member in sample.members}
    closed.status = "closed"
    for round in (closed, later):
        publish(round, None)
    world = World(closed=closed.name, closed_slug=closed.slug, open=later.name, open_slug=later.slug,
                  sector=sector.label_nl)
    for organisation, contact, response, token, hostile in people:
        member = by_organisation[organisation.id]
        file = add_evidence(member, f"bewijs {hostile}.png", BINARY)
        title = response.activities[0].title
        world.names.append(organisation.name)
        world.activities += [title, response.activities[0].description]
        world.invitations.append((organisation.name, token))
        world.feedback.append((organisation.name, title, response.invitation.id,
                               feedback_token(response.invitation, contact)))
        world.evidence.append((organisation.name, file.original_name, member.id, evidence_token(member, contact)))
    world.texts = sorted(db.session.scalars(select(GoodPractice.public_text)))
    db.session.commit()
    return world


@pytest.fixture(scope="module")
def world(app):
    """Built once for the module; emptied, and the sector's label put back, afterwards."""
    with app.app_context():
        sector = db.session.scalar(select(Sector).where(Sector.code == SECTOR))
        labels = sector.label_nl, sector.label_en
        built = _build()
        db.session.remove()
    yield built
    with app.app_context():
        empty_data_tables()
        sector = db.session.scalar(select(Sector).where(Sector.code == SECTOR))
        sector.label_nl, sector.label_en = labels
        db.session.commit()


@pytest.fixture(autouse=True)
def app_context(app, world):
    """Instead of conftest's: an app context per test, but the world's tables kept."""
    with app.app_context():
        yield
        db.session.remove()


# --- the checks per kind of answer ------------------------------------------------

def check_html(body: bytes, shown: list[str]) -> None:
    html = body.decode("utf-8")
    for hostile in XSS:
        if str(escape(hostile)) != hostile:
            assert hostile not in html, f"unescaped: {hostile!r}"
    assert "<script>alert" not in html and "<img src=x" not in html and "<evil/>" not in html
    assert 'href="javascript:' not in html and "<b>" not in html
    for text in shown:
        assert str(escape(text)) in html, f"not shown (escaped): {text!r}"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return []


def check_json(body: bytes, shown: list[str]) -> None:
    strings = _strings(json.loads(body))
    for text in shown:
        assert text in strings, f"not given back exactly: {text!r}"


def check_atom(body: bytes, shown: list[str]) -> None:
    feed = ET.fromstring(body)  # noqa: S314  (our own feed)
    assert all(element.tag.startswith(ATOM) for element in feed.iter()), "an element broke out"
    texts = [element.text or "" for element in feed.iter()]
    for text in shown:
        assert any(text in found for found in texts), f"not in the feed: {text!r}"
    contents = [element.text for element in feed.iter(f"{ATOM}content")]
    assert sorted(contents) == sorted(text for text in shown if text.startswith("Praktijk"))


def check_csv(body: bytes, shown: list[str]) -> None:
    cells = [cell for row in csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";") for cell in row]
    assert not [cell for cell in cells if cell[:1] in ("=", "+", "-", "@", "\t", "\r")], "a formula"
    for text in shown:
        assert ("'" + text if text[:1] in "=+-@" else text) in cells, f"not in the CSV: {text!r}"


CHECKS: dict[str, Callable[[bytes, list[str]], None]] = {"html": check_html, "json": check_json,
                                                          "atom": check_atom, "csv": check_csv}


@dataclass(frozen=True)
class Visit:
    """One request: `url` (after opening `via` in the same browser, when given) and the
    stored texts it must show."""

    url: str
    shown: list[str]
    via: str | None = None


@dataclass(frozen=True)
class Page:
    """A public route, what it answers (a key of CHECKS) and the visits that check it."""

    endpoint: str
    kind: str
    visits: Callable[[World], list[Visit]]


def _practice_texts(w: World) -> list[str]:
    return [*w.names, *w.texts]


#: Every public route that shows stored data: one line each.
PAGES = [
    Page("practices.page", "html", lambda w: [Visit("/openbaar/praktijken", [*_practice_texts(w), w.sector])]),
    Page("practices.as_json", "json", lambda w: [Visit("/openbaar/praktijken.json", _practice_texts(w))]),
    Page("practices.feed", "atom", lambda w: [Visit("/openbaar/praktijken.atom", _practice_texts(w))]),
    Page("public_figures.index", "html", lambda w: [Visit("/openbaar/cijfers/", [w.closed, w.open])]),
    # The open round has no responses yet: its figures have no sector rows.
    Page("public_figures.page", "html", lambda w: [Visit(f"/openbaar/cijfers/{w.closed_slug}", [w.closed, w.sector]),
                                                   Visit(f"/openbaar/cijfers/{w.open_slug}", [w.open])]),
    Page("public_figures.download", "csv", lambda w: [Visit(f"/openbaar/cijfers/{w.closed_slug}/cijfers.csv",
                                                            [w.sector]),
                                                      Visit(f"/openbaar/cijfers/{w.open_slug}/cijfers.csv", [])]),
    Page("registration.register", "html", lambda w: [Visit("/register", [*w.names, w.sector])]),
    Page("respond.landing", "html", lambda w: [Visit(f"/i/{token}", [name, w.open])
                                               for name, token in w.invitations]),
    Page("respond.feedback_link", "html", lambda w: [Visit(f"/feedback/{token}", [name, title, w.closed])
                                                     for name, title, _id, token in w.feedback]),
    Page("respond.feedback", "html", lambda w: [Visit(f"/respond/{number}/feedback", [name, title, w.closed],
                                                      via=f"/feedback/{token}")
                                                for name, title, number, token in w.feedback]),
    # The consent to publication: public since a feedback link opens it after the round.
    Page("practices.consent", "html", lambda w: [Visit(f"/respond/{number}/toestemming", [name, title, w.closed],
                                                       via=f"/feedback/{token}")
                                                 for name, title, number, token in w.feedback]),
    Page("verification.evidence_link", "html", lambda w: [Visit(f"/samples/evidence/{token}", [name, file, w.closed])
                                                          for name, file, _id, token in w.evidence]),
    Page("verification.upload_evidence", "html", lambda w: [
        Visit(f"/samples/evidence/for/{number}", [name, file, w.closed], via=f"/samples/evidence/{token}")
        for name, file, number, token in w.evidence]),
]

#: Public routes that show no stored data, or not as a page: why each is left out.
NO_STORED_DATA = {
    "main.index": "for visitors a fixed explanation and the login link",
    "main.set_language": "a redirect back",
    "main.health": "a fixed JSON status",
    "main.favicon": "a redirect to the static icon",
    "auth.login": "the login form",
    "auth.logout": "a redirect (POST)",
    "auth.request_reset": "the form that asks for an address",
    "auth.reset_password": "the form for a new password (the account is not shown)",
    "registration.sent": "fixed text",
    "registration.confirmed": "fixed text",
    "registration.confirm": "a redirect to registration.confirmed, or the fixed invalid-link page",
    "respond.glossary": "the glossary's terms, from the source",
    "respond.feedback_pdf": "a PDF drawn by WeasyPrint (no markup runs in it) of the data respond.feedback shows",
}
#: The API's blueprint: public to the session check, guarded by a token (tests/api).
API = "api."


def _public_endpoints(app) -> set[str]:
    found = set()
    for rule in app.url_map.iter_rules():
        access: Access | None = getattr(app.view_functions[rule.endpoint], "access", None)
        if access is not None and access.public and not rule.endpoint.startswith(API):
            found.add(rule.endpoint)
    return found


def test_every_public_route_is_checked(app):
    public = _public_endpoints(app)
    checked = {page.endpoint for page in PAGES}
    assert not checked & set(NO_STORED_DATA), "a route is both checked and left out"
    assert sorted(public - checked - set(NO_STORED_DATA)) == [], "public routes not checked for XSS: add them"
    assert sorted((checked | set(NO_STORED_DATA)) - public) == [], "not (or no longer) a public route"


@pytest.mark.parametrize("page", PAGES, ids=[page.endpoint for page in PAGES])
def test_the_corpus_is_text_on_every_public_page(app, world, page):
    visits = page.visits(world)
    assert visits
    for visit in visits:
        client = app.test_client()
        if visit.via:
            assert client.get(visit.via).status_code == 302
        answer = client.get(visit.url, follow_redirects=True)
        assert answer.status_code == 200, visit.url
        CHECKS[page.kind](answer.get_data(), visit.shown)


def test_the_world_holds_every_string(world):
    """Each string of the corpus is stored in each kind of text (the check could fail)."""
    joined = {"names": " ".join(world.names), "activities": " ".join(world.activities), "texts": " ".join(world.texts),
              "rounds": world.closed + world.open}
    for hostile in XSS:
        for kind, text in joined.items():
            assert hostile.split()[0].strip("\u2028\u2029") in text, (kind, hostile)
    assert world.sector == FORMULA
    assert db.session.scalar(select(Organisation.name).where(Organisation.name.like("Vereniging 0 %")))
    assert db.session.scalar(select(Round.name).where(Round.slug == world.closed_slug)) == world.closed
    assert len(db.session.scalars(select(EvidenceFile)).all()) == len(XSS)
