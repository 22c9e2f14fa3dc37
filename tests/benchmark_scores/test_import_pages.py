"""The benchmark import pages (upload -> preview -> map -> save; undo) and the CLI,
on the real database through the test client and `runner.invoke`."""

from __future__ import annotations

import io
import re
from pathlib import Path

from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import BenchmarkAlias, BenchmarkImport, BenchmarkScore

from .. import factories

DATA = Path(__file__).parent / "data"
UNKNOWN = "sector;totaalscore;ketenbeheer\r\nBanken;72;5,5\r\nBankwezen en verzekeren;41;0\r\n".encode()


def upload(client, data: bytes, filename: str = "tabel1.csv", year: str = "2008", level: str = "sector", **extra):
    return client.post("/benchmark/import", data={
        "file": (io.BytesIO(data), filename), "year": year, "level": level, "source": "Transparantiebenchmark",
        **extra}, content_type="multipart/form-data")


def upload_token(page: str) -> str:
    return re.search(r'name="upload" type="hidden" value="([^"]+)"', page).group(1)


def count_scores() -> int:
    return db.session.scalar(select(func.count()).select_from(BenchmarkScore))


def test_tabel_1_through_the_pages_with_its_warnings(secretariat_client):
    page = upload(secretariat_client, (DATA / "tabel1_2008.csv").read_bytes()).get_data(as_text=True)
    columns = page.split("data-preview-columns")[1].split("</table>")[0]
    assert "Totale score TB (max 100)" in columns and "Totaalscore (0-100)" in columns  # read as what
    warnings = page.split("data-preview-warnings")[1].split("</div>")[0]
    for figure in ("139", "170", "78", "91", "32,4", "1,90", "30", "1,7"):
        assert figure in warnings
    assert "Consumentenp." in page and "op alias" in page and count_scores() == 0  # nothing saved yet
    saved = secretariat_client.post("/benchmark/import/review", data={"upload": upload_token(page), "save": "1"})
    assert saved.status_code == 302 and count_scores() == 18
    listing = secretariat_client.get("/benchmark/?year=2008").get_data(as_text=True)
    imports = listing.split("data-imports")[1]
    assert "tabel1.csv" in imports and "de rijen tellen op tot 139" in imports


def test_an_unmatched_name_is_mapped_by_hand_and_remembered(secretariat_client, secretariat):
    page = upload(secretariat_client, UNKNOWN).get_data(as_text=True)
    assert "Rijen zonder overeenkomst" in page and 'name="map-bankwezenenverzekeren"' in page
    assert 'name="save"' not in page  # cannot be saved while a row has no match
    token = upload_token(page)
    banken = factories.sector("banken")
    checked = secretariat_client.post("/benchmark/import/review", data={
        "upload": token, "check": "1", "map-bankwezenenverzekeren": str(factories.sector("verzekeraars").id)})
    page = checked.get_data(as_text=True)
    assert "met de hand gekoppeld" in page and 'name="save"' in page and count_scores() == 0
    saved = secretariat_client.post("/benchmark/import/review", data={
        "upload": token, "save": "1", "map-bankwezenenverzekeren": str(factories.sector("verzekeraars").id)})
    assert saved.status_code == 302
    assert {s.sector.code for s in db.session.scalars(select(BenchmarkScore))} == {banken.code, "verzekeraars"}
    alias = db.session.scalar(select(BenchmarkAlias))
    assert (alias.name, alias.sector.code, alias.created_by_id) == ("Bankwezen en verzekeren", "verzekeraars",
                                                                    secretariat.id)
    again = upload(secretariat_client, UNKNOWN, year="2009").get_data(as_text=True)
    assert "Rijen zonder overeenkomst" not in again and "eerder gekoppeld" in again


def test_a_file_with_problems_says_row_and_column_and_saves_nothing(secretariat_client):
    page = upload(secretariat_client, "sector;totaalscore\r\nBanken;172\r\n".encode()).get_data(as_text=True)
    problems = page.split("data-error-summary")[1].split("</table>")[0]
    assert "<td>2</td><td>Totaalscore (0-100)</td>" in problems and "tussen 0 en 100" in problems
    assert 'name="save"' not in page
    token = upload_token(page)
    secretariat_client.post("/benchmark/import/review", data={"upload": token, "save": "1"})
    assert count_scores() == 0


def test_the_upload_form_keeps_what_was_typed(secretariat_client):
    page = secretariat_client.post("/benchmark/import", data={"year": "1980", "level": "organisation",
                                                              "source": "Eigen benchmark"}).get_data(as_text=True)
    assert "tussen 1990 en 2100" in page and 'value="Eigen benchmark"' in page and "Kies een bestand" in page


