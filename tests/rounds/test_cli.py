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
    assert "Added 1 organisations" in result.output
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
    assert result.exit_code == 0 and "with 1 organisations" in result.output
    bad = runner.invoke(args=["round", "create", "--name", "X", "--year", "2011", "--opens", "1 juni",
                              "--closes", "2011-09-30", "--company-questionnaire", "imvo-companies"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    none = runner.invoke(args=["round", "create", "--name", "Y", "--year", "2011", "--opens", "2011-06-01",
                               "--closes", "2011-09-30"])
    assert none.exit_code != 0
    assert runner.invoke(args=["round", "open", "nope"]).exit_code != 0
