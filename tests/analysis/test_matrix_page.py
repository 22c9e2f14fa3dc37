"""The matrix page and its drill-down, on the food round of conftest.py."""

from __future__ import annotations

import json
import re
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from imvo_survey.extensions import db
from imvo_survey.models import Aspect, BenchmarkScore, Dilemma, Organisation, Response

from .. import factories
from ..jobs.worker import download_export
from .builders import association, company, respond


def cells_of(html: str, row_label: str) -> list[str]:
    """The texts of the cells in the row whose header is `row_label`."""
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">" + re.escape(row_label) + r".*?</tr>", html, re.S)
    assert row, f"no row {row_label}"
    return [re.sub(r"<[^>]+>|\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(0),
                                                                               re.S)]


def aspect_index(html: str, label: str) -> int:
    heads = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th scope=\"col\"[^>]*>(.*?)</th>", html, re.S)]
    return heads.index(label) - 1  # the first header is the row header


def test_the_matrix_shows_figures_benchmark_and_totals(analyst_client, food_round):
    page = analyst_client.get("/matrix/imvo-2010")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    food = cells_of(html, "Voedsel en drank")
    child = aspect_index(html, "Afschaffen van kinderarbeid")
    # the benchmark first (next to the sector), then targeted, responded, declined, response rate
    assert food[5:9] == ["4", "3", "1", "75,0 %"]
    assert food[child].startswith("67 %")
    banks = cells_of(html, "Banken")
    assert banks[child] == "\u2013"  # no responding organisation: empty, not 0 %
    total = cells_of(html, "Totaal")
    assert total[6] == "4" and total[7] == "1" and total[child].startswith("50 %")
    assert "Zo leest u de tabel" in html and "geen cijfer (niet 0 %)" in html


