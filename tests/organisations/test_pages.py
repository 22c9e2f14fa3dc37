"""The register's pages for the secretariat: list, search, filters, create, edit,
deactivate, contacts; forms keep what was typed and point at the field."""

from __future__ import annotations

from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, Organisation, User

from .. import factories


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_list_search_and_filters(secretariat_client):
    koffie = factories.make_organisation(name="Koffie Vereniging", kvk_number="11111111")
    factories.make_contact(koffie, name="Zoë Zoekbaar", email="zoe@example.org")
    factories.make_organisation(name="Staalbedrijf", kind="company", sector=factories.sector("industriele_goederen"),
                                branch=factories.branch("metals"))
    factories.make_organisation(name="Oud Schap", kind="product_board", is_active=False)
    db.session.commit()

    page = _text(secretariat_client.get("/organisations/"))
    assert "Koffie Vereniging" in page and "Staalbedrijf" in page and "Oud Schap" not in page
    assert "2 organisaties gevonden" in page

    assert "Staalbedrijf" not in _text(secretariat_client.get("/organisations/?q=koffie"))
    assert "Koffie Vereniging" in _text(secretariat_client.get("/organisations/?q=11111111"))
    assert "Koffie Vereniging" in _text(secretariat_client.get("/organisations/?q=zoekbaar"))
    assert "Koffie Vereniging" in _text(secretariat_client.get("/organisations/?q=zoe@example"))
    assert "0 organisaties gevonden" in _text(secretariat_client.get("/organisations/?q=%25"))

    by_kind = _text(secretariat_client.get("/organisations/?kind=company"))
    assert "Staalbedrijf" in by_kind and "Koffie Vereniging" not in by_kind
    sector_id = factories.sector("industriele_goederen").id
    by_sector = _text(secretariat_client.get(f"/organisations/?sector={sector_id}"))
    assert "Staalbedrijf" in by_sector and "Koffie Vereniging" not in by_sector
    branch_id = factories.branch("metals").id
    assert "Koffie Vereniging" not in _text(secretariat_client.get(f"/organisations/?branch={branch_id}"))
    inactive = _text(secretariat_client.get("/organisations/?status=inactive"))
    assert "Oud Schap" in inactive and "Staalbedrijf" not in inactive


def test_list_is_paginated(app, secretariat_client):
    for number in range(7):
        factories.make_organisation(name=f"Org {number:02d}")
    db.session.commit()
    app.config["ORGANISATIONS_PER_PAGE"] = 5
    try:
        first = _text(secretariat_client.get("/organisations/?kind=branch_association"))
        second = _text(secretariat_client.get("/organisations/?kind=branch_association&page=2"))
    finally:
        app.config["ORGANISATIONS_PER_PAGE"] = 50
    assert "Org 00" in first and "Org 05" not in first
    assert "Org 05" in second and "Org 00" not in second
    assert "kind=branch_association" in first.split('rel="next"')[0].rsplit("href=", 1)[1]


def test_create_organisation(secretariat_client):
    response = secretariat_client.post("/organisations/new", data={
        "name": "  Nieuwe   Vereniging ", "kind": "branch_association",
        "sector_id": str(factories.sector().id), "branch_id": "", "kvk_number": "12345678",
        "member_count": "40", "mkb_member_count": "30", "website": "https://example.org",
        "is_active": "y"})
    assert response.status_code == 302
    organisation = db.session.scalar(select(Organisation).where(Organisation.kvk_number == "12345678"))
    assert organisation.name == "Nieuwe Vereniging"
    assert organisation.member_count == 40 and organisation.is_active
    assert "contactpersoon" in _text(secretariat_client.get(response.location))


def test_creating_an_inactive_organisation_deactivates_no_other_account(secretariat_client, secretariat,
                                                                          analyst):
    """Issue 10, item 1: the new organisation had no id yet, so deactivating "its" users
    matched `organisation_id IS NULL`: every secretariat and analyst account."""
    other = factories.make_organisation(name="Bestaand")
    respondent = factories.make_user("respondent", organisation=other)
    db.session.commit()
    response = secretariat_client.post("/organisations/new", data={
        "name": "Slapende Vereniging", "kind": "branch_association", "sector_id": str(factories.sector().id)})
    assert response.status_code == 302
    db.session.expire_all()
    created = db.session.scalar(select(Organisation).where(Organisation.name == "Slapende Vereniging"))
    assert created is not None and not created.is_active
    assert all(db.session.get(User, user.id).is_active for user in (secretariat, analyst, respondent))
    assert secretariat_client.get("/organisations/").status_code == 200  # the creator is still logged in


def test_create_with_errors_keeps_what_was_typed(secretariat_client):
    factories.make_organisation(name="Bestaat Al", kvk_number="87654321")
    db.session.commit()
    response = secretariat_client.post("/organisations/new", data={
        "name": "Getypte Naam", "kind": "company", "size": "mkb", "kvk_number": "87654321",
        "member_count": "12", "website": "https://getypt.example.org"})
    page = _text(response)
    assert response.status_code == 200
    assert "Er is een probleem" in page
    assert "Dit KvK-nummer hoort bij Bestaat Al." in page
    assert "Alleen brancheorganisaties en schappen hebben leden." in page
    assert 'href="#kvk_number"' in page and 'href="#member_count"' in page
    assert 'value="Getypte Naam"' in page and 'value="https://getypt.example.org"' in page
    assert db.session.scalar(select(Organisation).where(Organisation.name == "Getypte Naam")) is None


