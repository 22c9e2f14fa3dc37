"""The round dashboard's chart: the response over time, as the number of submitted
responses by each day (cumulative, by the day of submission in Europe/Amsterdam),
drawn by `charts.py` as an SVG step line.

A response counts from its `submitted_at` while its status is submitted, returned for
clarification or accepted: the same "responded" as the response rate beside it."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from ..charts import Chart, cumulative_by_day
from ..extensions import db
from ..figures import figure_name
from ..models import RESPONDED_STATUSES, Response, Round
from .services import utc_to_local


def submission_days(round: Round) -> list[date]:
    """One date (Amsterdam) per responded response of the round, in no order."""
    moments = db.session.scalars(select(Response.submitted_at).where(
        Response.round_id == round.id, Response.status.in_(RESPONDED_STATUSES), Response.submitted_at.is_not(None)))
    return [utc_to_local(moment).date() for moment in moments]


def response_chart(round: Round) -> Chart:
    """Cumulative responded organisations per day of submission."""
    days = submission_days(round)
    responded = figure_name("responded")
    description = (_("Responses submitted by the end of each day, from the first to the last day with a "
                     "submission: %(count)d in all.", count=len(days)) if days
                   else _("No response has been submitted yet."))
    return cumulative_by_day(_("Response over time"), description, _("Day of submission"),
                             _("%(figure)s (cumulative)", figure=responded), days,
                             lambda day: format_date(day, "short"), lambda count: format_decimal(count))