def test_measures_switch_the_figures(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?measure=members").get_data(as_text=True)
    child = aspect_index(html, "Afschaffen van kinderarbeid")
    assert cells_of(html, "Voedsel en drank")[child].startswith("43 %")  # 65 of 150 members
    assert "geen aandeel leden" in html  # the note on the missing share
    html = analyst_client.get("/matrix/imvo-2010?measure=activities").get_data(as_text=True)
    assert cells_of(html, "Voedsel en drank")[child].startswith("3")


def test_lagging_cells_carry_a_symbol_not_only_colour(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?threshold=50").get_data(as_text=True)
    climate = aspect_index(html, "Klimaat en broeikasgassen")
    food = cells_of(html, "Voedsel en drank")
    assert "achterblijvend" in food[climate]
    assert "achterblijvend" not in food[aspect_index(html, "Afschaffen van kinderarbeid")]
    assert "onder 50 %" in html


def test_filters_are_a_shareable_get_form_and_links_keep_them(analyst_client, food_round):
    html = analyst_client.get("/matrix/imvo-2010?audience=association&measure=share").get_data(as_text=True)
    assert '<form method="get"' in html
    assert "Energie" not in "".join(re.findall(r'<th scope="row">(.*?)</th>', html))
    link = re.search(r'href="(/matrix/imvo-2010/cell\?[^"]+)"', html).group(1)
    assert "audience=association" in link


def test_a_bad_filter_value_is_reported_not_a_server_error(analyst_client, food_round):
    page = analyst_client.get("/matrix/imvo-2010?threshold=abc&sector=nonsense", follow_redirects=True)
    assert page.status_code == 200
    assert "Coverage matrix" in page.get_data(as_text=True) or "Dekkingsmatrix" in page.get_data(as_text=True)


def test_the_drill_down_lists_activities_dilemmas_and_bottlenecks(analyst_client, food_round):
    a = db.session.scalar(select(Organisation).where(Organisation.name == "A"))
    response = db.session.scalar(select(Response).where(Response.organisation_id == a.id))
    child_labour = db.session.scalar(select(Aspect).where(Aspect.code == "child_labour"))
    db.session.add(Dilemma(response=response, position=1, description="Kinderen helpen op de familieboerderij",
                           aspects=[child_labour]))
    db.session.commit()
    page = analyst_client.get("/matrix/imvo-2010/cell?row=voedsel_drank&column=child_labour")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "2 van 3 responderende organisaties, 3 activiteiten." in html
    assert html.count("<tr><td>A</td>") == 2 and html.count("<tr><td>B</td>") == 1
    assert "Kinderen helpen op de familieboerderij" in html
    assert analyst_client.get("/matrix/imvo-2010/cell?row=voedsel_drank&column=nonsense").status_code == 404


def test_change_since_the_baseline(analyst_client, food_round):
    food_round.is_baseline = True
    later = factories.make_round(slug="imvo-2011", year=2011)
    respond(later, association("F", members=10), [{"aspects": ["climate"], "share": 50}])
    db.session.commit()
    html = analyst_client.get("/matrix/imvo-2011?measure=change").get_data(as_text=True)
    assert "Vergeleken met" in html
    food = cells_of(html, "Voedsel en drank")
    assert food[aspect_index(html, "Klimaat en broeikasgassen")].startswith("+67")  # 33 % -> 100 %
    assert food[aspect_index(html, "Afschaffen van kinderarbeid")].startswith("-67")


def test_the_change_can_be_that_of_the_member_coverage(analyst_client, food_round):
    food_round.is_baseline = True
    later = factories.make_round(slug="imvo-2011", year=2011)
    respond(later, association("F", members=10), [{"aspects": ["climate"], "share": 50}])
    db.session.commit()
    html = analyst_client.get("/matrix/imvo-2011?measure=change&change_of=members").get_data(as_text=True)
    food = cells_of(html, "Voedsel en drank")
    # climate: 0 % of 150 members (A gave no share) -> 50 % of F's 10 members
    assert food[aspect_index(html, "Klimaat en broeikasgassen")].startswith("+50")
    # child labour: 65 of 150 members -> none of F's
    assert food[aspect_index(html, "Afschaffen van kinderarbeid")].startswith("-43")
    assert 'name="change_of"' in html
    # The whole round's export is a form (a background job) carrying the page's settings.
    form = re.search(r'<form method="post" action="(/matrix/imvo-2011/export\.json)"[^>]*>(.*?)</form>', html, re.S)
    settings = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    assert settings["change_of"] == "members"
    document = json.loads(download_export(analyst_client, f"{form.group(1)}?{urlencode(settings)}").data)
    assert document["compared_with"]["change_of"] == "members"
    analyst_client.get("/language/en")
    html = analyst_client.get("/matrix/imvo-2011?measure=change&change_of=members").get_data(as_text=True)
    assert "The change is in percentage points of the member coverage." in html


def test_rows_by_sector_and_kind_show_labels_and_their_sectors_benchmark(analyst_client, food_round):
    db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector("voedsel_drank"),
                                  total_score=36, chain_score=3, company_count=20, listed_count=6))
    db.session.commit()
    html = analyst_client.get("/matrix/imvo-2010?rows=sector_kind").get_data(as_text=True)
    associations = cells_of(html, "Voedsel en drank / Brancheorganisatie")
    companies = cells_of(html, "Voedsel en drank / Bedrijf")
    assert associations[:4] == companies[:4] == ["36,0", "3,0", "20", "6"]  # the benchmark's one decimal
    assert associations[4].startswith("2008")
    assert "branch_association" not in "".join(re.findall(r'<th scope="row">(.*?)</th>', html))
    assert cells_of(html, "Totaal")[2] == "20"  # food counted once in the totals
    analyst_client.get("/language/en")
    html = analyst_client.get("/matrix/imvo-2010?rows=sector_kind").get_data(as_text=True)
    assert cells_of(html, "Food and beverages / Branch association")[0] == "36.0"
    assert "Rows by sector and kind show the benchmark of their sector" in html


def test_rows_by_branch_have_no_benchmark_and_the_page_says_why(analyst_client, food_round):
    analyst_client.get("/language/en")
    html = analyst_client.get("/matrix/imvo-2010?rows=branch").get_data(as_text=True)
    assert "TB total score" not in html
    assert "Rows by branch have no benchmark columns: a branch can span several sectors" in html
    assert "Its benchmark is the sum of the companies" not in html
    assert "TB total score" in analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)


def row_order(html: str) -> list[str]:
    """The row labels top to bottom (without the lagging mark that may follow them)."""
    return [head.split("<span")[0].strip() for head in re.findall(r'<th scope="row">(.*?)</th>', html, re.S)]


