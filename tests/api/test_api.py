"""The API's operations on the small inventory of `seed_inventory`: every figure as the
analysis module computes it, empty cells null, pages, filters, and errors as JSON."""

from __future__ import annotations

import math

import pytest

from imvo_survey.analysis import Filters, build_matrix, year_over_year
from imvo_survey.analysis.measures import rounded
from imvo_survey.analysis.tables import cell_activities, round_activities
from imvo_survey.extensions import db

from . import bearer, seed_inventory, token_for

FIGURES = ("organisations", "activities", "share", "member_coverage", "gap", "lagging")


@pytest.fixture
def rounds():
    return seed_inventory()


@pytest.fixture
def api(client, analyst):
    """GET an API URL with a valid token: (status, JSON)."""
    headers = bearer(token_for(analyst))

    def get(url: str, **params):
        response = client.get(f"/api/v1{url}", query_string=params, headers=headers)
        assert response.is_json, response.get_data(as_text=True)
        return response.status_code, response.get_json()

    return get


def same(api_value, analysis_value, figure: str = "change") -> bool:
    """Equal figures, where the analysis's NaN must be the API's null (never 0), and the
    API's number is the analysis's rounded by the figure's rule (measures.py)."""
    if analysis_value is None or (isinstance(analysis_value, float) and math.isnan(analysis_value)):
        return api_value is None
    return api_value == rounded(figure, analysis_value) == pytest.approx(analysis_value, abs=0.5)


def assert_cells_match(document: dict, matrix) -> None:
    cells = {(cell["row"], cell["column"]): cell for cell in document["cells"]}
    assert set(cells) == set(matrix.cells.index)
    for key, figures in matrix.cells.iterrows():
        for name in FIGURES[:-1]:
            assert same(cells[key][name], figures[name], name), (key, name)
        assert cells[key]["lagging"] == figures["lagging"]


def test_rounds(api, rounds):
    baseline, later = rounds
    status, body = api("/rounds")
    assert status == 200
    assert [item["slug"] for item in body["items"]] == ["imvo-2011", "imvo-2010"]
    assert body["items"][1] == {
        "id": baseline.id, "slug": "imvo-2010", "name": baseline.name, "year": 2010, "status": "closed",
        "is_baseline": True, "opens_at": baseline.opens_at.isoformat(), "closes_at": baseline.closes_at.isoformat()}
    assert api(f"/rounds/{later.id}") == api("/rounds/imvo-2011") == (200, body["items"][0])
    status, body = api("/rounds/imvo-1999")
    assert status == 404 and "imvo-1999" in body["error"]


def test_matrix_cells_match_the_analysis(api, rounds):
    later = rounds[1]
    status, body = api("/rounds/imvo-2011/matrix")
    assert status == 200
    matrix = build_matrix(db.session.connection(), Filters(round=later.id))
    assert_cells_match(body, matrix)
    cells = {(cell["row"], cell["column"]): cell for cell in body["cells"]}
    food = cells[("voedsel_drank", "child_labour")]
    assert food["organisations"] == 2 and food["activities"] == 3
    assert food["share"] == 67 and food["value"] == food["share"]  # 200 / 3, whole percentages
    assert food["member_coverage"] == 43  # 65 / 150 * 100
    assert "change" not in food
    banks = cells[("banken", "child_labour")]  # invited, no response: empty, not 0
    assert banks["share"] is None and banks["organisations"] is None and banks["lagging"] is False
    assert cells[("energie", "water")]["member_coverage"] is None  # no associations in energy


def test_matrix_rows_columns_totals_and_notes(api, rounds):
    status, body = api("/rounds/imvo-2011/matrix")
    rows = {row["key"]: row for row in body["rows"]}
    assert list(rows) == ["banken", "energie", "voedsel_drank"]
    assert rows["voedsel_drank"]["targeted"] == 4 and rows["voedsel_drank"]["responded"] == 3
    assert rows["voedsel_drank"]["declined"] == 1 and rows["voedsel_drank"]["response_rate"] == 75
    assert rows["voedsel_drank"]["benchmark"] == {"total": 36, "chain": 3, "companies": 20, "listed": 6,
                                                  "year": 2008, "level": "sector"}
    assert rows["energie"]["benchmark"]["level"] == "organisation"
    assert body["totals"]["key"] == "_total" and body["totals"]["responded"] == 4
    assert body["totals"]["label_en"] == "Total"
    assert body["columns"][0] == {"key": "human_rights", "label_nl": body["columns"][0]["label_nl"],
                                  "label_en": body["columns"][0]["label_en"], "group": "human_rights"}
    assert body["notes"] == {"associations_without_member_count": 0, "activities_without_member_share": 1}
    assert body["round"]["slug"] == "imvo-2011" and body["comparison"] is None
    assert (body["rows_by"], body["columns_by"], body["measure"]) == ("sector", "aspect", "share")


