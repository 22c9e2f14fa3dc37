"""One vocabulary and one rounding rule: the matrix page, its XLSX and CSV downloads and
the API say the same names and the same rounded numbers for the same matrix, and the
explanation sheet lists every figure (food round of conftest.py, with a benchmark and
an energy row whose response rate is a third)."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import load_workbook

from imvo_survey.analysis.measures import FIGURES, rounded
from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkScore

from .. import factories
from ..api import bearer, token_for
from ..jobs.worker import download_export
from .builders import company
from .export_data import sheet_table
from .test_matrix_page import cells_of

#: The figures beside a row, in the page's order, with the Dutch header all four use.
ROW_FIGURES = {"benchmark_total": "TB totaalscore", "benchmark_chain": "TB ketenscore",
               "benchmark_companies": "TB bedrijven", "benchmark_listed": "TB beursgenoteerd",
               "targeted": "Benaderd", "responded": "Gerespondeerd", "declined": "Afgezien",
               "response_rate": "Respons (%)"}
CHILD_LABOUR = "Afschaffen van kinderarbeid"


@pytest.fixture
def agreed_round(food_round):
    """Food with a sector benchmark (36 total, chain 3: "3,0", never "3,00"); energy with
    three targeted companies of which one responded (a response rate of 33,3 %)."""
    db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector("voedsel_drank"),
                                  total_score=36.25, chain_score=3, company_count=20, listed_count=6))
    for name in ("Energie 2", "Energie 3"):
        factories.make_invitation(food_round, company(name, sector="energie"), status="invited")
    db.session.commit()
    return food_round


def page_figures(client) -> tuple[list[str], dict[str, dict[str, str]]]:
    html = client.get("/matrix/imvo-2010").get_data(as_text=True)
    html = html[html.index('<table class="data-table matrix-table">'):]
    html = html[:html.index("</table>")]
    heads = [re.sub(r"<[^>]+>|\s+", " ", head).strip()
             for head in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', html, re.S)]
    rows = {}
    for label, code in (("Voedsel en drank", "voedsel_drank"), ("Energie", "energie")):
        cells = cells_of(html, label)
        rows[code] = dict(zip(heads[1:], cells, strict=True))
    return heads, rows


def dutch(value) -> str:
    """A rounded export number as the Dutch page writes it."""
    return "\u2013" if value is None else str(value).replace(".", ",")


def test_page_xlsx_csv_and_api_agree_on_names_and_rounded_values(analyst_client, analyst, agreed_round):
    heads, page = page_figures(analyst_client)
    assert [head for head in heads if head in ROW_FIGURES.values()] == list(ROW_FIGURES.values())
    assert heads.index("TB totaalscore") == 1  # the benchmark stands next to the sector

    download = download_export(analyst_client, "/matrix/imvo-2010/export.xlsx")
    headers, sheet_rows = sheet_table(load_workbook(io.BytesIO(download.data))["Matrix"], "Sector")
    xlsx = {row["Code"]: row for row in sheet_rows}
    archive = zipfile.ZipFile(io.BytesIO(download_export(analyst_client, "/matrix/imvo-2010/export.csv").data))
    header, *lines = list(csv.reader(io.StringIO(archive.read("Matrix.csv").decode("utf-8-sig")), delimiter=";"))
    csv_rows = {line[1]: dict(zip(header, line, strict=True)) for line in lines}
    api = analyst_client.get("/api/v1/rounds/imvo-2010/matrix", headers=bearer(token_for(analyst))).get_json()
    api_rows = {row["key"]: row for row in api["rows"]}
    api_cells = {(cell["row"], cell["column"]): cell for cell in api["cells"]}

    assert set(ROW_FIGURES.values()) <= set(headers) and set(ROW_FIGURES.values()) <= set(header)
    for code, name in ROW_FIGURES.items():
        assert api["figures"][code]["name_nl"] == name.removesuffix(" (%)")
        for row in ("voedsel_drank", "energie"):
            api_value = api_rows[row]["benchmark"][code.removeprefix("benchmark_")] if code.startswith(
                "benchmark") else api_rows[row][code]
            assert xlsx[row][name] == api_value, (row, code)
            assert csv_rows[row][name] == ("" if api_value is None else dutch(api_value)), (row, code)
            shown = page[row][name].removesuffix("\u00a0%").removesuffix(" %")
            assert shown == dutch(api_value), (row, code)
    assert page["voedsel_drank"]["TB totaalscore"] == "36,3"  # 36.25: half away from zero
    assert page["voedsel_drank"]["TB ketenscore"] == "3,0"
    assert page["energie"]["Respons (%)"] == "33,3 %" and api_rows["energie"]["response_rate"] == 33.3
    assert xlsx["energie"]["Respons (%)"] == 33.3 and csv_rows["energie"]["Respons (%)"] == "33,3"

    # a cell: 2 of 3 food respondents on child labour, 67 % everywhere (never 66,666...)
    assert page["voedsel_drank"][CHILD_LABOUR].startswith("67 %")
    assert xlsx["voedsel_drank"][CHILD_LABOUR] == 67 == api_cells[("voedsel_drank", "child_labour")]["share"]
    assert csv_rows["voedsel_drank"][CHILD_LABOUR] == "67"


def test_the_explanation_sheet_and_the_codebook_list_every_figure(analyst_client, agreed_round):
    book = load_workbook(io.BytesIO(download_export(analyst_client, "/matrix/imvo-2010/export.xlsx").data))
    _headers, codebook = sheet_table(book["Codeboek"])
    figures = {row["Code"]: row for row in codebook if row["Code"] in FIGURES}
    assert list(figures) == list(FIGURES)
    assert figures["response_rate"]["Vraag"].startswith("Respons (%): Gerespondeerd als percentage van benaderd")
    assert figures["response_rate"]["Type"] == "number (Decimalen: 1)" and figures["targeted"]["Type"] == "integer"
    _headers, rows = sheet_table(book["Toelichting"])
    listed = {row["Onderwerp"]: row for row in rows}
    assert listed["Respons (%)"]["Waarde"] == "Decimalen: 1"
    assert listed["TB ketenscore"]["Waarde"] == "Decimalen: 1"
    assert listed["Benaderd"]["Toelichting"].startswith("Organisaties waarvoor de ronde is")
    assert len([name for name in listed if name and str(listed[name]["Waarde"]).startswith("Decimalen")]) == len(
        FIGURES)


@pytest.mark.parametrize("code, value, shown", [
    ("response_rate", 66.65, 66.7), ("response_rate", 200 / 3, 66.7), ("share", 16.666666666666664, 17),
    ("share", 62.5, 63), ("change", -0.4, 0), ("change", -2.5, -3), ("benchmark_chain", 3, 3.0),
    ("targeted", 4.0, 4), ("share", None, None), ("share", float("nan"), None)])
def test_the_rounding_rule_is_half_away_from_zero(code, value, shown):
    result = rounded(code, value)
    assert result == shown and type(result) is type(shown)
