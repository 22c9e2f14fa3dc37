"""The round dashboard: counts per status, response rates by kind, sector and branch,
the filtered, sorted and paginated organisations list, its CSV and XLSX exports (safe
to open in a spreadsheet) and the round's outbox; who may see what."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from imvo_survey.analysis import Filters, build_matrix
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.extensions import db
from imvo_survey.mail.outbox import queue
from imvo_survey.models import RESPONDED_STATUSES, Branch, Response, Sector, utcnow
from imvo_survey.rounds import dashboard
from imvo_survey.rounds.dashboard import (
    InvitationFilter,
    overall_rate,
    rates_by_kind,
    rates_by_taxonomy,
    status_table,
    targeted_organisations,
)

from .. import factories

SLUG = "uitvraag-2010"
URL = f"/rounds/{SLUG}/dashboard"
FOOD, GOODS = "voedsel_drank", "industriele_goederen"
RETAIL, METALS = "wholesale_retail", "metals"

#: name, kind, sector, branch, status, reminders, last activity (day in November 2010)
ORGANISATIONS = [
    ("Bakkers Vereniging", "branch_association", FOOD, RETAIL, "targeted", 0, None),
    ("Zuivel Schap", "product_board", FOOD, None, "invited", 2, None),
    ("Koffie BV", "company", FOOD, RETAIL, "opened", 1, 3),
    ("Staal BV", "company", GOODS, METALS, "in_progress", 3, 5),
    ("Metaalunie", "branch_association", GOODS, METALS, "submitted", 0, 8),
    ("Vlees Schap", "product_board", FOOD, None, "returned", 1, 9),
    ("Machine BV", "company", GOODS, METALS, "accepted", 0, 2),
    ("Textiel Vereniging", "branch_association", None, None, "declined", 1, 4),
    ("Chemie BV", "company", None, None, "bounced", 0, None),
    ("Graan BV", "company", FOOD, None, "submitted", 4, 6),
    ("Haven Schap", "industry_board", None, None, "targeted", 0, None),
]


def _moment(day: int, hour: int = 8) -> datetime:
    return datetime(2010, 11, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def round_with_invitations():
    """A round with invitations in every status across kinds, two sectors and two
    branches (and organisations without), plus another round that must not count. An
    organisation that started or gave its response has one, in the same status."""
    round = factories.make_round(slug=SLUG, name="Inventarisatie IMVO 2010")
    for number, (name, kind, sector, branch, status, reminders, day) in enumerate(ORGANISATIONS):
        organisation = factories.make_organisation(
            name=name, kind=kind, sector=factories.sector(sector) if sector else None,
            branch=factories.branch(branch) if branch else None, kvk_number=f"0{number:07d}")
        factories.make_contact(organisation, name=f"Contact {name}", email=f"contact{number}@voorbeeld.nl")
        invitation = factories.make_invitation(
            round, organisation, status=status, reminder_count=reminders,
            invited_at=None if status == "targeted" else _moment(1),
            opened_at=_moment(day) if day else None, last_activity_at=_moment(day) if day else None,
            decline_reason="Geen capaciteit dit jaar" if status == "declined" else None)
        if status == "in_progress" or status in RESPONDED_STATUSES:
            db.session.add(Response(
                invitation=invitation, organisation_id=organisation.id, round_id=round.id,
                version=round.version_for(invitation.audience), status=status, lock_version=1, started_at=utcnow(),
                submitted_at=None if status == "in_progress" else utcnow(), snapshot_kind=kind,
                snapshot_size=organisation.size, snapshot_sector_id=organisation.sector_id,
                snapshot_branch_id=organisation.branch_id, snapshot_member_count=organisation.member_count))
    other = factories.make_round(slug="andere-uitvraag")
    factories.make_invitation(other, status="submitted")
    db.session.commit()
    return round


def _text(response) -> str:
    return response.get_data(as_text=True)


def _listed(page: str) -> list[str]:
    """The organisation names in the list, in order."""
    table = page.split('id="organisation-list"', 1)[1].split("</table>", 1)[0]
    return re.findall(r'/invitations/\d+">([^<]*)</a>', table)


# --- counts and rates ---------------------------------------------------------------

def test_counts_per_status_include_zeros_and_a_total(round_with_invitations, secretariat_client):
    assert status_table(round_with_invitations) == {
        "targeted": 2, "invited": 1, "opened": 1, "in_progress": 1, "submitted": 2, "returned": 1,
        "accepted": 1, "declined": 1, "bounced": 1}
    empty = factories.make_round(slug="leeg")
    db.session.commit()
    assert set(status_table(empty).values()) == {0}

    page = _text(secretariat_client.get(URL))
    shown = dict(re.findall(r'data-status="(\w+)">.*?<td class="numeric">(\d+)</td>', page, re.S))
    assert shown == {"targeted": "2", "invited": "1", "opened": "1", "in_progress": "1", "submitted": "2",
                     "returned": "1", "accepted": "1", "declined": "1", "bounced": "1", "total": "11"}


def test_response_rates_overall_and_by_group(app, round_with_invitations):
    """Responded (response submitted, returned or accepted) over targeted (every
    organisation of the round, invited yet or not), as in the matrix. The dashboard
    used to divide by the invited ones only (44.4 % here, where 4 of 11 is 36.4 %)."""
    with app.test_request_context():
        organisations = targeted_organisations(round_with_invitations)
        overall = overall_rate(organisations)
        kinds = rates_by_kind(organisations)
        sectors = rates_by_taxonomy(organisations, Sector)
        branches = rates_by_taxonomy(organisations, Branch)
    by_kind = {r.key: (r.targeted, r.responded, r.declined, r.response_rate) for r in kinds}
    assert (overall.targeted, overall.responded, overall.declined) == (11, 4, 1)
    assert overall.response_rate == pytest.approx(36.364, abs=0.001)
    assert by_kind == {"branch_association": (3, 1, 1, pytest.approx(33.333, abs=0.001)),
                       "product_board": (2, 1, 0, 50.0), "industry_board": (1, 0, 0, 0.0),
                       "company": (5, 2, 0, 40.0)}
    assert list(by_kind) == ["branch_association", "product_board", "industry_board", "company"]

    assert [r.key for r in sectors][-1] is None  # "none" comes last
    by_sector = {r.key: (r.targeted, r.responded, r.declined) for r in sectors}
    assert by_sector == {FOOD: (5, 2, 0), GOODS: (3, 2, 0), None: (3, 0, 1)}
    assert {r.key: r.response_rate for r in sectors}[GOODS] == pytest.approx(66.667, abs=0.001)
    assert all(r.label for r in sectors)

    assert [r.key for r in branches][-1] is None
    assert {r.key: (r.targeted, r.responded, r.declined, r.response_rate) for r in branches} == {
        RETAIL: (2, 0, 0, 0.0), METALS: (3, 2, 0, pytest.approx(66.667, abs=0.001)),
        None: (6, 2, 1, pytest.approx(33.333, abs=0.001))}


def test_the_dashboard_and_the_matrix_give_the_same_response_rates(round_with_invitations, secretariat_client):
    """One definition: the matrix's rows by sector show the dashboard's figures."""
    with secretariat_client.application.test_request_context():
        organisations = targeted_organisations(round_with_invitations)
        sectors = {r.key: r for r in rates_by_taxonomy(organisations, Sector)}
        overall = overall_rate(organisations)
    rows = build_matrix(db.session.connection(), Filters(round=round_with_invitations.id)).rows
    for code in (FOOD, GOODS):
        assert rows.loc[code, ["targeted", "responded", "declined"]].tolist() == [
            sectors[code].targeted, sectors[code].responded, sectors[code].declined]
        assert rows.loc[code, "response_rate"] == pytest.approx(sectors[code].response_rate)
    assert rows.loc[TOTAL_KEY, "response_rate"] == pytest.approx(overall.response_rate)


def test_rates_on_the_page(round_with_invitations, secretariat_client):
    page = _text(secretariat_client.get(URL))
    overall = page.split('data-rate="overall">', 1)[1].split("</strong>", 1)[0]
    assert "36,4" in overall
    assert "4 van 11" in page
    assert "66,7" in page and "40,0" in page and "50,0" in page


def test_counts_use_grouped_queries_not_one_per_invitation(round_with_invitations, secretariat_client):
    """The page's number of queries does not grow with the number of invitations."""
    def count_queries():
        statements = []

        def record(*args):
            statements.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert secretariat_client.get(URL).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        return len(statements)

    before = count_queries()
    for number in range(10):
        factories.make_invitation(round_with_invitations, status="submitted", reminder_count=number)
    db.session.commit()
    assert count_queries() == before