def test_matrix_filters_rows_columns_and_measures(api, rounds):
    later = rounds[1]
    status, body = api("/rounds/imvo-2011/matrix", audience="association", sector="voedsel_drank",
                       rows="sector_kind", columns="aspect_group", measure="members", threshold="50",
                       lagging_measure="members")
    assert status == 200
    matrix = build_matrix(db.session.connection(), Filters(round=later.id, audience="association",
                                                           sector="voedsel_drank"),
                          rows="sector_kind", columns="aspect_group", threshold=50, lagging_measure="members")
    assert_cells_match(body, matrix)
    assert all(same(cell["value"], cell["member_coverage"]) for cell in body["cells"])
    assert body["filters"] == {"audience": "association", "sector": "voedsel_drank"}
    assert body["threshold"] == 50 and body["lagging_measure"] == "members"
    assert [row["key"] for row in body["rows"]] == ["voedsel_drank|branch_association"]


@pytest.mark.parametrize("extra", [{}, {"country": "west_africa"}, {"consented": "true"},
                                   {"activity_type": "audit_monitoring"}, {"product_group": "cocoa"}])
def test_matrix_activity_filters(api, rounds, extra):
    status, body = api("/rounds/imvo-2011/matrix", **extra)
    assert status == 200
    flags = {key: (True if value == "true" else value) for key, value in extra.items()}
    assert_cells_match(body, build_matrix(db.session.connection(), Filters(round=rounds[1].id, **flags)))


@pytest.mark.parametrize("params", [{"branch": "wholesale_retail", "activity_type": "other"},
                                    {"sector": "banken", "activity_type": "other", "rows": "sector_kind",
                                     "compare": "imvo-2010"}])
def test_a_matrix_with_nothing_in_it_is_empty_not_an_error(api, rounds, params):
    """Found by the schemathesis run: filters that leave no activity, and no organisation
    in this round (branch) or in the comparison round (banks in 2010)."""
    status, body = api("/rounds/imvo-2011/matrix", **params)
    assert status == 200
    assert all(cell["share"] is None and cell["organisations"] is None for cell in body["cells"])


def test_matrix_change_since_the_baseline(api, rounds):
    baseline, later = rounds
    status, body = api("/rounds/imvo-2011/matrix", measure="change")
    assert status == 200
    assert body["comparison"] == {"round": {"id": baseline.id, "slug": "imvo-2010", "name": baseline.name,
                                            "year": 2010, "is_baseline": True}, "panel": False,
                                  "change_of": "share"}
    change = year_over_year(db.session.connection(), Filters(round=later.id)).change("share")
    for cell in body["cells"]:
        assert same(cell["change"], change[(cell["row"], cell["column"])])
        assert cell["value"] == cell["change"]
    food = next(c for c in body["cells"] if (c["row"], c["column"]) == ("voedsel_drank", "child_labour"))
    assert food["change"] == -33  # 200 / 3 - 100, whole points; A alone in 2010; A and B of three in 2011


def test_matrix_change_of_the_member_coverage(api, rounds):
    _baseline, later = rounds
    status, body = api("/rounds/imvo-2011/matrix", measure="change", change_of="members")
    assert status == 200 and body["comparison"]["change_of"] == "members"
    change = year_over_year(db.session.connection(), Filters(round=later.id)).change("members")
    for cell in body["cells"]:
        assert same(cell["change"], change[(cell["row"], cell["column"])])
        assert cell["value"] == cell["change"]
    food = next(c for c in body["cells"] if (c["row"], c["column"]) == ("voedsel_drank", "child_labour"))
    # 2010: A reached 20 of its 100 members; 2011: A 60 of 100 and B 10 % of 50, 65 of 150
    assert food["change"] == 23  # 65 / 150 * 100 - 20, whole points


def test_matrix_benchmark_by_sector_and_kind(api, rounds):
    status, body = api("/rounds/imvo-2011/matrix", rows="sector_kind")
    assert status == 200
    rows = {row["key"]: row for row in body["rows"]}
    food = rows["voedsel_drank|branch_association"]
    assert food["label_en"] == "Food and beverages / Branch association"
    assert food["label_nl"] == "Voedsel en drank / Brancheorganisatie"
    assert food["benchmark"] == rows["voedsel_drank|company"]["benchmark"] == {
        "total": 36, "chain": 3.0, "companies": 20, "listed": 6, "year": 2008, "level": "sector"}
    assert rows["energie|company"]["benchmark"]["total"] == 50  # E's own score, the organisation level
    # totals: food (20 companies), banks (5; targeted, no response) and energy (1) each once,
    # however many kinds: the same as by sector
    totals = body["totals"]["benchmark"]
    assert totals["companies"] == 26 and totals["listed"] == 6 + 4 + 1
    assert totals["total"] == 43.5  # (36 * 20 + 72 * 5 + 50 * 1) / 26 = 43.46, one decimal
    assert totals == api("/rounds/imvo-2011/matrix")[1]["totals"]["benchmark"]
    status, body = api("/rounds/imvo-2011/matrix", rows="branch")
    assert all(value is None for row in [*body["rows"], body["totals"]] for value in row["benchmark"].values())


