"""Loading the matrix's frames from the database: `load_matrix` and `load_comparison`
read the rows that count (the response's status, ended carry-overs left out, the
filters applied in SQL, the benchmark year chosen, the baseline found) and return the
same frames that tests/analysis/pure/ builds by hand and computes on. Also the
drill-down behind a cell, which queries per cell."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from imvo_survey.analysis import Filters, build_matrix, load_comparison, load_matrix, year_over_year
from imvo_survey.analysis.tables import cell_activities
from imvo_survey.extensions import db
from imvo_survey.models import RESPONSE_STATUSES, BenchmarkScore, utcnow

from .. import factories
from .builders import association, company, respond
from .pure.frames import FOOD_COUNTS, FOOD_GROUP_COUNTS, FOOD_ORGANISATIONS, FOOD_WITHOUT_SHARE, two_rounds_frames
from .pure.test_matrix import CHOSEN_BENCHMARK, SECTOR_BENCHMARK

#: The organisation columns compared, without the ids (the database picks those).
COMPARED = ["name", "audience", "status", "responded", "declined", "kind", "size", "sector", "branch", "members",
            "association", "is_listed"]


def load(round, columns="aspect", **filters):
    return load_matrix(db.session.connection(), Filters(round=round.id, **filters), columns)


def organisations_of(frames) -> pd.DataFrame:
    """The organisations by name, ids left out, in one dtype per column."""
    frame = frames.organisations[COMPARED].sort_values("name", ignore_index=True).astype(object)
    return frame.where(frame.notna(), None)


def expected_organisations(names=None) -> pd.DataFrame:
    rows = [row for name, row in FOOD_ORGANISATIONS.items() if names is None or name in names]
    frame = pd.DataFrame.from_records(rows)
    frame["declined"] = frame["status"] == "declined"
    frame["association"] = frame["kind"] == "branch_association"
    frame = frame[COMPARED].sort_values("name", ignore_index=True).astype(object)
    return frame.where(frame.notna(), None)


def names(frames) -> set[str]:
    return set(frames.organisations["name"])


def counts_by_name(frames) -> list[tuple]:
    """The counts with each response id replaced by its organisation's name."""
    name_of = dict(zip(frames.organisations["response_id"], frames.organisations["name"], strict=True))
    return sorted((name_of[row.response_id], row.column, row.activities,
                   None if pd.isna(row.max_share) else row.max_share, row.missing_share)
                  for row in frames.counts.itertuples())


def by_name(rows, ids_to_names) -> list[tuple]:
    return sorted((ids_to_names[response_id], *rest) for response_id, *rest in rows)


FOOD_NAMES = {row["response_id"]: name for name, row in FOOD_ORGANISATIONS.items() if row["response_id"]}


def without_share_by_name(frames) -> dict[str, int]:
    name_of = dict(zip(frames.organisations["response_id"], frames.organisations["name"], strict=True))
    return {name_of[response_id]: int(count) for response_id, count in frames.without_share.items()}


def test_the_food_round_loads_as_its_frames(food_round):
    frames = load(food_round)
    pd.testing.assert_frame_equal(organisations_of(frames), expected_organisations())
    assert counts_by_name(frames) == by_name(FOOD_COUNTS, FOOD_NAMES)
    assert without_share_by_name(frames) == {FOOD_NAMES[key]: value for key, value in FOOD_WITHOUT_SHARE.items()}
    assert {"voedsel_drank", "banken", "energie"} <= set(frames.sectors.index)
    assert {"child_labour", "wages", "climate", "water"} <= set(frames.columns.index)
    assert frames.benchmark.empty


def test_aspect_groups_count_an_activity_once_with_its_highest_share(food_round):
    frames = load(food_round, columns="aspect_group")
    # A: labour via child labour (40, 60) and wages (60): 2 distinct activities, share 60
    assert counts_by_name(frames) == by_name(FOOD_GROUP_COUNTS, FOOD_NAMES)
    assert {"labour", "environment"} <= set(frames.columns.index)


