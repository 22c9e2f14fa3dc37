"""Drawing a sample, without a database: the size asked, proportional allocation with at
least one per sector (largest remainders first), and reproducibility from the seed."""

from __future__ import annotations

import random

import pytest

from imvo_survey.verification.drawing import Candidate, allocate, draw, size_for, strata_counts


def pool(**strata: int) -> list[Candidate]:
    candidates, next_id = [], 1
    for stratum, count in strata.items():
        for _ in range(count):
            candidates.append(Candidate(next_id, stratum))
            next_id += 1
    return candidates


def test_a_percentage_is_rounded_up_and_a_size_capped_at_the_population():
    assert size_for(25, percent=10) == 3
    assert size_for(20, percent=10) == 2
    assert size_for(3, percent=1) == 1
    assert size_for(5, size=8) == 5
    with pytest.raises(ValueError):
        size_for(5, size=2, percent=10)


def test_allocation_is_proportional_by_largest_remainder():
    # Quotas for n = 10 of 60/30/10: 6, 3, 1 exactly.
    assert allocate({"a": 60, "b": 30, "c": 10}, 10) == {"a": 6, "b": 3, "c": 1}
    # n = 5 of 7/7/6: quotas 1.75, 1.75, 1.5 -> floors 1, 1, 1; two more go to the
    # largest remainders, a and b (0.75 each) before c (0.5).
    assert allocate({"a": 7, "b": 7, "c": 6}, 5) == {"a": 2, "b": 2, "c": 1}


def test_a_sector_with_a_single_response_still_gets_one():
    # n = 4 of 20/19/1: quotas 2, 1.9, 0.1 -> 2, 1, 1 (raised): 4 in all.
    assert allocate({"food": 20, "energy": 19, "banks": 1}, 4) == {"food": 2, "energy": 1, "banks": 1}
    # n = 3: 1.5, 1.425, 0.075 -> 1, 1, 1.
    assert allocate({"food": 20, "energy": 19, "banks": 1}, 3) == {"food": 1, "energy": 1, "banks": 1}


def test_the_minimum_of_one_is_paid_by_the_most_over_allocated_sector():
    # n = 4 of 10/10/1/1: quotas 1.82, 1.82, 0.18, 0.18 -> floors 1, 1 and minimums 1, 1 = 4.
    assert allocate({"a": 10, "b": 10, "c": 1, "d": 1}, 4) == {"a": 1, "b": 1, "c": 1, "d": 1}
    # n = 5 of 30/1/1/1/1/1: quota of a 4.71 -> 4, the five others 1 each = 9 > 5: a gives
    # back until only its minimum is left.
    assert allocate({"a": 30, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1}, 5) == {
        "a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 1}


def test_fewer_asked_than_sectors_draws_one_per_sector():
    drawn = draw(pool(a=5, b=5, c=1), 1, seed=7, stratified=True)
    assert strata_counts(drawn) == {"a": 1, "b": 1, "c": 1}


def test_the_same_seed_gives_the_same_sample_whatever_the_order_of_the_rows():
    candidates = pool(food=12, energy=5, banks=1)
    shuffled = candidates[:]
    random.Random(1).shuffle(shuffled)
    for stratified in (False, True):
        first = draw(candidates, 6, seed=2010, stratified=stratified)
        assert draw(shuffled, 6, seed=2010, stratified=stratified) == first
        assert draw(candidates, 6, seed=2011, stratified=stratified) != first


def test_a_stratified_draw_is_proportional_and_reaches_every_sector():
    drawn = draw(pool(food=12, energy=5, banks=1), 6, seed=3, stratified=True)
    # quotas 4, 1.67, 0.33 -> 4, 1, 1.
    assert strata_counts(drawn) == {"food": 4, "energy": 1, "banks": 1}
    assert len({candidate.response_id for candidate in drawn}) == 6


def test_a_simple_draw_takes_exactly_n_distinct_responses():
    drawn = draw(pool(a=10), 4, seed=1, stratified=False)
    assert len(drawn) == 4 and len(set(drawn)) == 4
    assert drawn == sorted(drawn, key=lambda c: c.response_id)
