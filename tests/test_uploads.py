"""The shared checks every upload passes before it is parsed (`imvo_survey.uploads`):
each hostile kind of file is refused with a message that names the limit and what was
found, quickly, and the files the app itself writes pass."""

from __future__ import annotations

import dataclasses
import io
import json
import struct
import zipfile

import pytest
from flask_babel import force_locale
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from config import BaseConfig, load_config
from imvo_survey.spreadsheets.reading import read_table
from imvo_survey.uploads import UploadLimits, UploadRefused, check_upload, json_shape, parse_json

from . import hostile

CSV_OR_XLSX = ("csv", "xlsx")


def refusal(data: bytes, filename: str, kinds=CSV_OR_XLSX, limits: UploadLimits | None = None) -> str:
    with force_locale("en"):
        with pytest.raises(UploadRefused) as refused:
            check_upload(data, filename, kinds, limits)
        return str(refused.value)


@pytest.mark.parametrize("data, filename, kinds, message", [
    (hostile.EMPTY, "leeg.csv", CSV_OR_XLSX, "The file is empty. Choose the file with your data: a CSV file or an "
                                             "Excel workbook (.xlsx)."),
    (b"\xef\xbb\xbf \r\n", "leeg.csv", CSV_OR_XLSX, "The file is empty."),
    (hostile.BINARY, "foto.csv", CSV_OR_XLSX, "This file holds binary data, so it is not a CSV file or an Excel "
                                              "workbook (.xlsx)."),
    (hostile.BINARY, "foto.xlsx", ("xlsx",), "This file holds binary data"),
    (hostile.BINARY, "foto.json", ("xlsx", "json"), "so it is not an Excel workbook (.xlsx) or a JSON file."),
    (hostile.UTF16_CSV, "unicode.csv", CSV_OR_XLSX, "The file is saved as UTF-16"),
    ("naam;soort\n".encode("utf-16-le"), "zonder-bom.csv", CSV_OR_XLSX, "The file is saved as UTF-16"),
    (hostile.UTF16_JSON, "vragenlijst.json", ("xlsx", "json"), "The file is saved as UTF-16"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "oud.xls", CSV_OR_XLSX, "an old Excel file (.xls)"),
    (b"naam;soort\n", "tekst.xlsx", CSV_OR_XLSX, "not an Excel workbook, although its name ends in .xlsx"),
    (b"naam;soort\n", "tekst.csv", ("xlsx",), "This is a text file; upload an Excel workbook (.xlsx)."),
    (hostile.BINARY.replace(b"\x00", b"\x01"), "foto.csv", CSV_OR_XLSX, "This file holds binary data"),
    (b'{"a": "\xff"}', "latin.json", ("xlsx", "json"), "The file is not UTF-8 text."),
])
def test_kinds_of_file_that_cannot_be_read(data, filename, kinds, message):
    assert message in refusal(data, filename, kinds)


def test_text_that_only_looks_odd_is_still_text():
    """A stray end-of-file mark (Ctrl-Z), and a UTF-8 mark on Windows-1252 text."""
    from imvo_survey.spreadsheets.reading import read_table

    assert check_upload(b"naam;soort\r\nKoffie B.V.;bedrijf\r\n\x1a", "oud.csv", CSV_OR_XLSX) == "csv"
    table = read_table(b"\xef\xbb\xbfnaam;soort\nCaf\xe9 B.V.;bedrijf\n", "gemengd.csv")
    assert table.rows[0][1]["naam"] == "Caf\u00e9 B.V."


def test_a_zip_bomb_is_refused_by_its_directory_alone():
    bomb = hostile.zip_bomb()
    assert len(bomb) < 1024 * 1024
    message = refusal(bomb, "organisaties.xlsx")  # poisoned half-way: unpacking would fail otherwise
    assert message.startswith("The workbook unpacks to 90")
    assert "MB, more than the limit of 10 MB." in message


