"""One response rate everywhere: on a round whose invitations' statuses disagree with
their responses' statuses, the rounds list, the round page (its feedback count), the
dashboard, the matrix page, its export and the API all count responded organisations
by the response's status and divide by the targeted ones (`analysis/response.py`).
Counting by the invitation's status, or dividing by the invited ones, would give other
numbers here, so any view that drifted from the definition fails."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from imvo_survey.extensions import db
from imvo_survey.models import Response, utcnow

from .. import factories
from ..api import bearer, token_for
from ..jobs.worker import download_export

SLUG = "respons-2012"
NAME = "Respons 2012"

#: (invitation status, response status or None). Responded by the response: the opened
#: invitation whose response is submitted, and the accepted one: 2. By the invitation's
#: status it would be 3 (submitted, returned, accepted); of the invited ones (all but
#: the targeted one) 2 of 5 is 40 %, of the targeted 2 of 6 is 33.3 %.
STATUSES = [
    ("submitted", "in_progress"),
    ("returned", "in_progress"),
    ("opened", "submitted"),
    ("accepted", "accepted"),
    ("declined", None),
    ("targeted", None),
]
TARGETED, RESPONDED, DECLINED = 6, 2, 1
#: 2 of 6 as every output gives it: one decimal (the response rate's rounding rule).
SHOWN_RATE = 33.3


@pytest.fixture
def diverging_round():
    round = factories.make_round(slug=SLUG, name=NAME, year=2012, status="closed")
    for number, (invitation_status, response_status) in enumerate(STATUSES):
        organisation = factories.make_organisation(name=f"Organisatie {number}", kind="company",
                                                   sector=factories.sector("voedsel_drank"))
        factories.make_contact(organisation, email=f"respons{number}@voorbeeld.nl")
        invitation = factories.make_invitation(round, organisation, status=invitation_status)
        if response_status:
            db.session.add(Response(
                invitation=invitation, organisation_id=organisation.id, round_id=round.id,
                version=round.version_for(invitation.audience), status=response_status, lock_version=1,
                started_at=utcnow(), submitted_at=None if response_status == "in_progress" else utcnow(),
                snapshot_kind="company", snapshot_size="mkb", snapshot_sector_id=organisation.sector_id))
    db.session.commit()
    return round


def numeric_cells(html: str, row_header: str) -> list[str]:
    """The numeric cells of the table row whose header contains `row_header`."""
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">[^\n]*?" + re.escape(row_header) + r".*?</tr>", html, re.S)
    assert row, f"no row {row_header}"
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip()
            for cell in re.findall(r"<td class=\"numeric\"[^>]*>(.*?)</td>", row.group(0), re.S)]


def test_the_rounds_list_counts_as_the_analysis(diverging_round, secretariat_client):
    html = secretariat_client.get("/rounds/").get_data(as_text=True)
    assert numeric_cells(html, NAME) == [str(TARGETED), str(RESPONDED)]


def test_the_round_page_offers_feedback_to_the_responded(diverging_round, secretariat_client):
    html = secretariat_client.get(f"/rounds/{SLUG}").get_data(as_text=True)
    assert f"Terugkoppeling versturen ({RESPONDED} organisaties)" in html


def test_the_dashboard_counts_as_the_analysis(diverging_round, secretariat_client):
    html = secretariat_client.get(f"/rounds/{SLUG}/dashboard").get_data(as_text=True)
    assert f"{RESPONDED} van {TARGETED} benaderde organisaties" in html
    assert html.split('data-rate="overall">', 1)[1].startswith("33,3")


def test_the_matrix_page_counts_as_the_analysis(diverging_round, analyst_client):
    html = analyst_client.get(f"/matrix/{SLUG}").get_data(as_text=True)
    for row in ("Voedsel en drank", "Totaal"):
        assert numeric_cells(html, row)[:4] == [str(TARGETED), str(RESPONDED), str(DECLINED), "33,3 %"]  # one decimal, as the dashboard


def test_the_export_counts_as_the_analysis(diverging_round, secretariat_client):
    response = download_export(secretariat_client, f"/matrix/{SLUG}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    rows = [list(row) for row in book["Matrix"].iter_rows(values_only=True)]
    start = next(i for i, row in enumerate(rows) if row[0] == "Sector")
    by_code = {row["Code"]: row for row in (dict(zip(rows[start], row, strict=False)) for row in rows[start + 1:])}
    for code in ("voedsel_drank", "_total"):
        figures = by_code[code]
        assert [figures["Benaderd"], figures["Gerespondeerd"], figures["Afgezien"]] == [TARGETED, RESPONDED, DECLINED]
        assert figures["Respons (%)"] == SHOWN_RATE


def test_the_api_counts_as_the_analysis(diverging_round, client, analyst):
    body = client.get(f"/api/v1/rounds/{SLUG}/matrix", headers=bearer(token_for(analyst))).get_json()
    rows = {row["key"]: row for row in body["rows"]}
    for figures in (rows["voedsel_drank"], body["totals"]):
        assert (figures["targeted"], figures["responded"], figures["declined"]) == (TARGETED, RESPONDED, DECLINED)
        assert figures["response_rate"] == SHOWN_RATE
