"""The relevance computation (analysis/relevance.py) on a hand-computed example, and the
matrix's lagging flags and gap order following it: frames built here, no database.

The example. Food (voedsel_drank) has imported shares: palm oil from Indonesia 40,
cocoa from Ghana 30, coffee from Brazil 30 (percent: shares 0.4, 0.3, 0.3). Non-food
retail has no imported shares, so its round counts: organisation 1 names textiles
from China (twice) and footwear from China, organisation 2 textiles from China:
textiles 2, footwear 1, so shares 2/3 and 1/3. Food's round chain (tea from Kenya) is
not used: imported shares win for a sector that has them.

Risks (low 1, medium 2, high 3; relevance = sum of share x level / 3):
- palm oil / ID: biodiversity high, child labour medium;
- cocoa / West Africa (GH, CI): child labour high, wages high; cocoa / GH: wages
  medium (the country's own entry wins over its region's);
- textiles / CN: wages high; footwear / CN: wages medium, working hours low.

So food: biodiversity 0.4 x 3/3 = 0.4; child labour 0.4 x 2/3 + 0.3 x 3/3 = 0.5667;
wages 0.3 x 2/3 = 0.2. Non-food retail: wages 2/3 x 1 + 1/3 x 2/3 = 0.8889; working
hours 1/3 x 1/3 = 0.1111.
"""

from __future__ import annotations

import pandas as pd
import pytest

from imvo_survey.analysis import MatrixOptions, compute_matrix
from imvo_survey.analysis.matrix import TOTAL_KEY
from imvo_survey.analysis.relevance import (
    OTHER,
    RiskFrames,
    combine_profiles,
    compute_relevance,
    expand_regions,
    profile_from_round,
    profile_from_shares,
    relevance_for,
    relevance_lookup,
)

from .frames import FOOD, food_frames

RETAIL = "retail_nonfood"
GROUPS = {"biodiversity": "environment", "child_labour": "labour", "wages": "labour", "working_hours": "labour",
          "climate": "environment", "water": "environment"}


def risks() -> pd.DataFrame:
    return pd.DataFrame.from_records([
        ("ID", "vegetable_oils", "biodiversity", "high"), ("ID", "vegetable_oils", "child_labour", "medium"),
        ("west_africa", "cocoa", "child_labour", "high"), ("west_africa", "cocoa", "wages", "high"),
        ("GH", "cocoa", "wages", "medium"),
        ("CN", "textiles_clothing", "wages", "high"), ("CN", "footwear", "wages", "medium"),
        ("CN", "footwear", "working_hours", "low"),
    ], columns=["country", "product_group", "aspect", "level"])


def regions() -> pd.DataFrame:
    return pd.DataFrame({"region": ["west_africa", "west_africa"], "country": ["GH", "CI"]})


def round_chains() -> pd.DataFrame:
    return pd.DataFrame.from_records([
        (1, RETAIL, None, "textiles_clothing", "CN"), (1, RETAIL, None, "textiles_clothing", "CN"),
        (1, RETAIL, None, "footwear", "CN"), (2, RETAIL, None, "textiles_clothing", "CN"),
        (3, FOOD, None, "tea", "KE"),
    ], columns=["organisation_id", "sector", "branch", "product_group", "country"])


def shares() -> pd.DataFrame:
    return pd.DataFrame.from_records([
        ("sector", FOOD, "vegetable_oils", "ID", 40.0), ("sector", FOOD, "cocoa", "GH", 30.0),
        ("sector", FOOD, "coffee", "BR", 30.0),
    ], columns=["subject", "code", "product_group", "country", "share"])


def manual(rows=()) -> pd.DataFrame:
    return pd.DataFrame.from_records(list(rows), columns=["subject", "code", "aspect", "value", "reason", "set_by",
                                                          "set_at"])


def frames(manual_rows=()) -> RiskFrames:
    return RiskFrames(risks(), regions(), round_chains(), shares(), manual(manual_rows), GROUPS)


