"""The round dashboard: counts per status, response rates, the organisations list and
its exports, and the round's outbox.

The counts come from GROUP BY queries and the list from one query (plus the count of
the pagination), so the page stays fast with thousands of invitations. Analysts read
the dashboard too; it shows them no e-mail addresses.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from flask import render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, joinedload
from wtforms import SearchField, SelectField

from ..access import access
from ..analysis import Filters, queries
from ..analysis.matrix import NONE_KEY
from ..analysis.response import response_figures, response_rate, total_response
from ..extensions import db
from ..forms import code_choices, options, strip_filter
from ..i18n import code_label, current_language
from ..i18n import lazy_gettext as _l
from ..models import (
    INVITATION_STATUSES,
    KINDS,
    OUTBOX_STATUSES,
    STAFF_ROLES,
    Branch,
    Invitation,
    Organisation,
    OutboxMessage,
    Round,
    Sector,
)
from ..spreadsheets.writing import XLSX_MIMETYPE, csv_bytes, xlsx_bytes
from ..whole_numbers import paginate
from . import bp
from .response_chart import response_chart
from .services import get_round, status_counts, utc_to_local

PER_PAGE = 50
#: How many failed messages the dashboard lists; the outbox page has them all.
FAILED_SHOWN = 20
NO_GROUP = "none"
SORT_KEYS = ("name", "status", "activity", "reminders")


# --- counts and rates ---------------------------------------------------------------

def status_table(round: Round) -> dict[str, int]:
    """Invitations per status, every status present (0 when none), in lifecycle order."""
    found = status_counts(round)
    return {status: found.get(status, 0) for status in INVITATION_STATUSES}


@dataclass(frozen=True)
class ResponseRate:
    """Targeted, responded and declined organisations of one group (or of the round),
    as the analysis defines them (`analysis/response.py`), with the same names as the
    matrix, the exports and the API."""

    #: The group's code (kind or sector/branch code); None for "none" or the whole round.
    key: str | None
    #: The group's name in the current language.
    label: str
    #: The organisations the round is for, invited yet or not.
    targeted: int
    #: Of those, the ones whose response is submitted, returned or accepted.
    responded: int
    #: Of those, declined.
    declined: int

    @property
    def response_rate(self) -> float | None:
        """Responded as a percentage of targeted; None when nobody was targeted."""
        return response_rate(self.responded, self.targeted)


def targeted_organisations(round: Round) -> pd.DataFrame:
    """The round's targeted organisations, one row each, as the matrix reads them."""
    return queries.organisations(db.session.connection(), round.id, Filters(round=round.id))


def overall_rate(organisations: pd.DataFrame) -> ResponseRate:
    """The whole round's rate."""
    targeted, responded, declined, _rate = total_response(organisations)
    return ResponseRate(key=None, label=_("All organisations"), targeted=int(targeted), responded=int(responded),
                        declined=int(declined))


def _rates(organisations: pd.DataFrame, column: str, order: list[str], label) -> list[ResponseRate]:
    """Response rates per value of `column`, in `order`, then the organisations without one."""
    table = response_figures(organisations.assign(group=organisations[column].fillna(NONE_KEY)), "group")
    position = {code: number for number, code in enumerate(order)}
    keys = sorted(table.index, key=lambda key: (key == NONE_KEY, position.get(key, len(position)), key))
    return [ResponseRate(None if key == NONE_KEY else key, label(key), int(table.at[key, "targeted"]),
                         int(table.at[key, "responded"]), int(table.at[key, "declined"])) for key in keys]


def rates_by_kind(organisations: pd.DataFrame) -> list[ResponseRate]:
    """Response rates per kind of organisation, in the order of the kinds."""
    return _rates(organisations, "kind", list(KINDS), lambda kind: code_label(kind, "kind"))


def rates_by_taxonomy(organisations: pd.DataFrame, model: type[Sector] | type[Branch]) -> list[ResponseRate]:
    """Response rates per sector or branch; organisations without one in a last row "none"."""
    items = {item.code: item.label(current_language())
             for item in db.session.scalars(select(model).order_by(model.position))}
    return _rates(organisations, "sector" if model is Sector else "branch", list(items),
                  lambda code: items.get(code, code) if code != NONE_KEY else _("none"))


