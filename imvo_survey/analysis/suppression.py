"""Small-cell suppression for published figures: which counts of a table may not be
shown, so that no figure describes fewer than a few organisations, and no hidden figure
can be worked out from the ones that are shown.

- **Primary**: a cell whose count is 1 up to the threshold (exclusive), and every cell
  of a row whose base (its number of responding organisations) is under the threshold.
  A count of 0 is shown: it says something about the whole row, not about a few.
- **Secondary**: wherever a line (a column with its total in the totals row, or a row
  with its total in the totals column) has exactly one hidden member while its total is
  shown, the smallest other member is hidden as well (a non-zero one when there is one:
  a hidden zero is a weak disguise); when the total is hidden but every member shown,
  the smallest member is hidden. A row whose base is hidden is hidden whole, because
  its shares would give the base back. This runs until nothing changes, then the whole
  pattern is checked by linear algebra (a hidden count that the shown totals fix, say
  through a chain of rows and columns, is protected by one more complement).

Pure pandas and numpy: `suppress(counts, threshold, ...)` takes a frame of counts and
returns a frame of the same shape saying per cell "", "primary" or "secondary".
"""

from __future__ import annotations

import numpy as np
import pandas as pd

PRIMARY = "primary"
SECONDARY = "secondary"
DEFAULT_MINIMUM = 3

__all__ = ["DEFAULT_MINIMUM", "PRIMARY", "SECONDARY", "determined_cells", "suppress"]


def suppress(counts: pd.DataFrame, threshold: int = DEFAULT_MINIMUM, *, total_row=None, total_column=None,
             base_column=None) -> pd.DataFrame:
    """Per cell of `counts` (whole numbers, no NaN): "" (shown), "primary" or "secondary".

    `total_row` is the key of the row holding each column's sum over the other rows,
    `total_column` the column holding each row's sum over the other columns (either may
    be absent: a table whose rows do not add up has no totals column). `base_column` is
    the column with each row's number of organisations (its figures' base)."""
    values = counts.astype(float)
    reasons = pd.DataFrame("", index=counts.index, columns=counts.columns, dtype=object)
    reasons[(values > 0) & (values < threshold)] = PRIMARY
    if base_column is not None:
        small_rows = values[base_column] < threshold
        reasons.loc[small_rows, :] = PRIMARY
    lines = _lines(counts, total_row, total_column)
    while True:
        changed = _secondary_pass(values, reasons, lines, base_column)
        if not changed:
            changed = _protect_determined(values, reasons, lines, base_column)
        if not changed:
            return reasons


def _lines(counts: pd.DataFrame, total_row, total_column) -> list[tuple[tuple, list[tuple]]]:
    """Every additive relation: (the total's cell, the member cells)."""
    lines = []
    if total_row is not None:
        members = [key for key in counts.index if key != total_row]
        lines += [((total_row, column), [(row, column) for row in members]) for column in counts.columns]
    if total_column is not None:
        members = [key for key in counts.columns if key != total_column]
        lines += [((row, total_column), [(row, column) for column in members]) for row in counts.index]
    return lines


def _hide(reasons: pd.DataFrame, cell: tuple, base_column=None) -> bool:
    """Hide a cell as a complement; a row's base hides its whole row at once (so that
    the next line sees the row hidden and takes no other complement for it)."""
    if reasons.at[cell]:
        return False
    reasons.at[cell] = SECONDARY
    if cell[1] == base_column:
        row = reasons.loc[cell[0]]
        reasons.loc[cell[0], row.index[row == ""]] = SECONDARY
    return True


def _smallest(values: pd.DataFrame, cells: list[tuple]) -> tuple | None:
    """The complement to hide: the smallest non-zero cell, else the smallest."""
    if not cells:
        return None
    nonzero = [cell for cell in cells if values.at[cell] > 0]
    return min(nonzero or cells, key=lambda cell: (values.at[cell], str(cell)))


def _secondary_pass(values, reasons, lines, base_column) -> bool:
    changed = False
    # The base column's line first: a row it hides is hidden whole before any other
    # line picks its complement.
    for total, members in sorted(lines, key=lambda line: line[0][1] != base_column):
        hidden = [cell for cell in members if reasons.at[cell]]
        shown = [cell for cell in members if not reasons.at[cell]]
        total_shown = not reasons.at[total]
        if (total_shown and len(hidden) == 1) or (not total_shown and not hidden):
            complement = _smallest(values, shown)
            if complement is not None:
                changed |= _hide(reasons, complement, base_column)
    return changed


def determined_cells(values: pd.DataFrame, hidden: pd.DataFrame, lines) -> list[tuple]:
    """The hidden cells whose value the shown cells and the lines' sums fix exactly: a
    hidden cell x is fixed when the unit vector on x lies in the row space of the
    system of equations over the hidden cells."""
    unknown = [(row, column) for row in values.index for column in values.columns if hidden.at[row, column]]
    if not unknown:
        return []
    position = {cell: number for number, cell in enumerate(unknown)}
    equations = []
    for total, members in lines:
        equation = np.zeros(len(unknown))
        for cell in members:
            if cell in position:
                equation[position[cell]] += 1
        if total in position:
            equation[position[total]] -= 1
        if equation.any():
            equations.append(equation)
    if not equations:
        return []
    system = np.array(equations)
    rank = np.linalg.matrix_rank(system)
    fixed = []
    for cell, number in position.items():
        unit = np.zeros(len(unknown))
        unit[number] = 1
        if np.linalg.matrix_rank(np.vstack([system, unit])) == rank:
            fixed.append(cell)
    return fixed


def _protect_determined(values, reasons, lines, base_column) -> bool:
    """Hide one more cell beside the first hidden cell that can still be worked out."""
    fixed = determined_cells(values, reasons != "", lines)
    for cell in fixed:
        for total, members in lines:
            if cell in members or cell == total:
                shown = [member for member in [total, *members] if not reasons.at[member]]
                complement = _smallest(values, shown)
                if complement is not None:
                    return _hide(reasons, complement, base_column)
    return False
