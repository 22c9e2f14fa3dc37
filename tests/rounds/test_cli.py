"""`imvo round ...` commands."""

from __future__ import annotations

from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Invitation, OutboxMessage, Round

from .. import factories


def test_create_target_open_invite_close(runner):
    factories.published_versions()
    association = factories.make_organisation(name="CLI Vereniging", kvk_number="12345678")
    factories.make_contact(association)
    company = factories.make_organisation(name="CLI Bedrijf", kind="company", size="mkb",
                                          sector=factories.sector("banken"))
    factories.make_contact(company)
    factories.make_organisation(name="Zonder Contact")
    db.session.commit()

    result = runner.invoke(args=["round", "create", "--name", "Inventarisatie IMVO 2010", "--year", "2010",
                                 "--association-questionnaire", "imvo-associations:1",
                                 "--company-questionnaire", "imvo-companies", "--opens", "2010-06-01",
                                 "--closes", "2030-09-30", "--baseline"])
    assert result.exit_code == 0, result.output
    assert "inventarisatie-imvo-2010" in result.output
    round = db.session.scalar(select(Round))
    assert round.is_baseline and round.company_version.number == 1

    result = runner.invoke(args=["round", "target", "inventarisatie-imvo-2010", "--kind", "branch_association"])
    assert "Added 2 organisations" in result.output and "Zonder Contact" in result.output
    result = runner.invoke(args=["round", "target", str(round.id), "--sector", "banken"])
    assert "Added 1 organisation;" in result.output  # one, not "1 organisations"
    assert runner.invoke(args=["round", "target", str(round.id), "--org", "99999999"]).exit_code != 0

    refused = runner.invoke(args=["round", "invite", str(round.id)])
    assert refused.exit_code != 0  # not open yet
    assert "is open" in runner.invoke(args=["round", "open", "inventarisatie-imvo-2010"]).output
    dry = runner.invoke(args=["round", "invite", str(round.id), "--dry-run"])
    assert "2 would be invited" in dry.output and "Zonder Contact has no usable contact" in dry.output
    assert db.session.scalar(select(OutboxMessage)) is None
    real = runner.invoke(args=["round", "invite", str(round.id)])
    assert "2 invitations queued" in real.output  # the organisation without a contact cannot be reached
    statuses = set(db.session.scalars(select(Invitation.status)))
    assert statuses == {"invited", "targeted"}  # the organisation without a contact stays targeted
    listed = runner.invoke(args=["round", "list"])
    assert "inventarisatie-imvo-2010" in listed.output and "invited 2" in listed.output
    assert "is closed" in runner.invoke(args=["round", "close", str(round.id)]).output


def test_copy_of_and_errors(runner):
    source = factories.make_round(slug="imvo-2010")
    factories.make_invitation(source)
    db.session.commit()
    result = runner.invoke(args=["round", "create", "--name", "IMVO 2011", "--year", "2011", "--opens",
                                 "2011-06-01", "--closes", "2011-09-30", "--copy-of", "imvo-2010"])
    assert result.exit_code == 0 and "with 1 organisation." in result.output
    bad = runner.invoke(args=["round", "create", "--name", "X", "--year", "2011", "--opens", "1 juni",
                              "--closes", "2011-09-30", "--company-questionnaire", "imvo-companies"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    none = runner.invoke(args=["round", "create", "--name", "Y", "--year", "2011", "--opens", "2011-06-01",
                               "--closes", "2011-09-30"])
    assert none.exit_code != 0
    assert runner.invoke(args=["round", "open", "nope"]).exit_code != 0


def test_target_names_the_organisations_and_the_problems(runner):
    round = factories.make_round(slug="imvo-2010")
    reachable = factories.make_organisation(name="Bereikbare Vereniging")
    factories.make_contact(reachable)
    factories.make_organisation(name="Stille Vereniging")  # no contact
    factories.make_organisation(name="Slapende Vereniging", is_active=False)
    db.session.commit()

    dry = runner.invoke(args=["round", "target", "imvo-2010", "--kind", "branch_association", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert f"would add  Bereikbare Vereniging (id {reachable.id})" in dry.output
    assert "would add  Stille Vereniging" in dry.output and "Slapende" not in dry.output
    assert "problem: Stille Vereniging" in dry.output and "no usable contact e-mail" in dry.output
    assert "Dry run: 2 organisations would be added" in dry.output and "nothing saved" in dry.output
    assert db.session.scalar(select(Invitation)) is None

    real = runner.invoke(args=["round", "target", "imvo-2010", "--kind", "branch_association"])
    assert "added  Bereikbare Vereniging" in real.output and "added  Stille Vereniging" in real.output
    assert "problem: Stille Vereniging" in real.output and "Added 2 organisations" in real.output
    db.session.expire_all()
    assert len(db.session.get(Round, round.id).invitations) == 2
    again = runner.invoke(args=["round", "target", "imvo-2010", "--kind", "branch_association", "--dry-run"])
    assert "would add" not in again.output and "0 organisations would be added; 2 already in the round" in again.output


def test_copy_of_takes_the_questionnaire_versions_given(runner):
    from imvo_survey.questionnaires.services import new_draft_from, publish

    source = factories.make_round(slug="imvo-2010")
    factories.make_invitation(source)
    first_company = source.company_version
    publish(new_draft_from(first_company), None)  # version 2: what a plain copy would take
    db.session.commit()

    result = runner.invoke(args=["round", "create", "--name", "IMVO 2011", "--year", "2011", "--opens", "2011-06-01",
                                 "--closes", "2011-09-30", "--copy-of", "imvo-2010",
                                 "--company-questionnaire", f"imvo-companies:{first_company.number}"])
    assert result.exit_code == 0, result.output
    copy = db.session.scalar(select(Round).where(Round.slug == "imvo-2011"))
    assert copy.copied_from_id == source.id and copy.company_version_id == first_company.id
    assert copy.association_version_id == source.association_version_id  # not given: the newest
    assert len(copy.invitations) == 1

    plain = runner.invoke(args=["round", "create", "--name", "IMVO 2012", "--year", "2012", "--opens", "2012-06-01",
                                "--closes", "2012-09-30", "--copy-of", "imvo-2010"])
    assert plain.exit_code == 0, plain.output
    assert db.session.scalar(select(Round).where(Round.slug == "imvo-2012")).company_version.number == 2

    wrong = runner.invoke(args=["round", "create", "--name", "IMVO 2013", "--year", "2013", "--opens", "2013-06-01",
                                "--closes", "2013-09-30", "--copy-of", "imvo-2010",
                                "--association-questionnaire", "imvo-companies"])
    assert wrong.exit_code != 0 and "imvo-companies" in wrong.output  # not a questionnaire for associations
    assert db.session.scalar(select(Round).where(Round.slug == "imvo-2013")) is None
