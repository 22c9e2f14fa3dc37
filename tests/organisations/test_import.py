"""Importing organisations with contacts: every row checked, all or nothing, in every
file format people make (CSV with ; or , in UTF-8, UTF-8 with BOM or Windows-1252, XLSX)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Contact, Organisation
from imvo_survey.organisations.importer import apply_import, plan_import
from imvo_survey.spreadsheets.reading import TableError, read_table

from .. import factories

HEADER = "name;kind;size;sector;branch;kvk_number;member_count;mkb_member_count;listed;member_of;contact_name;contact_email;contact_language;contact_primary"
GOOD_ROWS = [
    "Vereniging Oliën en Vetten;branch_association;;Voedsel/drank;;12345678;120;80;;;Anna Visser;anna@example.org;nl;ja",
    "Vereniging Oliën en Vetten;branch_association;;voedsel_drank;;12345678;;;;;Bert Smit;bert@example.org;en;nee",
    "Handel B.V.;bedrijf;mkb;Handelsmaats;wholesale_retail;87654321;;;nee;12345678;Carla Jansen;carla@example.org;;",
]


def csv_bytes(rows, delimiter=";", encoding="utf-8", bom=False, header=HEADER) -> bytes:
    text = "\r\n".join([header, *rows]).replace(";", delimiter) + "\r\n"
    data = text.encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def xlsx_bytes(rows, header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header.split(";"))
    for row in rows:
        cells = row.split(";")
        # numbers as numbers, as Excel keeps them
        sheet.append([int(c) if c.isdigit() else (c or None) for c in cells])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def plan_for(data: bytes, filename: str = "file.csv"):
    return plan_import(read_table(data, filename))


def import_bytes(data: bytes, filename: str = "file.csv"):
    plan = plan_for(data, filename)
    assert plan.errors == []
    result = apply_import(plan)
    db.session.commit()
    return result


def _check_imported():
    association = db.session.scalar(select(Organisation).where(Organisation.kvk_number == "12345678"))
    company = db.session.scalar(select(Organisation).where(Organisation.kvk_number == "87654321"))
    assert association.name == "Vereniging Oliën en Vetten"
    assert association.sector.code == "voedsel_drank" and association.member_count == 120
    assert sorted(c.email for c in association.contacts) == ["anna@example.org", "bert@example.org"]
    assert association.primary_contact.name == "Anna Visser"
    assert company.kind == "company" and company.size == "mkb" and company.sector.code == "handelsmaatschappijen"
    assert company.branch.code == "wholesale_retail"
    assert [a.id for a in company.associations] == [association.id]
    assert company.contacts[0].is_primary  # the only contact becomes the primary one


@pytest.mark.parametrize("data, filename", [
    (csv_bytes(GOOD_ROWS), "a.csv"),
    (csv_bytes(GOOD_ROWS, bom=True), "a.csv"),
    (csv_bytes(GOOD_ROWS, delimiter=","), "a.csv"),
    (csv_bytes(GOOD_ROWS, encoding="cp1252"), "a.csv"),
    (csv_bytes(GOOD_ROWS, delimiter=",", encoding="cp1252"), "a.txt"),
    (xlsx_bytes(GOOD_ROWS), "a.xlsx"),
], ids=["utf8-semicolon", "utf8-bom", "comma", "cp1252", "cp1252-comma", "xlsx"])
def test_valid_files_in_every_format(data, filename):
    result = import_bytes(data, filename)
    assert (result.created, result.updated, result.contacts) == (2, 0, 3)
    _check_imported()


def test_dutch_headers_are_accepted():
    header = "Naam;Soort;Sector;KvK-nummer;Leden;MKB leden;Contactpersoon;E-mail;Taal;Primair"
    row = "Vereniging X;Brancheorganisatie;Banken;11112222;10;5;Piet;piet@example.org;Nederlands;ja"
    import_bytes(csv_bytes([row], header=header))
    organisation = db.session.scalar(select(Organisation).where(Organisation.kvk_number == "11112222"))
    assert organisation.kind == "branch_association" and organisation.mkb_member_count == 5


def test_same_kvk_updates_instead_of_duplicating():
    existing = factories.make_organisation(name="Oude Naam", kvk_number="12345678", member_count=5)
    factories.make_contact(existing, name="Anna", email="anna@example.org", is_primary=True)
    db.session.commit()
    plan = plan_for(csv_bytes(GOOD_ROWS))
    assert [p.name for p in plan.to_create] == ["Handel B.V."]
    assert [p.existing.id for p in plan.to_update] == [existing.id]
    apply_import(plan)
    db.session.commit()
    db.session.refresh(existing)
    assert existing.name == "Vereniging Oliën en Vetten" and existing.member_count == 120
    assert db.session.scalar(select(func.count()).select_from(Contact).where(
        Contact.organisation_id == existing.id)) == 2  # anna updated, bert added
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 2


def test_same_name_and_kind_updates_when_there_is_no_kvk():
    existing = factories.make_organisation(name="handel b.v.", kind="company", size="large")
    db.session.commit()
    plan = plan_for(csv_bytes(["Handel  B.V.;company;;;;;;;ja;;;;;"]))
    assert plan.errors == [] and plan.to_update[0].existing.id == existing.id
    apply_import(plan)
    db.session.commit()
    db.session.refresh(existing)
    assert existing.is_listed and existing.size == "large"  # blank keeps the current value


def test_importing_twice_changes_nothing():
    import_bytes(csv_bytes(GOOD_ROWS))
    before = db.session.execute(select(Organisation.id, Organisation.updated_at).order_by(Organisation.id)).all()
    result = import_bytes(csv_bytes(GOOD_ROWS))
    assert (result.created, result.updated) == (0, 2)
    assert db.session.execute(select(Organisation.id, Organisation.updated_at).order_by(Organisation.id)).all() == before


BAD_ROWS = [
    (";branch_association;;;;;;;;;;;;", "name", "De naam is verplicht."),
    ("X;vereniging;;;;;;;;;;;;", "kind", "Onbekende soort"),
    ("X;;;;;;;;;;;;;", "kind", "De soort is verplicht"),
    ("X;branch_association;mkb;;;;;;;;;;;", "size", "Alleen bedrijven hebben een grootte."),
    ("X;company;middel;;;;;;;;;;;", "size", "Onbekende grootte"),
    ("X;company;;Landbouw;;;;;;;;;;", "sector", "Onbekende sector"),
    ("X;company;;;textiel;;;;;;;;;", "branch", "Onbekende branche"),
    ("X;company;;;;1234567A;;;;;;;;", "kvk_number", "precies 8 cijfers"),
    ("X;branch_association;;;;;-3;;;;;;;", "member_count", "geheel getal"),
    ("X;branch_association;;;;;tien;;;;;;;", "member_count", "geheel getal"),
    ("X;branch_association;;;;;10;20;;;;;;", "mkb_member_count", "niet meer mkb-leden"),
    ("X;company;;;;;10;;;;;;;", "member_count", "Alleen brancheorganisaties en schappen hebben leden."),
    ("X;company;;;;;;;misschien;;;;;", "listed", "Gebruik ja of nee"),
    ("X;branch_association;;;;;;;ja;;;;;", "listed", "Alleen bedrijven kunnen beursgenoteerd"),
    ("X;company;;;;;;;;Onbekende Club;;;;", "member_of", "Geen brancheorganisatie of schap"),
    ("X;branch_association;;;;;;;;Iets;;;;", "member_of", "Alleen bedrijven zijn lid"),
    ("X;company;;;;;;;;;Piet;geen-adres;;", "contact_email", "geen geldig e-mailadres"),
    ("X;company;;;;;;;;;;piet@example.org;;", "contact_name", "heeft een naam nodig"),
    ("X;company;;;;;;;;;Piet;;;", "contact_email", "heeft een e-mailadres nodig"),
    ("X;company;;;;;;;;;Piet;piet@example.org;de;", "contact_language", "Gebruik nl of en."),
    ("X;company;;;;;;;;;Piet;piet@example.org;nl;soms", "contact_primary", "Gebruik ja of nee"),
]


@pytest.mark.parametrize("row, column, message", BAD_ROWS, ids=[f"{c}-{i}" for i, (_, c, _) in enumerate(BAD_ROWS)])
def test_each_kind_of_bad_row_is_reported_by_line_and_column(row, column, message):
    plan = plan_for(csv_bytes([GOOD_ROWS[0], row]))
    assert [(e.line, e.column) for e in plan.errors] == [(3, column)]
    assert message in plan.errors[0].message


def test_all_or_nothing():
    plan = plan_for(csv_bytes([*GOOD_ROWS, "Kapot;onbekend;;;;;;;;;;;;"]))
    assert len(plan.errors) == 1
    with pytest.raises(ValueError):
        apply_import(plan)
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_every_row_is_checked_not_just_the_first_error():
    plan = plan_for(csv_bytes(["A;x;;;;;;;;;;;;", "B;y;;;;;;;;;;;;", "C;company;;;;123;;;;;;;;"]))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "kind"), (3, "kind"), (4, "kvk_number")]


def test_rows_of_one_organisation_may_not_contradict_each_other():
    plan = plan_for(csv_bytes([
        "Vereniging;branch_association;;banken;;12345678;10;;;;;;;",
        "Vereniging;branch_association;;energie;;12345678;;;;;;;;"]))
    assert [(e.line, e.column) for e in plan.errors] == [(3, "sector")]
    assert "regel 2" in plan.errors[0].message


def test_two_primary_contacts_and_a_repeated_contact():
    plan = plan_for(csv_bytes([
        "V;branch_association;;;;12345678;;;;;A;a@example.org;;ja",
        "V;branch_association;;;;12345678;;;;;B;b@example.org;;ja",
        "V;branch_association;;;;12345678;;;;;A;A@example.org;;nee"]))
    messages = {(e.line, e.column): e.message for e in plan.errors}
    assert "twee keer" in messages[(4, "contact_email")]
    assert "maar één" in messages[(2, "contact_primary")]


def test_kvk_of_another_kind_is_refused():
    factories.make_organisation(name="Bedrijf", kind="company", kvk_number="12345678")
    db.session.commit()
    plan = plan_for(csv_bytes(["Club;branch_association;;;;12345678;;;;;;;;"]))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "kind")]


@pytest.mark.parametrize("header, column, message", [
    ("name;kind;colour", "colour", "Onbekende kolom"),
    ("name;sector", "kind", "De verplichte kolom ontbreekt."),
    ("name;kind;naam", "naam", "twee keer"),
])
def test_bad_headers(header, column, message):
    plan = plan_for(csv_bytes(["A;company;x"], header=header))
    assert any(e.column == column and message in e.message for e in plan.errors)


def test_header_without_rows():
    plan = plan_for(csv_bytes([]))
    assert "geen regels" in plan.errors[0].message


@pytest.mark.parametrize("data, filename", [
    (b"", "a.csv"),
    (b"\x00\x01\x02binary", "a.csv"),
    (b"PK\x03\x04 not really a workbook", "a.xlsx"),
    (b"\n\n", "a.csv"),
])
def test_unreadable_files(data, filename):
    with pytest.raises(TableError):
        read_table(data, filename)


def test_leading_zeros_of_a_numeric_kvk_in_excel_are_restored():
    header = "name;kind;kvk_number"
    workbook = Workbook()
    workbook.active.append(header.split(";"))
    workbook.active.append(["Nul Vooraan", "company", 1234567])
    buffer = io.BytesIO()
    workbook.save(buffer)
    import_bytes(buffer.getvalue(), "a.xlsx")
    assert db.session.scalar(select(Organisation.kvk_number)) == "01234567"


def test_the_template_imports_cleanly(secretariat_client):
    """The downloadable templates hold example rows that pass the import."""
    for fmt in ("csv", "xlsx"):
        data = secretariat_client.get(f"/organisations/import/template.{fmt}").data
        plan = plan_for(data, f"template.{fmt}")
        assert plan.errors == [], fmt
        assert len(plan.to_create) == 2
        db.session.rollback()


# --- the web pages ------------------------------------------------------------------

def _upload(client, data: bytes, filename: str = "organisaties.csv"):
    return client.post("/organisations/import", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def test_web_import_checks_then_confirms(secretariat_client):
    page = _upload(secretariat_client, csv_bytes(GOOD_ROWS)).get_data(as_text=True)
    assert "Het bestand is in orde" in page
    assert "2 organisaties worden toegevoegd en 0 bijgewerkt, met 3 contactpersonen." in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0  # nothing yet
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    response = secretariat_client.post("/organisations/import/confirm", data={"upload": upload})
    assert response.status_code == 302
    _check_imported()
    # a second confirmation of the same upload does nothing
    again = secretariat_client.post("/organisations/import/confirm", data={"upload": upload}, follow_redirects=True)
    assert "niet meer beschikbaar" in again.get_data(as_text=True)


def test_web_import_lists_errors_and_saves_nothing(secretariat_client):
    response = _upload(secretariat_client, csv_bytes([*GOOD_ROWS, "X;company;;;;123;;;;;;;;"]))
    page = response.get_data(as_text=True)
    assert "Het bestand heeft 1 probleem; er is niets geïmporteerd" in page
    assert "<td>5</td><td>kvk_number</td>" in page.replace("\n", "").replace("  ", "")
    assert 'name="upload"' not in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_web_import_refuses_other_files(secretariat_client):
    page = _upload(secretariat_client, b"%PDF-1.4", "brief.pdf").get_data(as_text=True)
    assert "Kies een CSV- of XLSX-bestand." in page
    page = _upload(secretariat_client, b"", "leeg.csv").get_data(as_text=True)
    assert "Er is een probleem" in page


def test_confirming_someone_elses_upload_is_refused(app, secretariat_client):
    page = _upload(secretariat_client, csv_bytes(GOOD_ROWS)).get_data(as_text=True)
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    other = factories.make_user("secretariat", email="collega@example.org")
    db.session.commit()
    colleague = app.test_client()
    colleague.post("/auth/login", data={"email": other.email, "password": factories.PASSWORD})
    colleague.post("/organisations/import/confirm", data={"upload": upload})
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_register_changes_between_check_and_confirm(secretariat_client):
    rows = ["Handel B.V.;company;mkb;;;;;;nee;Nieuwe Club;;;;"]
    association = factories.make_organisation(name="Nieuwe Club")
    db.session.commit()
    page = _upload(secretariat_client, csv_bytes(rows)).get_data(as_text=True)
    upload = page.split('name="upload" type="hidden" value="')[1].split('"')[0]
    db.session.delete(association)
    db.session.commit()
    page = secretariat_client.post("/organisations/import/confirm", data={"upload": upload},
                                   follow_redirects=True).get_data(as_text=True)
    assert "niets geïmporteerd" in page
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == 0


def test_an_import_that_deactivates_an_organisation_deactivates_its_accounts_too():
    """As on the organisation's page: its respondents can no longer log in, and nobody else's
    account is touched."""
    existing = factories.make_organisation(name="Handel B.V.", kind="company", size="mkb", kvk_number="87654321")
    respondent = factories.make_user("respondent", organisation=existing, email="handel@example.org")
    staff = factories.make_user("secretariat", email="staf@example.org")
    db.session.commit()
    header = "name;kind;size;kvk_number;active"
    import_bytes(csv_bytes(["Handel B.V.;bedrijf;mkb;87654321;nee"], header=header))
    db.session.expire_all()
    assert db.session.get(Organisation, existing.id).is_active is False
    assert db.session.get(type(respondent), respondent.id).is_active is False
    assert db.session.get(type(staff), staff.id).is_active is True
