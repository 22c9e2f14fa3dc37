"""The risk analysis's pages: keeping risk entries (list, add, edit, delete), importing
them and import shares (every row checked, all or nothing, problems by line and
column), exporting them with formulas neutralised, and the risk page of a sector with
a relevance set by hand."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import Aspect, Country, ImportShare, ManualRelevance, ProductGroup, RiskEntry, Sector

from .conftest import add_risk, by_code


def entry_count() -> int:
    return db.session.scalar(select(func.count(RiskEntry.id)))


def upload(client, url, data: bytes, filename: str = "risicos.csv"):
    return client.post(url, data={"file": (io.BytesIO(data), filename)}, content_type="multipart/form-data")


def test_the_list_shows_entries_and_marks_examples(analyst_client):
    add_risk("west_africa", "cocoa", "child_labour", source="Werkplan", example=True)
    db.session.commit()
    html = analyst_client.get("/risk/").get_data(as_text=True)
    assert "West-Afrika" in html and "Cacao" in html and "tag-demo" in html
    assert "/risk/new" not in html  # analysts read only


def test_adding_editing_and_deleting_an_entry(secretariat_client):
    form = {"country_id": by_code(Country, "GH").id, "product_group_id": by_code(ProductGroup, "cocoa").id,
            "aspect_id": by_code(Aspect, "wages").id, "level": "medium", "source": "Onderzoek 2010"}
    assert secretariat_client.post("/risk/new", data=form).status_code == 302
    entry = db.session.scalar(select(RiskEntry))
    assert (entry.level, entry.source, entry.example) == ("medium", "Onderzoek 2010", False)
    entry.example = True
    db.session.commit()
    again = secretariat_client.post("/risk/new", data={**form, "source": "Tweede keer"})
    html = again.get_data(as_text=True)
    assert again.status_code == 200 and 'value="Tweede keer"' in html  # what was typed is kept
    assert 'id="aspect_id-error"' in html and entry_count() == 1  # ... and the field is pointed at
    assert secretariat_client.post(f"/risk/{entry.id}/edit", data={**form, "level": "high"}).status_code == 302
    db.session.refresh(entry)
    assert entry.level == "high" and not entry.example  # edited: the secretariat's own now
    assert secretariat_client.post(f"/risk/{entry.id}/delete").status_code == 302
    assert entry_count() == 0


def test_importing_entries_with_dutch_headers_labels_and_a_region(secretariat_client):
    add_risk("GH", "cocoa", "wages", "low", example=True)
    db.session.commit()
    data = ("bron;land;productgroep;aspect;niveau\n"
            "Werkplan;West-Afrika;Cacao;child_labour;hoog\n"
            "Eigen onderzoek;GH;cocoa;Lonen (leefbaar loon);middel\n").encode("cp1252")
    answer = upload(secretariat_client, "/risk/import", data)
    assert answer.status_code == 302
    assert entry_count() == 2
    wages = db.session.scalar(select(RiskEntry).where(RiskEntry.aspect.has(code="wages")))
    assert (wages.level, wages.source, wages.example) == ("medium", "Eigen onderzoek", False)


def test_an_import_with_problems_saves_nothing_and_names_line_and_column(secretariat_client):
    data = ("country,product_group,aspect,level\n"
            "GH,cocoa,child_labour,high\n"
            "XX,cocoa,wages,high\n"
            "GH,cocoa,child_labour,medium\n"
            "BR,soy_feed,biodiversity,severe\n").encode()
    html = upload(secretariat_client, "/risk/import", data).get_data(as_text=True)
    assert entry_count() == 0
    problems = [[cell.strip() for cell in row] for row in
                re.findall(r"<tr><td>(\d*)</td><td>(\w*)</td><td>", html)]
    assert problems == [["3", "country"], ["4", "aspect"], ["5", "level"]]


def test_a_missing_column_is_named(secretariat_client):
    html = upload(secretariat_client, "/risk/import", b"country;aspect;level\nGH;wages;high\n").get_data(as_text=True)
    assert "product_group" in html and entry_count() == 0


def test_importing_an_xlsx_workbook(secretariat_client):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Level", "Aspect", "Product group", "Country"])
    sheet.append(["high", "biodiversity", "soy_feed", "BR"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(secretariat_client, "/risk/import", buffer.getvalue(), "risks.xlsx").status_code == 302
    assert entry_count() == 1


def test_the_export_round_trips_and_neutralises_formulas(secretariat_client):
    add_risk("CN", "toys", "working_hours", source='=HYPERLINK("http://evil","klik")')
    db.session.commit()
    answer = secretariat_client.get("/risk/export.csv")
    rows = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["country", "country_name", "product_group"]
    assert rows[1][0] == "CN" and rows[1][7].startswith("'=")
    book = load_workbook(io.BytesIO(secretariat_client.get("/risk/export.xlsx").get_data()))
    assert book.active["H2"].value.startswith("'=")
    db.session.execute(RiskEntry.__table__.delete())
    db.session.commit()
    assert upload(secretariat_client, "/risk/import", answer.get_data()).status_code == 302
    assert entry_count() == 1


def test_import_shares_replace_a_sectors_shares_and_are_checked(secretariat_client):
    food = by_code(Sector, "voedsel_drank")
    db.session.add(ImportShare(sector=food, product_group=by_code(ProductGroup, "tea"),
                               country=by_code(Country, "KE"), share=50))
    db.session.commit()
    bad = ("sector;productgroep;land;aandeel\nvoedsel_drank;cocoa;GH;10\nvoedsel_drank;cocoa;GH;20\n"
           "voedsel_drank;coffee;BR;120\nbanken;coffee;BR;veel\n").encode()
    html = upload(secretariat_client, "/risk/shares/import", bad).get_data(as_text=True)
    problems = re.findall(r"<tr><td>(\d*)</td><td>(\w*)</td><td>", html)
    assert problems == [("3", "country"), ("4", "share"), ("5", "share")]
    assert db.session.scalar(select(func.count(ImportShare.id))) == 1  # nothing saved, nothing removed
    good = "sector;productgroep;land;aandeel;bron\nvoedsel_drank;cocoa;GH;40,5;CBS\nVoedsel en drank;Koffie;BR;30%;CBS\n"
    assert upload(secretariat_client, "/risk/shares/import", good.encode()).status_code == 302
    shares = db.session.scalars(select(ImportShare).order_by(ImportShare.share)).all()
    assert [(s.product_group.code, s.share) for s in shares] == [("coffee", 30.0), ("cocoa", 40.5)]
    assert "40,5" in secretariat_client.get("/risk/shares").get_data(as_text=True)


def test_the_sector_page_lists_aspects_by_gap_with_their_chains(analyst_client, risks):
    html = analyst_client.get("/risk/sector/voedsel_drank").get_data(as_text=True)
    body = html[html.index("<tbody>"):]
    wages, biodiversity = body.index("Lonen (leefbaar loon)"), body.index("Biodiversiteit")
    child_labour, climate = body.index("Afschaffen van kinderarbeid"), body.index("Klimaat")
    # gaps: wages 0.75 x 2/3 = 0.5; child labour 0.75 x 1/3 and biodiversity 0.25 x 1 (a tie:
    # the more relevant first); climate is not relevant (gap 0) though only 33 % covered.
    assert wages < child_labour < biodiversity < climate
    assert "Cacao" in body and "Ghana" in body and "50 %" in body
    assert "Set a relevance by hand" not in html and "Relevantie met de hand" not in html  # analysts read only


def test_a_relevance_set_by_hand_is_kept_with_who_and_when_and_can_be_undone(secretariat_client, secretariat,
                                                                              risks):
    climate = by_code(Aspect, "climate")
    wrong = secretariat_client.post("/risk/sector/voedsel_drank", data={
        "aspect_id": climate.id, "value": "1,5", "reason": "Klimaatrisico in de keten"})
    assert wrong.status_code == 200 and 'value="1,5"' in wrong.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ManualRelevance.id))) == 0
    answer = secretariat_client.post("/risk/sector/voedsel_drank", data={
        "aspect_id": climate.id, "value": "0,8", "reason": "Klimaatrisico in de keten"})
    assert answer.status_code == 302
    manual = db.session.scalar(select(ManualRelevance))
    assert (manual.value, manual.set_by_id, manual.sector.code) == (0.8, secretariat.id, "voedsel_drank")
    assert manual.set_at is not None
    html = secretariat_client.get("/risk/sector/voedsel_drank").get_data(as_text=True)
    assert "Klimaatrisico in de keten" in html
    assert secretariat_client.post("/risk/sector/voedsel_drank/manual/climate/delete").status_code == 302
    assert db.session.scalar(select(func.count(ManualRelevance.id))) == 0
