"""The unit of work (`unit_of_work`): `saving`, which commits a view's work or rolls it
back on a service's refusal; and the retry that runs a view again when it loses a race:
what counts as a lost race, what the next attempt starts from, and the page when it
keeps losing. The races themselves are shown against gunicorn in tests/races/."""

from __future__ import annotations

import pytest
from flask import flash, get_flashed_messages, session
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from imvo_survey.access import public
from imvo_survey.answers.services import AlreadyDone as ResponseAlreadyDone
from imvo_survey.answers.services import ResponseError
from imvo_survey.extensions import db
from imvo_survey.models import Organisation
from imvo_survey.rounds.services import AlreadyDone, RoundError
from imvo_survey.unit_of_work import flash_refusal, is_conflict, retry_on_conflict, saving
from tests.factories import make_organisation


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


# --- saving: the unit of work inside a view ------------------------------------------

def _kept(name: str) -> bool:
    """Whether an organisation of this name is in the database (after what was not committed is dropped)."""
    db.session.rollback()
    return db.session.scalar(select(Organisation.id).where(Organisation.name == name)) is not None


def test_saving_commits_the_work_when_the_block_ends():
    with saving(RoundError) as outcome:
        make_organisation(name="Bewaard")
    assert outcome.committed and not outcome.refused and outcome.error is None
    assert _kept("Bewaard")


def test_a_refusal_rolls_the_work_back_and_is_kept_for_the_view():
    refusal = RoundError("De ronde is gesloten.")
    with saving(RoundError, ResponseError) as outcome:
        make_organisation(name="Geweigerd")
        raise refusal
    assert outcome.refused and outcome.error is refusal and not outcome.committed
    assert not _kept("Geweigerd")


def test_any_other_error_goes_on_and_nothing_is_committed():
    with pytest.raises(KeyError):
        with saving(RoundError) as outcome:
            make_organisation(name="Half")
            raise KeyError("bug")
    assert not outcome.committed and not outcome.refused
    assert not _kept("Half")


@pytest.mark.parametrize("race", [StaleDataError("0 rows matched"),
                                  IntegrityError("INSERT", {}, Exception("unique"))])
def test_a_lost_race_is_never_taken_for_a_refusal(race):
    with pytest.raises(type(race)):
        with saving(Exception) as outcome:  # even a refusal as broad as this lets the race through
            raise race
    assert not outcome.refused and not outcome.committed


def test_discarded_work_is_rolled_back_without_a_refusal():
    with saving(RoundError) as outcome:
        make_organisation(name="Verworpen")
        outcome.discard()
    assert not outcome.committed and not outcome.refused
    assert not _kept("Verworpen")


def test_a_view_whose_unit_of_work_lost_a_race_runs_again(make_app):
    attempts = []

    def view():
        attempts.append(1)
        with saving(RoundError) as outcome:
            make_organisation(name=f"Poging {len(attempts)}")
            if len(attempts) == 1:
                raise StaleDataError("UPDATE statement on table 'round' expected to update 1 row(s); 0 were matched.")
        return {"committed": outcome.committed}

    answer = _app_with(make_app, view).test_client().post("/test-race")
    assert answer.json == {"committed": True} and len(attempts) == 2
    assert _kept("Poging 2") and not _kept("Poging 1")


def test_a_refusal_is_flashed_as_an_error_and_work_done_already_as_information(app):
    with app.test_request_context("/"):
        flash_refusal(RoundError("De ronde is gesloten."))
        flash_refusal(AlreadyDone("De ronde is al open."))
        flash_refusal(ResponseAlreadyDone("Al geaccepteerd."))
        assert get_flashed_messages(with_categories=True) == [
            ("error", "De ronde is gesloten."), ("info", "De ronde is al open."), ("info", "Al geaccepteerd.")]
