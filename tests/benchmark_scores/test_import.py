"""Benchmark imports: every format and encoding, headers in Dutch or English, matching by
code, name and alias (and by hand, remembered), every check, the reconciliation of a
printed total row (the seed's Tabel 1 exactly), and undo."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import func, select

from imvo_survey.benchmark_scores.importer import AlreadyUndone, apply_import, plan_import, undo_import
from imvo_survey.benchmark_scores.reconcile import describe
from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkAlias, BenchmarkImport, BenchmarkScore
from imvo_survey.spreadsheets.reading import read_table

from .. import factories

DATA = Path(__file__).parent / "data"
TABEL_1 = {"banken": (72, 5.5, 5, 4), "consumentenproducten": (36, 4.3, 4, 4), "voedsel_drank": (36, 3.0, 20, 6),
           "industriele_goederen": (31, 2.0, 24, 17), "handelsmaatschappijen": (10, 0.4, 5, 3), "overig": (0, 0, 2, 0)}


def plan_bytes(data: bytes, filename: str = "file.csv", level: str = "sector", year: int = 2008,
               source: str = "Transparantiebenchmark", mappings=None):
    return plan_import(read_table(data, filename), year=year, level=level, source=source, mappings=mappings)


def csv_bytes(lines: list[str], delimiter: str = ";", encoding: str = "utf-8", bom: bool = False) -> bytes:
    data = ("\r\n".join(lines).replace(";", delimiter) + "\r\n").encode(encoding)
    return b"\xef\xbb\xbf" + data if bom else data


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def saved_scores() -> dict:
    return {score.sector.code: (score.total_score, score.chain_score, score.company_count, score.listed_count)
            for score in db.session.scalars(select(BenchmarkScore).where(BenchmarkScore.level == "sector"))}


def english(warnings) -> list[str]:
    with force_locale("en"):
        return [describe(warning) for warning in warnings]


TABEL_1_WARNINGS = [
    "Number of companies: the rows add up to 139, the total row (line 20) says 170.",
    "Listed: the rows add up to 78, the total row (line 20) says 91.",
    "Total score (0-100): the total row (line 20) says 30; the rows' mean is 32.9 and their "
    "company-weighted mean 32.4.",
    "Chain score (0-10): the total row (line 20) says 1.7; the rows' mean is 1.77 and their "
    "company-weighted mean 1.90.",
]


@pytest.mark.parametrize("filename", ["tabel1_2008.csv", "tabel1_2008.xlsx"])
def test_tabel_1_imports_and_its_printed_total_is_reconciled(filename):
    data = (DATA / filename).read_bytes()
    table = read_table(data, filename)
    if filename.endswith(".csv"):
        assert (table.encoding, table.delimiter) == ("cp1252", ";")
    plan = plan_import(table, year=2008, level="sector", source="Transparantiebenchmark")
    assert plan.errors == [] and plan.unmatched == [] and plan.is_valid
    assert len(plan.rows) == 18 and [name for _, name in plan.total_rows][0] in ("Gemiddeld \u2013 alle sectoren",
                                                                                  "Average")
    assert english(plan.warnings) == TABEL_1_WARNINGS
    assert {row.name: row.match.how for row in plan.rows}["Consumentenp."] == "alias"
    record = apply_import(plan, filename, user_id=None)
    db.session.commit()
    assert saved_scores().items() >= TABEL_1.items() and len(saved_scores()) == 18
    assert record.row_count == 18 and english(db.session.get(BenchmarkImport, record.id).warnings) == TABEL_1_WARNINGS


@pytest.mark.parametrize("delimiter, encoding, bom, decimal", [
    (";", "utf-8", False, ","), (";", "utf-8", True, ","), (",", "utf-8", False, "."),
    (";", "cp1252", False, ","), (",", "cp1252", True, "."),
], ids=["utf8", "utf8-bom", "comma-point", "cp1252", "comma-bom"])
def test_every_csv_dialect(delimiter, encoding, bom, decimal):
    lines = ["Score ketenbeheer;Sector;Totaalscore", f"5{decimal}5;Banken;72", f"4{decimal}3;Consumentenproducten;36",
             f"2{decimal}0;Industriële goederen;31"]
    if delimiter == ",":
        lines = [line.replace(",", ";") if decimal == "," else line for line in lines]
    plan = plan_bytes(csv_bytes(lines, delimiter, encoding, bom))
    assert plan.errors == [] and plan.is_valid
    assert [(row.match.subject.code, row.values["chain_score"]) for row in plan.rows] == [
        ("banken", 5.5), ("consumentenproducten", 4.3), ("industriele_goederen", 2.0)]


def test_the_preview_says_which_column_was_read_as_what():
    plan = plan_bytes(csv_bytes(["Rang;Sector;Total score;Chain score;Companies;Of which listed", "1;Banks;72;5.5;5;4"]))
    assert plan.columns == [("Rang", None), ("Sector", "sector"), ("Total score", "total_score"),
                            ("Chain score", "chain_score"), ("Companies", "company_count"),
                            ("Of which listed", "listed")]
    assert plan.rows[0].match.subject.code == "banken" and plan.rows[0].match.how == "name"


@pytest.mark.parametrize("written, code, how", [
    ("BANKS", "banken", "name"), ("voedsel_drank", "voedsel_drank", "code"), ("Voedsel & drank", "voedsel_drank", "code"),
    ("CONSUMENTENP", "consumentenproducten", "alias"), ("industrie-goed", "industriele_goederen", "alias"), ("Industrial goods", "industriele_goederen", "name"),
    ("Handelsmaats.", "handelsmaatschappijen", "alias"), ("Transport & logistiek", "transport", "alias"),
    ("Oil and gas", "olie_gas", "name"),
])
def test_sectors_match_by_code_name_or_alias_whatever_the_spelling(written, code, how):
    plan = plan_bytes(csv_bytes(["sector;totaalscore", f"{written};50"]))
    assert (plan.rows[0].match.subject.code, plan.rows[0].match.how) == (code, how)


def test_an_unknown_sector_gets_suggestions_and_a_mapping_by_hand_is_remembered():
    lines = ["sector;totaalscore", "Bankwezen;60", "Retail (non-food);14"]
    plan = plan_bytes(csv_bytes(lines))
    assert not plan.is_valid
    unmatched = {row.name: [s.code for s in row.match.suggestions] for row in plan.unmatched}
    assert unmatched["Bankwezen"][0] == "banken" and "retail_nonfood" not in unmatched  # punctuation ignored
    user = factories.make_user()
    plan = plan_bytes(csv_bytes(lines), mappings={"bankwezen": factories.sector("banken").id})
    assert plan.is_valid and plan.rows[0].match.how == "mapped"
    apply_import(plan, "a.csv", user_id=user.id)
    db.session.commit()
    alias = db.session.scalar(select(BenchmarkAlias))
    assert (alias.name, alias.sector.code, alias.created_by_id) == ("Bankwezen", "banken", user.id)
    assert alias.created_at is not None
    again = plan_bytes(csv_bytes(lines), year=2009)
    assert again.is_valid and again.rows[0].match.how == "remembered"


def test_organisations_match_by_kvk_number_else_by_name():
    shell = factories.make_organisation(name="Koninklijke Olie N.V.", kind="company", kvk_number="11111111",
                                        sector=factories.sector("olie_gas"))
    bank = factories.make_organisation(name="Bank Één", kind="company", sector=factories.sector("banken"))
    lines = ["Company;KvK;Sector;Total score;Chain score;Listed",
             "Shell Nederland;11111111;Olie en gas;55;3,5;ja", "bank een;;Verzekeraars;40;1;nee",
             "Onbekend BV;;;10;0;nee"]
    plan = plan_bytes(csv_bytes(lines), level="organisation", year=2009)
    matched = {row.name: (row.match.subject, row.match.how) for row in plan.rows}
    assert matched["Shell Nederland"] == (shell, "kvk") and matched["bank een"] == (bank, "name")
    assert [row.name for row in plan.unmatched] == ["Onbekend BV"]
    assert english(plan.warnings) == [
        "Line 3: the file puts bank een in sector Verzekeraars, the register in Banks."]
    with force_locale("en"):
        plan = plan_bytes(csv_bytes(lines), level="organisation", year=2009, mappings={"onbekend": bank.id})
    assert "is also on line 3" in plan.errors[0].message  # the same organisation twice


def test_an_organisation_level_import_with_a_total_row():
    first = factories.make_organisation(name="Alfa", kind="company", sector=factories.sector("banken"))
    second = factories.make_organisation(name="Beta", kind="company", sector=factories.sector("banken"))
    data = xlsx_bytes([["Bedrijf", "Totaalscore", "Ketenbeheer", "Beursgenoteerd"], ["Alfa", 60, 4.5, "ja"],
                       ["Beta", 40, 2.5, "nee"], ["Totaal", 50, 3.5, 2]])
    plan = plan_bytes(data, "o.xlsx", level="organisation", year=2009)
    assert plan.is_valid, plan.errors
    assert english(plan.warnings) == ["Listed: the rows add up to 1, the total row (line 4) says 2."]
    apply_import(plan, "o.xlsx", user_id=None)
    db.session.commit()
    scores = {s.organisation: (s.total_score, s.chain_score, s.listed_count)
              for s in db.session.scalars(select(BenchmarkScore))}
    assert scores == {first: (60, 4.5, 1), second: (40, 2.5, 0)}


@pytest.mark.parametrize("row, line, column, message", [
    ("Banken;101;5;5;4", 2, "total_score", "between 0 and 100"),
    ("Banken;-1;5;5;4", 2, "total_score", "between 0 and 100"),
    ("Banken;72;10,5;5;4", 2, "chain_score", "between 0 and 10"),
    ("Banken;zeventig;5;5;4", 2, "total_score", "is not a number"),
    ("Banken;72;5;5,5;4", 2, "company_count", "not a whole number"),
    ("Banken;72;5;5;6", 2, "listed", "more listed companies than companies"),
    ("Banken;72;5;-5;", 2, "company_count", "0 or more"),
    (";72;5;5;4", 2, "sector", "name is missing"),
])
def test_every_failing_check_names_row_and_column(row, line, column, message):
    lines = ["sector;totaalscore;ketenbeheer;bedrijven;beursgenoteerd", "Media;36;2;6;5", row]
    with force_locale("en"):
        plan = plan_bytes(csv_bytes(lines))
    assert not plan.is_valid
    assert [(error.line, error.column) for error in plan.errors] == [(line + 1, column)]
    assert message in plan.errors[0].message


def test_duplicates_in_the_file_and_in_the_database():
    lines = ["sector;totaalscore", "Banken;72", "banken;70"]
    plan = plan_bytes(csv_bytes(lines))
    assert [(e.line, e.column) for e in plan.errors] == [(3, "sector")]
    db.session.add(BenchmarkScore(source="Transparantiebenchmark", year=2008, level="sector",
                                  sector=factories.sector("media"), total_score=36))
    db.session.commit()
    with force_locale("en"):
        plan = plan_bytes(csv_bytes(["sector;totaalscore", "Media;36"]))
        assert plan.errors[0].message == "There is already a score for Media for Transparantiebenchmark 2008."
    assert plan_bytes(csv_bytes(["sector;totaalscore", "Media;36"]), source="Other benchmark").is_valid


def test_a_year_column_must_agree_and_columns_must_be_there():
    plan = plan_bytes(csv_bytes(["sector;jaar;totaalscore", "Banken;2009;72"]))
    assert [(e.line, e.column) for e in plan.errors] == [(2, "year")]
    plan = plan_bytes(csv_bytes(["naam;totaalscore", "Banken;72"]))
    assert [(e.line, e.column) for e in plan.errors] == [(1, "sector")]
    plan = plan_bytes(csv_bytes(["sector;totaalscore;total score", "Banken;72;72"]))
    assert [(e.line, e.column) for e in plan.errors] == [(1, "total score")]
    plan = plan_bytes(csv_bytes(["sector;bedrijven", "Banken;5"]))
    assert [(e.line, e.column) for e in plan.errors] == [(1, "total_score")]


def test_nothing_is_saved_unless_every_row_passes():
    plan = plan_bytes(csv_bytes(["sector;totaalscore", "Banken;72", "Media;360"]))
    with pytest.raises(ValueError):
        apply_import(plan, "a.csv", user_id=None)
    assert db.session.scalar(select(func.count()).select_from(BenchmarkScore)) == 0


def test_a_printed_mean_within_rounding_is_no_warning():
    lines = ["sector;totaalscore;ketenbeheer;bedrijven;beursgenoteerd", "Banken;72;5,5;5;4", "Media;36;2,0;5;5",
             "Gemiddeld;54;3,8;10;9"]
    assert plan_bytes(csv_bytes(lines)).warnings == []  # mean 54 and 3.75 (within 0.05 of 3,8)
    lines[-1] = "Gemiddeld;54;3,6;10;9"
    assert english(plan_bytes(csv_bytes(lines)).warnings) == [
        "Chain score (0-10): the total row (line 4) says 3.6; the rows' mean is 3.75 and their "
        "company-weighted mean 3.75."]


def test_undo_removes_the_imports_scores_only():
    user = factories.make_user()
    kept = BenchmarkScore(source="Transparantiebenchmark", year=2008, level="sector",
                          sector=factories.sector("media"), total_score=36)
    db.session.add(kept)
    plan = plan_bytes(csv_bytes(["sector;totaalscore", "Banken;72", "IT;25"]))
    record = apply_import(plan, "a.csv", user_id=user.id)
    db.session.commit()
    assert undo_import(record, user.id) == 2
    db.session.commit()
    assert list(saved_scores()) == ["media"]
    assert record.undone_at is not None and record.undone_by_id == user.id
    with pytest.raises(AlreadyUndone):
        undo_import(record, user.id)
    assert plan_bytes(csv_bytes(["sector;totaalscore", "Banken;72"])).is_valid  # can be imported again
