"""What is typed in an entry's form (an activity) is kept in this browser until it is
saved, and put back when the form is opened again, for instance after the login or the
link's session was lost."""

from __future__ import annotations

from playwright.sync_api import expect

from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db

from .. import factories
from ..answering import answer_required
from .test_respondent_journey import invite, stored_response

RESTORED = "Antwoorden die u eerder in deze browser typte maar nog niet had opgeslagen, staan weer in het formulier"


def test_an_unsaved_entry_comes_back_after_the_session_was_lost(page):
    invitation_id, token = invite(start=True)
    page.goto(f"/i/{token}")
    url = f"/respond/{invitation_id}/entries/activity/new"
    page.goto(url)
    page.locator("#activity_title").fill("Nog niet opgeslagen")
    page.locator("#activity_description").fill("Twee uur werk")

    page.context.clear_cookies()  # the session is gone; the page was closed unsaved
    page.goto("about:blank")
    page.goto(f"/i/{token}")
    page.goto(url)
    expect(page.locator("#activity_title")).to_have_value("Nog niet opgeslagen")
    expect(page.locator("#activity_description")).to_have_value("Twee uur werk")
    expect(page.locator("[data-save-status]")).to_contain_text(RESTORED)


def test_an_entry_sent_with_save_is_not_put_back_again(page):
    """The server had it (and showed it back with its errors): the browser's copy goes."""
    invitation_id, token = invite(start=True)
    page.goto(f"/i/{token}")
    url = f"/respond/{invitation_id}/entries/activity/new"
    page.goto(url)
    page.locator("#activity_title").fill("Half af")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator(".error-summary")).to_be_visible()  # not complete: shown again, not saved
    expect(page.locator("#activity_title")).to_have_value("Half af")
    page.get_by_role("link", name="Annuleren").click()  # the person chose to leave it
    page.goto(url)
    expect(page.locator("#activity_title")).to_have_value("")
    expect(page.locator("[data-save-status]")).to_have_text("")


def _fill_activity(page, title: str) -> None:
    page.get_by_label("Naam van de activiteit").fill(title)
    page.locator("#q-activity_type").get_by_label("Gedragscode", exact=True).check()
    page.locator("#q-activity_aspects").get_by_label("Afschaffen van kinderarbeid").check()
    page.locator("#q-activity_publish_consent").get_by_label("Ja", exact=True).check()


def test_a_saved_entry_is_not_put_back_in_the_next_new_one(page):
    """The server says the page was saved: the browser's copy goes, although a later
    "new" form differs from it in every answer."""
    invitation_id, token = invite(start=True)
    page.goto(f"/i/{token}")
    url = f"/respond/{invitation_id}/entries/activity/new"
    page.goto(url)
    _fill_activity(page, "Eerste activiteit")
    page.get_by_role("button", name="Opslaan", exact=True).click()
    expect(page.locator("#repeat-activity .entry-title")).to_have_text(["Eerste activiteit"])
    page.goto(url)
    expect(page.locator("#activity_title")).to_have_value("")
    expect(page.locator("[data-save-status]")).to_have_text("")


def test_a_save_that_never_arrived_is_put_back_though_a_colleague_saved_since(page):
    """A Save lost on the network, then a colleague's save moves the lock version: the
    typed answers still come back (the lock version is no proof that the server had them)."""
    invitation_id, token = invite(start=True)
    page.goto(f"/i/{token}")
    url = f"/respond/{invitation_id}/entries/activity/new"
    page.goto(url)
    _fill_activity(page, "Verloren onderweg")
    page.route("**/entries/activity/new",
               lambda route: route.abort() if route.request.method == "POST" else route.continue_())
    page.get_by_role("button", name="Opslaan", exact=True).click()
    page.wait_for_timeout(300)  # the POST is refused by the network
    page.unroute("**/entries/activity/new")

    response = stored_response(invitation_id)
    colleague = factories.make_user("respondent", email="collega@example.org", organisation=response.organisation)
    answer_required(response, Actor(user=colleague))  # moves the lock version on
    db.session.commit()

    page.goto(url)
    expect(page.locator("#activity_title")).to_have_value("Verloren onderweg")
    expect(page.locator("[data-save-status]")).to_contain_text(RESTORED)
