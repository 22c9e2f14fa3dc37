"""A race on a unique key of the register ends in the form's own message, not a 500:
four people adding the same organisation at the same moment (gunicorn -w 4)."""

from __future__ import annotations

from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Organisation

from .conftest import at_once


def test_people_adding_the_same_organisation_get_one_and_a_message(live_server, secretariat):
    staff = [live_server.browser() for _ in range(4)]
    for browser in staff:
        browser.login(secretariat.email)
    for burst in range(5):
        name = f"Vereniging Tegelijk {burst}"
        form = {"name": name, "kind": "branch_association", "is_active": "y"}
        replies = at_once([lambda b=b: b.post("/organisations/new", form) for b in staff])
        assert sorted(r.status for r in replies) == [200, 200, 200, 302], [(r.status, r.body[:300]) for r in replies]
        for refused in (r for r in replies if r.status == 200):
            assert "Er is al een organisatie van deze soort met deze naam." in refused.body
            assert name in refused.body  # what was typed is still in the form
        db.session.expire_all()
        assert db.session.scalar(select(func.count()).select_from(Organisation)
                                 .where(Organisation.name == name)) == 1
    assert live_server.errors() == ""
