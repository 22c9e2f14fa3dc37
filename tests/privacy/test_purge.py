"""`imvo privacy purge`: the contacts, accounts and traces of removed contacts of
organisations inactive for longer than the retention period are anonymised; nothing
of organisations that are active, deactivated recently, or answered recently."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.extensions import db
from imvo_survey.models import Contact, InvitationToken, PrivacyEvent, Response, ResponseEvent, User, utcnow
from imvo_survey.organisations.services import remove_contact
from imvo_survey.rounds.services import issue_token

from .. import factories

LONG_AGO = datetime(2012, 3, 1, 12, 0, tzinfo=UTC)


def _organisation_with_contact(name: str, active: bool) -> Contact:
    organisation = factories.make_organisation(name=name, is_active=active)
    return factories.make_contact(organisation, name=f"Contact van {name}", email=f"{name.lower()}@example.org")


@pytest.fixture
def register():
    """Organisations of 2012: one closed down then; one still active; one closed then
    but answering lately; and one closed down yesterday."""
    with time_machine.travel(LONG_AGO, tick=False):
        gone = _organisation_with_contact("Opgeheven", active=False)
        account = factories.make_user("respondent", email="account@opgeheven.example", name="Oud Account",
                                      organisation=gone.organisation, is_active=False)
        removed = factories.make_contact(gone.organisation, name="Eerder Weg", email="weg@opgeheven.example")
        old_round = factories.make_round(year=2011)
        invitation = factories.make_invitation(old_round, gone.organisation, status="invited")
        issue_token(invitation, removed)
        services.start(invitation, Actor(contact=removed))  # the trail records her name and address
        remove_contact(removed)
        active = _organisation_with_contact("Actief", active=True)
        busy = _organisation_with_contact("Bezig", active=False)
        recent = _organisation_with_contact("Pas", active=True)
        db.session.commit()
    recent.organisation.is_active = False  # deactivated today: the period starts now
    busy_invitation = factories.make_invitation(factories.make_round(), busy.organisation, status="invited")
    services.start(busy_invitation, Actor(contact=busy))  # answering although inactive
    db.session.commit()
    return {"gone": gone, "account": account, "active": active, "busy": busy, "recent": recent}


def test_purge_anonymises_only_long_inactive_organisations(runner, register):
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    gone = register["gone"]
    assert f"{gone.organisation_id} Opgeheven: 1 contacts, 1 accounts, 1 addresses of contacts removed earlier" \
        in dry.output
    assert "Dry run: 1 organisations" in dry.output and "nothing was changed" in dry.output
    assert "Actief" not in dry.output and "Bezig" not in dry.output and "Pas" not in dry.output
    db.session.expire_all()
    assert db.session.get(Contact, gone.id).erased_at is None
    assert db.session.scalars(select(PrivacyEvent)).all() == []

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "1 organisations inactive since before" in result.output
    db.session.expire_all()
    assert db.session.get(Contact, gone.id).erased_at is not None
    account = db.session.get(User, register["account"].id)
    assert account.erased_at is not None and account.name is None and "opgeheven" not in account.email
    trace = db.session.scalars(select(InvitationToken).where(InvitationToken.contact_id.is_(None))).one()
    assert trace.email == "removed@erased.invalid"
    event = db.session.scalars(select(ResponseEvent).join(Response).where(
        Response.organisation_id == gone.organisation_id)).one()
    assert event.actor_erased and event.actor_name is None and event.actor_email is None
    for kept in ("active", "busy", "recent"):
        assert db.session.get(Contact, register[kept].id).erased_at is None, kept
    busy = db.session.scalars(select(ResponseEvent).join(Response).where(
        Response.organisation_id == register["busy"].organisation_id)).one()
    assert busy.actor_name == "Contact van Bezig" and not busy.actor_erased
    logged = {(e.action, e.contact_id, e.organisation_id) for e in db.session.scalars(select(PrivacyEvent))}
    assert logged == {("purge", gone.id, gone.organisation_id), ("purge", None, gone.organisation_id)}

    again = runner.invoke(args=["privacy", "purge"])
    assert again.exit_code == 0 and "0 organisations" in again.output


def test_the_retention_period_is_a_setting(app, runner, register):
    saved = app.config["PRIVACY_RETENTION_DAYS"]
    try:
        app.config["PRIVACY_RETENTION_DAYS"] = (utcnow() - LONG_AGO + timedelta(days=1)).days
        assert "0 organisations" in runner.invoke(args=["privacy", "purge", "--dry-run"]).output
        app.config["PRIVACY_RETENTION_DAYS"] = 0
        refused = runner.invoke(args=["privacy", "purge"])
        assert refused.exit_code == 1
        assert "IMVO_PRIVACY_RETENTION_DAYS must be at least 1 (it is 0)." in refused.output
    finally:
        app.config["PRIVACY_RETENTION_DAYS"] = saved


def test_the_default_retention_is_seven_years(app, monkeypatch):
    from imvo_survey import create_app

    assert create_app("testing").config["PRIVACY_RETENTION_DAYS"] == 7 * 365
    monkeypatch.setenv("IMVO_PRIVACY_RETENTION_DAYS", "400")
    assert create_app("testing").config["PRIVACY_RETENTION_DAYS"] == 400
