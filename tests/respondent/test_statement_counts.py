"""SQL statements per respondent request, counted as they go to the database: a
questionnaire section page in at most 8, a save as the form posts it in at most 12,
for someone logged in and for someone who opened an invitation link, on a section with
a repeating group (activities, some of them entered) and one without. A check repeated
within a request, an N+1 over the entries or a reference list read per request makes
these fail (with the statements in the message)."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from sqlalchemy import event, select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Country
from imvo_survey.references import reference_list

from .. import factories
from ..answering import add_activity, base_of, lock_of, page_text, stored_response

PAGE_BUDGET = 8
SAVE_BUDGET = 12


@contextmanager
def counted(app):
    """The statements sent on the app's engine meanwhile."""
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split())[:160])

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _report(what: str, sent: list[str], budget: int) -> str:
    return f"{what}: {len(sent)} statements (budget {budget}):\n" + "\n".join(sent)


@pytest.fixture(params=["account", "link"])
def respondent_page(request, make_app, invited):
    """(app, client, invitation) with form tokens checked, on a started response with
    three activities: logged in with an account, or through the invitation link."""
    app = make_app(WTF_CSRF_ENABLED=True)
    client = app.test_client()
    invitation, token = invited
    if request.param == "account":
        user = factories.make_user("respondent", email="lid@example.org", organisation=invitation.organisation)
        db.session.commit()
        assert client.post("/auth/login", data={"email": user.email, "password": factories.PASSWORD,
                                                "csrf_token": _token(page_text(client.get("/auth/login")))}
                           ).status_code == 302
    else:
        client.get(f"/i/{token}")
    response = services.start(invitation, Actor())
    for title in ("Gedragscode koffie", "Audits cacao", "Leefbaar loon"):
        add_activity(response, Actor(), activity_title=title)
    db.session.commit()
    return app, client, invitation


def _token(html: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("section, typed", [
    ("profile", {"member_count": "120", "main_import_countries": ["CI", "BR"], "main_import_countries__present": "1"}),
    ("activities", {}),
])
def test_a_section_page_and_its_save_stay_within_their_statement_budgets(respondent_page, section, typed):
    app, client, invitation = respondent_page
    url = f"/respond/{invitation.id}/section/{section}"
    client.get(url)  # the first request of a process reads the reference lists; later ones do not
    with counted(app) as sent:
        page = client.get(url)
    html = page_text(page)
    assert page.status_code == 200
    if section == "activities":
        assert "Gedragscode koffie" in html and "Leefbaar loon" in html
    assert len(sent) <= PAGE_BUDGET, _report(f"GET {section}", sent, PAGE_BUDGET)
    events_before = len(stored_response(invitation).events)
    data = {"csrf_token": _token(html), "lock_version": lock_of(html), "base": base_of(html),
            "go_to": section, **typed}
    with counted(app) as sent:
        saved = client.post(url, data=data)
    assert saved.status_code == 302, page_text(saved)
    assert len(sent) <= SAVE_BUDGET, _report(f"POST {section}", sent, SAVE_BUDGET)
    # The audit trail is not what was cut: a save that changed answers is recorded, before and after.
    events = stored_response(invitation).events
    if typed:
        assert len(events) == events_before + 1
        changes = {change["code"]: change for change in events[-1].changes}
        assert changes["member_count"]["old"] is None and changes["member_count"]["new"] == 120
        assert sorted(changes["main_import_countries"]["new"]) == ["BR", "CI"]
    else:
        assert len(events) == events_before


def test_the_entries_read_in_one_query_hold_what_the_rows_hold(respondent_page):
    """Links in their list's display order, the activity type by code, consent as yes/no."""
    _app, _client, invitation = respondent_page
    _layout, document = services.document_of(stored_response(invitation))
    entry = document.entries["activity"][0]
    assert entry.values["activity_title"] == "Gedragscode koffie"
    assert entry.values["activity_aspects"] == ["child_labour", "wages"]
    assert entry.values["activity_countries"] == [code for code in reference_list("country").in_order(["GH", "CI"])]
    assert entry.values["activity_type"] == "code_of_conduct"
    assert entry.values["activity_publish_consent"] == "yes"
    assert entry.values["activity_partners"] == [] and entry.values["activity_description"] is None


def test_a_changed_reference_list_is_read_again(started_client, invited):
    """Kept per process, but not past a change: after the reference data changed (as
    the seed command changes it, through the ORM), the next page shows the new label.
    (Not `reseed_reference_after`: this test's organisation points at a sector, so the
    reference tables cannot be emptied under it; the label is put back instead.)"""
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/profile"
    assert "Ivoorkust" in page_text(started_client.get(url))
    country = db.session.scalar(select(Country).where(Country.code == "CI"))
    country.label_nl = "Ivoorkust (gewijzigd)"
    db.session.commit()
    try:
        assert "Ivoorkust (gewijzigd)" in page_text(started_client.get(url))
    finally:
        country.label_nl = "Ivoorkust"
        db.session.commit()
    assert "Ivoorkust (gewijzigd)" not in page_text(started_client.get(url))