# --- the list ---------------------------------------------------------------------

def test_list_shows_every_organisation_by_name(round_with_invitations, secretariat_client):
    names = _listed(_text(secretariat_client.get(URL)))
    assert names == sorted(name for name, *_ in ORGANISATIONS)


@pytest.mark.parametrize("query, expected", [
    ("status=submitted", {"Metaalunie", "Graan BV"}),
    ("kind=product_board", {"Zuivel Schap", "Vlees Schap"}),
    (f"sector={GOODS}", {"Staal BV", "Metaalunie", "Machine BV"}),
    ("sector=none", {"Textiel Vereniging", "Chemie BV", "Haven Schap"}),
    (f"branch={RETAIL}", {"Bakkers Vereniging", "Koffie BV"}),
    (f"branch={METALS}&status=accepted", {"Machine BV"}),
    ("q=schap", {"Zuivel Schap", "Vlees Schap", "Haven Schap"}),
    ("q=%25", set()),
    ("q=contact0%40voorbeeld", set()),  # by name only, never by e-mail address
    ("status=nonsense&kind=company", {"Koffie BV", "Staal BV", "Machine BV", "Chemie BV", "Graan BV"}),
])
def test_list_filters(round_with_invitations, secretariat_client, query, expected):
    response = secretariat_client.get(f"{URL}?{query}")
    assert response.status_code == 200
    page = _text(response)
    assert set(_listed(page) if 'id="organisation-list"' in page else []) == expected


