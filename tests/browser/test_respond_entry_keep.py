"""What is typed in an entry's form (an activity) is kept in this browser until it is
saved, and put back when the form is opened again, for instance after the login or the
link's session was lost."""

from __future__ import annotations

from playwright.sync_api import expect

from .test_respondent_journey import invite

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