def test_another_users_upload_cannot_be_saved(secretariat_client, app):
    page = upload(secretariat_client, (DATA / "tabel1_2008.csv").read_bytes()).get_data(as_text=True)
    other = app.test_client()
    factories.make_user(email="tweede@example.org")
    db.session.commit()
    other.post("/auth/login", data={"email": "tweede@example.org", "password": factories.PASSWORD})
    response = other.post("/benchmark/import/review", data={"upload": upload_token(page), "save": "1"})
    assert response.status_code == 302 and count_scores() == 0


def test_undo_an_import_after_confirming(secretariat_client):
    page = upload(secretariat_client, (DATA / "tabel1_2008.xlsx").read_bytes(), "tabel1.xlsx").get_data(as_text=True)
    secretariat_client.post("/benchmark/import/review", data={"upload": upload_token(page), "save": "1"})
    record = db.session.scalar(select(BenchmarkImport))
    confirm = secretariat_client.get(f"/benchmark/imports/{record.id}/undo").get_data(as_text=True)
    assert "18 scores" in confirm and count_scores() == 18
    secretariat_client.post(f"/benchmark/imports/{record.id}/undo")
    assert count_scores() == 0
    listing = secretariat_client.get("/benchmark/?year=2008").get_data(as_text=True)
    assert "tabel1.xlsx" in listing and "ongedaan gemaakt op" in listing
    again = secretariat_client.post(f"/benchmark/imports/{record.id}/undo", follow_redirects=True)
    assert "al ongedaan gemaakt" in again.get_data(as_text=True)


def test_the_benchmark_page_shows_organisation_figures_beside_the_sector_row(analyst_client):
    banken = factories.sector("banken")
    scores = [BenchmarkScore(source="Transparantiebenchmark", year=2009, level="sector", sector=banken,
                             total_score=72, chain_score=5.5, company_count=2)]
    for name, total, chain in (("Alfa", 60, 4.0), ("Beta", 70, 6.0), ("Gamma", 80, 8.0)):
        organisation = factories.make_organisation(name=name, kind="company", sector=banken)
        scores.append(BenchmarkScore(source="Transparantiebenchmark", year=2009, level="organisation",
                                     organisation=organisation, total_score=total, chain_score=chain))
    db.session.add_all(scores)
    db.session.commit()
    page = analyst_client.get("/benchmark/?year=2009").get_data(as_text=True)
    table = page.split("data-from-organisations")[1].split("</table>")[0]
    cells = re.findall(r'<td class="numeric">([^<]*)</td>', table)
    assert cells == ["3", "70,0", "70,0", "6,00", "6,00", "2", "72", "5,5"]
    assert "ja" in table  # 3 companies against 2, 70 against 72
    assert "Bestand importeren" not in page  # analysts read only


def test_cli_import_dry_run_then_real_then_undo(runner):
    file = DATA / "tabel1_2008.csv"
    dry = runner.invoke(args=["benchmark", "import", str(file), "--year", "2008", "--level", "sector", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "'Score Ketenbeheer (max 10)' read as Chain score (0-10)" in dry.output
    assert "warning Number of companies: the rows add up to 139, the total row (line 20) says 170." in dry.output
    assert "'Consumentenp.' -> Consumer products (consumentenproducten) (by alias)" in dry.output
    assert "18 scores would be imported" in dry.output and count_scores() == 0
    real = runner.invoke(args=["benchmark", "import", str(file), "--year", "2008", "--level", "sector"])
    assert "Imported 18 scores as import" in real.output and "with 4 warnings" in real.output
    assert count_scores() == 18
    record = db.session.scalar(select(BenchmarkImport))
    assert (record.filename, record.created_by_id, len(record.warnings)) == ("tabel1_2008.csv", None, 4)
    twice = runner.invoke(args=["benchmark", "import", str(file), "--year", "2008", "--level", "sector"])
    assert twice.exit_code == 1 and "line 2, column sector: There is already a score for Banken" in twice.output
    undone = runner.invoke(args=["benchmark", "undo", str(record.id)])
    assert "18 scores removed" in undone.output and count_scores() == 0


def test_cli_unmatched_rows_and_map(runner, tmp_path):
    file = tmp_path / "scores.csv"
    file.write_bytes(UNKNOWN)
    failed = runner.invoke(args=["benchmark", "import", str(file), "--year", "2010", "--level", "sector"])
    assert failed.exit_code == 1
    assert "line 3: no sector matches 'Bankwezen en verzekeren'; closest:" in failed.output
    mapped = runner.invoke(args=["benchmark", "import", str(file), "--year", "2010", "--level", "sector",
                                 "--map", "Bankwezen en verzekeren=verzekeraars", "--source", "Eigen"])
    assert mapped.exit_code == 0, mapped.output
    assert db.session.scalar(select(BenchmarkAlias)).sector.code == "verzekeraars"
    assert {s.source for s in db.session.scalars(select(BenchmarkScore))} == {"Eigen"}
