"""The public page of good practices, without login: HTML with search and filters, the
same as JSON, and an Atom feed for the SER's website. Read only (GET), so no form needs
a CSRF token; every answer is built from the consent as it is now, and may be cached by
the browser or a proxy only after asking again (ETag), so a withdrawal shows at once."""

from __future__ import annotations

from flask import jsonify, make_response, render_template, request, url_for

from ..access import public
from ..i18n import current_language
from ..models import utcnow
from . import bp
from .public import FILTERS, Criteria, filter_choices, public_practices

#: The newest practices the Atom feed carries.
FEED_SIZE = 50
#: The most the HTML page and the JSON list carry.
LIST_SIZE = 500
#: Shared caches may keep a copy but must ask again before using it (consent is live).
CACHING = "public, max-age=0, must-revalidate"


def _conditional(response, cache_control: str = CACHING):
    response.headers["Cache-Control"] = cache_control
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/openbaar/praktijken")
@public
def page():
    """Good practices by sector, aspect, activity type, country and product group."""
    criteria = Criteria.from_args(request.args)
    language = current_language()
    practices = public_practices(criteria, language, LIST_SIZE)
    html = render_template("practices/public.html", practices=practices, criteria=criteria,
                           choices=filter_choices(language), filters=FILTERS, query=criteria.query_args())
    # The page carries the visitor's own menu when logged in: only the browser may keep it.
    return _conditional(make_response(html), "private, no-cache")


@bp.route("/openbaar/praktijken.json")
@public
def as_json():
    """The same practices as JSON."""
    criteria = Criteria.from_args(request.args)
    practices = public_practices(criteria, current_language(), LIST_SIZE)
    return _conditional(jsonify({"practices": [item.as_json() for item in practices],
                                 "page": url_for("practices.page", _external=True, **criteria.query_args())}))


@bp.route("/openbaar/praktijken.atom")
@public
def feed():
    """The newest practices as an Atom feed."""
    criteria = Criteria.from_args(request.args)
    practices = public_practices(criteria, current_language(), FEED_SIZE)
    updated = max((item.updated for item in practices), default=None) or utcnow()
    xml = render_template("practices/feed.xml", practices=practices, updated=updated,
                          self_url=url_for("practices.feed", _external=True, **criteria.query_args()),
                          page_url=url_for("practices.page", _external=True, **criteria.query_args()))
    response = make_response(xml)
    response.mimetype = "application/atom+xml"
    return _conditional(response)
