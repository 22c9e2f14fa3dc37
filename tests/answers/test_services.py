"""The response core: drafts, entries, optimistic locking with a three-way merge,
submission and its lock, the deadline, carrying over last year's answers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import reviewing, services
from imvo_survey.answers.services import Actor, ResponseError
from imvo_survey.extensions import db
from imvo_survey.models import Activity, Answer, Invitation, ResponseEvent
from imvo_survey.rounds.services import close_round, decline, undo_decline

from .. import factories
from ..answering import ACTIVITY, add_activity, answer_required


@pytest.fixture
def started(invited):
    invitation, _token = invited
    actor = Actor(contact=invitation.organisation.contacts[0])
    response = services.start(invitation, actor)
    db.session.commit()
    return response, actor


def test_start_follows_the_invitation(started, invited):
    response, _actor = started
    invitation, _token = invited
    assert response.version.questionnaire.code == "imvo-associations" and response.status == "in_progress"
    assert invitation.status == "in_progress"
    assert services.start(invitation, Actor()) is response  # one response per invitation


def test_a_draft_saves_what_fits_and_reports_the_rest(started):
    response, actor = started
    result = services.save_section(response, "profile", {"member_count": "1.200", "member_count_mkb": "veel",
                                                         "main_import_countries": ["CI", "BR"]},
                                   None, response.lock_version, actor)
    assert list(result.errors) == ["member_count_mkb"]
    _layout, doc = services.document_of(response)
    assert doc.answers["member_count"] == 1200 and doc.answers["main_import_countries"] == ["CI", "BR"]
    assert "member_count_mkb" not in doc.answers
    row = db.session.scalar(select(Answer).where(Answer.code == "member_count"))
    assert row.number_value == 1200.0  # typed columns, so answers add up in SQL


def test_every_save_raises_the_lock_version_and_is_logged(started):
    response, actor = started
    before = response.lock_version
    services.save_section(response, "profile", {"member_count": "10"}, None, before, actor)
    services.save_section(response, "profile", {"member_count": "11"}, None, before + 1, actor)
    assert response.lock_version == before + 2
    saves = [e for e in response.events if e.kind == "saved"]
    assert [c["new"] for e in saves for c in e.changes] == [10, 11]
    assert saves[-1].changes[0]["old"] == 10 and saves[-1].contact == actor.contact


def test_a_stale_save_merges_other_fields_and_reports_real_conflicts(started):
    response, actor = started
    services.save_section(response, "profile", {"member_count": "100", "member_count_mkb": "50"}, None,
                          response.lock_version, actor)
    loaded_version = response.lock_version
    base = {"member_count": 100, "member_count_mkb": 50, "main_product_groups": None, "main_import_countries": None}
    colleague = Actor(user=factories.make_user("respondent", organisation=response.organisation))
    services.save_section(response, "profile", {"member_count": "110"}, None, loaded_version, colleague)
    # I change only the MKB count, on the page loaded before the colleague's save: merged, no conflict
    merged = services.save_section(response, "profile", {"member_count": "100", "member_count_mkb": "60"}, base,
                                   loaded_version, actor)
    assert merged.saved
    _layout, doc = services.document_of(response)
    assert (doc.answers["member_count"], doc.answers["member_count_mkb"]) == (110, 60)
    # I change the member count too: both changed it differently -> conflict, nothing written
    version_now = response.lock_version
    conflict = services.save_section(response, "profile", {"member_count": "130"}, base, loaded_version, actor)
    assert [(c.code, c.mine, c.theirs) for c in conflict.conflicts] == [("member_count", 130, 110)]
    assert response.lock_version == version_now


def test_hidden_answers_are_cleared_when_their_condition_stops(started):
    response, actor = started
    services.save_section(response, "sector_policy", {"frameworks": ["other"], "frameworks_other": "Eigen code"},
                          None, response.lock_version, actor)
    services.save_section(response, "sector_policy", {"frameworks": ["oecd_guidelines"]}, None,
                          response.lock_version, actor)
    _layout, doc = services.document_of(response)
    assert "frameworks_other" not in doc.answers


def test_entries_go_to_the_inventory_tables(started):
    response, actor = started
    key = add_activity(response, actor)
    activity = db.session.scalar(select(Activity))
    assert key == f"activity:{activity.id}"
    assert (activity.title, activity.activity_type.code, activity.member_share, activity.publish_consent) == (
        "Gedragscode koffie", "code_of_conduct", 40.0, True)
    assert [a.code for a in activity.aspects] == ["child_labour", "wages"]
    assert {c.code for c in activity.countries} == {"CI", "GH"}
    assert db.session.scalar(select(Answer).where(Answer.code == "activity_title")) is None  # only first-class


def test_an_entry_needs_its_required_answers_and_valid_values(started):
    response, actor = started
    result = services.save_entry(response, "activity", None, {"activity_title": "", "activity_member_share": "140"},
                                 None, response.lock_version, actor)
    assert set(result.errors) == {"activity_title", "activity_type", "activity_aspects", "activity_member_share",
                                  "activity_publish_consent"}
    assert db.session.scalar(select(Activity)) is None


def test_change_and_remove_an_entry(started):
    response, actor = started
    key = add_activity(response, actor)
    services.save_entry(response, "activity", key, {**ACTIVITY, "activity_title": "Nieuwe titel",
                                                    "activity_aspects": ["climate"]}, None, response.lock_version,
                        actor)
    activity = db.session.scalar(select(Activity))
    assert activity.title == "Nieuwe titel" and [a.code for a in activity.aspects] == ["climate"]
    assert services.remove_entry(response, "activity", key, actor)
    db.session.flush()
    assert db.session.scalar(select(Activity)) is None
    assert [e.kind for e in response.events][-1] == "entry_removed"


def test_at_most_max_repeat_entries(started):
    response, actor = started
    repeat = services.layout_of(response.version).questions["dilemma"]
    repeat_max = repeat["max_repeat"]
    for number in range(repeat_max):
        services.save_entry(response, "dilemma", None, {"dilemma_description": f"D{number}",
                                                        "dilemma_aspects": ["water"]}, None, response.lock_version,
                            actor)
    with pytest.raises(ResponseError):
        services.save_entry(response, "dilemma", None, {"dilemma_description": "te veel",
                                                        "dilemma_aspects": ["water"]}, None, response.lock_version,
                            actor)


def test_submit_checks_everything_then_locks(started, invited):
    response, actor = started
    missing = services.submit(response, actor)
    assert {m.code for m in missing} == {"member_count", "publish_name_consent"}
    answer_required(response, actor)
    assert services.submit(response, actor) == []
    assert response.status == "submitted" and response.submitted_by_contact_id == actor.contact.id
    assert response.snapshot_kind == "branch_association" and response.snapshot_member_count == 100
    assert invited[0].status == "submitted"
    with pytest.raises(ResponseError):
        services.save_section(response, "profile", {"member_count": "5"}, None, response.lock_version, actor)
    # the secretariat may still correct on the organisation's behalf, and that is logged as such
    secretariat = Actor(user=factories.make_user("secretariat"))
    services.save_section(response, "profile", {"member_count": "121"}, None, response.lock_version, secretariat)
    assert response.events[-1].on_behalf


def test_register_edits_after_submission_do_not_change_the_snapshot(started):
    response, actor = started
    answer_required(response, actor)
    services.submit(response, actor)
    response.organisation.sector = factories.sector("banken")
    response.organisation.member_count = 500
    db.session.flush()
    assert response.snapshot_sector.code == "voedsel_drank" and response.snapshot_member_count == 100


def test_no_changes_after_the_deadline_except_an_extension(started, invited):
    response, actor = started
    round = response.round
    with time_machine.travel(round.closes_at + timedelta(minutes=1), tick=False):
        assert not services.editable(response, actor)
        with pytest.raises(ResponseError):
            services.save_section(response, "profile", {"member_count": "5"}, None, response.lock_version, actor)
    from imvo_survey.rounds.services import extend_deadline

    extend_deadline(round, response.organisation, round.closes_at + timedelta(days=3), "Later")
    close_round(round)
    with time_machine.travel(round.closes_at + timedelta(days=1), tick=False):
        assert services.editable(response, actor)


def test_returned_response_stays_open_until_the_date_set(started):
    response, actor = started
    answer_required(response, actor)
    services.submit(response, actor)
    secretariat = factories.make_user("secretariat")
    with pytest.raises(ResponseError):
        reviewing.return_for_clarification(response, "  ", response.round.closes_at, secretariat)
    until = response.round.closes_at + timedelta(days=10)
    reviewing.return_for_clarification(response, "Klopt het aantal leden?", until, secretariat)
    close_round(response.round)
    assert response.invitation.status == "returned"
    with time_machine.travel(until - timedelta(days=1), tick=False):
        assert services.editable(response, actor)
        services.save_section(response, "profile", {"member_count": "125"}, None, response.lock_version, actor)
        assert services.submit(response, actor) == []
    assert response.status == "submitted" and response.returned_until is None
    reviewing.accept(response, secretariat)
    assert response.status == "accepted" and response.invitation.status == "accepted"


def test_declining_follows_the_response(started, invited):
    response, _actor = started
    invitation, _token = invited
    decline(invitation, "geen tijd")
    assert response.status == "declined" and not services.editable(response, Actor(contact=invitation.organisation.contacts[0]))
    undo_decline(invitation)
    assert response.status == "in_progress"


def test_start_from_last_year(invited):
    invitation, _token = invited
    contact = invitation.organisation.contacts[0]
    actor = Actor(contact=contact)
    last_year = services.start(invitation, actor)
    answer_required(last_year, actor)
    services.save_section(last_year, "sector_policy", {"frameworks": ["oecd_guidelines", "un_global_compact"]},
                          None, last_year.lock_version, actor)
    add_activity(last_year, actor)
    services.save_entry(last_year, "dilemma", None, {"dilemma_description": "Kinderarbeid bij toeleveranciers",
                                                     "dilemma_aspects": ["child_labour"]}, None,
                        last_year.lock_version, actor)
    assert services.submit(last_year, actor) == []
    close_round(invitation.round)
    now = invitation.round.closes_at + timedelta(days=200)
    new_round = factories.make_round(name="IMVO 2011", slug="imvo-2011", year=2011, opens_at=now - timedelta(days=1),
                                     closes_at=now + timedelta(days=30))
    new_invitation = factories.make_invitation(new_round, invitation.organisation, status="invited")
    db.session.commit()
    with time_machine.travel(now, tick=False):
        assert services.previous_response(new_invitation) is last_year
        response = services.start(new_invitation, actor, carry_from=last_year)
        _layout, doc = services.document_of(response)
        assert doc.answers["member_count"] == 120
        assert doc.answers["frameworks"] == ["oecd_guidelines", "un_global_compact"]
        [activity] = doc.entries["activity"]
        assert activity.carry_status == "carried" and activity.values["activity_title"] == "Gedragscode koffie"
        assert [e.values["dilemma_description"] for e in doc.entries["dilemma"]] == ["Kinderarbeid bij toeleveranciers"]
        assert any(m.entry == activity.key for m in services.check_submission(response))
        services.confirm_carried(response, activity.key, "ended", actor)
        assert services.check_submission(response) == []
        row = db.session.scalar(select(Activity).where(Activity.response_id == response.id))
        assert row.carry_status == "ended" and row.carried_from_id is not None


def test_editing_a_carried_activity_marks_it_changed(invited):
    invitation, _token = invited
    actor = Actor(contact=invitation.organisation.contacts[0])
    response = services.start(invitation, actor)
    key = add_activity(response, actor)
    row = db.session.scalar(select(Activity))
    row.carry_status = "carried"
    services.save_entry(response, "activity", key, {**ACTIVITY, "activity_member_share": "60"}, None,
                        response.lock_version, actor)
    assert row.carry_status == "changed"


def test_the_audit_trail_records_who_and_what(started):
    response, actor = started
    services.save_section(response, "profile", {"member_count": "99"}, None, response.lock_version, actor)
    event = db.session.scalars(select(ResponseEvent).where(ResponseEvent.kind == "saved")).one()
    assert event.contact_id == actor.contact.id and event.changes == [
        {"code": "member_count", "entry": None, "old": None, "new": 99}]


def test_invitation_status_follows(started, invited):
    invitation = db.session.get(Invitation, invited[0].id)
    assert invitation.status == "in_progress" and invitation.last_activity_at is not None
