"""Rounds: creating, copying, the baseline rule, status changes, targeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from imvo_survey.deadlines import deadline_for, is_open_for
from imvo_survey.extensions import db
from imvo_survey.models import Invitation, Round, RoundEvent, utcnow
from imvo_survey.organisations.services import OrganisationFilter
from imvo_survey.rounds.creating import RESERVED_SLUGS, copy_round
from imvo_survey.rounds.services import (
    RoundError,
    add_targets,
    close_round,
    extend_deadline,
    open_round,
    preview_targets,
    reopen_round,
)

from .. import factories


def test_create_round_with_defaults():
    round = factories.make_round(status="draft", name="Inventarisatie IMVO 2010", slug="imvo-2010")
    assert round.status == "draft" and round.reminder_days == [7, 2] and round.contact_mode == "primary"
    assert "Inventarisatie IMVO 2010" in round.invitation_subject_nl
    assert round.association_questionnaire.code == "imvo-associations"
    assert [e.kind for e in round.events] == ["created"]


def test_slug_is_unique_and_dates_are_ordered():
    factories.make_round(slug="imvo-2010")
    with pytest.raises(RoundError):
        factories.make_round(slug="imvo-2010")
    now = utcnow()
    with pytest.raises(RoundError):
        factories.make_round(opens_at=now, closes_at=now - timedelta(days=1))


def test_a_short_name_that_is_an_address_of_its_own_is_refused(app):
    """/matrix/choose and /rounds/new would hide a round named "choose" or "new"."""
    fixed_where_a_slug_goes = set()
    rules = [str(rule) for rule in app.url_map.iter_rules()]
    for rule in rules:
        if "/<slug>" not in rule:
            continue
        prefix = rule.split("/<slug>")[0] + "/"
        for other in rules:
            segment = other[len(prefix):].split("/")[0] if other.startswith(prefix) else ""
            if segment and "<" not in segment:
                fixed_where_a_slug_goes.add(segment)
    assert fixed_where_a_slug_goes == RESERVED_SLUGS
    for slug in sorted(RESERVED_SLUGS):
        with pytest.raises(RoundError, match=f"De korte naam {slug} is een adres van de applicatie zelf"):
            factories.make_round(slug=slug)


def test_only_published_versions_for_the_right_audience():
    association, company = factories.published_versions()
    from imvo_survey.questionnaires.services import new_draft_from

    draft = new_draft_from(company)
    with pytest.raises(RoundError):
        factories.make_round(company=draft)
    with pytest.raises(RoundError):
        factories.make_round(association=company, company=None)


def test_one_baseline_per_questionnaire_in_the_service_and_the_database():
    first = factories.make_round(is_baseline=True)
    with pytest.raises(RoundError, match=first.name):
        factories.make_round(is_baseline=True)
    other = factories.make_round()
    db.session.commit()
    other.is_baseline = True
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_baseline_per_questionnaire_not_per_round():
    association, company = factories.published_versions()
    factories.make_round(is_baseline=True, association=association, company=None)
    factories.make_round(is_baseline=True, association=None, company=company)
    db.session.commit()


def test_status_changes_are_logged_and_reopening_needs_a_reason():
    round = factories.make_round(status="draft")
    open_round(round)
    close_round(round)
    with pytest.raises(RoundError):
        reopen_round(round, "  ")
    reopen_round(round, "Late answers from three boards")
    kinds = [(e.kind, e.detail) for e in db.session.scalars(select(RoundEvent).where(RoundEvent.round_id == round.id)
                                                             .order_by(RoundEvent.id))]
    assert kinds[1:] == [("opened", None), ("closed", None), ("reopened", "Late answers from three boards")]
    with pytest.raises(RoundError):
        open_round(round)


def test_copy_round_takes_settings_targets_and_newest_versions():
    source = factories.make_round(name="IMVO 2010", slug="imvo-2010")
    source.reminder_days = [10, 3]
    source.contact_mode = "all"
    kept = factories.make_organisation(name="Blijft")
    gone = factories.make_organisation(name="Weg", is_active=False)
    add_targets(source, [kept, gone])
    from imvo_survey.questionnaires.services import new_draft_from, publish

    newer = new_draft_from(source.company_version)
    publish(newer, None)
    now = utcnow()
    copy = copy_round(source, "IMVO 2011", "imvo-2011", 2011, now, now + timedelta(days=30))
    assert copy.copied_from is source and copy.reminder_days == [10, 3] and copy.contact_mode == "all"
    assert copy.company_version is newer and copy.association_version is source.association_version
    assert [inv.organisation.name for inv in copy.invitations] == ["Blijft"]
    assert all(inv.status == "targeted" for inv in copy.invitations)


def test_targeting_by_filters_and_by_hand():
    round = factories.make_round()
    food = factories.make_organisation(name="Voedsel Vereniging", sector=factories.sector("voedsel_drank"))
    factories.make_contact(food)
    factories.make_organisation(name="Metaal BV", kind="company", size="mkb",
                                sector=factories.sector("industriele_goederen"),
                                branch=factories.branch("metals"))
    silent = factories.make_organisation(name="Zonder Contact", kind="company", size="large")
    factories.make_organisation(name="Inactief", is_active=False)
    preview = preview_targets(round, OrganisationFilter(kind="company"))
    assert {o.name for o in preview.new} == {"Metaal BV", "Zonder Contact"}
    assert {o.name for o in preview.no_contact} == {"Metaal BV", "Zonder Contact"}
    branch_id = factories.branch("metals").id
    assert [o.name for o in preview_targets(round, OrganisationFilter(branch_id=branch_id)).new] == ["Metaal BV"]
    assert [o.name for o in preview_targets(round, OrganisationFilter(size="large")).new] == ["Zonder Contact"]
    by_hand = preview_targets(round, OrganisationFilter(), [food.id, silent.id])
    assert {o.name for o in by_hand.new} == {"Voedsel Vereniging", "Zonder Contact"}
    add_targets(round, by_hand.new)
    again = preview_targets(round, OrganisationFilter())
    assert {o.name for o in again.already} == {"Voedsel Vereniging", "Zonder Contact"}
    invitation = db.session.scalar(select(Invitation).where(Invitation.organisation_id == food.id))
    assert (invitation.status, invitation.audience) == ("targeted", "association")


def test_organisations_without_a_questionnaire_for_their_kind_are_left_out():
    association, _company = factories.published_versions()
    round = factories.make_round(company=None, association=association)
    company = factories.make_organisation(kind="company")
    preview = preview_targets(round, OrganisationFilter(), [company.id])
    assert preview.new == [] and preview.no_questionnaire == [company]


def test_extension_keeps_one_organisation_open_after_closing():
    round = factories.make_round()
    late = factories.make_organisation(name="Laat")
    other = factories.make_organisation(name="Op tijd")
    with pytest.raises(RoundError):
        extend_deadline(round, late, round.closes_at - timedelta(days=1), "te vroeg")
    extend_deadline(round, late, round.closes_at + timedelta(days=10), "Jaarverslag later klaar")
    close_round(round)
    after = round.closes_at + timedelta(days=2)
    assert deadline_for(round, late.id) == round.closes_at + timedelta(days=10)
    assert is_open_for(round, late.id, after) and not is_open_for(round, other.id, after)
    assert not is_open_for(round, late.id, round.closes_at + timedelta(days=11))


def test_round_pages(secretariat_client):
    association, company = factories.published_versions()
    target = factories.make_organisation(name="Doelwit", sector=factories.sector("banken"))
    db.session.commit()
    response = secretariat_client.post("/rounds/new", data={
        "name": "Inventarisatie IMVO 2010", "year": "2010", "association_version_id": str(association.id),
        "company_version_id": str(company.id), "opens_at": "2010-06-01T09:00", "closes_at": "2010-09-30T17:00",
        "is_baseline": "y", "contact_mode": "primary", "reminder_days": "7, 2"})
    assert response.location == "/rounds/inventarisatie-imvo-2010"
    round = db.session.scalar(select(Round))
    assert round.is_baseline and round.opens_at.hour == 7  # 09:00 in Amsterdam summer time is 07:00 UTC
    empty = secretariat_client.get("/rounds/inventarisatie-imvo-2010").get_data(as_text=True)
    assert "Nog geen organisaties in deze uitvraag." in empty and ": ." not in empty  # no empty list in a sentence
    page = secretariat_client.get("/rounds/inventarisatie-imvo-2010/target?preview=1&kind=branch_association")
    assert "Doelwit" in page.get_data(as_text=True)
    added = secretariat_client.post("/rounds/inventarisatie-imvo-2010/target?preview=1&kind=branch_association",
                                    data={"organisation": str(target.id)}, follow_redirects=True)
    assert "1 organisatie is aan de uitvraag toegevoegd." in added.get_data(as_text=True)  # one, not "organisaties"
    assert "1 organisatie in deze uitvraag" in added.get_data(as_text=True)
    db.session.expire_all()
    assert len(db.session.scalar(select(Round)).invitations) == 1
    secretariat_client.post("/rounds/inventarisatie-imvo-2010/open")
    db.session.expire_all()
    assert db.session.scalar(select(Round)).status == "open"


def test_round_form_errors(secretariat_client):
    page = secretariat_client.post("/rounds/new", data={
        "name": "X", "year": "1800", "opens_at": "2010-06-01T09:00", "closes_at": "2010-05-01T09:00",
        "reminder_days": "zeven", "contact_mode": "primary"}).get_data(as_text=True)
    for field in ("year", "closes_at", "reminder_days", "association_version_id"):
        assert f'href="#{field}"' in page
    assert 'value="X"' in page


def test_round_pages_access(analyst_client, respondent_client):
    round = factories.make_round(slug="imvo-2010")
    db.session.commit()
    assert analyst_client.get("/rounds/").status_code == 200
    assert analyst_client.get("/rounds/imvo-2010").status_code == 200
    assert analyst_client.get("/rounds/new").status_code == 403
    assert analyst_client.post("/rounds/imvo-2010/close").status_code == 403
    assert respondent_client.get("/rounds/").status_code == 403
    assert respondent_client.get(f"/rounds/{round.slug}").status_code == 403
