"""The shared export writers: formula neutralisation, CSV for Dutch Excel, XLSX with
real types. Pure functions: no app, no database."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from imvo_survey.spreadsheets.writing import csv_bytes, neutralise, sheet_title, xlsx_bytes


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://evil.example\",\"klik\")", "'=HYPERLINK(\"http://evil.example\",\"klik\")"),
    ("+31 70 1234567", "'+31 70 1234567"),
    ("-Min", "'-Min"),
    ("-5", "'-5"),
    ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
    ("\t=1+1", "'\t=1+1"),
    ("\r=1+1", "'\r=1+1"),
    ("Koffie = lekker", "Koffie = lekker"),
    ("'al geciteerd", "'al geciteerd"),
    ("", ""),
    (" =1", " =1"),
])
def test_neutralise_text(value, expected):
    assert neutralise(value) == expected


@pytest.mark.parametrize("value", [-5, -2.5, 0, 3, Decimal("-1.25"), None, date(2010, 1, 1),
                                   datetime(2010, 1, 1, 9, 30), True])
def test_neutralise_leaves_other_values_alone(value):
    assert neutralise(value) is value


def _read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_csv_has_bom_semicolons_and_neutralised_text():
    data = csv_bytes(["Naam", "Aantal", "Datum"],
                     [["=1+1", -3, date(2010, 11, 1)], ["Zuivel; kaas", 2.5, datetime(2010, 11, 1, 17, 5)],
                      ["-Min", None, None]])
    rows = _read_csv(data)
    assert rows == [["Naam", "Aantal", "Datum"], ["'=1+1", "-3", "2010-11-01"],
                    ["Zuivel; kaas", "2,5", "2010-11-01 17:05:00"], ["'-Min", "", ""]]
    assert b"\r\n" in data


def test_csv_with_commas_keeps_decimal_points():
    data = csv_bytes(["a", "b"], [[1.5, "+x"]], delimiter=",")
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [["a", "b"], ["1.5", "'+x"]]


def test_csv_keeps_accents_and_line_breaks():
    rows = _read_csv(csv_bytes(["Reden"], [["Geen tijd,\nvolgend jaar wél"]]))
    assert rows[1] == ["Geen tijd,\nvolgend jaar wél"]


def test_xlsx_keeps_types_and_neutralises_text():
    data = xlsx_bytes([
        ("Organisaties", ["Naam", "Aantal", "Datum", "Tijd"],
         [["=HYPERLINK(\"http://evil.example\")", -3, date(2010, 11, 1), datetime(2010, 11, 1, 17, 5)],
          ["@at", 2.5, None, None], ["Gewoon\x01 tekst", Decimal("1.5"), None, None]]),
        ("Tweede", ["x"], [["+plus"]]),
    ])
    workbook = load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Organisaties", "Tweede"]
    sheet = workbook["Organisaties"]
    assert [cell.value for cell in sheet[1]] == ["Naam", "Aantal", "Datum", "Tijd"]
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "'=HYPERLINK(\"http://evil.example\")" and sheet["A2"].data_type == "s"
    assert sheet["B2"].value == -3 and sheet["B2"].data_type == "n"
    assert sheet["C2"].value == datetime(2010, 11, 1) and sheet["C2"].is_date
    assert sheet["D2"].value == datetime(2010, 11, 1, 17, 5) and sheet["D2"].is_date
    assert sheet["A3"].value == "'@at" and sheet["B3"].value == 2.5
    assert sheet["A4"].value == "Gewoon tekst"  # a control character XML cannot hold is dropped
    assert workbook["Tweede"]["A2"].value == "'+plus"
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_drops_time_zones():
    from datetime import UTC

    data = xlsx_bytes([("S", ["t"], [[datetime(2010, 11, 1, 16, 0, tzinfo=UTC)]])])
    assert load_workbook(io.BytesIO(data))["S"]["A2"].value == datetime(2010, 11, 1, 16, 0)


def test_sheet_titles_are_valid_and_unique():
    used: set[str] = set()
    assert sheet_title("Sector: voedsel/drank [2010]?", used) == "Sector  voedsel drank  2010"
    long = "x" * 40
    assert sheet_title(long, used) == "x" * 31
    assert sheet_title(long, used) == "x" * 27 + " (2)"
    assert sheet_title("", used) == "Sheet"


def test_empty_workbook_still_opens():
    assert load_workbook(io.BytesIO(xlsx_bytes([]))).sheetnames == ["Sheet"]