def outbox_state(round: Round) -> tuple[dict[str, int], list[OutboxMessage]]:
    """The round's messages per outbox status, and the newest failed ones."""
    found = dict(db.session.execute(
        select(OutboxMessage.status, func.count()).where(OutboxMessage.round_id == round.id)
        .group_by(OutboxMessage.status)).all())
    failed = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.round_id == round.id, OutboxMessage.status == "failed")
        .options(joinedload(OutboxMessage.invitation).joinedload(Invitation.organisation))
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(FAILED_SHOWN)).all()
    return {status: found.get(status, 0) for status in OUTBOX_STATUSES}, failed


# --- the organisations list -----------------------------------------------------------

class DashboardFilterForm(FlaskForm):
    """Filters and order of the organisations list (a GET form: no token needed)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search by name"), filters=[strip_filter])
    status = SelectField(_l("Status"), default="")
    kind = SelectField(_l("Kind"), default="")
    sector = SelectField(_l("Sector"), default="")
    branch = SelectField(_l("Branch"), default="")
    sort = SelectField(_l("Sort by"), default="name")
    order = SelectField(_l("Order"), default="asc")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        language = current_language()
        self.status.choices = code_choices("invitation_status", blank=_l("All statuses"))
        self.kind.choices = code_choices("kind", blank=_l("All kinds"))
        self.sector.choices = _taxonomy_options(Sector, _l("All sectors"), _l("No sector"), language)
        self.branch.choices = _taxonomy_options(Branch, _l("All branches"), _l("No branch"), language)
        self.sort.choices = options([("name", _l("Name")), ("status", _l("Status")),
                                     ("activity", _l("Last activity")), ("reminders", _l("Reminders sent"))])
        self.order.choices = options([("asc", _l("Ascending")), ("desc", _l("Descending"))])


def _taxonomy_options(model, all_label, none_label, language: str):
    items = db.session.scalars(select(model).order_by(model.position))
    return options([("", all_label), (NO_GROUP, none_label)]
                   + [(item.code, item.label(language)) for item in items])


@dataclass
class InvitationFilter:
    """What the organisations list shows, from the GET parameters; invalid values are ignored."""

    q: str | None = None
    status: str | None = None
    kind: str | None = None
    #: A sector code, "none" for organisations without a sector, or None for all.
    sector: str | None = None
    #: A branch code, "none", or None.
    branch: str | None = None
    sort: str = "name"
    order: str = "asc"

    @classmethod
    def from_form(cls, form) -> InvitationFilter:
        form.validate()

        def valid(field):
            return field.data if field.data and not field.errors else None

        return cls(q=form.q.data or None, status=valid(form.status), kind=valid(form.kind),
                   sector=valid(form.sector), branch=valid(form.branch), sort=valid(form.sort) or "name",
                   order=valid(form.order) or "asc")

    def query(self, round: Round) -> Select:
        """The round's invitations with organisation, sector and branch loaded (one query)."""
        query = (select(Invitation).join(Invitation.organisation)
                 .outerjoin(Sector, Organisation.sector_id == Sector.id)
                 .outerjoin(Branch, Organisation.branch_id == Branch.id)
                 .options(contains_eager(Invitation.organisation).contains_eager(Organisation.sector),
                          contains_eager(Invitation.organisation).contains_eager(Organisation.branch))
                 .where(Invitation.round_id == round.id))
        if self.q:
            escaped = self.q.casefold().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            query = query.where(Organisation.name_key.like(f"%{escaped}%", escape="\\"))
        if self.status:
            query = query.where(Invitation.status == self.status)
        if self.kind:
            query = query.where(Organisation.kind == self.kind)
        for model, code in ((Sector, self.sector), (Branch, self.branch)):
            if code == NO_GROUP:
                query = query.where(model.id.is_(None))
            elif code:
                query = query.where(model.code == code)
        return query.order_by(*self._ordering())

    def _ordering(self) -> list:
        descending = self.order == "desc"
        by_name = [Organisation.name_key, Invitation.id]
        if self.sort == "status":
            # In the order of the lifecycle, not alphabetically.
            column = case({status: position for position, status in enumerate(INVITATION_STATUSES)},
                          value=Invitation.status)
        elif self.sort == "activity":
            column = Invitation.last_activity_at
        elif self.sort == "reminders":
            column = Invitation.reminder_count
        else:
            return [column.desc() for column in by_name] if descending else by_name
        # Never-active organisations go last either way (NULLS LAST is not portable).
        nulls_last = [column.is_(None)] if self.sort == "activity" else []
        return nulls_last + [column.desc() if descending else column.asc()] + by_name

    def args(self, **changes) -> dict[str, str]:
        """The GET parameters of this filter, with `changes`, for links."""
        values = {"q": self.q, "status": self.status, "kind": self.kind, "sector": self.sector,
                  "branch": self.branch, "sort": self.sort, "order": self.order} | changes
        return {key: value for key, value in values.items() if value}


