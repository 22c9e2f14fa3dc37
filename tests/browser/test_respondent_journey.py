"""The respondent's journey through the association questionnaire in a real browser:
from the invitation link to the confirmation e-mail, conditions shown and hidden as
one types, the same page without JavaScript, two people saving the same answer,
autosave, and accessibility scans (axe-core) with keyboard checks of every page."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Response
from imvo_survey.rounds.services import issue_token

from .. import factories
from ..answering import add_activity, answer_required
from .conftest import serious_violations

MEMBER_COUNT = "Hoeveel bedrijven zijn lid van uw organisatie?"
MKB_COUNT = "Hoeveel daarvan zijn MKB-bedrijven?"
SAVED_AT = re.compile(r"^\s*Opgeslagen om \d{2}:\d{2}\.?\s*$")
#: Where the autosave test's browser clock starts (it moves only when the test says so).
CLOCK_START = datetime(2026, 3, 2, 9, 0)

#: A page-side probe for page.wait_for_function: fetches the profile page again (at most
#: one request at a time) until its member count is the expected one.
STORED_MEMBER_COUNT_IS = """([url, expected]) => {
    const probe = window.storedProbe || (window.storedProbe = {value: null, busy: false});
    if (!probe.busy) {
        probe.busy = true;
        fetch(url).then(r => r.text()).then(html => {
            probe.value = new DOMParser().parseFromString(html, "text/html").getElementById("member_count").value;
        }).finally(() => { probe.busy = false; });
    }
    return probe.value === expected;
}"""


def invite(start: bool = False) -> tuple[int, str]:
    """An association invited to an open round, with one contact: (invitation id, link
    token). Committed, so that the browser's server sees it."""
    round = factories.make_round(slug="imvo-2010", name="Inventarisatie IMVO 2010")
    organisation = factories.make_organisation(name="Vereniging Koffie", member_count=100)
    contact = factories.make_contact(organisation, name="Anna", email="anna@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    token = issue_token(invitation, contact)
    if start:
        services.start(invitation, Actor(contact=contact))
    invitation_id = invitation.id
    db.session.commit()
    return invitation_id, token


def stored_response(invitation_id: int) -> Response:
    """The response as the database holds it now (not as this session remembers it)."""
    db.session.rollback()
    return db.session.scalar(select(Response).where(Response.invitation_id == invitation_id))


def stored_answers(invitation_id: int) -> dict:
    _layout, document = services.document_of(stored_response(invitation_id))
    return document.answers


def focused_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def save_button(page):
    return page.get_by_role("button", name="Opslaan", exact=True)


def settle_autosave(page) -> None:
    """Let a questionnaire page finish saving before its context closes: its save on
    leaving would otherwise reach the server while the test's data is being removed."""
    if not page.is_closed():
        page.evaluate("window.imvoAutosave ? window.imvoAutosave.saveNow() : null")


@pytest.fixture
def page(page):
    """The conftest's page, settled at the end of the test."""
    yield page
    settle_autosave(page)


@contextmanager
def new_page(browser, live_server, **options):
    """A page in a context of its own: another person, or a browser without JavaScript."""
    context = browser.new_context(base_url=live_server, **options)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        yield page
        if options.get("java_script_enabled", True):
            settle_autosave(page)
    finally:
        context.close()


def test_the_whole_journey_from_link_to_confirmation_mail(page, mail_folder):
    invitation_id, token = invite()
    page.goto(f"/i/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inventarisatie IMVO 2010")
    page.get_by_role("button", name="Start de vragenlijst").click()
    expect(page).to_have_url(re.compile(r"/section/profile$"))

    page.get_by_label(MEMBER_COUNT).fill("120")
    # The long country list is a multi-select with a search box: type, Enter picks the first match.
    search = page.get_by_role("searchbox", name="Uit welke landen importeren uw leden vooral?: zoeken")
    search.fill("Ivoor")
    search.press("Enter")
    search.fill("Ghana")
    search.press("Enter")
    expect(page.get_by_role("button", name="Verwijder Ivoorkust")).to_be_visible()
    expect(page.get_by_role("button", name="Verwijder Ghana")).to_be_visible()
    page.get_by_role("button", name="Opslaan en naar het volgende onderdeel").click()
    expect(page).to_have_url(re.compile(r"/section/sector_policy$"))
    expect(page.locator(".flashes")).to_have_text(SAVED_AT)
    page.get_by_role("button", name="Opslaan en naar het volgende onderdeel").click()
    expect(page).to_have_url(re.compile(r"/section/activities$"))

    page.get_by_role("button", name="Item toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Toevoegen: Activiteit")
    page.get_by_label("Naam van de activiteit").fill("Gedragscode koffie")
    page.locator("#q-activity_type").get_by_label("Gedragscode", exact=True).check()
    aspects = page.locator("#q-activity_aspects")
    aspects.get_by_label("Afschaffen van kinderarbeid").check()
    aspects.get_by_label("Lonen (leefbaar loon)").check()
    page.locator("#q-activity_publish_consent").get_by_label("Ja", exact=True).check()
    save_button(page).click()
    expect(page).to_have_url(re.compile(r"/section/activities#entry-"))
    entries = page.locator("#repeat-activity .entry-title")
    expect(entries).to_have_text(["Gedragscode koffie"])

    page.reload()
    expect(entries).to_have_text(["Gedragscode koffie"])
    progress = page.get_by_role("navigation", name="Onderdelen van de vragenlijst")
    progress.get_by_role("link", name="Uw organisatie en leden").click()
    expect(page.get_by_label(MEMBER_COUNT)).to_have_value("120")
    countries = page.locator("#main_import_countries")
    assert sorted(countries.evaluate("s => Array.from(s.selectedOptions, o => o.value)")) == ["CI", "GH"]
    expect(page.get_by_role("button", name="Verwijder Ivoorkust")).to_be_visible()

    progress.get_by_role("link", name="Publicatie").click()
    page.locator("#q-publish_name_consent").get_by_label("Ja", exact=True).check()
    page.get_by_role("button", name="Opslaan en de antwoorden controleren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Controleer uw antwoorden")
    expect(page.locator("[data-error-summary]")).to_have_count(0)  # nothing missing
    main = page.locator("main")
    for shown in ("120", "Ivoorkust", "Gedragscode koffie", "Afschaffen van kinderarbeid"):
        expect(main).to_contain_text(shown)

    page.get_by_role("button", name="De antwoorden indienen").click()
    expect(page).to_have_url(re.compile(r"/submitted$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Dank u wel: uw antwoorden zijn ingediend")
    assert serious_violations(page) == []
    assert stored_response(invitation_id).status == "submitted"
    page.goto(f"/respond/{invitation_id}/section/profile")  # still to be read, no longer to be changed
    expect(page.get_by_label(MEMBER_COUNT)).to_be_disabled()
    expect(search).to_be_disabled()
    expect(page.get_by_role("button", name="Verwijder Ivoorkust")).to_be_disabled()
    assert serious_violations(page) == []

    mails = [m for m in mail_folder() if m["To"] == "anna@example.org"]
    assert len(mails) == 1
    assert "Vereniging Koffie" in mails[0]["Subject"]
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    assert "Vereniging Koffie" in body
    assert re.search(rf"{re.escape(MEMBER_COUNT)}\s+120\b", body)
    assert "Gedragscode koffie" in body


def test_a_condition_shows_and_hides_a_question_as_one_ticks(page):
    invitation_id, token = invite(start=True)
    page.goto(f"/i/{token}")
    page.goto(f"/respond/{invitation_id}/section/sector_policy")
    posted = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    follow_up = page.locator("#q-frameworks_other")
    other = page.locator("#q-frameworks").get_by_label("Anders", exact=True)
    expect(follow_up).to_be_hidden()
    other.check()
    expect(follow_up).to_be_visible()
    expect(page.get_by_label("Naar welke andere richtlijnen verwijst uw organisatie?")).to_be_editable()
    other.uncheck()
    expect(follow_up).to_be_hidden()
    assert posted == []  # decided in the browser, nothing was saved


def test_a_section_without_javascript(browser, live_server):
    invitation_id, token = invite()
    with new_page(browser, live_server, java_script_enabled=False) as page:
        page.goto(f"/i/{token}")
        page.get_by_role("button", name="Start de vragenlijst").click()
        # Without the typeahead the country list is a plain multi-select.
        page.get_by_label(MEMBER_COUNT).fill("64")
        page.get_by_label("Uit welke landen importeren uw leden vooral?").select_option(["CI", "BR"])
        save_button(page).click()
        expect(page.locator(".flashes")).to_have_text(SAVED_AT)

        page.goto(f"/respond/{invitation_id}/section/complaint_mechanism")
        follow_up = page.locator("#q-complaint_mechanism_type")
        expect(follow_up).to_be_hidden()  # hidden by the server: its condition fails
        page.locator("#q-complaint_mechanism_exists").get_by_label("Ja", exact=True).check()
        expect(follow_up).to_be_hidden()  # no script: nothing changes before saving
        save_button(page).click()
        expect(follow_up).to_be_visible()
        expect(page.locator("#q-complaint_mechanism_type_other")).to_be_hidden()  # needs "other" as well
        follow_up.get_by_label("Voor de hele sector").check()
        page.get_by_label("Hoeveel klachten zijn er vorig jaar binnengekomen?").fill("4")
        save_button(page).click()
        expect(page.locator(".flashes")).to_have_text(SAVED_AT)
        expect(page.get_by_label("Hoeveel klachten zijn er vorig jaar binnengekomen?")).to_have_value("4")

    answers = stored_answers(invitation_id)
    assert answers["member_count"] == 64
    assert sorted(answers["main_import_countries"]) == ["BR", "CI"]
    assert answers["complaint_mechanism_exists"] == "yes"
    assert answers["complaint_mechanism_type"] == "sector_wide"
    assert answers["complaints_received"] == 4


def test_two_people_change_the_same_answer(browser, live_server):
    invitation_id, token = invite(start=True)
    url = f"/respond/{invitation_id}/section/profile"
    with new_page(browser, live_server) as first, new_page(browser, live_server) as second:
        for person in (first, second):
            person.goto(f"/i/{token}")
            person.goto(url)
        first.get_by_label(MEMBER_COUNT).fill("200")
        save_button(first).click()
        expect(first.locator(".flashes")).to_have_text(SAVED_AT)

        second.get_by_label(MEMBER_COUNT).fill("180")
        second.get_by_label(MKB_COUNT).fill("90")  # not changed by the first: simply saved
        with second.expect_response(lambda r: r.request.method == "POST" and r.url.endswith(url)) as posted:
            save_button(second).click()
        assert posted.value.status == 409
        expect(second.get_by_role("heading", level=1)).to_have_text("Iemand anders heeft deze antwoorden gewijzigd")
        mine = second.get_by_label("Uw antwoord:")
        theirs = second.get_by_label("Opgeslagen door een ander:")
        expect(mine).to_have_count(1)  # only the answer both changed is asked about
        expect(second.locator(f"label[for='{mine.get_attribute('id')}']")).to_contain_text("180")
        expect(second.locator(f"label[for='{theirs.get_attribute('id')}']")).to_contain_text("200")
        assert serious_violations(second) == []

        expect(mine).to_be_checked()  # by default one's own answer wins: choose the other one
        theirs.check()
        second.get_by_role("button", name="Mijn keuzes opslaan").click()
        expect(second).to_have_url(re.compile(r"/section/profile$"))
        expect(second.get_by_label(MEMBER_COUNT)).to_have_value("200")
        expect(second.get_by_label(MKB_COUNT)).to_have_value("90")

    answers = stored_answers(invitation_id)
    assert answers["member_count"] == 200
    assert answers["member_count_mkb"] == 90


def test_autosave(page):
    invitation_id, token = invite(start=True)
    # The page's clock stands still, so that its 30-second save runs only when the test
    # moves the clock on (on a slow machine it ran between two steps and took their save).
    page.clock.install(time=CLOCK_START)
    page.clock.pause_at(CLOCK_START + timedelta(seconds=1))
    page.goto(f"/i/{token}")
    page.goto(f"/respond/{invitation_id}/section/profile")
    status = page.locator("[data-save-status]")
    member_count, mkb_count = page.get_by_label(MEMBER_COUNT), page.get_by_label(MKB_COUNT)

    # Saved at once when asked, with the time shown ...
    member_count.fill("75")
    page.evaluate("window.imvoAutosave.saveNow()")
    expect(status).to_have_text(SAVED_AT)
    assert stored_answers(invitation_id)["member_count"] == 75

    # ... and every 30 seconds, not before.
    autosaves = []
    page.on("request", lambda request: autosaves.append(request) if request.url.endswith("/autosave") else None)
    member_count.fill("76")
    page.clock.run_for(29_000)
    page.evaluate("1")  # a round trip: a request made before it has been told by now
    assert autosaves == []
    status.evaluate("element => { element.textContent = '' }")
    with page.expect_response("**/autosave"):
        page.clock.run_for(1_000)
    expect(status).to_have_text(SAVED_AT)
    assert stored_answers(invitation_id)["member_count"] == 76

    # Saved when the page is hidden (another tab) ...
    mkb_count.fill("30")
    status.evaluate("element => { element.textContent = '' }")
    with page.expect_response("**/autosave") as saved:
        page.evaluate("""() => {
            Object.defineProperty(document, "visibilityState", {configurable: true, get: () => "hidden"});
            document.dispatchEvent(new Event("visibilitychange"));
            delete document.visibilityState;
        }""")
    assert saved.value.json()["status"] == "saved"
    expect(status).to_have_text(SAVED_AT)  # the page has taken in the save's answer
    assert stored_answers(invitation_id)["member_count_mkb"] == 30
    # ... and changing that answer again is not taken for someone else's change: Save
    # saves, no conflict page.
    mkb_count.fill("32")
    save_button(page).click()
    expect(page.locator(".flashes")).to_have_text(SAVED_AT)
    expect(mkb_count).to_have_value("32")
    expect(status).not_to_contain_text("nog niet had opgeslagen")  # nothing is "put back" after a save
    assert stored_answers(invitation_id)["member_count_mkb"] == 32

    # Saved when the page is left: the pagehide event, or going to another page.
    mkb_count.fill("31")
    with page.expect_response("**/autosave"):
        page.evaluate("window.dispatchEvent(new Event('pagehide'))")
    assert stored_answers(invitation_id)["member_count_mkb"] == 31
    member_count.fill("77")
    page.get_by_role("link", name="Volgend onderdeel").click()
    expect(page).to_have_url(re.compile(r"/section/sector_policy$"))
    # The browser finishes that save after the page is gone, out of Playwright's sight:
    # wait until the stored page shows it.
    page.wait_for_function(STORED_MEMBER_COUNT_IS, arg=[f"/respond/{invitation_id}/section/profile", "77"],
                           polling=100)
    assert stored_answers(invitation_id)["member_count"] == 77

    # Typed, Save pressed, and the request lost (the network failed): what was typed is
    # kept in this browser and put back when the page is opened again.
    page.go_back()
    expect(member_count).to_have_value("77")
    member_count.fill("78")
    page.evaluate("document.querySelector('form[data-autosave-url]').dispatchEvent(new Event('submit'))")
    page.reload()
    expect(member_count).to_have_value("78")
    expect(status).to_contain_text("nog niet had opgeslagen")
    assert stored_answers(invitation_id)["member_count"] == 77
    save_button(page).click()
    expect(page.locator(".flashes")).to_have_text(SAVED_AT)
    assert stored_answers(invitation_id)["member_count"] == 78
    expect(status).not_to_contain_text("nog niet had opgeslagen")


def test_the_respondent_pages_are_accessible(page):
    invitation_id, token = invite()
    page.goto(f"/i/{token}")
    assert serious_violations(page) == [], "overview"
    page.get_by_role("button", name="Start de vragenlijst").click()

    page.goto(f"/respond/{invitation_id}/summary")
    missing = page.locator("[data-error-summary]")
    expect(missing).to_contain_text(MEMBER_COUNT)  # the summary lists what is missing
    assert serious_violations(page) == [], "summary with missing answers"

    # Some answers everywhere, then a letter in a number: the error summary takes the
    # focus, and its link (Tab, Enter) takes the keyboard to the field.
    response = stored_response(invitation_id)
    actor = Actor(contact=response.invitation.tokens[0].contact)
    answer_required(response, actor)
    add_activity(response, actor)
    db.session.commit()
    page.goto(f"/respond/{invitation_id}/section/profile")
    page.get_by_label(MEMBER_COUNT).fill("12a")
    save_button(page).click()
    summary = page.locator("[data-error-summary]")
    expect(summary).to_contain_text("Vul een geheel getal in")
    # The script moves the focus once the page has loaded: wait for it (an expect retries;
    # reading the focus at once races the script on a busy machine).
    expect(page.locator("[data-error-summary]")).to_be_focused()
    expect(page.get_by_label(MEMBER_COUNT)).to_have_value("12a")  # what was typed stays
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert focused_id(page) == "member_count"
    violations = {"profile with an error": serious_violations(page)}

    layout, _document = services.document_of(stored_response(invitation_id))
    for section in layout.sections[1:]:
        page.goto(f"/respond/{invitation_id}/section/{section['code']}")
        if section["code"] == "activities":
            expect(page.locator("#repeat-activity .entry-title")).to_have_text(["Gedragscode koffie"])
        violations[section["code"]] = serious_violations(page)

    # The activity page: an empty save shows the errors; a link to a group of radio
    # buttons takes the focus to its first option.
    page.goto(f"/respond/{invitation_id}/entries/activity/new")
    violations["new activity"] = serious_violations(page)
    save_button(page).click()
    expect(summary).to_contain_text("Wat voor soort activiteit is het?")
    # The script moves the focus once the page has loaded: wait for it (an expect retries;
    # reading the focus at once races the script on a busy machine).
    expect(page.locator("[data-error-summary]")).to_be_focused()
    summary.get_by_role("link", name=re.compile("Wat voor soort activiteit is het")).click()
    assert focused_id(page) == "activity_type"
    expect(page.locator("#activity_type")).to_have_attribute("value", "code_of_conduct")  # its first option
    violations["activity with errors"] = serious_violations(page)

    page.goto(f"/respond/{invitation_id}")
    violations["overview, started"] = serious_violations(page)
    assert {where: found for where, found in violations.items() if found} == {}


def test_the_save_bar_never_covers_the_field_in_focus(page):
    """The Save buttons stick to the bottom of the window; a field reached with Tab
    scrolls clear of them (WCAG 2.4.11)."""
    invitation_id, token = invite(start=True)
    page.set_viewport_size({"width": 800, "height": 500})
    page.goto(f"/i/{token}")
    page.goto(f"/respond/{invitation_id}/section/supply_chain")  # many radio buttons
    page.get_by_role("heading", level=1).evaluate("h => { h.tabIndex = -1; h.focus(); }")
    covered = []
    for _step in range(60):
        page.keyboard.press("Tab")
        where = page.evaluate("""() => {
            const field = document.activeElement, bar = document.querySelector(".sticky-actions");
            if (bar.contains(field)) { return null; }
            const f = field.getBoundingClientRect(), b = bar.getBoundingClientRect();
            return {id: field.id, covered: f.bottom > b.top && f.top < b.bottom};
        }""")
        if where is None:
            break  # reached the Save buttons
        if where["covered"]:
            covered.append(where["id"])
    else:
        raise AssertionError("Tab never reached the Save buttons")
    assert covered == []