@pytest.mark.parametrize("query, expected", [
    ("sort=name&order=desc", sorted((o[0] for o in ORGANISATIONS), reverse=True)),
    ("sort=reminders&order=desc", ["Graan BV", "Staal BV", "Zuivel Schap", "Koffie BV", "Textiel Vereniging",
                                   "Vlees Schap", "Bakkers Vereniging", "Chemie BV", "Haven Schap",
                                   "Machine BV", "Metaalunie"]),
    ("sort=activity&order=asc", ["Machine BV", "Koffie BV", "Textiel Vereniging", "Staal BV", "Graan BV",
                                 "Metaalunie", "Vlees Schap", "Bakkers Vereniging", "Chemie BV", "Haven Schap",
                                 "Zuivel Schap"]),
    ("sort=activity&order=desc", ["Vlees Schap", "Metaalunie", "Graan BV", "Staal BV", "Textiel Vereniging",
                                  "Koffie BV", "Machine BV", "Bakkers Vereniging", "Chemie BV", "Haven Schap",
                                  "Zuivel Schap"]),
    ("sort=status", ["Bakkers Vereniging", "Haven Schap", "Zuivel Schap", "Koffie BV", "Staal BV", "Graan BV",
                     "Metaalunie", "Vlees Schap", "Machine BV", "Textiel Vereniging", "Chemie BV"]),
    ("sort=bogus&order=sideways", sorted(o[0] for o in ORGANISATIONS)),
])
def test_list_sorting(round_with_invitations, secretariat_client, query, expected):
    assert _listed(_text(secretariat_client.get(f"{URL}?{query}"))) == expected


def test_sort_headers_reverse_the_current_order(round_with_invitations, secretariat_client):
    page = _text(secretariat_client.get(f"{URL}?sort=reminders&order=asc&kind=company"))
    header = re.search(r'<th scope="col" class="numeric" aria-sort="ascending">\s*<a href="([^"]+)"', page)
    assert header is not None
    link = header.group(1).replace("&amp;", "&")
    assert "sort=reminders" in link and "order=desc" in link and "kind=company" in link


