"""The matrix as JSON and the long activity table as SPSS, read back; SPSS names and the
datapackage fields; and `imvo matrix export` through Flask's CLI runner."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import load_workbook

from imvo_survey.analysis import Filters, year_over_year
from imvo_survey.analysis.export_formats import (
    FORMATS,
    datapackage,
    spss_names,
    write_export,
    write_json,
    write_sav,
)
from imvo_survey.analysis.export_schema import Column, static_table
from imvo_survey.analysis.export_tables import ExportOptions, export_tables, matrix_document
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.extensions import db

from .. import factories
from .export_data import SHEETS_EN, export_of, long_row_count, make_rounds, read_csv


@pytest.fixture
def rounds():
    """The baseline and the later round of export_data.make_rounds."""
    return make_rounds()


# --- JSON and SPSS ---------------------------------------------------------------------------

def test_json_of_the_matrix(tmp_path, rounds):
    _baseline, later = rounds
    export = export_of(later, measure="change")
    path = tmp_path / "matrix.json"
    write_json(path, matrix_document(export))
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["round"]["slug"] == "imvo-2011" and document["compared_with"]["slug"] == "imvo-2010"
    assert document["measure"] == "change" and document["software_version"]
    rows = {row["code"]: row for row in document["rows"]}
    child_labour = rows["voedsel_drank"]["cells"]["child_labour"]
    assert child_labour["share"] == 50 and child_labour["change"] == -50 and child_labour["organisations"] == 1
    assert rows["banken"]["cells"]["child_labour"]["share"] is None
    assert rows["voedsel_drank"]["benchmark_total"] == 36 and rows[TOTAL_KEY]["responded"] == 3
    assert [column["code"] for column in document["columns"]] == list(export.matrix.column_labels.index)


def test_the_change_follows_the_chosen_base_measure(rounds):
    """Food, child labour: the share falls from 100 % (A and C) to 50 % (A), while A's
    member coverage rises from 40 % to 60 % of its 100 members."""
    _baseline, later = rounds
    by_share = matrix_document(export_of(later, measure="change"))
    by_members = matrix_document(export_of(later, measure="change", change_of="members"))
    assert by_share["compared_with"]["change_of"] == "share"
    assert by_members["compared_with"]["change_of"] == "members"
    food = {document["compared_with"]["change_of"]: {row["code"]: row for row in document["rows"]}["voedsel_drank"]
            for document in (by_share, by_members)}
    assert food["share"]["cells"]["child_labour"]["change"] == -50
    assert food["members"]["cells"]["child_labour"]["change"] == 20
    export = export_of(later, measure="change", change_of="members")
    assert export.values().loc["voedsel_drank", "child_labour"] == 20
    assert matrix_document(export_of(later))["compared_with"] is None  # no comparison, no change


def test_an_unknown_base_measure_for_the_change_is_refused(rounds):
    from imvo_survey.analysis.filters import FilterError

    _baseline, later = rounds
    with pytest.raises(FilterError, match="change"):
        export_of(later, measure="change", change_of="activities")


def test_spss_file_of_the_long_table(tmp_path, rounds):
    import pyreadstat

    _baseline, later = rounds
    export = export_of(later)
    (table,) = export_tables(db.session.connection(), export, keys=("activities_long",))
    path = tmp_path / "activities.sav"
    assert write_sav(path, table) == long_row_count(later)
    frame, meta = pyreadstat.read_sav(str(path))
    assert len(frame) == long_row_count(later)
    assert list(frame.columns) == [column.code for column in table.columns]
    assert meta.column_names_to_labels["member_share"] == "Aandeel leden (%)"
    aspects = meta.variable_value_labels["aspect"]
    labelled = frame["aspect"].map(aspects)
    assert (labelled == "Afschaffen van kinderarbeid").sum() == 3  # twice in two countries, once more
    assert frame["member_share"].max() == 60 and frame["country"].isna().sum() == 4
    assert meta.variable_value_labels["publish_consent"] == {1.0: "ja", 0.0: "nee"}


def test_spss_names():
    names = spss_names(["activity_id", "1abc", "all", "x" * 80, "a b", "a_b", "A_B", "_"])
    assert names[:3] == ["activity_id", "v1abc", "all1"]
    assert len(names[3]) == 64 and names[4] == "a_b" and names[5] == "a_b2" and names[6] == "A_B3"
    assert all(name[0].isalpha() and not name.endswith("_") for name in names)


def test_datapackage_field_options():
    columns = [Column("n", "Getal", "number"), Column("b", "Ja/nee", "boolean"), Column("t", "Tijd", "datetime")]
    package = datapackage([static_table("x", "X", columns, [])], ["X.csv"], ";", True, name="IMVO 2010!")
    fields = package["resources"][0]["schema"]["fields"]
    assert package["name"] == "imvo-2010-" and fields[0]["decimalChar"] == ","
    assert fields[1]["trueValues"] == ["1"] and fields[2]["format"] == "%Y-%m-%d %H:%M:%S"


# --- the CLI ---------------------------------------------------------------------------------

def test_cli_csv_with_a_filter_and_the_member_measure(runner, tmp_path, rounds):
    path = tmp_path / "leden.zip"
    result = runner.invoke(args=["matrix", "export", "imvo-2011", "--filter", "sector=voedsel_drank",
                                 "--measure", "members", "--format", "csv", "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert "Activiteiten: 4 of 4 rows" in result.stderr and f"Wrote {path}" in result.stdout
    archive = zipfile.ZipFile(path)
    header, *rows = read_csv(archive, "Matrix.csv")
    assert [row[1] for row in rows] == ["voedsel_drank", TOTAL_KEY]
    assert rows[0][header.index("Afschaffen van kinderarbeid")] == "60"  # A: 60 % of its 100 members
    assert json.loads(archive.read("datapackage.json"))["name"] == "imvo-imvo-2011"


@pytest.mark.parametrize("suffix, check", [
    ("xlsx", lambda path: load_workbook(path).sheetnames == SHEETS_EN),
    ("json", lambda path: json.loads(path.read_text(encoding="utf-8"))["language"] == "en"),
    ("sav", lambda path: path.stat().st_size > 0),
])
def test_cli_formats_from_the_file_name(runner, tmp_path, rounds, suffix, check):
    path = tmp_path / f"export.{suffix}"
    result = runner.invoke(args=["matrix", "export", "imvo-2011", "-o", str(path), "--language", "en",
                                 "--filter", "rows=sector", "--threshold", "30", "--panel"])
    assert result.exit_code == 0, result.output
    assert check(path)


@pytest.mark.parametrize("args, message", [
    (["--filter", "colour=red"], "Unknown filter"),
    (["--filter", "sector"], "KEY=VALUE"),
    (["--filter", "round=imvo-2010"], "ROUND argument"),
    (["--filter", "threshold=veel"], "threshold is a number"),
    (["--filter", "size=huge"], "size must be one of"),
])
def test_cli_refuses_bad_filters(runner, tmp_path, rounds, args, message):
    result = runner.invoke(args=["matrix", "export", "imvo-2011", "-o", str(tmp_path / "x.xlsx"), *args])
    assert result.exit_code != 0 and message in result.output


@pytest.mark.parametrize("args", [["--change-of", "members"], ["--filter", "change_of=members"]])
def test_cli_change_of_the_member_coverage(runner, tmp_path, rounds, args):
    output = tmp_path / "change.json"
    result = runner.invoke(args=["matrix", "export", "imvo-2011", "--measure", "change", "-o", str(output), *args])
    assert result.exit_code == 0, result.output
    document = json.loads(output.read_text(encoding="utf-8"))
    food = next(row for row in document["rows"] if row["code"] == "voedsel_drank")
    assert document["compared_with"]["change_of"] == "members" and food["cells"]["child_labour"]["change"] == 20


def test_cli_change_needs_a_round_to_compare_with(runner, tmp_path, rounds):
    result = runner.invoke(args=["matrix", "export", "imvo-2010", "--measure", "change", "-o",
                                 str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "no round to compare with" in result.output
    result = runner.invoke(args=["matrix", "export", "geen-ronde", "-o", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "No round" in result.output


def test_year_over_year_export_uses_the_comparison_matrix(rounds):
    """The panel export shows the panel matrix: only organisations in both rounds."""
    _baseline, later = rounds
    export = export_of(later, panel=True)
    comparison = year_over_year(db.session.connection(), Filters(round=later.id), panel=True)
    assert export.matrix.rows.loc[TOTAL_KEY, "responded"] == comparison.new.rows.loc[TOTAL_KEY, "responded"] == 2


# --- write_export: the one entry point of the CLI, a download and the benchmark ----------------

@pytest.mark.parametrize("file_format", FORMATS)
def test_a_round_without_responses_exports_in_every_format(tmp_path, file_format):
    round = factories.make_round(slug="leeg", year=2012)
    db.session.commit()
    path = tmp_path / f"leeg.{file_format}"
    counts = write_export(db.session.connection(), Filters(round=round.id), file_format, path)
    assert path.stat().st_size > 0 and counts.get("activities", 0) == counts.get("activities_long", 0) == 0


@pytest.mark.parametrize("file_format", ["xlsx", "csv", "json"])
def test_write_export_to_a_buffer(rounds, file_format):
    _baseline, later = rounds
    buffer = io.BytesIO()
    options = ExportOptions(Filters(round=later.slug), measure="organisations", language="en")
    write_export(db.session.connection(), options, file_format, buffer)
    buffer.seek(0)
    if file_format == "xlsx":
        assert load_workbook(buffer).sheetnames == SHEETS_EN
    elif file_format == "csv":
        assert "Matrix.csv" in zipfile.ZipFile(buffer).namelist()
    else:
        assert json.load(buffer)["measure"] == "organisations"