def test_matrix_panel_and_an_explicit_comparison_round(api, rounds):
    baseline, later = rounds
    status, body = api("/rounds/imvo-2011/matrix", compare="imvo-2010", panel="true")
    assert status == 200 and body["comparison"]["panel"] is True
    comparison = year_over_year(db.session.connection(), Filters(round=later.id), compare_with=baseline.id,
                                panel=True)
    assert_cells_match(body, comparison.new)
    food = next(c for c in body["cells"] if (c["row"], c["column"]) == ("voedsel_drank", "child_labour"))
    assert food["share"] == 100 and food["change"] == 0  # only A responded in both rounds


def test_change_needs_a_round_to_compare_with(api, rounds):
    status, body = api("/rounds/imvo-2010/matrix", measure="change")
    assert status == 400 and "compare" in body["error"]


@pytest.mark.parametrize("params, word", [
    ({"kind": "bank"}, "kind"), ({"sector": "nowhere"}, "sector"), ({"country": "XX"}, "country"),
    ({"audience": "everyone"}, "audience"), ({"threshold": "abc"}, "threshold"), ({"threshold": "101"}, "threshold"),
    ({"rows": "country"}, "rows"), ({"measure": "mood"}, "measure"), ({"consented": "maybe"}, "consented"),
    ({"sectr": "banken"}, "sectr"), ({"compare": "imvo-1999"}, "imvo-1999"), ({"panel": "2"}, "panel"),
    ({"compare": "9" * 30}, "9999"), ({"sector": "banken\x00"}, "NUL"), ({"change_of": "activities"}, "change_of"),
])
def test_bad_matrix_parameters_are_a_400_that_says_why(api, rounds, params, word):
    status, body = api("/rounds/imvo-2011/matrix", **params)
    assert status == 400 and word in body["error"]


def activity_ids(body) -> list[int]:
    return [item["id"] for item in body["items"]]


def test_activities_are_the_rounds_counted_activities(api, rounds):
    later = rounds[1]
    status, body = api("/rounds/imvo-2011/activities")
    assert status == 200 and body["total"] == 5 and body["pages"] == 1
    expected = round_activities(db.session.connection(), Filters(round=later.id))
    assert activity_ids(body) == list(expected["activity_id"])
    second = body["items"][1]
    assert second["organisation"] == {"id": second["organisation"]["id"], "name": "A", "kind": "branch_association",
                                      "size": None, "sector": "voedsel_drank", "branch": None}
    assert (second["aspects"], second["countries"], second["product_groups"]) == (
        ["child_labour", "wages"], ["CI"], ["cocoa"])
    assert (second["activity_type"], second["partners"], second["member_share"]) == ("chain_initiative", ["idh"], 60)


def test_activities_come_a_page_at_a_time(api, rounds):
    everything = activity_ids(api("/rounds/imvo-2011/activities")[1])
    pages = [api("/rounds/imvo-2011/activities", per_page=2, page=page)[1] for page in (1, 2, 3)]
    assert [len(page["items"]) for page in pages] == [2, 2, 1]
    assert sum((activity_ids(page) for page in pages), []) == everything
    assert pages[0]["pages"] == 3 and pages[0]["total"] == 5 and pages[0]["per_page"] == 2
    status, beyond = api("/rounds/imvo-2011/activities", page=2**31 - 1)  # past the last page: empty
    assert status == 200 and beyond["items"] == [] and beyond["total"] == 5
    # past what a page number can be (a database integer): a 400, as any other bad page
    for params in ({"per_page": 501}, {"per_page": 0}, {"page": 0}, {"page": "two"}, {"page": 10**30}):
        assert api("/rounds/imvo-2011/activities", **params)[0] == 400


@pytest.mark.parametrize("rows, row, aspect", [("sector", "voedsel_drank", "child_labour"),
                                               ("sector", "_total", "water"), ("branch", "_none", "climate"),
                                               ("sector", "banken", "child_labour")])
