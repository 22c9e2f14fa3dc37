"""Every invariant of the register is a database constraint, not only a form check."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.exc import DataError, IntegrityError

from imvo_survey.extensions import db
from imvo_survey.models import (
    BenchmarkScore,
    Contact,
    Organisation,
    Sector,
    SectorAlias,
    User,
    organisation_membership,
)

from .. import factories


def assert_refused(*objects):
    """Adding `objects` must fail in the database itself (PostgreSQL reports a value
    longer than its column as a DataError)."""
    for item in objects:
        db.session.add(item)
    with pytest.raises((IntegrityError, DataError)):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize("values", [
    {"kind": "ngo"},
    {"kind": "branch_association", "size": "mkb"},
    {"kind": "company", "size": "medium"},
    {"kvk_number": "1234567"},
    {"kvk_number": "1234567a"},
    {"kvk_number": "123456789"},
    {"member_count": -1},
    {"member_count": 10, "mkb_member_count": 11},
    {"mkb_member_count": -2},
    {"kind": "company", "size": "large", "member_count": 5},
    {"kind": "product_board", "is_listed": True},
    {"name": "   "},
], ids=lambda values: ",".join(f"{k}={v}" for k, v in values.items()))
def test_organisation_checks(values):
    organisation = Organisation(name=values.pop("name", "Test"), kind=values.pop("kind", "branch_association"),
                                **values)
    assert_refused(organisation)


def test_valid_organisations_are_accepted():
    factories.make_organisation(kind="company", size="large", kvk_number="01234567", is_listed=True)
    factories.make_organisation(kind="industry_board", member_count=10, mkb_member_count=10)
    db.session.commit()


def test_kvk_number_is_unique():
    factories.make_organisation(kvk_number="12345678")
    assert_refused(Organisation(name="Other", kind="company", kvk_number="12345678"))


def test_name_and_kind_are_unique_whatever_the_case_and_spacing():
    factories.make_organisation(name="Vereniging  Koffie", kind="branch_association")
    assert_refused(Organisation(name="vereniging koffie ", kind="branch_association"))


def test_same_name_of_another_kind_is_allowed():
    factories.make_organisation(name="Koffie", kind="branch_association")
    factories.make_organisation(name="Koffie", kind="company")
    db.session.commit()


def test_a_company_is_not_its_own_member():
    organisation = factories.make_organisation()
    with pytest.raises(IntegrityError):
        db.session.execute(insert(organisation_membership).values(
            member_id=organisation.id, association_id=organisation.id))
    db.session.rollback()


def _refused_statement(statement):
    """Executing `statement` must fail in the database (a trigger, here)."""
    with pytest.raises(IntegrityError):
        db.session.execute(statement)
    db.session.rollback()


def test_a_company_may_be_a_member_of_an_association_or_board():
    company = factories.make_organisation(kind="company")
    company.associations = [factories.make_organisation(kind=kind)
                            for kind in ("branch_association", "product_board", "industry_board")]
    db.session.commit()


@pytest.mark.parametrize("member_kind, association_kind", [
    ("branch_association", "branch_association"),
    ("product_board", "industry_board"),
    ("company", "company"),
    ("industry_board", "company"),
])
def test_only_companies_are_members_of_only_associations(member_kind, association_kind):
    member = factories.make_organisation(kind=member_kind)
    association = factories.make_organisation(kind=association_kind)
    _refused_statement(insert(organisation_membership).values(member_id=member.id,
                                                               association_id=association.id))


def test_a_membership_cannot_be_moved_to_a_company():
    company = factories.make_organisation(kind="company")
    company.associations = [factories.make_organisation(kind="branch_association")]
    other_company = factories.make_organisation(kind="company")
    db.session.commit()
    _refused_statement(update(organisation_membership).values(association_id=other_company.id))


def _member_and_association():
    company = factories.make_organisation(kind="company", size=None)
    association = factories.make_organisation(kind="branch_association")
    company.associations = [association]
    db.session.commit()
    return company.id, association.id


def test_a_member_company_cannot_become_an_association():
    company_id, _ = _member_and_association()
    _refused_statement(update(Organisation).where(Organisation.id == company_id)
                       .values(kind="branch_association"))


def test_an_association_with_members_cannot_become_a_company():
    _, association_id = _member_and_association()
    _refused_statement(update(Organisation).where(Organisation.id == association_id).values(kind="company"))


def test_kinds_change_freely_without_memberships():
    """The same changes pass when no membership contradicts them, and between the kinds
    that have members."""
    company_id, association_id = _member_and_association()
    db.session.execute(update(Organisation).where(Organisation.id == association_id)
                       .values(kind="product_board"))
    db.session.execute(organisation_membership.delete())
    db.session.execute(update(Organisation).where(Organisation.id == company_id)
                       .values(kind="branch_association"))
    db.session.execute(update(Organisation).where(Organisation.id == association_id).values(kind="company"))
    db.session.commit()


def test_contact_name_is_not_blank():
    organisation = factories.make_organisation()
    assert_refused(Contact(organisation=organisation, name="  ", email="b@example.org", language="nl"))


def test_contact_email_is_stored_in_lower_case():
    organisation = factories.make_organisation()
    assert_refused(Contact(organisation=organisation, name="A", email="A@Example.org", language="nl"))


def test_contact_email_unique_within_an_organisation():
    organisation = factories.make_organisation()
    factories.make_contact(organisation, email="a@example.org")
    assert_refused(Contact(organisation=organisation, name="B", email="a@example.org", language="nl"))


def test_same_contact_email_at_two_organisations_is_allowed():
    factories.make_contact(factories.make_organisation(), email="a@example.org")
    factories.make_contact(factories.make_organisation(), email="a@example.org")
    db.session.commit()


def test_at_most_one_primary_contact():
    organisation = factories.make_organisation()
    factories.make_contact(organisation, is_primary=True)
    assert_refused(Contact(organisation=organisation, name="B", email="b@example.org", language="nl",
                           is_primary=True))


def test_contact_language_is_dutch_or_english():
    organisation = factories.make_organisation()
    assert_refused(Contact(organisation=organisation, name="B", email="b@example.org", language="de"))


def test_user_email_unique():
    factories.make_user("analyst", email="a@example.org")
    assert_refused(User(email="a@example.org", role="analyst"))


def test_user_email_lower_case():
    assert_refused(User(email="A@example.org", role="analyst"))


@pytest.mark.parametrize("role, with_organisation", [
    ("respondent", False), ("secretariat", True), ("analyst", True), ("owner", False)])
def test_user_role_and_organisation(role, with_organisation):
    organisation = factories.make_organisation() if with_organisation else None
    assert_refused(User(email="x@example.org", role=role, organisation=organisation))


@pytest.mark.parametrize("values", [
    {"total_score": 100.5},
    {"total_score": -1},
    {"chain_score": 10.1},
    {"chain_score": -0.5},
    {"company_count": 3, "listed_count": 4},
    {"company_count": -1},
    {"year": 1980},
    {"level": "country"},
], ids=lambda values: ",".join(f"{k}={v}" for k, v in values.items()))
def test_benchmark_ranges(values):
    row = dict(year=2008, level="sector", sector=factories.sector(), total_score=50, chain_score=5)
    row.update(values)
    assert_refused(BenchmarkScore(**row))


def test_benchmark_level_needs_its_subject():
    organisation = factories.make_organisation(kind="company")
    assert_refused(BenchmarkScore(year=2008, level="sector"))
    assert_refused(BenchmarkScore(year=2008, level="organisation", sector=factories.sector()))
    assert_refused(BenchmarkScore(year=2008, level="sector", sector=factories.sector(),
                                  organisation=organisation))


def test_one_sector_row_per_source_and_year():
    db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector(), total_score=30))
    db.session.flush()
    assert_refused(BenchmarkScore(year=2008, level="sector", sector=factories.sector(), total_score=31))


def test_one_organisation_row_per_source_and_year():
    organisation = factories.make_organisation(kind="company")
    db.session.add(BenchmarkScore(year=2009, level="organisation", organisation=organisation))
    db.session.flush()
    assert_refused(BenchmarkScore(year=2009, level="organisation", organisation=organisation))


def test_reference_codes_and_aliases_are_unique(reseed_reference_after):
    assert_refused(Sector(code="banken", label_nl="Banken 2", label_en="Banks 2", position=99))
    assert_refused(SectorAlias(sector=factories.sector("banken"), alias="Consumentenp."))


def test_timestamps_are_set_per_row_and_read_back_in_utc():
    from datetime import UTC

    first = factories.make_organisation()
    second = factories.make_organisation()
    db.session.commit()
    db.session.expire_all()
    assert first.created_at.tzinfo == UTC
    assert first.created_at <= second.created_at


def test_the_edit_page_turns_a_member_company_into_an_association(secretariat_client):
    """The page removes the memberships before it changes the kind, so the trigger passes."""
    company_id, _ = _member_and_association()
    response = secretariat_client.post(f"/organisations/{company_id}/edit", data={
        "name": "Nu een vereniging", "kind": "branch_association", "is_active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, company_id)
    assert organisation.kind == "branch_association" and organisation.associations == []


def test_the_edit_page_explains_why_an_association_with_members_stays_one(secretariat_client):
    _, association_id = _member_and_association()
    secretariat_client.get("/language/en")
    response = secretariat_client.post(f"/organisations/{association_id}/edit", data={
        "name": "Vereniging", "kind": "company", "is_active": "y"})
    assert response.status_code == 200
    assert "Companies are registered as members of this organisation" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, association_id).kind == "branch_association"


def test_the_edit_page_turns_an_association_into_a_member_company_in_one_save(secretariat_client):
    """Kind and memberships change together: the organisation row is written first."""
    old = factories.make_organisation(name="Was een vereniging", kind="branch_association")
    association = factories.make_organisation(name="Koepel", kind="branch_association")
    db.session.commit()
    old_id, association_id = old.id, association.id
    response = secretariat_client.post(f"/organisations/{old_id}/edit", data={
        "name": "Nu een bedrijf", "kind": "company", "size": "mkb", "is_active": "y",
        "associations": [str(association_id)]})
    assert response.status_code == 302
    db.session.expire_all()
    organisation = db.session.get(Organisation, old_id)
    assert organisation.kind == "company" and [a.id for a in organisation.associations] == [association_id]


def test_the_new_page_adds_a_company_with_its_associations(secretariat_client):
    association = factories.make_organisation(name="Koepel", kind="branch_association")
    db.session.commit()
    response = secretariat_client.post("/organisations/new", data={
        "name": "Nieuw bedrijf", "kind": "company", "size": "mkb", "is_active": "y",
        "associations": [str(association.id)]})
    assert response.status_code == 302
    db.session.expire_all()
    company = db.session.scalar(select(Organisation).where(Organisation.name == "Nieuw bedrijf"))
    assert [a.name for a in company.associations] == ["Koepel"]
