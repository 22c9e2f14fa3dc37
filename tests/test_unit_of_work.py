"""The unit of work that runs a view again when it loses a race (`unit_of_work`): what
counts as a lost race, what the next attempt starts from, and the page when it keeps
losing. The races themselves are shown against gunicorn in tests/races/."""

from __future__ import annotations

import pytest
from flask import flash, get_flashed_messages, session
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from imvo_survey.access import public
from imvo_survey.extensions import db
from imvo_survey.unit_of_work import is_conflict, retry_on_conflict


def _app_with(make_app, view):
    application = make_app()
    application.add_url_rule("/test-race", "test_race", retry_on_conflict(public(view)), methods=["GET", "POST"])
    return application


def test_a_lost_race_runs_the_view_again_from_the_session_as_it_came(make_app):
    attempts = []

    def view():
        attempts.append(1)
        flash("opgeslagen")
        session["seen"] = session.get("seen", 0) + 1
        if len(attempts) < 3:
            raise StaleDataError("UPDATE statement on table 'response' expected to update 1 row(s); 0 were matched.")
        return {"flashes": get_flashed_messages(), "seen": session["seen"]}

    answer = _app_with(make_app, view).test_client().post("/test-race")
    assert answer.status_code == 200 and len(attempts) == 3
    assert answer.json == {"flashes": ["opgeslagen"], "seen": 1}  # nothing of the lost attempts


def test_a_view_that_keeps_losing_gets_a_conflict_page_never_a_500(make_app):
    def view():
        raise StaleDataError("lost again")

    client = _app_with(make_app, view).test_client()
    page = client.post("/test-race")
    assert page.status_code == 409
    assert "Niets van uw laatste handeling is opgeslagen" in page.get_data(as_text=True)
    as_json = client.post("/test-race", headers={"Accept": "application/json"})
    assert as_json.status_code == 409 and as_json.json["status"] == "conflict"


def _violation(statement: str) -> IntegrityError:
    with pytest.raises(IntegrityError) as caught:
        db.session.execute(text(statement))
    db.session.rollback()
    return caught.value


def test_a_unique_key_taken_is_a_lost_race_but_a_broken_rule_is_not(app):
    code = db.session.execute(text("SELECT code FROM sector LIMIT 1")).scalar_one()
    unique = _violation(f"INSERT INTO sector (code, label_nl, label_en, position) VALUES ('{code}', 'x', 'x', 99)")
    assert is_conflict(unique)
    broken = _violation("INSERT INTO round (name, slug, year, status, is_baseline, opens_at, closes_at, contact_mode, "
                        "reminder_days, invitation_subject_nl, invitation_subject_en, invitation_intro_nl, "
                        "invitation_intro_en, row_version, created_at, updated_at) VALUES ('r', 'r', 1800, 'draft', "
                        "false, '2010-01-01', '2010-02-01', 'primary', '[]', 's', 's', 'i', 'i', 1, "
                        "'2010-01-01', '2010-01-01')")
    assert not is_conflict(broken)


def test_a_broken_rule_is_not_run_again(make_app):
    attempts = []

    def view():
        attempts.append(1)
        db.session.execute(text("INSERT INTO sector (code) VALUES (NULL)"))
        return "never"

    application = _app_with(make_app, view)
    application.config["PROPAGATE_EXCEPTIONS"] = False
    assert application.test_client().post("/test-race").status_code == 500
    assert len(attempts) == 1