def test_profile_imported_shares_win_and_the_round_counts_each_organisation_once():
    chains = round_chains().assign(row=round_chains()["sector"])
    profile = combine_profiles(profile_from_shares(shares().rename(columns={"code": "row"})),
                               profile_from_round(chains))
    by_chain = profile.set_index(["row", "product_group", "country"])
    assert by_chain.loc[(FOOD, "vegetable_oils", "ID"), "share"] == pytest.approx(0.4)
    assert by_chain.loc[(FOOD, "vegetable_oils", "ID"), "origin"] == "imported"
    assert (FOOD, "tea", "KE") not in by_chain.index
    assert by_chain.loc[(RETAIL, "textiles_clothing", "CN"), "share"] == pytest.approx(2 / 3)
    assert by_chain.loc[(RETAIL, "footwear", "CN"), "origin"] == "round"
    assert profile.groupby("row")["share"].sum().tolist() == pytest.approx([1.0, 1.0])


def test_chains_without_risk_count_in_the_total_as_one_other_chain():
    """As the loader reads them: only the chains at risk, with each row's total of chains.
    Non-food retail names 3 chains in all, 1 of them at risk: textiles/CN 1/3, other 2/3."""
    chains = pd.DataFrame({"organisation_id": [1], "row": [RETAIL], "product_group": ["textiles_clothing"],
                           "country": ["CN"]})
    profile = combine_profiles(profile_from_shares(shares().iloc[0:0].rename(columns={"code": "row"})),
                               profile_from_round(chains, pd.Series({RETAIL: 3.0, FOOD: 2.0})))
    by_chain = profile.set_index(["product_group", "country"])["share"]
    assert by_chain[("textiles_clothing", "CN")] == pytest.approx(1 / 3)
    assert sorted(by_chain[(OTHER, OTHER)].tolist()) == pytest.approx([2 / 3, 1.0])  # food: all other
    result = compute_relevance(profile, risks(), regions())
    assert result.value(RETAIL, "wages") == pytest.approx(1 / 3)


def test_a_region_holds_for_its_countries_and_a_country_entry_wins():
    expanded = expand_regions(risks(), regions()).set_index(["country", "product_group", "aspect"])["level"]
    assert expanded[("CI", "cocoa", "wages")] == "high"
    assert expanded[("GH", "cocoa", "wages")] == "medium"
    assert expanded[("GH", "cocoa", "child_labour")] == "high"
    assert expanded[("west_africa", "cocoa", "child_labour")] == "high"


def test_relevance_on_the_hand_computed_example():
    result = relevance_for(frames(), "sector", "_none")
    assert result.value(FOOD, "biodiversity") == pytest.approx(0.4)
    assert result.value(FOOD, "child_labour") == pytest.approx(0.4 * 2 / 3 + 0.3)
    assert result.value(FOOD, "wages") == pytest.approx(0.2)
    assert result.value(RETAIL, "wages") == pytest.approx(2 / 3 + 1 / 3 * 2 / 3)
    assert result.value(RETAIL, "working_hours") == pytest.approx(1 / 9)
    assert result.value(FOOD, "climate") == 0.0 and result.value("banken", "wages") == 0.0
    chains = result.chains[(result.chains["row"] == FOOD) & (result.chains["aspect"] == "child_labour")]
    assert list(zip(chains["product_group"], chains["country"], chains["level"], strict=True)) == [
        ("cocoa", "GH", "high"), ("vegetable_oils", "ID", "medium")]  # the largest contribution first
    assert chains["share"].tolist() == pytest.approx([0.3, 0.4])


def test_relevance_set_by_hand_wins_and_is_marked():
    result = relevance_for(frames([("sector", FOOD, "biodiversity", 0.1, "RSPO covers it", "Anna", None),
                                   ("sector", RETAIL, "discrimination", 0.7, "audit reports", "Anna", None)]),
                           "sector", "_none")
    food = result.relevance.loc[(FOOD, "biodiversity")]
    assert food["relevance"] == pytest.approx(0.1) and food["computed"] == pytest.approx(0.4) and food["manual"]
    assert food["reason"] == "RSPO covers it"
    assert result.value(RETAIL, "discrimination") == pytest.approx(0.7)
    assert not result.relevance.loc[(FOOD, "wages"), "manual"]


