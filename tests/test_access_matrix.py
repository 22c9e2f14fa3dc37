"""No route escapes the rules: every route x role x method of the app's URL map has an
expected outcome in the table below, and a route missing from the table fails.

Each route is asked with another organisation's ids wherever it takes one (the
respondent and the link session belong to organisation A; every id in the addresses is
organisation B's, or another user's), so "a respondent sees only their own
organisation" is checked on every route, not on a sample. Roles, in the order of the
letters: anonymous, invitee (opened organisation A's invitation link), respondent (of
organisation A), analyst, secretariat. Outcomes: O allowed (any answer but the refusals
below, and never a 5xx), L sent to the login page, U 401 (API without a token), F 403,
N 404. POSTs carry no form data: the access decision comes before any form check.
"""

from __future__ import annotations

import pytest
from werkzeug.routing import Rule

from imvo_survey.answers import services
from imvo_survey.api.tokens import create_token
from imvo_survey.extensions import db
from imvo_survey.models import (
    Aspect,
    BenchmarkImport,
    BenchmarkScore,
    Country,
    Job,
    OutboxMessage,
    ProductGroup,
    ProgressReport,
    Registration,
    RiskEntry,
    SampledResponse,
    VerificationSample,
)
from imvo_survey.rounds.services import issue_token
from imvo_survey.verification.requests import add_evidence

from . import factories
from .answering import add_activity
from .conftest import AuthActions

ROLES = ("anonymous", "invitee", "respondent", "analyst", "secretariat")

_STAFF_READ = "LLFOO"       # analysts and the secretariat read
_SECRETARIAT = "LLFFO"      # the secretariat only
_RESPOND = "LNNFO"          # an organisation's pages: B's are not found for A; analysts refused
_PUBLIC = "OOOOO"
_API = "UUUUU"              # bearer tokens only: cookies count for nothing

