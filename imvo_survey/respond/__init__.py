"""The respondent's side of a round: the invitation link, the landing page, declining,
setting a password (and, later, the questionnaire forms)."""

from flask import Blueprint

bp = Blueprint("respond", __name__)

from . import entries, feedback, form, routes, submit, workbook_routes  # noqa: E402,F401
from .pending import saved_ids  # noqa: E402

bp.add_app_template_global(saved_ids)


@bp.record_once
def _mask_links_in_request_logs(state) -> None:
    """The invitation link is this blueprint's: keep its token (and every other secret
    link's) out of the request logs, once per app. (A step of create_app would do too.)"""
    from .. import links

    links.init_app(state.app)