def test_the_activities_of_one_cell_are_the_drilldowns(api, rounds, rows, row, aspect):
    status, body = api("/rounds/imvo-2011/activities", rows=rows, row=row, aspect=aspect)
    assert status == 200
    matrix = build_matrix(db.session.connection(), Filters(round=rounds[1].id), rows=rows)
    expected = cell_activities(db.session.connection(), matrix, row, aspect)["activity_id"]
    assert sorted(activity_ids(body)) == sorted(expected)


@pytest.mark.parametrize("params, titles", [
    ({"country": "west_africa"}, ["Activiteit 2"]), ({"consented": "true"}, ["Activiteit 1"]),
    ({"activity_type": "audit_monitoring"}, ["Activiteit 1"]), ({"aspect": "climate"}, ["Klimaat"]),
    ({"audience": "company"}, ["Activiteit 1"]), ({"sector": "banken"}, []),
])
def test_activity_filters(api, rounds, params, titles):
    status, body = api("/rounds/imvo-2011/activities", **params)
    assert status == 200 and [item["title"] for item in body["items"]] == titles


@pytest.mark.parametrize("params", [{"row": "atlantis"}, {"rows": "sector_kind", "row": "banken|bank"},
                                    {"aspect": "happiness"}, {"column": "water"}])
def test_bad_activity_parameters(api, rounds, params):
    assert api("/rounds/imvo-2011/activities", **params)[0] == 400


def test_dilemmas(api, rounds):
    status, body = api("/rounds/imvo-2011/dilemmas")
    assert status == 200 and body["total"] == 1
    dilemma = body["items"][0]
    assert (dilemma["description"], dilemma["aspects"], dilemma["countries"]) == (
        "Kinderarbeid bij toeleveranciers", ["child_labour"], ["GH"])
    assert dilemma["organisation"]["name"] == "A" and body["round"]["slug"] == "imvo-2011"
    assert api("/rounds/imvo-2011/dilemmas", aspect="climate")[1]["items"] == []
    assert api("/rounds/imvo-2010/dilemmas")[1]["total"] == 0


def test_bottlenecks(api, rounds):
    status, body = api("/rounds/imvo-2011/bottlenecks")
    assert status == 200 and [item["description"] for item in body["items"]] == [
        "Geen zicht op de keten", "Meten van uitstoot"]
    assert body["items"][0]["what_would_help"] == "Een sectorafspraak"
    climate = api("/rounds/imvo-2011/bottlenecks", aspect="climate")[1]
    assert [item["organisation"]["name"] for item in climate["items"]] == ["B"]
    assert api("/rounds/imvo-2011/bottlenecks", sector="energie")[1]["total"] == 0
    assert api("/rounds/imvo-2011/bottlenecks", aspect="happiness")[0] == 400
    assert api("/rounds/imvo-2011/bottlenecks", country="CI")[0] == 400  # no activity filters here
    assert api("/rounds/nowhere/bottlenecks")[0] == 404


def test_benchmark(api, rounds):
    status, body = api("/benchmark")
    assert status == 200 and len(body["items"]) == 3
    sector_rows = api("/benchmark", year=2008)[1]["items"]
    assert [(item["sector"], item["total_score"], item["company_count"]) for item in sector_rows] == [
        ("banken", 72, 5), ("voedsel_drank", 36, 20)]
    energy = api("/benchmark", sector="energie")[1]["items"]
    assert len(energy) == 1 and energy[0]["level"] == "organisation"
    assert energy[0]["organisation"]["name"] == "E" and energy[0]["organisation"]["is_listed"] is True
    assert api("/benchmark", level="organisation")[1]["items"] == energy
    for params in ({"year": "2008.5"}, {"year": 3000}, {"level": "world"}, {"sector": "nowhere"}):
        assert api("/benchmark", **params)[0] == 400


def test_other_paths_and_methods_answer_in_json(client, analyst, make_app):
    headers = bearer(token_for(analyst))
    response = client.get("/api/v1/nothing/here", headers=headers)
    assert response.status_code == 404 and response.is_json
    # CSRF on, as outside the tests: the API is exempt, so a POST meets a 405, not a CSRF page.
    response = make_app(WTF_CSRF_ENABLED=True).test_client().post("/api/v1/rounds", headers=headers)
    assert response.status_code == 405 and response.is_json and "GET" in response.headers["Allow"]


def test_the_openapi_document_is_public_and_covers_every_route(app, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    assert document["openapi"] == "3.0.3"
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": "A personal API token (imvo_...)."}
    routes = {rule.rule.removeprefix("/api/v1").replace("<reference>", "{round}")
              for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
              and rule.endpoint != "api.not_found"}
    assert set(document["paths"]) == routes
    for path, item in document["paths"].items():
        assert list(item) == ["get"]
        assert item["get"]["security"] == ([] if path == "/openapi.json" else [{"bearerAuth": []}])