#: endpoint -> {method: outcome per role}. Reviewed by hand: a change here is a change of
#: who may do what, and must be deliberate.
EXPECTED: dict[str, dict[str, str]] = {
    "main.index": {"GET": _PUBLIC},
    "main.health": {"GET": _PUBLIC},
    "main.favicon": {"GET": _PUBLIC},
    "main.set_language": {"GET": _PUBLIC},
    "auth.login": {"GET": _PUBLIC, "POST": _PUBLIC},
    "auth.logout": {"POST": _PUBLIC},
    "auth.change_password": {"GET": "LLOOO", "POST": "LLOOO"},
    "auth.request_reset": {"GET": _PUBLIC, "POST": _PUBLIC},
    "auth.reset_password": {"GET": _PUBLIC, "POST": _PUBLIC},
    "account.tokens": {"GET": _STAFF_READ, "POST": _STAFF_READ},
    "account.revoke": {"POST": "LLFNN"},  # another user's token: not found, even for the secretariat
    "api.not_found": {"GET": "NNNNN", "POST": "NNNNN", "PUT": "NNNNN", "PATCH": "NNNNN", "DELETE": "NNNNN"},
    "api.benchmark": {"GET": _API},
    "api.openapi": {"GET": _PUBLIC},
    "api.list_rounds": {"GET": _API},
    "api.show_round": {"GET": _API},
    "api.activities": {"GET": _API},
    "api.bottlenecks": {"GET": _API},
    "api.dilemmas": {"GET": _API},
    "api.matrix": {"GET": _API},
    "api.verification": {"GET": _API},
    "benchmarks.list_scores": {"GET": _STAFF_READ},
    "benchmarks.create_score": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "benchmarks.edit_score": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "benchmarks.delete_score": {"POST": _SECRETARIAT},
    "benchmarks.import_scores": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "benchmarks.review_import": {"POST": _SECRETARIAT},
    "benchmarks.import_result": {"GET": "LLFFN"},  # a large import's job: its owner's only
    "benchmarks.save_checked": {"POST": "LLFFN"},
    "benchmarks.undo_scores_import": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "matrix.index": {"GET": _STAFF_READ},
    "matrix.page": {"GET": _STAFF_READ},
    "matrix.choose": {"GET": _STAFF_READ},
    "matrix.cell": {"GET": _STAFF_READ},
    "matrix.export": {"GET": _STAFF_READ, "POST": _STAFF_READ},
    "jobs.list_jobs": {"GET": _STAFF_READ},
    "jobs.show_job": {"GET": "LLFNN"},  # another user's job: not found, even for the secretariat
    "jobs.download": {"GET": "LLFNN"},
    "risk.list_entries": {"GET": _STAFF_READ},
    "risk.create_entry": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "risk.edit_entry": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "risk.remove_entry": {"POST": _SECRETARIAT},
    "risk.import_entries": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "risk.export_entries": {"GET": _STAFF_READ},
    "risk.list_shares": {"GET": _STAFF_READ},
    "risk.import_shares": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "risk.export_shares": {"GET": _STAFF_READ},
    "risk.subject_page": {"GET": _STAFF_READ, "POST": _SECRETARIAT},
    "risk.remove_manual_relevance": {"POST": _SECRETARIAT},
    "organisations.list_organisations": {"GET": _STAFF_READ},
    "organisations.show_organisation": {"GET": "LLNOO"},  # B's page is not found for A's respondent
    "organisations.create_organisation": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.edit_organisation": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.activate": {"POST": _SECRETARIAT},
    "organisations.deactivate": {"POST": _SECRETARIAT},
    "organisations.create_contact": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.edit_contact": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.delete_contact": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.activate_contact_route": {"POST": _SECRETARIAT},
    "organisations.deactivate_contact_route": {"POST": _SECRETARIAT},
    "organisations.import_organisations": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "organisations.confirm_import": {"POST": _SECRETARIAT},
    "organisations.import_result": {"GET": "LLFFN"},  # a large import's job: its owner's only
    "organisations.save_checked": {"POST": "LLFFN"},
    "organisations.import_template": {"GET": _SECRETARIAT},
    "mailbox.list_messages": {"GET": _SECRETARIAT},
    "mailbox.show_message": {"GET": _SECRETARIAT},
    "mailbox.download_message": {"GET": _SECRETARIAT},
    "mailbox.retry_message": {"POST": _SECRETARIAT},
    "privacy.export_contact": {"POST": _SECRETARIAT},
    "privacy.erase_contact": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "privacy.privacy_log": {"GET": _SECRETARIAT},
    "public_figures.index": {"GET": _PUBLIC},
    # The world's round is not published: its public figures are nobody's to see.
    "public_figures.page": {"GET": "NNNNN"},
    "public_figures.download": {"GET": "NNNNN"},
    "public_figures.publish_figures": {"POST": _SECRETARIAT},
    "public_figures.withdraw_figures": {"POST": _SECRETARIAT},
    "questionnaires.list_questionnaires": {"GET": _STAFF_READ},
    "questionnaires.compare_versions": {"GET": _STAFF_READ},
    "questionnaires.show_version": {"GET": _STAFF_READ},
    "questionnaires.export_version": {"GET": _STAFF_READ},
    "questionnaires.preview": {"GET": _STAFF_READ},
    "questionnaires.create_questionnaire": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.edit_questionnaire": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.import_questionnaire": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.confirm_import": {"POST": _SECRETARIAT},
    "practices.mark": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "practices.remove": {"POST": _SECRETARIAT},
    "practices.consent": {"GET": _RESPOND, "POST": _RESPOND},
    "practices.page": {"GET": _PUBLIC},
    "practices.as_json": {"GET": _PUBLIC},
    "practices.feed": {"GET": _PUBLIC},
    "questionnaires.copy_version": {"POST": _SECRETARIAT},
    "questionnaires.delete_version": {"POST": _SECRETARIAT},
    "questionnaires.publish_version": {"POST": _SECRETARIAT},
    "questionnaires.create_section": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.edit_section": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.move_section": {"POST": _SECRETARIAT},
    "questionnaires.delete_section": {"POST": _SECRETARIAT},
    "questionnaires.create_question": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.edit_question": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "questionnaires.move_question": {"POST": _SECRETARIAT},
    "questionnaires.delete_question": {"POST": _SECRETARIAT},
    "registration.register": {"GET": _PUBLIC, "POST": _PUBLIC},
    "registration.confirm": {"GET": "NNNNN"},  # an unknown confirmation link
    "registration.confirmed": {"GET": _PUBLIC},
    "registration.sent": {"GET": _PUBLIC},
    "registration.list_registrations": {"GET": _SECRETARIAT},
    "registration.show_registration": {"GET": _SECRETARIAT},
    "registration.merge_registration": {"POST": _SECRETARIAT},
    "registration.reject_registration": {"POST": _SECRETARIAT},
    "respond.glossary": {"GET": _PUBLIC},
    "respond.landing": {"GET": _PUBLIC},
    "respond.feedback_link": {"GET": "NNNNN"},  # an unknown feedback link
    # Feedback pages check inside the view (a signed feedback link may open them): B's
    # are not found for A's respondent or A's link holder, analysts are refused, and
    # there is no feedback while the round is open, not even for the secretariat.
    "respond.feedback": {"GET": "LNNFN"},
    "respond.feedback_pdf": {"GET": "LNNFN"},
    "respond.overview": {"GET": _RESPOND},
    "respond.create_account": {"GET": "LNFFF", "POST": "LNFFF"},
    "respond.blank": {"GET": _RESPOND},
    "respond.printable": {"GET": _RESPOND},
    "respond.pdf": {"GET": _RESPOND},
    "respond.summary": {"GET": _RESPOND},
    "respond.submitted": {"GET": _RESPOND},
    "respond.download_workbook": {"GET": _RESPOND},
    "respond.upload_workbook": {"GET": _RESPOND, "POST": _RESPOND},
    "respond.start": {"POST": _RESPOND},
    "respond.submit": {"POST": _RESPOND},
    "respond.decline_invitation": {"POST": _RESPOND},
    "respond.undo_decline_invitation": {"POST": _RESPOND},
    "respond.section": {"GET": _RESPOND, "POST": _RESPOND},
    "respond.autosave": {"POST": _RESPOND},
    "respond.new_entry": {"GET": _RESPOND, "POST": _RESPOND},
    "respond.entry": {"GET": _RESPOND, "POST": _RESPOND},
    "respond.remove_entry": {"GET": _RESPOND, "POST": _RESPOND},
    "respond.confirm_carried": {"POST": _RESPOND},
    "review.list_responses": {"GET": _STAFF_READ},
    "review.invitation_response": {"GET": _STAFF_READ},
    "review.show_response": {"GET": _STAFF_READ},
    "review.accept_response": {"POST": _SECRETARIAT},
    "review.return_response": {"POST": _SECRETARIAT},
    "review.add_note": {"POST": _SECRETARIAT},
    "rounds.list_rounds": {"GET": _STAFF_READ},
    "rounds.show": {"GET": _STAFF_READ},
    "rounds.dashboard": {"GET": _STAFF_READ},
    "rounds.export_organisations": {"GET": _STAFF_READ},
    "rounds.show_invitation": {"GET": _STAFF_READ},
    "rounds.create": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "rounds.edit": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "rounds.open": {"POST": _SECRETARIAT},
    "rounds.close": {"POST": _SECRETARIAT},
    "rounds.reopen": {"POST": _SECRETARIAT},
    "rounds.send_feedback_mails": {"POST": _SECRETARIAT},
    "rounds.target": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "rounds.invite_all": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "rounds.remind_all": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "rounds.resend": {"POST": _SECRETARIAT},
    "rounds.remind_one": {"POST": _SECRETARIAT},
    "rounds.revoke": {"POST": _SECRETARIAT},
    "rounds.untarget": {"POST": _SECRETARIAT},
    "rounds.bounce": {"POST": _SECRETARIAT},
    "rounds.extend": {"POST": _SECRETARIAT},
    "users.list_users": {"GET": _SECRETARIAT},
    "users.create": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "users.edit": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "users.activate": {"POST": _SECRETARIAT},
    "users.deactivate": {"POST": _SECRETARIAT},
    "users.send_reset": {"POST": _SECRETARIAT},
    "verification.list_samples": {"GET": _STAFF_READ},
    "verification.new_sample": {"GET": _SECRETARIAT, "POST": _SECRETARIAT},
    "verification.show_sample": {"GET": _STAFF_READ},
    "verification.request_sample_evidence": {"POST": _SECRETARIAT},
    "verification.request_member_evidence": {"POST": _SECRETARIAT},
    "verification.check_member": {"GET": _SECRETARIAT},
    "verification.record_activity_check": {"POST": _SECRETARIAT},
    "verification.download_evidence": {"GET": _SECRETARIAT},
    "verification.evidence_link": {"GET": "NNNNN"},  # an unknown evidence link
    # The upload page checks inside the view (an evidence link may open it): B's sampled
    # response is not found for A's respondent, and A's invitation link does not open it.
    "verification.upload_evidence": {"GET": "LLNFO", "POST": "LLNFO"},
    "reports.list_reports": {"GET": _STAFF_READ, "POST": _SECRETARIAT},
    "reports.show_report": {"GET": _STAFF_READ},
    "reports.download_pdf": {"GET": _STAFF_READ},
}