def sort_link(filters: InvitationFilter, slug: str, key: str) -> tuple[str, str | None]:
    """The URL of a column header that sorts by `key` (twice: reversed), and its aria-sort."""
    if filters.sort == key:
        order = "desc" if filters.order == "asc" else "asc"
        current = "ascending" if filters.order == "asc" else "descending"
    else:
        order, current = "asc", None
    return url_for("rounds.dashboard", slug=slug, **filters.args(sort=key, order=order)), current


# --- pages ------------------------------------------------------------------------

@bp.route("/<slug>/dashboard")
@access(read=STAFF_ROLES)
def dashboard(slug: str):
    """How a round is going: statuses, response rates, organisations and the outbox."""
    round = get_round(slug)
    form = DashboardFilterForm(request.args)
    filters = InvitationFilter.from_form(form)
    counts = status_table(round)
    organisations = targeted_organisations(round)
    page = paginate(filters.query(round), PER_PAGE)
    outbox_counts, failed = outbox_state(round)
    return render_template(
        "rounds/dashboard.html", round=round, form=form, filters=filters, page=page, counts=counts,
        total=sum(counts.values()), overall=overall_rate(organisations), by_kind=rates_by_kind(organisations),
        by_sector=rates_by_taxonomy(organisations, Sector), by_branch=rates_by_taxonomy(organisations, Branch),
        outbox_counts=outbox_counts, failed=failed, failed_shown=FAILED_SHOWN,
        show_outbox=current_user.role == "secretariat", response_chart=response_chart(round),
        sort_links={key: sort_link(filters, round.slug, key) for key in SORT_KEYS})


def export_headers() -> list[str]:
    """Column headers of the organisations export, in the user's language."""
    return [_("Organisation"), _("KvK number"), _("Kind"), _("Sector"), _("Branch"), _("Status"),
            _("Invited at"), _("Opened at"), _("Last activity"), _("Reminders sent"), _("Reason for declining")]


def _local(moment: datetime | None) -> datetime | None:
    """A UTC time as naive Europe/Amsterdam time, to the second (spreadsheets have no zones)."""
    return utc_to_local(moment).replace(tzinfo=None, microsecond=0) if moment is not None else None


def export_rows(invitations) -> list[list[object]]:
    """One row per invitation, matching `export_headers`; no e-mail addresses."""
    language = current_language()
    rows = []
    for invitation in invitations:
        organisation = invitation.organisation
        rows.append([
            organisation.name, organisation.kvk_number, code_label(organisation.kind, "kind"),
            organisation.sector.label(language) if organisation.sector else None,
            organisation.branch.label(language) if organisation.branch else None,
            code_label(invitation.status, "invitation_status"), _local(invitation.invited_at),
            _local(invitation.opened_at), _local(invitation.last_activity_at), invitation.reminder_count,
            invitation.decline_reason])
    return rows


@bp.route("/<slug>/dashboard/organisations.<any(csv, xlsx):format>")
@access(read=STAFF_ROLES)
def export_organisations(slug: str, format: str):
    """The filtered organisations list, all rows, as CSV (Dutch Excel) or XLSX."""
    round = get_round(slug)
    filters = InvitationFilter.from_form(DashboardFilterForm(request.args))
    rows = export_rows(db.session.scalars(filters.query(round)))
    name = f"{round.slug}-organisations.{format}"
    if format == "csv":
        # Werkzeug adds "; charset=utf-8" to a text/* type itself: naming it here doubles it.
        data, mimetype = csv_bytes(export_headers(), rows), "text/csv"
    else:
        data, mimetype = xlsx_bytes([(_("Organisations"), export_headers(), rows)]), XLSX_MIMETYPE
    return send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
