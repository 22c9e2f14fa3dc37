"""Language choice and the translated labels of codes.

Dutch is the default; a user switches with the language links (kept in the session)
or by the preference in their account. All user-facing text goes through Flask-Babel.
"""

from __future__ import annotations

from flask import current_app, has_request_context, session
from flask_babel import format_datetime, get_locale, gettext, ngettext
from flask_babel.speaklater import LazyString
from flask_login import current_user
from markupsafe import Markup, escape


class LazyText(LazyString):
    """A message translated when it is shown, and escaped in templates like any text.

    Flask-Babel's own lazy string says it is HTML (its `__html__` returns the text as
    it is), so a message that quotes what someone typed or uploaded ("x is not one of
    the options") would reach the page unescaped. No message of ours holds markup."""

    def __html__(self) -> Markup:
        return escape(str(self))


def lazy_gettext(string: str, **variables) -> LazyText:
    """`gettext`, translated when shown (for messages made at import or before a request)."""
    return LazyText(gettext, string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyText:
    """`ngettext`, translated when shown."""
    return LazyText(ngettext, singular, plural, num, **variables)


_l = lazy_gettext

#: Labels of the codes used in the register, by code list.
CODE_LABELS = {
    "kind": {
        "branch_association": _l("Branch association"),
        "product_board": _l("Product board"),
        "industry_board": _l("Industry board"),
        "company": _l("Company"),
    },
    "size": {"large": _l("Large company"), "mkb": _l("SME (MKB)")},
    "role": {
        "secretariat": _l("Secretariat"),
        "analyst": _l("Analyst"),
        "respondent": _l("Respondent"),
    },
    "language": {"nl": _l("Dutch"), "en": _l("English")},
    "level": {"sector": _l("Sector"), "organisation": _l("Organisation")},
    "risk_level": {"low": _l("low"), "medium": _l("medium"), "high": _l("high")},
    "job_status": {"queued": _l("waiting"), "running": _l("working"), "done": _l("ready"), "failed": _l("failed"),
                   "expired": _l("file removed")},
    "invitation_status": {
        "targeted": _l("Not yet invited"), "invited": _l("Invited"), "opened": _l("Link opened"),
        "in_progress": _l("In progress"), "submitted": _l("Submitted"),
        "returned": _l("Returned for clarification"), "accepted": _l("Accepted"), "declined": _l("Declined"),
        "bounced": _l("Not delivered"),
    },
    "round_status": {"draft": _l("Draft"), "open": _l("Open"), "closed": _l("Closed")},
    "contact_mode": {"primary": _l("The primary contact"), "all": _l("All contacts")},
    "round_event": {
        "created": _l("created"), "opened": _l("opened"), "closed": _l("closed"), "reopened": _l("reopened"),
        "copied": _l("copied from another round"), "invited": _l("invitations sent"),
        "reminded": _l("reminders sent"), "extended": _l("deadline extended"),
        "feedback_sent": _l("feedback sent"), "figures_published": _l("public figures published"),
        "figures_withdrawn": _l("public figures withdrawn"),
    },
    "carry_status": {"carried": _l("to confirm"), "continued": _l("continued"), "changed": _l("changed"),
                     "ended": _l("ended")},
    "response_status": {"in_progress": _l("In progress"), "submitted": _l("Submitted"),
                        "returned": _l("Returned for clarification"), "accepted": _l("Accepted"),
                        "declined": _l("Declined")},
    "outbox_status": {"queued": _l("Queued"), "sent": _l("Sent"), "failed": _l("Failed")},
    "privacy_action": {"export": _l("Data exported"), "erase": _l("Erased on request"),
                       "purge": _l("Erased by the retention purge")},
    "privacy_channel": {"web": _l("web pages"), "cli": _l("command line")},
    "privacy_record": {"contact": _l("contact record"), "accounts": _l("accounts"), "tokens": _l("invitation links"),
                       "messages": _l("messages"), "events": _l("audit-trail events"),
                       "submissions": _l("submitted responses"), "registrations": _l("registrations"),
                       "bounces": _l("bounce reports"), "mentions": _l("mentions in free text"),
                       "traces": _l("addresses of contacts removed earlier")},
    "sample_method": {"simple": _l("simple random"), "stratified": _l("stratified by sector")},
    "check_outcome": {
        "confirmed": _l("confirmed"),
        "partly_confirmed": _l("partly confirmed"),
        "not_confirmed": _l("not confirmed"),
        "not_verifiable": _l("not verifiable"),
    },
    "evidence_level": {"stated": _l("stated"), "documented": _l("documented"), "verified": _l("verified")},
}


def select_locale() -> str:
    """The interface language: the session's choice, the user's preference, or the default."""
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():  # the CLI, the mail worker
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = session.get("language")
    if chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    """`nl` or `en`, for picking a model's `label_nl` or `label_en`."""
    locale = get_locale()
    return locale.language if locale is not None else "nl"


def login_message(_message: str = "") -> str:
    """Flask-Login's 'please log in' message, translated (its English text is replaced)."""
    return gettext("Please log in to see this page.")


def code_label(code: str | None, code_list: str) -> str:
    """The translated label of `code` in `code_list`; the code itself when unknown."""
    if code is None:
        return ""
    label = CODE_LABELS.get(code_list, {}).get(code)
    return str(label) if label is not None else code


def register_template_helpers(app) -> None:
    """Filters: `label` for taxonomy entries, `code_label` for codes, `datetime` for times."""

    @app.template_filter("label")
    def label_filter(item) -> str:
        return item.label(current_language()) if item is not None else ""

    app.add_template_filter(code_label, "code_label")

    @app.template_filter("datetime")
    def datetime_filter(value, format: str = "medium") -> str:
        return format_datetime(value, format) if value is not None else ""

    app.jinja_env.globals["current_language"] = current_language
