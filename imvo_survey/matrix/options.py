"""The matrix's parameters, read the same way for its page, its downloads and the
background export jobs: the filter form from the address (or from a job's saved
parameters), with what did not fit named."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _

from ..analysis import Filters
from ..analysis.filters import DEFAULT_THRESHOLD
from ..models import Round
from ..risk.services import relevance_options
from .forms import MatrixForm

FILTER_KEYS = ("audience", "kind", "size", "sector", "branch", "activity_type", "country", "product_group",
               "consented", "evidence")
QUERY_KEYS = (*FILTER_KEYS, "rows", "columns", "measure", "lagging_measure", "threshold", "compare", "panel",
              "change_of", "sort")
#: Parameters of the page besides the form's: the aspect groups shown with their aspects.
PAGE_KEYS = ("expand",)


def read_options(round: Round, args=None):
    """The form, the analysis options and what was wrong in the address (`args`, by
    default the request's). A value that does not fit (an unknown measure, a threshold
    over 100, a sector that does not exist) falls back to its default, and the page says
    so beside the field and above the table, naming the value; parameters the page does
    not know are named too."""
    args = request.args if args is None else args
    form = MatrixForm(args, round=round)
    problems = []
    if not form.validate():
        for field in (field for field in form if field.errors):
            given = args.get(field.name, "")
            message = (_("%(value)s is not one of the choices; the default is shown.", value=given)
                       if field.type == "SelectField" else "; ".join(str(error) for error in field.errors))
            field.data, field.errors = field.default, [message]
            problems.append(f"{field.label.text}: {message}")
    unknown = sorted(set(args) - set(QUERY_KEYS) - set(PAGE_KEYS))
    if unknown:
        problems.append(_("The address has settings the matrix does not know, which are left out: %(names)s.",
                          names=", ".join(unknown)))
    params = {key: "1" if form[key].data is True else form[key].data for key in FILTER_KEYS if form[key].data}
    params["round"] = str(round.id)
    filters = Filters.from_params(params)
    threshold = float(form.threshold.data) if form.threshold.data is not None else DEFAULT_THRESHOLD
    matrix_options = {"rows": form.rows.data or "sector", "columns": form.columns.data or "aspect",
                      "threshold": threshold, "lagging_measure": form.lagging_measure.data or "share",
                      **relevance_options(form.sort.data)}
    return form, filters, matrix_options, problems


def page_query() -> dict[str, str]:
    """The matrix's own parameters of this request, for links that keep the view (never
    anything else from the address, which url_for would take as its own arguments)."""
    return {key: value for key, value in request.args.items() if key in QUERY_KEYS and value}