def _routes(app) -> list[tuple[Rule, str]]:
    """Every rule and method of the URL map (HEAD and OPTIONS follow GET and the server)."""
    return [(rule, method) for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if rule.endpoint != "static" for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]


def _world() -> dict:
    """Organisations A (the respondent's) and B (whose ids every address carries), a
    round with both invited and answering, and one of everything a route can name."""
    round = factories.make_round(slug="ronde-toegang")
    own = factories.make_organisation(name="Vereniging A")
    own_contact = factories.make_contact(own, email="a@example.org")
    other = factories.make_organisation(name="Vereniging B")
    other_contact = factories.make_contact(other, email="b@example.org")
    own_invitation = factories.make_invitation(round, own, status="invited")
    other_invitation = factories.make_invitation(round, other, status="invited")
    respondent = factories.make_user("respondent", organisation=own, email="respondent@example.org")
    factories.make_user("analyst", email="analist@example.org")
    factories.make_user("secretariat", email="secretariaat@example.org")
    colleague = factories.make_user("analyst", email="collega@example.org")
    other_token = issue_token(other_invitation, other_contact)
    own_token = issue_token(own_invitation, own_contact)
    actor = services.Actor(contact=other_contact)
    response = services.start(other_invitation, actor)
    key = add_activity(response, actor)
    message = db.session.scalar(db.select(OutboxMessage).limit(1))
    if message is None:
        from imvo_survey.mail.outbox import queue

        from .rounds.test_outbox import _message

        message = queue(_message(), "test", invitation=other_invitation)
    score = BenchmarkScore(year=2008, level="sector", sector=factories.sector(), total_score=36, chain_score=3)
    registration = Registration(name="Nieuw BV", size="mkb", contact_name="Nina", contact_email="nina@example.org",
                                token_hash="0" * 64, status="review")
    benchmark_import = BenchmarkImport(filename="tabel1.csv", source="Transparantiebenchmark", year=2008,
                                       level="sector", row_count=0)
    entry = RiskEntry(country=db.session.scalar(db.select(Country).filter_by(code="GH")), level="high",
                      product_group=db.session.scalar(db.select(ProductGroup).filter_by(code="cocoa")),
                      aspect=db.session.scalar(db.select(Aspect).filter_by(code="child_labour")))
    db.session.add_all([score, registration, benchmark_import, entry])
    sample = VerificationSample(round=round, method="simple", seed=1, requested_size=1, population=1)
    member = SampledResponse(sample=sample, response=response)
    db.session.add(sample)
    evidence = add_evidence(member, "beleid.pdf", b"%PDF-1.4\n%%EOF\n")
    # A ready report version whose PDF file is gone: staff get the page that says so (410).
    report = ProgressReport(round=round, language="nl", status="ready", html="<p>Rapportage</p>",
                            pdf_name="weg", pdf_sha256="0" * 64, pdf_size=0)
    db.session.add(report)
    job = Job(kind="export", status="done", owner=colleague, title="export", params={})
    db.session.add(job)
    api_token, _secret = create_token(colleague, "script")
    version = round.association_version
    section = version.sections[0]
    question = section.questions[0]
    db.session.commit()
    return {
        "values": {
            "organisation_id": other.id, "contact_id": other_contact.id, "invitation_id": other_invitation.id,
            "response_id": response.id, "activity_id": response.activities[0].id, "slug": round.slug,
            "reference": round.slug, "user_id": colleague.id,
            "token_id": api_token.id, "message_id": message.id, "score_id": score.id, "import_id": benchmark_import.id,
            "registration_id": registration.id, "code": version.questionnaire.code, "number": version.number,
            "section_id": section.id, "question_id": question.id, "section_code": "profile",
            "repeat_code": "activity", "key": key, "token": other_token, "fmt": "csv", "format": "csv",
            "path": "onbekend", "entry_id": entry.id, "subject": "sector", "aspect": "wages",
            "sample_id": sample.id, "member_id": member.id, "file_id": evidence.id, "report_id": report.id, "job_id": job.id,
        },
        "own_token": own_token,
        "respondent": respondent.email,
    }


