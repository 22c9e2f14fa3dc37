"""The progress over the sections: a section is done only once it has been saved and
nothing required is missing there; an optional section nobody saved is "not yet looked
at", also when last year's answers were carried into it. Shown on the overview, on every
section page and (the sections not looked at) on the summary."""

from __future__ import annotations

import re

from sqlalchemy import event, select

from imvo_survey.answers import services
from imvo_survey.answers.sections import mark_saved, saved_sections
from imvo_survey.extensions import db
from imvo_survey.models import ResponseSection

from ..answering import ACTIVITY, base_of, lock_of, page_text, stored_response

SECTIONS = ["profile", "sector_policy", "activities", "dilemmas", "bottlenecks", "complaint_mechanism",
            "reporting", "supply_chain", "publication"]


def _states(html: str) -> dict[str, str]:
    """Section code -> state, as the navigation shows it."""
    return {code: state for state, code in
            re.findall(r'<li class="progress-(\w+)">\s*<a href="/respond/\d+/section/(\w+)"', html)}


def _save(client, url: str, **answers):
    page = page_text(client.get(url))
    return client.post(url, data={"lock_version": lock_of(page), "base": base_of(page), **answers})


def test_on_first_entry_no_section_is_done(started_client, invited):
    invitation, _token = invited
    for url in (f"/respond/{invitation.id}", f"/respond/{invitation.id}/section/profile"):
        html = page_text(started_client.get(url))
        states = _states(html)
        assert list(states) == SECTIONS
        assert {code for code, state in states.items() if state == "todo"} == {"profile", "publication"}
        assert {code for code, state in states.items() if state == "unseen"} == set(SECTIONS) - {
            "profile", "publication"}
        assert "(klaar)" not in html and html.count("(nog niet bekeken)") == 7


def test_saving_makes_a_section_done_once_nothing_required_is_missing(started_client, invited):
    invitation, _token = invited
    section = f"/respond/{invitation.id}/section/"
    assert _save(started_client, section + "sector_policy").status_code == 302  # saved empty: looked at
    assert _save(started_client, section + "profile", member_count_mkb="80").status_code == 302
    states = _states(page_text(started_client.get(section + "profile")))
    assert states["sector_policy"] == "done" and states["reporting"] == "unseen"
    assert states["profile"] == "errors"  # saved, but a required answer is missing
    html = page_text(started_client.get(section + "profile"))
    assert re.search(r'class="progress-errors">.*?\(nog 1 in te vullen\)', html, re.S)
    _save(started_client, section + "profile", member_count="120", member_count_mkb="80")
    states = _states(page_text(started_client.get(section + "reporting")))
    assert states["profile"] == "done" and states["publication"] == "todo"


def test_an_entry_saves_its_section(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/entries/activity/new"
    page = page_text(started_client.get(url))
    started_client.post(url, data={**ACTIVITY, "lock_version": lock_of(page), "base": base_of(page),
                                   "activity_aspects__present": "1", "activity_countries__present": "1"})
    states = _states(page_text(started_client.get(f"/respond/{invitation.id}")))
    assert states["activities"] == "done" and states["dilemmas"] == "unseen"


def test_autosave_saves_the_section_only_when_it_stored_something(started_client, invited):
    invitation, _token = invited
    url = f"/respond/{invitation.id}/section/reporting"
    page = page_text(started_client.get(url))
    form = {"lock_version": lock_of(page), "base": base_of(page)}
    assert started_client.post(url + "/autosave", data=form).get_json()["status"] == "saved"
    assert _states(page_text(started_client.get(url)))["reporting"] == "unseen"  # nothing stored
    page = page_text(started_client.get(url))
    started_client.post(url + "/autosave", data={"lock_version": lock_of(page), "base": base_of(page),
                                                 "transparency_benchmark_members": "3"})
    assert _states(page_text(started_client.get(url)))["reporting"] == "done"


def test_the_summary_names_the_sections_not_looked_at(started_client, invited):
    invitation, _token = invited
    _save(started_client, f"/respond/{invitation.id}/section/reporting")
    html = page_text(started_client.get(f"/respond/{invitation.id}/summary"))
    panel = html[html.index('id="unseen-title"'):html.index("</ul>", html.index('id="unseen-title"'))]
    assert "Nog niet bekeken" in panel
    linked = re.findall(r'/section/(\w+)"', panel)
    assert linked == ["sector_policy", "activities", "dilemmas", "bottlenecks", "complaint_mechanism",
                      "supply_chain"]


def test_a_submitted_response_counts_every_section_as_saved_without_a_query(app, invited):
    invitation, _token = invited
    response = services.start(invitation, services.Actor(contact=invitation.organisation.contacts[0]))
    db.session.commit()
    assert response.submitted_at is None  # loaded, as on the page that asks
    statements = []

    def count(*_args):
        statements.append(1)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert saved_sections(response) == set()
        assert len(statements) == 1  # one primary-key lookup per page
        response.submitted_at = response.started_at
        assert saved_sections(response) is None
        assert len(statements) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
    db.session.rollback()


def test_marking_twice_or_at_once_keeps_one_row(app, invited):
    """Two saves of one section racing each insert; the second insert is no error."""
    invitation, _token = invited
    response = services.start(invitation, services.Actor(contact=invitation.organisation.contacts[0]))
    mark_saved(response, ["profile", "reporting"])
    mark_saved(response, ["profile"])
    db.session.commit()
    assert sorted(db.session.scalars(select(ResponseSection.section_code))) == ["profile", "reporting"]
    assert saved_sections(stored_response(invitation)) == {"profile", "reporting"}