def test_sorting_by_gap_puts_the_largest_gap_first(analyst_client, food_round):
    """By aspect group, the largest gap of a row is 1 - its lowest coverage. Banks: an
    association covering every group (gap 0); energy: E on environment and F on the
    other four (each group 50 %, gap 0.5); food: nobody on human rights (gap 1)."""
    every_group = ["human_rights", "child_labour", "water", "anti_corruption", "animal_welfare"]
    respond(food_round, association("Bankvereniging", sector="banken"), [{"aspects": every_group, "share": 50}])
    respond(food_round, company("F", sector="energie"),
            [{"aspects": ["human_rights", "child_labour", "anti_corruption", "animal_welfare"]}])
    db.session.commit()
    plain = row_order(analyst_client.get("/matrix/imvo-2010?columns=aspect_group").get_data(as_text=True))
    assert plain == ["Banken", "Energie", "Voedsel en drank", "Totaal"]  # the sectors' own order
    by_gap = row_order(analyst_client.get("/matrix/imvo-2010?columns=aspect_group&sort=gap").get_data(as_text=True))
    assert by_gap == ["Voedsel en drank", "Energie", "Banken", "Totaal"]  # the totals row stays last


@pytest.mark.parametrize("client_name, status", [("respondent_client", 403), ("client", 302)])
def test_only_analysts_and_the_secretariat_see_the_matrix(request, food_round, client_name, status):
    client = request.getfixturevalue(client_name)
    assert client.get("/matrix/imvo-2010").status_code == status
    assert client.get("/matrix/imvo-2010/cell?row=voedsel_drank&column=child_labour").status_code == status


def test_without_rounds_the_page_says_so(secretariat_client):
    html = secretariat_client.get("/matrix/", follow_redirects=True).get_data(as_text=True)
    assert "Er is nog geen uitvraag met respons." in html


def test_the_page_downloads_its_matrix_with_the_same_filters(analyst_client, food_round):
    import io
    import zipfile

    import pandas as pd

    page = analyst_client.get("/matrix/imvo-2010?measure=organisations&audience=association")
    link = re.search(r'href="(/matrix/imvo-2010/export\.xlsx\?[^"]+)"', page.get_data(as_text=True)).group(1)
    with analyst_client.get(link.replace("&amp;", "&")) as download:
        assert download.status_code == 200
        assert "imvo-imvo-2010-organisations.xlsx" in download.headers["Content-Disposition"]
        sheets = pd.read_excel(io.BytesIO(download.data), sheet_name=None, header=None)
    assert {"Matrix", "Activiteiten", "Toelichting"} <= set(sheets)
    assert "Energie" not in sheets["Matrix"].to_string()  # the audience filter came along
    archive = zipfile.ZipFile(io.BytesIO(download_export(analyst_client, "/matrix/imvo-2010/export.csv").data))
    assert "datapackage.json" in archive.namelist()
    assert analyst_client.get("/matrix/imvo-2010/export.pdf").status_code == 404


def test_an_export_that_cannot_be_made_says_why_on_the_page(analyst_client, food_round):
    page = analyst_client.get("/matrix/imvo-2010/export.xlsx?measure=change", follow_redirects=True)
    assert page.status_code == 200
    assert "Er is geen uitvraag om mee te vergelijken" in page.get_data(as_text=True)


@pytest.mark.parametrize("query", ["measure=bogus", "threshold=500", "sector=nonsense", "slug=x", "_external=1",
                                   "rows=everything&columns=none", "change_of=bogus"])
def test_odd_addresses_fall_back_to_the_defaults(analyst_client, food_round, query):
    for path in ("/matrix/imvo-2010", "/matrix/imvo-2010/cell?row=voedsel_drank&column=child_labour"):
        separator = "&" if "?" in path else "?"
        page = analyst_client.get(f"{path}{separator}{query}")
        assert page.status_code == 200, (path, query)
        assert 'href="http' not in page.get_data(as_text=True)  # links stay relative
    with analyst_client.get(f"/matrix/imvo-2010/export.json?{query}") as export:
        assert export.status_code == 200


def test_a_plain_visit_has_no_message_about_settings(analyst_client, food_round):
    assert "Niet alles uit het adres" not in analyst_client.get("/matrix/imvo-2010").get_data(as_text=True)
    html = analyst_client.get("/matrix/imvo-2010?threshold=500").get_data(as_text=True)
    assert "Niet alles uit het adres" in html and "Achterblijvend onder (%)" in html
