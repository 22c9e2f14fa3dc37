"""The inventory the export tests share: a baseline and a later round with formula-like
texts, answers, a dilemma, a bottleneck and a benchmark row; and helpers that export
and read back."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta

from openpyxl import load_workbook

from imvo_survey.analysis import Filters, export_xlsx
from imvo_survey.analysis.export_formats import write_csv_zip
from imvo_survey.analysis.export_tables import ExportOptions, export_tables, prepare_export
from imvo_survey.analysis.export_xlsx import write_xlsx
from imvo_survey.extensions import db
from imvo_survey.models import Answer, Aspect, BenchmarkScore, Bottleneck, Country, Dilemma, utcnow
from imvo_survey.spreadsheets.writing import EXCEL_MAX_ROWS

from .. import factories
from .builders import association, company, respond

SHEETS_NL = ["Matrix", "Activiteiten", "Activiteiten_lang", "Dilemmas", "Knelpunten", "Antwoorden", "Codeboek",
             "Respons", "Benchmark", "Verificatie", "Toelichting"]
SHEETS_EN = ["Matrix", "Activities", "Activities_long", "Dilemmas", "Bottlenecks", "Answers", "Codebook",
             "Response", "Benchmark", "Verification", "Explanation"]
DANGEROUS = ['=HYPERLINK("http://x")', "+1", "-2", "@sum", "\tX"]


def answer(response, code, **value):
    question = response.version.question(code)
    db.session.add(Answer(response=response, question_id=question.id, code=code, entry=0, **value))


def make_rounds():
    """2010 (baseline): association A and company C in food both work on child labour.
    2011: A has four activities titled like formulas (child labour and wages in two
    countries with cocoa; climate with two product groups; water in Brazil; child labour
    again), C has none (so food's child-labour share falls from 100 % to 50 %), E in
    energy audits water; D declined with a formula as its reason; a bank was invited.
    A reports a dilemma, a bottleneck and some plain answers."""
    now = utcnow()
    baseline = factories.make_round(slug="imvo-2010", year=2010, is_baseline=True,
                                    opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300))
    later = factories.make_round(slug="imvo-2011", year=2011, opens_at=now - timedelta(days=10),
                                 closes_at=now + timedelta(days=10))
    a, c = association("A", members=100), company("C")
    respond(baseline, a, [{"aspects": ["child_labour"], "share": 40}])
    respond(baseline, c, [{"aspects": ["child_labour"]}])
    response = respond(later, a, [
        {"title": DANGEROUS[0], "aspects": ["child_labour", "wages"], "countries": ["CI", "GH"],
         "products": ["cocoa"], "share": 60, "consent": True},
        {"title": DANGEROUS[1], "aspects": ["climate"], "products": ["coffee", "tea"]},
        {"title": DANGEROUS[2], "aspects": ["water"], "countries": ["BR"], "share": 10},
        {"title": DANGEROUS[3], "aspects": ["child_labour"], "description": "=1+1"}])
    company_response = respond(later, c, [])
    respond(later, company("E", sector="energie"), [{"title": DANGEROUS[4], "aspects": ["water"],
                                                     "type": "audit_monitoring"}])
    factories.make_invitation(later, company("D"), status="declined", decline_reason="=cmd|' /C calc'!A0",
                              reminder_count=2)
    factories.make_invitation(later, association("Bank", sector="banken"), status="invited")
    db.session.add(Dilemma(response=response, position=1, description="-dilemma",
                           aspects=by_code(Aspect, ["child_labour"]),
                           countries=by_code(Country, ["CI"])))
    db.session.add(Bottleneck(response=response, position=1, description="Geen zicht", what_would_help="+meer",
                              aspects=by_code(Aspect, ["climate"])))
    answer(response, "member_count", number_value=100)
    answer(response, "frameworks", json_value=["oecd_guidelines", "un_global_compact"])
    answer(response, "sector_code_of_conduct", text_value="yes")
    answer(response, "frameworks_other", text_value="=1+1")
    answer(company_response, "complaints_received", number_value=3)
    db.session.add(BenchmarkScore(year=2008, level="sector", sector=factories.sector("voedsel_drank"),
                                  total_score=36, chain_score=3, company_count=20, listed_count=6))
    db.session.commit()
    return baseline, later


def by_code(model, codes):
    """Reference entries by code (aspects, countries)."""
    return list(db.session.scalars(db.select(model).where(model.code.in_(codes))))


def export_of(round, **options):
    language = options.pop("language", "nl")
    filters = Filters.from_params({"round": str(round.id), **options.pop("filters", {})})
    return prepare_export(db.session.connection(), ExportOptions(filters, language=language, **options))


def xlsx_of(tmp_path, round, name="export.xlsx", stream_rows=export_xlsx.STREAM_ROWS,
            max_rows=EXCEL_MAX_ROWS, **options):
    export = export_of(round, **options)
    path = tmp_path / name
    write_xlsx(path, export_tables(db.session.connection(), export), language=export.language,
               stream_rows=stream_rows, max_rows=max_rows)
    return export, load_workbook(path)


def sheet_table(sheet, header_first: str | None = None):
    """The sheet's rows from its header row on (the matrix has its preamble above)."""
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    start = 0 if header_first is None else next(i for i, row in enumerate(rows) if row[0] == header_first)
    headers = rows[start]
    return headers, [dict(zip(headers, row, strict=False)) for row in rows[start + 1:]]


def aspect_cells(headers, row, matrix, language="nl"):
    """The aspect cells of a matrix sheet row, by aspect code."""
    label = "label_en" if language == "en" else "label_nl"
    return {code: row[headers.index(matrix.column_labels.at[code, label])] for code in matrix.column_labels.index}


def long_row_count(round):
    """Σ over the round's counted activities of aspects x max(1, countries) x max(1, product groups)."""
    from imvo_survey.models import Activity, Response

    activities = db.session.scalars(db.select(Activity).join(Response).where(Response.round_id == round.id))
    return sum(len(a.aspects) * max(1, len(a.countries)) * max(1, len(a.product_groups)) for a in activities
               if a.carry_status != "ended")


def csv_zip_of(tmp_path, round, delimiter=";", **options):
    export = export_of(round, **options)
    path = tmp_path / "export.zip"
    write_csv_zip(path, export_tables(db.session.connection(), export), delimiter=delimiter)
    return export, zipfile.ZipFile(path)


def read_csv(archive, name, delimiter=";"):
    data = archive.read(name)
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))