def test_a_part_larger_than_its_directory_says_is_damaged():
    """zipfile unpacks no more than the directory says and then fails the checksum: a
    lying size passes the size check, is found while the sheet streams, and is refused."""
    data = bytearray(hostile.workbook({"Blad1": b"<sheetData>" + hostile.row(1, "a" * 5000) * 200
                                       + b"</sheetData>"}))
    name = b"xl/worksheets/sheet1.xml"
    for signature, name_at, size_at in ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24)):
        start = next(position for position in _all(data, signature)
                     if data[position + name_at:position + name_at + len(name)] == name)
        data[start + size_at:start + size_at + 4] = struct.pack("<I", 1000)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        assert archive.getinfo(name.decode()).file_size == 1000
    assert "The Excel workbook is damaged" in refusal(bytes(data), "lijst.xlsx")


def _all(data: bytearray, signature: bytes):
    position = data.find(signature)
    while position != -1:
        yield position
        position = data.find(signature, position + 1)


@pytest.mark.parametrize("build, message", [
    (lambda: hostile.wide(), "The sheet Blad1 reaches column 10,000, more than the limit of 200 columns."),
    (lambda: hostile.dimension_to_last_row(), "The sheet Blad1 reaches row 1,048,576, more than the limit of "
                                              "10,000 rows."),
    (lambda: hostile.rows_past_their_dimension(), "The sheet Blad1 reaches row 1,048,576"),
    (lambda: hostile.workbook({f"Blad{n}": b"<sheetData/>" for n in range(51)}),
     "The workbook has 51 sheets, more than the limit of 50."),
    (lambda: hostile.workbook({"Blad1": b"<sheetData>" + hostile.row(None, "x") * 10_001 + b"</sheetData>"}),
     "The sheet Blad1 reaches row 10,001"),
    (lambda: hostile.workbook({"Blad1": b"<sheetData><row><c r='XFD1'><v>1</v></c></row></sheetData>"}),
     "reaches column 16,384"),
])
def test_sheets_past_the_limits(build, message):
    assert message in refusal(build(), "lijst.xlsx")


def test_rows_and_columns_only_formatted_count_for_nothing(monkeypatch):
    """What counts is how far the values reach: a sheet formatted down to row 1,048,576
    and across 1,024 columns (LibreOffice writes such sheets) passes, and is read no
    further than the row limit (openpyxl would otherwise fill in a million empty rows)."""
    data = hostile.formatted_to_the_last_row()
    assert check_upload(data, "lijst.xlsx", ("xlsx",)) == "xlsx"
    seen = []
    iter_rows = ReadOnlyWorksheet.iter_rows

    def counted(self, *args, **kwargs):
        for line in iter_rows(self, *args, **kwargs):
            seen.append(line)
            yield line

    monkeypatch.setattr(ReadOnlyWorksheet, "iter_rows", counted)
    table = read_table(data, "lijst.xlsx")
    assert [values for _line, values in table.rows] == [{"naam": "Voedsel", "soort": "branche"}]
    assert len(seen) <= UploadLimits.current().rows


