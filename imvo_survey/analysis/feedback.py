"""Feedback to one responding organisation: per IMVO aspect its own activities beside
its sector's coverage, as the feedback page and its PDF show them after a round.

The sector figures are the coverage matrix's own (the organisation's row of
`build_matrix`, so the sector is the one its response kept at submission), and they
are left out when fewer than `MIN_ORGANISATIONS` organisations in the sector responded:
with one or two, an organisation could read off what its competitor does."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sqlalchemy import and_, select

from ..models import Aspect, Response
from ..models.response import Activity, activity_aspect
from . import queries
from .filters import FilterError, Filters
from .matrix import NONE_KEY, build_matrix

#: Sector figures are shown only when at least this many organisations in it responded.
MIN_ORGANISATIONS = 3

COLUMNS = ["group", "group_label_nl", "group_label_en", "label_nl", "label_en", "activities", "titles",
           "sector_responding", "sector_organisations", "sector_share"]


def organisation_feedback(conn, round_id: int, organisation_id: int) -> pd.DataFrame:
    """One row per aspect (indexed by aspect code, in display order, grouped by aspect
    group): the organisation's own counted activities on it (`activities`, `titles`),
    and its sector's responding organisations, organisations with an activity on the
    aspect and their share in % (NaN when the sector is too small or unknown, never 0).
    Raises FilterError when the organisation did not respond to the round."""
    filters = Filters.from_params({"round": str(round_id)})
    matrix = build_matrix(conn, filters)
    mine = matrix.organisations[(matrix.organisations["organisation_id"] == organisation_id)
                                & matrix.organisations["responded"]]
    if mine.empty:
        raise FilterError(f"Organisation {organisation_id} did not respond to round {round_id}.")
    response_id, row = int(mine["response_id"].iloc[0]), mine["row"].iloc[0]
    frame = _aspects(conn).join(_own_activities(conn, matrix.round.id, filters, response_id))
    frame["activities"] = frame["activities"].fillna(0).astype("int64")
    frame["titles"] = [titles if isinstance(titles, list) else [] for titles in frame["titles"]]
    return frame.join(_sector_figures(matrix, row))[COLUMNS]


def _aspects(conn) -> pd.DataFrame:
    """Every aspect with its group's labels, ordered by group, then aspect."""
    aspects = queries.labels(conn, "aspect")
    groups = queries.labels(conn, "aspect_group")
    frame = aspects.join(groups[["label_nl", "label_en", "position"]].rename(columns=lambda name: f"group_{name}"),
                         on="group")
    return frame.sort_values(["group_position", "position"], kind="stable")


def _own_activities(conn, round_id: int, filters: Filters, response_id: int) -> pd.DataFrame:
    """Per aspect the response's activities and their titles, counted as the matrix
    counts them (`queries.activity_conditions`: ended carry-overs do not count)."""
    rows = conn.execute(
        select(Aspect.code, Activity.id, Activity.title)
        .select_from(Activity)
        .join(Response, Response.id == Activity.response_id)
        .join(activity_aspect, activity_aspect.c.activity_id == Activity.id)
        .join(Aspect, Aspect.id == activity_aspect.c.aspect_id)
        .where(and_(*queries.activity_conditions(conn, round_id, filters)), Activity.response_id == response_id)
        .order_by(Activity.position, Activity.id))
    links = pd.DataFrame.from_records(list(rows), columns=["code", "activity_id", "title"])
    grouped = links.groupby("code", sort=False)
    return pd.DataFrame({"activities": grouped["activity_id"].nunique(), "titles": grouped["title"].agg(list)})


def _sector_figures(matrix, row: str) -> pd.DataFrame:
    """The matrix cells of the organisation's row, or NaN throughout when the row is
    'no sector' or rests on fewer than MIN_ORGANISATIONS responding organisations."""
    columns = list(matrix.column_labels.index)
    responding = matrix.rows.at[row, "responded"] if row in matrix.rows.index else 0
    if row == NONE_KEY or responding < MIN_ORGANISATIONS:
        return pd.DataFrame(np.nan, index=columns,
                            columns=["sector_responding", "sector_organisations", "sector_share"])
    cells = matrix.cells.xs(row, level="row").reindex(columns)
    return pd.DataFrame({"sector_responding": float(responding), "sector_organisations": cells["organisations"],
                         "sector_share": cells["share"]}, index=columns)
