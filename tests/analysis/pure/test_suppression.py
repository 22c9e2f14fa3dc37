"""Small-cell suppression on hand-made frames: the primary rule, the secondary rule in
rows, columns and the totals row, and the property that no hidden count can be worked
out from the shown figures and totals (checked by subtraction along every line, and by
linear algebra over the whole table)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from imvo_survey.analysis.suppression import PRIMARY, SECONDARY, suppress

TOTAL = "_total"


def with_totals(rows: dict[str, list[int]], columns: list[str], row_totals: bool = False) -> pd.DataFrame:
    """A table of counts with its totals row (and, asked, its totals column)."""
    table = pd.DataFrame.from_dict(rows, orient="index", columns=columns)
    if row_totals:
        table["sum"] = table.sum(axis=1)
    table.loc[TOTAL] = table.sum()
    return table


def hidden(reasons: pd.DataFrame) -> set[tuple]:
    return {(row, column) for row in reasons.index for column in reasons.columns if reasons.at[row, column]}


def test_cells_under_the_threshold_are_hidden_and_zero_is_shown():
    counts = pd.DataFrame({"a": [0, 1, 2, 3]}, index=["w", "x", "y", "z"])
    reasons = suppress(counts, 3)
    assert list(reasons["a"]) == ["", PRIMARY, PRIMARY, ""]


def test_the_threshold_is_a_parameter():
    counts = pd.DataFrame({"a": [4, 5]}, index=["x", "y"])
    assert list(suppress(counts, 5)["a"]) == [PRIMARY, ""]
    assert list(suppress(counts, 3)["a"]) == ["", ""]


def test_a_row_under_the_threshold_is_hidden_whole():
    counts = pd.DataFrame({"responded": [2, 9], "a": [0, 5]}, index=["small", "big"])
    reasons = suppress(counts, 3, base_column="responded")
    assert list(reasons.loc["small"]) == [PRIMARY, PRIMARY]
    assert list(reasons.loc["big"]) == ["", ""]


def test_a_column_with_one_hidden_cell_hides_its_smallest_other_cell():
    counts = with_totals({"x": [1], "y": [7], "z": [4]}, ["a"])
    reasons = suppress(counts, 3, total_row=TOTAL)
    assert reasons.at["x", "a"] == PRIMARY
    assert reasons.at["z", "a"] == SECONDARY  # 4 is smaller than 7
    assert reasons.at["y", "a"] == "" and reasons.at[TOTAL, "a"] == ""


def test_a_row_with_one_hidden_cell_hides_its_smallest_other_cell():
    counts = with_totals({"x": [2, 9, 5, 6], "y": [8, 9, 7, 6]}, ["a", "b", "c", "d"], row_totals=True)
    reasons = suppress(counts, 3, total_row=TOTAL, total_column="sum")
    assert reasons.at["x", "a"] == PRIMARY
    assert reasons.at["x", "c"] == SECONDARY  # the smallest other cell of the row
    # The columns a and c now have one hidden cell each: their other rows follow.
    assert reasons.at["y", "a"] == SECONDARY and reasons.at["y", "c"] == SECONDARY
    assert reasons.at["x", "sum"] == "" and reasons.at[TOTAL, "sum"] == ""


def test_a_zero_is_not_taken_as_the_complement_while_a_count_is_there():
    counts = with_totals({"x": [1], "y": [0], "z": [6]}, ["a"])
    reasons = suppress(counts, 3, total_row=TOTAL)
    assert reasons.at["z", "a"] == SECONDARY and reasons.at["y", "a"] == ""


def test_the_totals_row_is_protected_like_any_row():
    # The column total is 2 (primary); its members would add up to it: one is hidden.
    counts = with_totals({"x": [0, 4], "y": [0, 5], "z": [2, 3]}, ["a", "b"], row_totals=True)
    reasons = suppress(counts, 3, total_row=TOTAL, total_column="sum")
    assert reasons.at[TOTAL, "a"] == PRIMARY and reasons.at["z", "a"] == PRIMARY
    # The totals row has one hidden member (a) under a shown grand total: b is hidden too.
    assert reasons.at[TOTAL, "b"] == SECONDARY
    assert not recoverable(counts, reasons, TOTAL, "sum")


def test_a_hidden_row_base_hides_its_row_and_a_second_row():
    counts = with_totals({"x": [2, 1, 0], "y": [10, 6, 4], "z": [5, 3, 1]}, ["responded", "a", "b"])
    reasons = suppress(counts, 3, total_row=TOTAL, base_column="responded")
    assert set(reasons.loc["x"]) == {PRIMARY}
    # The responded column had one hidden cell: z (5 < 10) is hidden, and with it its row.
    assert set(reasons.loc["z"]) <= {PRIMARY, SECONDARY} and all(reasons.loc["z"])
    assert not any(reasons.loc["y"]) and not any(reasons.loc[TOTAL])


def test_a_count_fixed_through_a_chain_of_lines_gets_a_complement():
    """Two 2x2 blocks of small counts joined by one small count: every line has two or
    more hidden cells, yet rows x and y minus columns a and b give the joining cell (x, c)
    back. The check by linear algebra hides one more."""
    small = {("w", "a"), ("w", "b"), ("x", "a"), ("x", "b"), ("x", "c"), ("y", "c"), ("y", "d"), ("z", "c"),
             ("z", "d")}
    rows = {row: [1 if (row, column) in small else 10 for column in "abcd"] for row in "wxyz"}
    counts = with_totals(rows, list("abcd"), row_totals=True)
    reasons = suppress(counts, 3, total_row=TOTAL, total_column="sum")
    assert {cell for cell in hidden(reasons) if reasons.at[cell] == PRIMARY} == small
    assert not subtraction_recovers(counts, reasons.where(reasons == PRIMARY, ""), TOTAL, "sum")
    assert recoverable(counts, reasons.where(reasons == PRIMARY, ""), TOTAL, "sum")  # the primaries alone leak
    assert hidden(reasons) > small
    assert not recoverable(counts, reasons, TOTAL, "sum")


def subtraction_recovers(counts, reasons, total_row, total_column) -> bool:
    """Whether a line with a shown total has exactly one hidden member."""
    lines = []
    if total_row is not None:
        lines += [[(TOTAL, c)] + [(r, c) for r in counts.index if r != TOTAL] for c in counts.columns]
    if total_column is not None:
        lines += [[(r, total_column)] + [(r, c) for c in counts.columns if c != total_column] for r in counts.index]
    for total, *members in lines:
        if not reasons.at[total] and sum(1 for cell in members if reasons.at[cell]) == 1:
            return True
    return False


def recoverable(counts, reasons, total_row, total_column) -> bool:
    """Whether any hidden count is fixed by the shown ones: by subtraction along a line,
    or by combining lines (the unit vector of a hidden cell in the equations' row space)."""
    if subtraction_recovers(counts, reasons, total_row, total_column):
        return True
    unknown = sorted(hidden(reasons), key=str)
    index = {cell: number for number, cell in enumerate(unknown)}
    equations = []
    for column in counts.columns if total_row is not None else []:
        cells = [(r, column) for r in counts.index if r != total_row]
        equations.append([(cell, 1) for cell in cells] + [((total_row, column), -1)])
    for row in counts.index if total_column is not None else []:
        cells = [(row, c) for c in counts.columns if c != total_column]
        equations.append([(cell, 1) for cell in cells] + [((row, total_column), -1)])
    matrix = np.zeros((len(equations), len(unknown)))
    for number, equation in enumerate(equations):
        for cell, sign in equation:
            if cell in index:
                matrix[number, index[cell]] += sign
    if not unknown:
        return False
    rank = np.linalg.matrix_rank(matrix)
    return any(np.linalg.matrix_rank(np.vstack([matrix, np.eye(len(unknown))[number]])) == rank
               for number in range(len(unknown)))


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=4).flatmap(
        lambda columns: st.lists(st.lists(st.integers(min_value=0, max_value=12), min_size=columns,
                                          max_size=columns), min_size=rows, max_size=rows)))


@settings(max_examples=150, deadline=None, database=None)
@given(cells=tables, row_totals=st.booleans(), threshold=st.integers(min_value=2, max_value=5), based=st.booleans())
def test_no_hidden_count_can_be_worked_out(cells, row_totals, threshold, based):
    """With or without a totals column, and with or without a base column (the public
    figures' shape: the rows' responding organisations first, the columns summed in the
    totals row, no totals column)."""
    columns = [f"c{number}" for number in range(len(cells[0]))]
    counts = with_totals({f"r{number}": row for number, row in enumerate(cells)}, columns, row_totals)
    total_column = "sum" if row_totals else None
    base_column = "c0" if based else None
    reasons = suppress(counts, threshold, total_row=TOTAL, total_column=total_column, base_column=base_column)
    if based:  # a row whose base is hidden is hidden whole
        assert all(all(reasons.loc[row]) for row in counts.index if reasons.at[row, "c0"])
    # Every small count is hidden ...
    small = {cell for cell in ((r, c) for r in counts.index for c in counts.columns)
             if 0 < counts.at[cell] < threshold}
    assert small <= hidden(reasons)
    # ... and none of the hidden ones can be worked out from what is shown.
    assert not recoverable(counts, reasons, TOTAL, total_column)
