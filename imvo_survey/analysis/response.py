"""The response figures, defined once: targeted, responded, declined and the response
rate, for the matrix's rows, the round dashboard, the exports and the API alike.

- **targeted**: the organisations the round is for: every organisation with an
  invitation to the round, whether or not the invitation has gone out yet. The round's
  population is decided when it is targeted; an organisation not yet invited has not
  responded, and leaving it out would make a round that invites late look better.
- **responded**: its response's status is one of `RESPONDED_STATUSES` (submitted,
  returned for clarification, accepted): the response itself says whether it was
  given, not the invitation that follows it.
- **declined**: its invitation is declined.
- **response rate**: responded as a percentage of targeted.

The frame is one row per targeted organisation with `organisation_id`, `responded`
and `declined`, as `queries.organisations` loads it. Pure pandas: no database here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: The response figures, in the order the pages, exports and API show them.
RESPONSE_COLUMNS = ("targeted", "responded", "declined", "response_rate")


def response_rate(responded: float, targeted: float) -> float | None:
    """Responded as a percentage of targeted; None when no organisation was targeted."""
    return 100 * responded / targeted if targeted else None


def response_figures(organisations: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per value of the column `by`: targeted, responded, declined and the response rate
    in %. Rows with no value in `by` are left out: give them a key first."""
    grouped = organisations.groupby(by)
    result = pd.DataFrame({
        "targeted": grouped["organisation_id"].nunique(),
        "responded": grouped["responded"].sum(),
        "declined": grouped["declined"].sum(),
    })
    result["response_rate"] = result["responded"] / result["targeted"] * 100
    return result


def total_response(organisations: pd.DataFrame) -> pd.Series:
    """The figures over all the organisations at once (each counted once, not summed
    from groups): 0, 0, 0 and no rate (NaN) when there are none."""
    if not len(organisations):
        return pd.Series([0, 0, 0, np.nan], index=list(RESPONSE_COLUMNS))
    return response_figures(organisations.assign(everyone=True), "everyone").loc[True]