def test_responded_follows_the_response_status(food_round):
    by_status = {}
    for status in RESPONSE_STATUSES:
        organisation = company(f"Status {status}")
        respond(food_round, organisation, [{"aspects": ["water"]}], status=status)
        by_status[organisation.name] = status
    db.session.commit()
    frames = load(food_round)
    loaded = frames.organisations.set_index("name")
    assert {by_status[name]: bool(loaded.at[name, "responded"]) for name in by_status} == {
        "in_progress": False, "submitted": True, "returned": True, "accepted": True, "declined": False}
    # only the responses that count have counts
    counted = {name for name, *_rest in counts_by_name(frames)}
    assert {name for name in by_status if name in counted} == {"Status submitted", "Status returned",
                                                                "Status accepted"}


def test_filters_load(food_round):
    audits = load(food_round, activity_type="audit_monitoring")
    assert counts_by_name(audits) == [("E", "water", 1, None, 1)]
    assert names(load(food_round, audience="association")) == {"A", "B", "Bank"}
    by_sector = load_matrix(db.session.connection(), Filters(round=food_round.slug, sector="energie"))
    assert names(by_sector) == {"E"} and by_sector.round.id == food_round.id


@pytest.mark.parametrize("params", [{"sector": "energie", "kind": "branch_association"}, {"size": "large"},
                                    {"sector": "banken", "country": "IS"}, {"audience": "company", "sector": "banken"}])
def test_filters_that_leave_no_responding_organisation(food_round, params):
    for columns in ("aspect", "aspect_group"):
        frames = load(food_round, columns, **params)
        assert not frames.organisations["responded"].any()
        assert names(frames) <= {"Bank"}


def test_filters_that_leave_nothing(food_round):
    assert names(load(food_round, sector="banken")) == {"Bank"}  # nobody responded there
    iceland = load(food_round, country="IS")  # no activity there
    assert names(iceland) == set(FOOD_ORGANISATIONS)
    assert iceland.counts.empty and iceland.without_share.empty


def test_activities_without_share(food_round):
    respond(food_round, association("G", members=40),
            [{"aspects": ["child_labour", "wages", "water"]}, {"aspects": ["climate"], "share": 5}])
    respond(food_round, association("Zonder leden", members=None), [{"aspects": ["water"]}])
    db.session.commit()
    # each activity once, however many aspects it is on
    expected = {"A": 1, "E": 1, "G": 1, "Zonder leden": 1}
    assert without_share_by_name(load(food_round)) == expected
    assert without_share_by_name(load(food_round, "aspect_group")) == expected
    assert load(food_round, country="IS").without_share.empty
    added = [row for row in counts_by_name(load(food_round)) if row[0] in ("G", "Zonder leden")]
    assert added == [("G", "child_labour", 1, None, 1), ("G", "climate", 1, 5.0, 0), ("G", "wages", 1, None, 1),
                     ("G", "water", 1, None, 1), ("Zonder leden", "water", 1, None, 1)]
    groups = [row for row in counts_by_name(load(food_round, "aspect_group")) if row[0] in ("G", "Zonder leden")]
    assert groups == [("G", "environment", 2, 5.0, 1), ("G", "labour", 1, None, 1),
                      ("Zonder leden", "environment", 1, None, 1)]


def benchmark_of(frames) -> dict:
    return {sector: [None if pd.isna(value) else value for value in row]
            for sector, row in frames.benchmark.iterrows()}


def test_benchmark_year_choice(food_round):
    food = factories.sector("voedsel_drank")
    db.session.add_all([
        BenchmarkScore(year=2008, level="sector", sector=food, total_score=36, chain_score=3, company_count=20,
                       listed_count=6),
        BenchmarkScore(year=2011, level="sector", sector=food, total_score=90, chain_score=9, company_count=1),
        BenchmarkScore(year=2008, level="sector", sector=factories.sector("banken"), total_score=72, chain_score=5.5,
                       company_count=5, listed_count=4),
    ])
    db.session.commit()
    assert benchmark_of(load(food_round)) == SECTOR_BENCHMARK
    listed = company("Beurs BV", size="large", is_listed=True)
    other = company("Andere BV", size="large")
    db.session.add_all([BenchmarkScore(year=2009, level="organisation", organisation=listed, total_score=50,
                                       chain_score=4),
                        BenchmarkScore(year=2009, level="organisation", organisation=other, total_score=30,
                                       chain_score=2)])
    db.session.commit()
    # food: 2011 is after the round; 2009 has organisation scores, which win over 2008's row;
    # energy has no data: no row (none, not 0)
    assert benchmark_of(load(food_round)) == CHOSEN_BENCHMARK