def test_relevance_by_branch_uses_the_branch_chains_only():
    result = compute_relevance(combine_profiles(profile_from_shares(pd.DataFrame(
        columns=["row", "product_group", "country", "share"])), pd.DataFrame(
        {"row": ["textiles_clothing"], "product_group": ["footwear"], "country": ["CN"], "weight": [1.0]})),
        risks(), regions())
    assert result.value("textiles_clothing", "wages") == pytest.approx(2 / 3)


def test_lookup_by_sector_and_kind_the_totals_row_and_aspect_groups():
    result = relevance_for(frames(), "sector", "_none")
    by_aspect = relevance_lookup(result, "aspect", GROUPS, TOTAL_KEY)
    assert by_aspect(f"{FOOD}|company", "wages") == pytest.approx(0.2)
    assert by_aspect(TOTAL_KEY, "wages") == pytest.approx(2 / 3 + 2 / 9)  # the highest row
    by_group = relevance_lookup(result, "aspect_group", GROUPS, TOTAL_KEY)
    assert by_group(FOOD, "labour") == pytest.approx(0.4 * 2 / 3 + 0.3)
    assert by_group(FOOD, "environment") == pytest.approx(0.4)


def test_lagging_flags_follow_relevance():
    """Food at threshold 50: child labour 67 %, wages 33 %, climate 33 %, water 0 %.
    With relevance 1 everywhere climate and water lag; with the risk analysis only wages
    does (0.2 is above 0.1); climate and water are not relevant there."""
    plain = compute_matrix(food_frames(), MatrixOptions(threshold=50))
    assert plain.cells.loc[(FOOD, "climate"), "lagging"] and plain.cells.loc[(FOOD, "water"), "lagging"]
    data = food_frames()
    data = type(data)(**{**data.__dict__, "risk": frames()})
    matrix = compute_matrix(data, MatrixOptions(threshold=50))
    cells = matrix.cells
    assert cells.loc[(FOOD, "wages"), "lagging"] and cells.loc[(FOOD, "wages"), "relevant"]
    assert cells.loc[(FOOD, "wages"), "gap"] == pytest.approx(0.2 * (1 - 1 / 3))
    assert not cells.loc[(FOOD, "climate"), "lagging"] and not cells.loc[(FOOD, "climate"), "relevant"]
    assert not cells.loc[(FOOD, "water"), "lagging"]
    assert not matrix.rows.loc["energie", "lagging"]  # no chains known: nothing relevant
    assert matrix.relevance is not None
    stricter = compute_matrix(data, MatrixOptions(threshold=50, relevance_threshold=0.25))
    assert not stricter.cells.loc[(FOOD, "wages"), "lagging"]


def test_gap_order_follows_relevance():
    """Energy: water 100 %, the rest 0 %. Set by hand, climate 0.9 in energy: energy's
    gap 0.9 is then the largest (food's is 0.2 x 2/3 on wages)."""
    data = food_frames()
    with_risks = type(data)(**{**data.__dict__, "risk": frames()})
    assert compute_matrix(with_risks, MatrixOptions(sort="gap")).row_order() == [FOOD, "energie", "banken",
                                                                                   TOTAL_KEY]
    by_hand = type(data)(**{**data.__dict__, "risk": frames([("sector", "energie", "climate", 0.9, "why", None,
                                                               None)])})
    matrix = compute_matrix(by_hand, MatrixOptions(sort="gap"))
    assert matrix.row_order() == ["energie", FOOD, "banken", TOTAL_KEY]
    assert matrix.cells.loc[("energie", "climate"), "lagging"]
    assert matrix.cells.loc[("energie", "climate"), "gap"] == pytest.approx(0.9)
