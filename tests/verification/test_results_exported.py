"""The verification results with their margins outside the sample page: the XLSX export's
"Verificatie" sheet (and its Toelichting), the JSON export and the API, on a worked
example; and that only the secretariat reads them."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from imvo_survey.analysis.export_formats import write_export
from imvo_survey.analysis.export_tables import ExportOptions
from imvo_survey.analysis.filters import Filters
from imvo_survey.extensions import db
from imvo_survey.verification.requests import record_check
from imvo_survey.verification.services import draw_sample

from .. import factories
from ..analysis.export_data import sheet_table
from ..api import bearer, token_for
from ..jobs.worker import download_export

#: Food: 4 associations x 2 activities (the first confirmed, the second not) and E's one
#: (confirmed): 5 of 9 verifiable. Wilson, z = 1.96: z^2/n = 0.426829, centre (0.555556 +
#: 0.213415) / 1.426829 = 0.538932, half 1.96 / 1.426829 x sqrt(0.027435 + 0.011858) =
#: 0.272332: 26.7-81.1 %, shown as 27-81. Energy: F partly confirmed (0 of 1, too few for
#: an interval). Banks: not verifiable (no share at all). Total: 5 of 10 verifiable,
#: centre 0.5, half 1.96 / 1.384146 x sqrt(0.025 + 0.009604) = 0.263412: 23.7-76.3 %.
FOOD = {"confirmed": 5, "partly": 0, "not_confirmed": 4, "not_verifiable": 0, "share": 56, "low": 27, "high": 81}
ENERGY = {"confirmed": 0, "partly": 1, "not_confirmed": 0, "not_verifiable": 0, "share": 0, "low": None,
          "high": None}
BANKS = {"confirmed": 0, "partly": 0, "not_confirmed": 0, "not_verifiable": 1, "share": None, "low": None,
         "high": None}
TOTAL = {"confirmed": 5, "partly": 1, "not_confirmed": 4, "not_verifiable": 1, "share": 50, "low": 24, "high": 76}


@pytest.fixture
def checked(sample_round, secretariat):
    """The whole round drawn (seed 11) and every activity checked as above."""
    sample = draw_sample(sample_round, percent=100, seed=11)
    for member in sample.members:
        name = member.response.organisation.name
        for activity in member.response.activities:
            outcome = {"F": "partly_confirmed", "Bank": "not_verifiable"}.get(
                name, "confirmed" if activity.position == 1 else "not_confirmed")
            record_check(member, activity, outcome, "", secretariat)
    db.session.commit()
    return sample


def _xlsx(client, round):
    answer = download_export(client, f"/matrix/{round.slug}/export.xlsx")
    assert answer.status_code == 200
    return load_workbook(io.BytesIO(answer.data))


def test_the_xlsx_sheet_gives_each_sector_and_the_total(secretariat_client, sample_round, checked):
    book = _xlsx(secretariat_client, sample_round)
    headers, rows = sheet_table(book["Verificatie"])
    assert headers == ["Steekproef-id", "Getrokken op", "Seed", "Sector", "Sectorcode", "Bevestigd",
                       "Deels bevestigd", "Niet bevestigd", "Niet te verifiëren", "Aandeel bevestigd (%)",
                       "Interval ondergrens (%)", "Interval bovengrens (%)"]
    by_code = {row["Sectorcode"]: row for row in rows}
    assert set(by_code) == {"voedsel_drank", "energie", "banken", "_total"} and rows[-1]["Sectorcode"] == "_total"
    for code, expected in (("voedsel_drank", FOOD), ("energie", ENERGY), ("banken", BANKS), ("_total", TOTAL)):
        row = by_code[code]
        assert (row["Bevestigd"], row["Deels bevestigd"], row["Niet bevestigd"], row["Niet te verifiëren"]) == \
            (expected["confirmed"], expected["partly"], expected["not_confirmed"], expected["not_verifiable"])
        assert (row["Aandeel bevestigd (%)"], row["Interval ondergrens (%)"], row["Interval bovengrens (%)"]) == \
            (expected["share"], expected["low"], expected["high"])
        assert row["Steekproef-id"] == checked.id and row["Seed"] == 11 and row["Getrokken op"] is not None
    assert by_code["_total"]["Sector"] == "Totaal"
    _headers, explained = sheet_table(book["Toelichting"])
    reason = next(row["Toelichting"] for row in explained if row["Onderwerp"] == "Verificatie")
    assert "minder dan 5 activiteiten" in reason and "leeg" in reason


def test_the_json_export_carries_the_samples(sample_round, checked, tmp_path):
    path = tmp_path / "export.json"
    write_export(db.session.connection(), ExportOptions(Filters(round=sample_round.id), language="en"), "json",
                 path)
    document = json.loads(path.read_text(encoding="utf-8"))["verification"]
    assert document["minimum_checked"] == 5 and "fewer than 5 activities" in document["definition"]
    (sample,) = document["samples"]
    assert sample["id"] == checked.id and sample["seed"] == 11 and sample["method"] == "simple"
    food = next(row for row in sample["sectors"] if row["sector"] == "voedsel_drank")
    assert (food["share_confirmed"], food["interval_low"], food["interval_high"]) == (56, 27, 81)
    assert sample["total"]["verifiable"] == 10 and sample["total"]["label"] == "Total"
    assert (sample["total"]["interval_low"], sample["total"]["interval_high"]) == (24, 76)


def test_the_api_gives_the_secretariat_the_results(client, sample_round, checked, secretariat):
    answer = client.get(f"/api/v1/rounds/{sample_round.slug}/verification", headers=bearer(token_for(secretariat)))
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["total"], body["page"], body["pages"], body["minimum_checked"]) == (1, 1, 1, 5)
    (sample,) = body["items"]
    rows = {row["sector"]: row for row in [*sample["sectors"], sample["total"]]}
    for code, expected in (("voedsel_drank", FOOD), ("energie", ENERGY), ("banken", BANKS), ("_total", TOTAL)):
        assert (rows[code]["share_confirmed"], rows[code]["interval_low"], rows[code]["interval_high"]) == \
            (expected["share"], expected["low"], expected["high"])
        assert rows[code]["confirmed"] == expected["confirmed"]
    second = client.get(f"/api/v1/rounds/{sample_round.slug}/verification?page=2&per_page=1",
                        headers=bearer(token_for(secretariat)))
    assert second.get_json()["items"] == [] and second.get_json()["pages"] == 1


def test_staff_read_them_and_no_one_else(app, client, sample_round, checked, analyst, analyst_client,
                                        respondent_client):
    url = f"/api/v1/rounds/{sample_round.slug}/verification"
    assert client.get(url, headers=bearer(token_for(analyst))).status_code == 200  # as on the sample pages
    assert client.get(url).status_code == 401
    assert respondent_client.get(url).status_code == 401  # a session is no key to the API
    assert "Verificatie" in _xlsx(analyst_client, sample_round).sheetnames
    assert "verification" in json.loads(download_export(analyst_client, f"/matrix/{sample_round.slug}/export.json").data)
    assert respondent_client.get(f"/matrix/{sample_round.slug}/export.xlsx").status_code == 403


def test_a_round_without_samples_has_an_empty_sheet(secretariat_client):
    round = factories.make_round(slug="imvo-2012", year=2012)
    db.session.commit()
    _headers, rows = sheet_table(_xlsx(secretariat_client, round)["Verificatie"])
    assert rows == []