def test_list_is_paginated_by_fifty(round_with_invitations, secretariat_client, monkeypatch):
    assert dashboard.PER_PAGE == 50
    monkeypatch.setattr(dashboard, "PER_PAGE", 5)
    pages = [_listed(_text(secretariat_client.get(f"{URL}?order=desc&page={n}"))) for n in (1, 2, 3)]
    assert [len(names) for names in pages] == [5, 5, 1]
    assert sum(pages, []) == sorted((o[0] for o in ORGANISATIONS), reverse=True)
    first = _text(secretariat_client.get(f"{URL}?order=desc"))
    next_link = first.split('rel="next"')[0].rsplit("href=", 1)[1]
    assert "order=desc" in next_link and "page=2" in next_link
    assert secretariat_client.get(f"{URL}?page=99").status_code == 200


def test_filter_arguments_for_links_leave_out_blanks():
    filters = InvitationFilter(sort="name", order="desc")
    assert filters.args(page=2) == {"sort": "name", "order": "desc", "page": 2}


# --- exports ----------------------------------------------------------------------

def _csv_rows(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_export_has_every_row_and_column(round_with_invitations, secretariat_client, monkeypatch):
    monkeypatch.setattr(dashboard, "PER_PAGE", 2)  # the export is not paginated
    response = secretariat_client.get(f"{URL}/organisations.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"  # the charset named once
    assert f'filename={SLUG}-organisations.csv' in response.headers["Content-Disposition"]
    header, *rows = _csv_rows(response)
    assert len(header) == 11 and len(rows) == 11
    by_name = {row[0]: row for row in rows}
    textiel = by_name["Textiel Vereniging"]
    assert textiel[1] == "00000007"  # KvK keeps its leading zero
    assert textiel[6] == "2010-11-01 09:00:00"  # invited at, in Amsterdam time
    assert textiel[7] == textiel[8] == "2010-11-04 09:00:00"
    assert textiel[9] == "1" and textiel[10] == "Geen capaciteit dit jaar"
    assert by_name["Graan BV"][9] == "4"
    assert by_name["Haven Schap"][6:9] == ["", "", ""]
    assert not any("@" in cell for row in rows for cell in row)


def test_exports_follow_the_filters_and_sorting(round_with_invitations, secretariat_client):
    rows = _csv_rows(secretariat_client.get(f"{URL}/organisations.csv?sector={GOODS}&sort=reminders&order=desc"))
    assert [row[0] for row in rows[1:]] == ["Staal BV", "Machine BV", "Metaalunie"]
    workbook = load_workbook(io.BytesIO(
        secretariat_client.get(f"{URL}/organisations.xlsx?status=submitted").get_data()))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Graan BV", "Metaalunie"]


def test_xlsx_export_keeps_dates_and_numbers(round_with_invitations, secretariat_client):
    response = secretariat_client.get(f"{URL}/organisations.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    assert sheet.max_row == 12 and sheet.max_column == 11
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    graan = rows["Graan BV"]
    assert graan[1].value == "00000009" and graan[1].data_type == "s"
    assert graan[6].value == datetime(2010, 11, 1, 9, 0) and graan[6].is_date
    assert graan[8].value == datetime(2010, 11, 6, 9, 0) and graan[8].is_date
    assert graan[9].value == 4 and graan[9].data_type == "n"
    assert rows["Haven Schap"][6].value is None


@pytest.fixture
def hostile_round():
    """Organisations whose names and reasons a spreadsheet would run as formulas."""
    round = factories.make_round(slug=SLUG)
    for name in ('=HYPERLINK("http://evil.example","klik")', "-Min", "+plus", "@at"):
        organisation = factories.make_organisation(name=name, kind="company")
        factories.make_invitation(round, organisation, status="declined", reminder_count=2,
                                  decline_reason="=cmd|' /C calc'!A0")
    factories.make_invitation(round, factories.make_organisation(name="Tab\tNaam"), status="invited")
    db.session.commit()
    return round


def test_exports_neutralise_formulas(hostile_round, secretariat_client):
    rows = _csv_rows(secretariat_client.get(f"{URL}/organisations.csv"))[1:]
    assert {row[0] for row in rows} == {"'+plus", "'-Min", "'=HYPERLINK(\"http://evil.example\",\"klik\")",
                                        "'@at", "Tab Naam"}
    assert all(row[10] == "'=cmd|' /C calc'!A0" for row in rows if row[0] != "Tab Naam")
    assert {row[9] for row in rows} == {"2", "0"}

    sheet = load_workbook(io.BytesIO(secretariat_client.get(f"{URL}/organisations.xlsx").get_data())).active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert not any(cell.data_type == "f" for cell in cells)
    names = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert names == {"'+plus", "'-Min", "'=HYPERLINK(\"http://evil.example\",\"klik\")", "'@at", "Tab Naam"}
    assert {row[9].value for row in sheet.iter_rows(min_row=2)} == {2, 0}
    page = _text(secretariat_client.get(URL))
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;klik&#34;)" in page  # escaped, not neutralised


# --- the outbox, and who may see what ---------------------------------------------

def _failed_message(invitation, error: str):
    message = EmailMessage()
    message["To"] = invitation.organisation.contacts[0].email
    message["From"], message["Subject"] = "imvo@ser.example", "Uitnodiging"
    message.set_content("Tekst")
    item = queue(message, "invitation", invitation=invitation)
    item.status, item.attempts, item.last_error = "failed", 1, error
    return item


def test_outbox_state_of_the_round(round_with_invitations, secretariat_client):
    bounced = next(inv for inv in round_with_invitations.invitations if inv.status == "bounced")
    failed = _failed_message(bounced, "550 5.1.1 <contact8@voorbeeld.nl>: mailbox unavailable")
    queued = _failed_message(bounced, "")
    queued.status, queued.last_error = "queued", None
    other = factories.make_round(slug="nog-een")
    elsewhere = _failed_message(factories.make_invitation(other), "451 elders")
    db.session.commit()

    page = _text(secretariat_client.get(URL))
    shown = dict(re.findall(r'data-outbox-status="(\w+)">.*?<td class="numeric">(\d+)</td>', page, re.S))
    assert shown == {"queued": "1", "sent": "0", "failed": "1"}
    assert "mailbox unavailable" in page and f"/outbox/{failed.id}" in page
    assert "451 elders" not in page and f"/outbox/{elsewhere.id}\"" not in page
    assert f"/outbox/?round={SLUG}&amp;status=failed" in page


def test_analyst_reads_without_email_addresses(round_with_invitations, analyst_client):
    bounced = next(inv for inv in round_with_invitations.invitations if inv.status == "bounced")
    _failed_message(bounced, "550 <contact8@voorbeeld.nl>: no such user")
    db.session.commit()
    response = analyst_client.get(URL)
    assert response.status_code == 200
    page = _text(response)
    assert "Metaalunie" in _listed(page)
    assert "voorbeeld.nl" not in page and "/outbox/" not in page
    for export in ("csv", "xlsx"):
        response = analyst_client.get(f"{URL}/organisations.{export}")
        assert response.status_code == 200
        assert b"voorbeeld.nl" not in response.get_data()


@pytest.mark.parametrize("suffix", ["", "/organisations.csv", "/organisations.xlsx"])
def test_access(round_with_invitations, respondent_client, client, secretariat_client, suffix):
    assert respondent_client.get(URL + suffix).status_code == 403
    response = client.get(URL + suffix)
    assert response.status_code == 302 and "/auth/login" in response.location
    assert secretariat_client.get(f"/rounds/onbekend/dashboard{suffix}").status_code == 404


def test_other_export_formats_do_not_exist(round_with_invitations, secretariat_client):
    assert secretariat_client.get(f"{URL}/organisations.json").status_code == 404