def test_invalid_kvk_and_member_counts(secretariat_client):
    page = _text(secretariat_client.post("/organisations/new", data={
        "name": "X", "kind": "branch_association", "kvk_number": "1234", "member_count": "10",
        "mkb_member_count": "11"}))
    assert "Een KvK-nummer heeft precies 8 cijfers." in page
    assert "Er kunnen niet meer mkb-leden zijn dan leden." in page


def test_duplicate_name_and_kind_is_refused(secretariat_client):
    factories.make_organisation(name="Dubbel", kind="branch_association")
    db.session.commit()
    page = _text(secretariat_client.post("/organisations/new", data={"name": "DUBBEL", "kind": "branch_association"}))
    assert "Er is al een organisatie van deze soort met deze naam." in page


def test_edit_organisation_and_memberships(secretariat_client):
    association = factories.make_organisation(name="Branchevereniging")
    company = factories.make_organisation(name="Bedrijf", kind="company", size="mkb")
    db.session.commit()
    response = secretariat_client.post(f"/organisations/{company.id}/edit", data={
        "name": "Bedrijf B.V.", "kind": "company", "size": "large", "is_listed": "y",
        "associations": [str(association.id)], "is_active": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    company = db.session.get(Organisation, company.id)
    assert company.name == "Bedrijf B.V." and company.size == "large" and company.is_listed
    assert [a.name for a in company.associations] == ["Branchevereniging"]
    assert "Bedrijf B.V." in _text(secretariat_client.get(f"/organisations/{association.id}"))


def test_changing_kind_clears_fields_that_no_longer_apply(secretariat_client):
    organisation = factories.make_organisation(name="Omzetten", kind="company", size="mkb")
    db.session.commit()
    secretariat_client.post(f"/organisations/{organisation.id}/edit", data={
        "name": "Omzetten", "kind": "branch_association", "member_count": "5", "is_active": "y"})
    db.session.expire_all()
    organisation = db.session.get(Organisation, organisation.id)
    assert organisation.kind == "branch_association" and organisation.size is None
    assert organisation.member_count == 5


def test_deactivate_and_activate(secretariat_client):
    organisation = factories.make_organisation(name="Tijdelijk")
    respondent = factories.make_user("respondent", organisation=organisation)
    db.session.commit()
    secretariat_client.post(f"/organisations/{organisation.id}/deactivate")
    db.session.expire_all()
    assert not db.session.get(Organisation, organisation.id).is_active
    assert not db.session.get(User, respondent.id).is_active  # its respondents can no longer log in
    secretariat_client.post(f"/organisations/{organisation.id}/activate")
    db.session.expire_all()
    assert db.session.get(Organisation, organisation.id).is_active


def test_unknown_organisation_is_a_404(secretariat_client):
    assert secretariat_client.get("/organisations/999999").status_code == 404
    assert "Pagina niet gevonden" in _text(secretariat_client.get("/organisations/999999/edit"))


def test_add_edit_and_remove_contacts(secretariat_client):
    organisation = factories.make_organisation(name="Met Contacten")
    db.session.commit()
    url = f"/organisations/{organisation.id}/contacts/new"
    secretariat_client.post(url, data={"name": "Eerste", "email": " Eerste@Example.ORG ", "language": "nl"})
    secretariat_client.post(url, data={"name": "Tweede", "email": "tweede@example.org", "language": "en",
                                       "is_primary": "y"})
    contacts = {c.name: c for c in db.session.scalars(select(Contact))}
    assert contacts["Eerste"].email == "eerste@example.org"
    assert contacts["Tweede"].is_primary and not contacts["Eerste"].is_primary

    response = secretariat_client.post(
        f"/organisations/{organisation.id}/contacts/{contacts['Eerste'].id}/edit",
        data={"name": "Eerste", "email": "eerste@example.org", "language": "en", "is_primary": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Contact, contacts["Eerste"].id).is_primary
    assert not db.session.get(Contact, contacts["Tweede"].id).is_primary

    secretariat_client.post(f"/organisations/{organisation.id}/contacts/{contacts['Tweede'].id}/delete")
    assert [c.name for c in db.session.scalars(select(Contact))] == ["Eerste"]


def test_contact_errors_point_at_the_field(secretariat_client):
    organisation = factories.make_organisation()
    factories.make_contact(organisation, email="bezet@example.org")
    db.session.commit()
    page = _text(secretariat_client.post(f"/organisations/{organisation.id}/contacts/new", data={
        "name": "Iemand", "email": "geen-adres", "language": "nl"}))
    assert 'href="#email"' in page and "Vul een geldig e-mailadres in" in page
    assert 'value="Iemand"' in page
    page = _text(secretariat_client.post(f"/organisations/{organisation.id}/contacts/new", data={
        "name": "Iemand", "email": "BEZET@example.org", "language": "nl"}))
    assert "Deze organisatie heeft al een contactpersoon met dit adres." in page


def test_contact_of_another_organisation_cannot_be_reached_through_this_one(secretariat_client):
    first = factories.make_organisation()
    other = factories.make_organisation()
    contact = factories.make_contact(other)
    db.session.commit()
    assert secretariat_client.get(f"/organisations/{first.id}/contacts/{contact.id}/edit").status_code == 404


def test_import_template_downloads(secretariat_client):
    csv_file = secretariat_client.get("/organisations/import/template.csv")
    assert csv_file.data.startswith("\ufeff".encode()) and b"name;kind;" in csv_file.data
    assert csv_file.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset named once
    xlsx = secretariat_client.get("/organisations/import/template.xlsx")
    assert xlsx.data[:4] == b"PK\x03\x04"
    assert "attachment" in xlsx.headers["Content-Disposition"]