def test_a_sheet_read_twice_and_a_zip_that_is_no_workbook():
    data = hostile.workbook({"Blad1": b"<sheetData/>", "Blad2": b"<sheetData/>"})
    twice = hostile.rewritten(data, "xl/_rels/workbook.xml.rels", b"sheet2.xml", b"sheet1.xml")
    assert "damaged" in refusal(twice, "lijst.xlsx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    assert "a zip file, but not an Excel workbook" in refusal(buffer.getvalue(), "lijst.ods")
    assert "damaged" in refusal(b"PK\x03\x04" + b"kapot" * 20, "lijst.xlsx")


@pytest.mark.parametrize("data, message", [
    (b"naam;soort\n" + b"Bedrijf;company\n" * 10_000, "The file has 10,001 rows, more than the limit of 10,000."),
    (hostile.wide_csv(), "Line 1 has 10,000 columns, more than the limit of 200."),
    (b"naam;soort\nBedrijf;" + b"x" * 100_001 + b"\n", "Line 2 is 100,009 characters long, more than the limit "
                                                       "of 100,000."),
])
def test_csv_past_the_limits(data, message):
    assert message in refusal(data, "lijst.csv")


def test_lines_just_under_the_limit_are_checked_in_one_pass():
    """A regression test for a check that took quadratic time: with the old one this test
    ran for minutes (timings belong in the benchmarks; this only must not hang)."""
    assert check_upload(hostile.lines_just_under(), "lijst.csv", ("csv",)) == "csv"
    over = hostile.lines_just_under(count=3) + b"y" * 100_001 + b"\r\n" + b"Bedrijf;company\r\n"
    assert "Line 5 is 100,001 characters long, more than the limit of 100,000." in refusal(over, "lijst.csv")
    # A line ends at a carriage return alone too (old Mac files), and is counted as one.
    assert "Line 3 is 100,001 characters long" in refusal(b"a;b\r1;2\r" + b"x" * 100_001, "lijst.csv")
    assert check_upload(b"a;b\r" + b"x" * 100_000, "lijst.csv", ("csv",)) == "csv"


def test_json_nesting_and_size():
    assert "The JSON is nested 100,001 levels deep, more than the limit of 32." in refusal(
        hostile.deep_json(), "diep.json", ("xlsx", "json"))
    many = json.dumps([{} for _ in range(10_001)]).encode()
    assert "The JSON file holds 10,001 objects, more than the limit of 10,000." in refusal(
        many, "veel.json", ("xlsx", "json"))
    assert json_shape(b'{"a": "[[[{{{", "b": [["\\"]]]"]]}') == (3, 1)  # brackets in strings do not count
    # A string that never ends hides the rest; its escaped quotes are no new starts (that
    # took quadratic time: minutes for this one).
    assert json_shape(hostile.unterminated_json_string()) == (1, 0)
    assert json_shape(b'[{"a": "\\\\"}, "b\\') == (2, 1)
    with pytest.raises(UploadRefused):
        parse_json("[" * 5000 + "]" * 5000)  # json.loads itself would raise RecursionError
    with pytest.raises(ValueError):  # UploadRefused is a ValueError, as json's own errors
        parse_json('{"a": ' * 40 + "1" + "}" * 40)
    assert parse_json('{"a": [1, {"b": "]]]]"}]}') == {"a": [1, {"b": "]]]]"}]}


def test_the_limits_are_settings(app, monkeypatch):
    limits = dataclasses.replace(UploadLimits.current(), rows=2, columns=3)
    assert "The file has 3 rows, more than the limit of 2." in refusal(b"a;b\n1;2\n3;4\n", "x.csv", limits=limits)
    assert "Line 1 has 4 columns, more than the limit of 3." in refusal(b"a;b;c;d\n", "x.csv", limits=limits)
    assert UploadLimits.current() == UploadLimits.from_config(app.config)
    monkeypatch.setenv("UPLOAD_MAX_ROWS", "25")
    monkeypatch.setenv("UPLOAD_MAX_UNPACKED_MB", "3")
    config = load_config("testing")
    assert (config.UPLOAD_MAX_ROWS, config.UPLOAD_MAX_UNPACKED_MB) == (25, 3)
    assert BaseConfig.UPLOAD_MAX_ROWS == 10_000
    monkeypatch.setenv("UPLOAD_MAX_ROWS", "0")
    with pytest.raises(Exception, match="UPLOAD_MAX_ROWS must be a whole number of at least 1"):
        load_config("testing")


def test_what_the_app_writes_passes(secretariat_client):
    """The organisation template and an exported questionnaire are accepted unchanged."""
    from imvo_survey.questionnaires.services import definition_of, find_version, reference_lists
    from imvo_survey.questionnaires.xlsform import write_workbook
    from imvo_survey.seed import seed_questionnaires

    for fmt in ("xlsx", "csv"):
        template = secretariat_client.get(f"/organisations/import/template.{fmt}").data
        assert check_upload(template, f"sjabloon.{fmt}", CSV_OR_XLSX) == fmt
    seed_questionnaires()
    definition = definition_of(find_version("imvo-associations"))
    assert check_upload(write_workbook(definition, reference_lists()), "v.xlsx", ("xlsx", "json")) == "xlsx"
    assert check_upload(json.dumps(definition).encode(), "v.json", ("xlsx", "json")) == "json"