def _clients(app, world) -> dict:
    clients = {role: app.test_client() for role in ROLES}
    clients["invitee"].get(f"/i/{world['own_token']}")
    for role, email in (("respondent", world["respondent"]), ("analyst", "analist@example.org"),
                        ("secretariat", "secretariaat@example.org")):
        assert AuthActions(clients[role]).login(email).status_code == 302
    return clients


#: Per endpoint, values that differ from the world's (a format the route offers) and the
#: query a page needs to show anything.
OVERRIDES = {"main.set_language": {"code": "en"}, "questionnaires.export_version": {"fmt": "xlsx"},
             "risk.subject_page": {"code": "voedsel_drank"}, "risk.remove_manual_relevance": {"code": "voedsel_drank"}}
QUERIES = {"matrix.cell": "?row=voedsel_drank&column=child_labour", "matrix.choose": "?round=ronde-toegang"}


def _url(rule: Rule, values: dict) -> str:
    arguments = {name: values[name] for name in rule.arguments}
    arguments.update(OVERRIDES.get(rule.endpoint, {}))
    return rule.build(arguments, append_unknown=False)[1] + QUERIES.get(rule.endpoint, "")


def _outcome(answer) -> str:
    status = answer.status_code
    body = answer.get_data()
    answer.close()
    assert status < 500, f"{status}: {body[:500]!r}"
    if status in (301, 302, 303) and "/auth/login" in (answer.location or ""):
        return "L"
    return {401: "U", 403: "F", 404: "N"}.get(status, "O")


def test_every_route_and_method_is_in_the_table(app):
    """A new route, or a new method on a route, must be given its expected outcomes."""
    missing = sorted({f"{rule.endpoint} {method}" for rule, method in _routes(app)
                      if method not in EXPECTED.get(rule.endpoint, {})})
    stale = sorted(endpoint for endpoint in EXPECTED if endpoint not in app.view_functions)
    assert (missing, stale) == ([], [])


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_route_answers_each_role_as_the_table_says(app, endpoint):
    world = _world()
    clients = _clients(app, world)
    rules = [(rule, method) for rule, method in _routes(app) if rule.endpoint == endpoint]
    for rule, method in sorted(rules, key=lambda item: (item[1] != "GET", item[0].rule)):
        url = _url(rule, world["values"])
        outcomes = "".join(_outcome(clients[role].open(url, method=method)) for role in ROLES)
        assert outcomes == EXPECTED[endpoint][method], f"{method} {url}: {outcomes}"
