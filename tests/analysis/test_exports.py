"""The matrix exports in XLSX and CSV, read back as a user's program would (openpyxl, csv,
json): the figures must be the Matrix's; numbers must be numbers and empty cells empty;
text that looks like a formula must be neutralised while a negative change stays a
number; datapackage.json must describe every column."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook

from imvo_survey.analysis.export_schema import Column, static_table
from imvo_survey.analysis.export_xlsx import write_xlsx
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.extensions import db

from .builders import company, respond
from .export_data import (
    DANGEROUS,
    SHEETS_EN,
    SHEETS_NL,
    aspect_cells,
    csv_zip_of,
    long_row_count,
    make_rounds,
    read_csv,
    sheet_table,
    xlsx_of,
)


@pytest.fixture
def rounds():
    """The baseline and the later round of export_data.make_rounds."""
    return make_rounds()


# --- XLSX -----------------------------------------------------------------------------------

def test_xlsx_has_every_sheet_and_the_matrix_figures(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later)
    assert book.sheetnames == SHEETS_NL
    sheet = book["Matrix"]
    assert sheet["A1"].value == "Ronde" and "imvo-2011" in sheet["B1"].value
    headers, rows = sheet_table(sheet, "Sector")
    by_code = {row["Code"]: row for row in rows}
    assert list(by_code) == export.matrix.row_order()
    food = by_code["voedsel_drank"]
    cells = aspect_cells(headers, list(food.values()), export.matrix)
    matrix_cells = export.matrix.cells
    assert cells["child_labour"] == pytest.approx(matrix_cells.loc[("voedsel_drank", "child_labour"), "share"]) == 50
    assert cells["human_rights"] == 0  # nobody works on it: 0, a number
    assert food["Benaderd"] == 3 and food["Gerespondeerd"] == 2 and food["Afgezien"] == 1
    assert food["TB totaalscore"] == 36 and food["TB jaar"] == 2008
    bank_cells = aspect_cells(headers, list(by_code["banken"].values()), export.matrix)
    assert set(bank_cells.values()) == {None}  # no response: empty, not 0
    assert by_code["banken"]["TB totaalscore"] is None
    total = by_code[TOTAL_KEY]
    assert total["Gerespondeerd"] == export.matrix.rows.loc[TOTAL_KEY, "responded"] == 3


def test_numbers_are_numeric_cells_and_lagging_cells_are_marked(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later)
    sheet = book["Matrix"]
    header_row = next(row for row in sheet.iter_rows() if row[0].value == "Sector")
    headers = [cell.value for cell in header_row]
    food = next(row for row in sheet.iter_rows(min_row=header_row[0].row) if row[1].value == "voedsel_drank")
    climate = food[headers.index("Klimaat en broeikasgassen")]
    water = food[headers.index("Water")]
    assert climate.data_type == "n" and isinstance(climate.value, (int, float))
    human_rights = food[headers.index("Mensenrechten (algemeen)")]
    assert export.matrix.cells.loc[("voedsel_drank", "human_rights"), "lagging"]
    assert human_rights.fill.fgColor.rgb.endswith("F8CBAD")  # marked ...
    assert water.fill.fgColor.rgb != human_rights.fill.fgColor.rgb  # ... 50 % is not lagging
    lagging = food[headers.index("Achterblijvend (*)")].value
    assert "Mensenrechten (algemeen)" in lagging and "Water" not in lagging  # ... and listed
    activities = book["Activiteiten"]
    first = next(activities.iter_rows(min_row=2, max_row=2))
    assert first[0].data_type == "n" and first[16].value == 60 and first[17].value is True


def test_activity_sheets_long_table_row_count(tmp_path, rounds):
    _baseline, later = rounds
    _export_, book = xlsx_of(tmp_path, later)
    _headers, activities = sheet_table(book["Activiteiten"])
    assert len(activities) == 5
    cocoa = activities[0]
    assert cocoa["Aspecten"] == "Afschaffen van kinderarbeid; Lonen (leefbaar loon)"
    assert cocoa["Landen"] == "Ghana; Ivoorkust" and cocoa["Productgroepen"] == "Cacao"
    _headers, long = sheet_table(book["Activiteiten_lang"])
    assert len(long) == long_row_count(later) == 4 + 2 + 1 + 1 + 1
    climate = [row for row in long if row["Aspect"] == "Klimaat en broeikasgassen"]
    assert [row["Land"] for row in climate] == [None, None]  # no countries: rows with a blank
    assert sorted(row["Productgroep"] for row in climate) == ["Koffie", "Thee"]
    assert {row["Aspectgroep"] for row in long if row["Aspect"] == "Water"} == {"Milieu"}


@pytest.mark.parametrize("stream_rows", [0, 10_000])
def test_formula_neutralisation_in_xlsx(tmp_path, rounds, stream_rows):
    """Both ways of writing rows (through xlsxwriter, and streamed) neutralise text."""
    _baseline, later = rounds
    _export_, book = xlsx_of(tmp_path, later, stream_rows=stream_rows)
    _headers, activities = sheet_table(book["Activiteiten"])
    assert sorted(row["Titel"] for row in activities) == sorted("'" + title for title in DANGEROUS)
    assert [row["Omschrijving"] for row in activities if row["Omschrijving"]] == ["'=1+1"]
    _headers, dilemmas = sheet_table(book["Dilemmas"])
    assert dilemmas[0]["Omschrijving"] == "'-dilemma"
    _headers, response = sheet_table(book["Respons"])
    declined = next(row for row in response if row["Organisatie"] == "D")
    assert declined["Reden van afzien"] == "'=cmd|' /C calc'!A0" and declined["Herinneringen"] == 2
    formulas = [cell.coordinate for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
                if cell.data_type == "f"]
    assert formulas == []


def test_negative_change_stays_a_number(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later, measure="change")
    headers, rows = sheet_table(book["Matrix"], "Sector")
    food = next(row for row in rows if row["Code"] == "voedsel_drank")
    cells = aspect_cells(headers, list(food.values()), export.matrix)
    assert cells["child_labour"] == -50  # 100 % in 2010, 50 % in 2011
    assert book["Matrix"]["B8"].value.startswith("Uitvraag")  # "Vergeleken met" the baseline


def test_the_change_of_the_member_coverage_says_so_above_the_matrix(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later, measure="change", change_of="members")
    headers, rows = sheet_table(book["Matrix"], "Sector")
    food = next(row for row in rows if row["Code"] == "voedsel_drank")
    assert aspect_cells(headers, list(food.values()), export.matrix)["child_labour"] == 20  # 40 % -> 60 %
    preamble = {row[0]: row[1] for row in book["Matrix"].iter_rows(max_row=12, values_only=True)}
    assert preamble["Verandering van"] == "Dekking van de leden (%)"


def test_streamed_and_xlsxwriter_sheets_hold_the_same(tmp_path, rounds):
    _baseline, later = rounds
    _export_, streamed = xlsx_of(tmp_path, later, name="streamed.xlsx", stream_rows=0)
    _export_, written = xlsx_of(tmp_path, later, name="written.xlsx", stream_rows=10**9)
    for title in SHEETS_NL:
        if title in ("Matrix", "Toelichting"):  # they hold the time of export
            continue
        assert list(streamed[title].iter_rows(values_only=True)) == list(written[title].iter_rows(values_only=True))


def test_a_table_longer_than_excel_allows_says_to_use_the_csv(tmp_path):
    columns = [Column("number", "Nummer", "integer")]
    tables = [static_table("small", "Klein", columns, [(1,), (2,)]),
              static_table("activities_long", "Activiteiten_lang", columns, [(n,) for n in range(10)])]
    events = []
    written = write_xlsx(tmp_path / "limit.xlsx", tables, progress=events.append, max_rows=4)
    book = load_workbook(tmp_path / "limit.xlsx")
    assert [row[0] for row in book["Klein"].iter_rows(values_only=True)] == ["Nummer", 1, 2]
    note = book["Activiteiten_lang"]["A2"].value
    assert "10 rijen" in note and "CSV" in note and written == {"small": 2, "activities_long": 0}
    assert [(event.title, event.finished) for event in events] == [("Klein", True), ("Activiteiten_lang", True)]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_explanation_names_the_tables_left_out_and_their_csv_file(tmp_path, rounds, language):
    _baseline, later = rounds
    # One activity on 4 aspects x 3 countries x 3 product groups: 36 more rows in the long
    # table, so that it outgrows the explanation sheet under a small row limit.
    respond(later, company("F"), [{"aspects": ["child_labour", "wages", "climate", "water"],
                                   "countries": ["CI", "GH", "BR"], "products": ["cocoa", "coffee", "tea"]}])
    db.session.commit()
    long_rows = long_row_count(later)
    sheets = SHEETS_NL if language == "nl" else SHEETS_EN
    label = "Niet in deze werkmap" if language == "nl" else "Not in this workbook"
    # The long table no longer fits (its header takes a row); the explanation does.
    export, book = xlsx_of(tmp_path, later, max_rows=long_rows, language=language)
    explanation = book[sheets[-1]]
    _headers, lines = sheet_table(explanation)
    left_out = {row[0]: row for row in explanation.iter_rows(values_only=True) if str(row[0]).startswith(label)}
    _item, rows, text = left_out[f"{label}: {sheets[2]}"]
    assert rows == long_rows and f"{sheets[2]}.csv" in text and "CSV" in text
    assert f"{label}: {sheets[1]}" not in left_out  # the activities fit
    # Every sheet that stands in for its table is named on the explanation sheet.
    notes = {title for title in sheets if book[title].max_row == 2 and book[title].max_column == 1
             and "CSV" in str(book[title]["A2"].value)}
    assert sheets[2] in notes and notes == {name.split(": ", 1)[1] for name in left_out}
    # In full the workbook leaves nothing out, and the explanation says nothing of it;
    # under the limit it has the same lines besides.
    _export, full = xlsx_of(tmp_path, later, name="full.xlsx", language=language)
    _headers, full_lines = sheet_table(full[sheets[-1]])
    assert not any(str(next(iter(row.values()))).startswith(label) for row in full_lines)
    assert len(lines) == len(full_lines) + len(left_out)


def test_english_headers_and_sheet_names(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later, language="en")
    assert book.sheetnames == SHEETS_EN
    headers, rows = sheet_table(book["Matrix"], "Sector")
    assert "Targeted" in headers and "Food and beverages" in [row["Sector"] for row in rows]
    activities_headers, activities = sheet_table(book["Activities"])
    assert activities_headers[:2] == ["Activity id", "Organisation"]
    assert activities[0]["Kind of organisation"] == "Branch association"
    assert book["Explanation"]["A1"].value == "Item"


def test_answers_codebook_response_benchmark_and_explanation(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later)
    _headers, answers = sheet_table(book["Antwoorden"])
    by_name = {row["Organisatie"]: row for row in answers}
    assert sorted(by_name) == ["A", "C", "E"]
    assert by_name["A"]["member_count"] == 100 and isinstance(by_name["A"]["member_count"], int)
    assert by_name["A"]["frameworks"] == "oecd_guidelines;un_global_compact"
    assert by_name["A"]["sector_code_of_conduct"] == "yes" and by_name["A"]["frameworks_other"] == "'=1+1"
    assert by_name["C"]["complaints_received"] == 3 and by_name["C"]["Versie vragenlijst"] == "imvo-companies v1"
    assert "activity_title" not in by_name["A"]  # the inventory has its own sheets
    _headers, codebook = sheet_table(book["Codeboek"])
    frameworks = next(row for row in codebook if row["Code"] == "frameworks")
    assert frameworks["Type"] == "multiple_choice" and "oecd_guidelines=" in frameworks["Antwoordcodes"]
    assert "imvo-associations v1" in frameworks["Vragenlijsten"]
    assert next(row for row in codebook if row["Code"] == "activity_aspects")["Inventarisveld"] == "aspects"
    _headers, response = sheet_table(book["Respons"])
    assert sorted(row["Organisatie"] for row in response) == ["A", "Bank", "C", "D", "E"]
    a = next(row for row in response if row["Organisatie"] == "A")
    assert a["Status"] == "Ingediend" and a["Ingediend op"] is not None and a["Ingediend op"].tzinfo is None
    _headers, benchmark = sheet_table(book["Benchmark"])
    assert benchmark[0]["Sectorcode"] == "voedsel_drank" and benchmark[0]["TB totaalscore"] == 36
    _headers, explanation = sheet_table(book["Toelichting"])
    items = {row["Onderwerp"]: row["Waarde"] for row in explanation}
    assert items["Softwareversie"].startswith("imvo-survey ") and items["Drempel achterblijvend (%)"] == 25
    assert "Geëxporteerd op (Europe/Amsterdam)" in items
    assert any("Dekking van de leden" in row["Onderwerp"] and row["Toelichting"] for row in explanation)


def test_filters_narrow_every_sheet(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later, filters={"sector": "voedsel_drank"})
    _headers, rows = sheet_table(book["Matrix"], "Sector")
    assert [row["Code"] for row in rows] == ["voedsel_drank", TOTAL_KEY]
    assert book["Matrix"]["B3"].value == "sector=voedsel_drank"
    _headers, activities = sheet_table(book["Activiteiten"])
    assert {row["Organisatie"] for row in activities} == {"A"}
    _headers, response = sheet_table(book["Respons"])
    assert sorted(row["Organisatie"] for row in response) == ["A", "C", "D"]


def test_other_rows_and_columns(tmp_path, rounds):
    _baseline, later = rounds
    export, book = xlsx_of(tmp_path, later, rows="sector_kind", columns="aspect_group", lagging_measure="members")
    headers, rows = sheet_table(book["Matrix"], "Sector / soort")
    assert "Milieu" in headers and "Afschaffen van kinderarbeid" not in headers
    association = next(row for row in rows if row["Code"] == "voedsel_drank|branch_association")
    assert association["Milieu"] == 100  # A works on climate and water
    # the benchmark of the row's sector: food's 2008 row, for every kind in food
    assert association["TB totaalscore"] == 36 and association["TB bedrijven"] == 20
    assert association["Sector / soort"] == "Voedsel en drank / Brancheorganisatie"
    food_companies = next(row for row in rows if row["Code"] == "voedsel_drank|company")
    assert food_companies["TB totaalscore"] == 36 and food_companies["TB jaar"] == 2008
    total = next(row for row in rows if row["Code"] == "_total")
    assert total["TB bedrijven"] == 20 and total["TB beursgenoteerd"] == 6  # food counted once, not per kind
    _export, by_branch = xlsx_of(tmp_path, later, name="branch.xlsx", rows="branch")
    _headers, branch_rows = sheet_table(by_branch["Matrix"], "Branche")
    assert all(row["TB totaalscore"] is None and row["TB bedrijven"] is None for row in branch_rows)


# --- CSV ---------------------------------------------------------------------------------------

def test_csv_zip_with_datapackage_listing_every_column(tmp_path, rounds):
    _baseline, later = rounds
    _export_, archive = csv_zip_of(tmp_path, later)
    names = set(archive.namelist())
    assert names == {f"{title}.csv" for title in SHEETS_NL} | {"datapackage.json"}
    package = json.loads(archive.read("datapackage.json"))
    assert package["profile"] == "tabular-data-package" and len(package["resources"]) == 11
    for resource in package["resources"]:
        header = read_csv(archive, resource["path"])[0]
        assert [field["name"] for field in resource["schema"]["fields"]] == header
        assert resource["dialect"]["delimiter"] == ";" and resource["encoding"] == "utf-8"
        assert all(field["type"] in ("string", "integer", "number", "boolean", "date", "datetime", "any")
                   and field["description"] for field in resource["schema"]["fields"])
    matrix = next(r for r in package["resources"] if r["name"] == "matrix")
    share = next(f for f in matrix["schema"]["fields"] if f["name"] == "Afschaffen van kinderarbeid")
    assert share["type"] == "integer"  # the share is shown in whole percentages (measures.py)
    rate = next(f for f in matrix["schema"]["fields"] if f["name"] == "Respons (%)")
    assert rate["type"] == "number" and rate["decimalChar"] == ","
    long = next(r for r in package["resources"] if r["name"] == "activities_long")
    assert "Afschaffen van kinderarbeid" in next(f for f in long["schema"]["fields"]
                                                 if f["name"] == "Aspect")["constraints"]["enum"]
    assert len(read_csv(archive, "Activiteiten_lang.csv")) - 1 == long_row_count(later)


def test_csv_neutralises_text_and_keeps_negative_numbers(tmp_path, rounds):
    _baseline, later = rounds
    export, archive = csv_zip_of(tmp_path, later, measure="change")
    header, *rows = read_csv(archive, "Activiteiten.csv")
    titles = sorted(row[header.index("Titel")] for row in rows)
    assert titles == sorted("'" + title for title in DANGEROUS)
    header, *rows = read_csv(archive, "Matrix.csv")
    food = next(row for row in rows if row[1] == "voedsel_drank")
    assert food[header.index("Afschaffen van kinderarbeid")] == "-50"  # a number, not '-50
    assert food[header.index("Respons (%)")] == "66,7"
    bank = next(row for row in rows if row[1] == "banken")
    assert bank[header.index("Afschaffen van kinderarbeid")] == ""


def test_csv_with_commas_and_decimal_points(tmp_path, rounds):
    _baseline, later = rounds
    _export_, archive = csv_zip_of(tmp_path, later, delimiter=",")
    header, *rows = read_csv(archive, "Matrix.csv", delimiter=",")
    food = next(row for row in rows if row[1] == "voedsel_drank")
    assert food[header.index("Respons (%)")] == "66.7"
    package = json.loads(archive.read("datapackage.json"))
    fields = package["resources"][0]["schema"]["fields"]
    assert package["resources"][0]["dialect"]["delimiter"] == "," and not any("decimalChar" in f for f in fields)