@pytest.fixture
def two_rounds():
    """2010 (baseline): A and B respond in food; A has a child-labour activity.
    2011: A responds (now in the retail sector) with two activities, one ended carry-over;
    C responds for the first time in food, with a child-labour activity."""
    now = utcnow()
    baseline = factories.make_round(slug="imvo-2010", year=2010, is_baseline=True,
                                    opens_at=now - timedelta(days=400), closes_at=now - timedelta(days=300))
    later = factories.make_round(slug="imvo-2011", year=2011, opens_at=now - timedelta(days=10),
                                 closes_at=now + timedelta(days=10))
    a, b = association("A"), association("B")
    c = company("C")
    respond(baseline, a, [{"aspects": ["child_labour"], "share": 30}])
    respond(baseline, b, [])
    respond(later, a, [{"aspects": ["child_labour"], "share": 50},
                       {"aspects": ["climate"], "carry": "ended", "share": 20}],
            sector=factories.sector("retail_food"))
    respond(later, c, [{"aspects": ["child_labour"], "title": "Audits cacao", "countries": ["CI"]}])
    db.session.commit()
    return baseline, later


def same_frames(loaded, built) -> None:
    """Loaded frames hold what the built ones do, by organisation name."""
    assert sorted(loaded.organisations["name"]) == sorted(built.organisations["name"])
    for column in ("sector", "kind", "responded"):
        assert dict(zip(loaded.organisations["name"], loaded.organisations[column], strict=True)) == dict(
            zip(built.organisations["name"], built.organisations[column], strict=True))
    assert counts_by_name(loaded) == counts_by_name(built)
    assert without_share_by_name(loaded) == without_share_by_name(built)


def test_the_comparison_round_is_the_baseline(two_rounds):
    _baseline, later = two_rounds
    new, old = load_comparison(db.session.connection(), Filters(round=later.id))
    assert old.round.slug == "imvo-2010" and new.round.slug == "imvo-2011"
    built_new, built_old = two_rounds_frames()
    same_frames(new, built_new)  # A's ended carry-over is not loaded
    same_frames(old, built_old)
    assert year_over_year(db.session.connection(), Filters(round=later.id)).old.round.slug == "imvo-2010"


def test_no_comparison_without_a_baseline(two_rounds):
    baseline, _later = two_rounds
    assert load_comparison(db.session.connection(), Filters(round=baseline.id)) is None
    assert year_over_year(db.session.connection(), Filters(round=baseline.id)) is None


def test_the_panel_loads_the_older_round_without_organisation_filters(two_rounds):
    _baseline, later = two_rounds
    conn = db.session.connection()
    filters = Filters(round=later.id, sector="retail_food")
    new, old = load_comparison(conn, filters, panel=True)
    # A was in food in 2010 and is in retail in 2011: the older round is loaded whole, so
    # that the panel (decided by the newer data) finds A in both
    assert names(new) == {"A"} and names(old) == {"A", "B"}
    _new, plain_old = load_comparison(conn, filters)
    assert names(plain_old) == set()
    comparison = year_over_year(conn, filters, panel=True)
    assert comparison.old.rows.loc["retail_food", "responded"] == 1


def test_drill_down_lists_the_activities_behind_a_cell(two_rounds):
    _baseline, later = two_rounds
    conn = db.session.connection()
    matrix = build_matrix(conn, Filters(round=later.id))
    activities = cell_activities(conn, matrix, "voedsel_drank", "child_labour")
    assert activities["title"].tolist() == ["Audits cacao"] and activities["countries"].tolist() == ["Ivoorkust"]
    assert cell_activities(conn, matrix, "retail_food", "climate").empty  # ended carry-over left out
    everything = cell_activities(conn, matrix, "_total", "child_labour", language="en")
    assert sorted(everything["organisation"]) == ["A", "C"]
