"""The OpenAPI document matches the implementation: schemathesis (pinned in the test
extras) generates requests for every operation of /api/v1/openapi.json and checks the
answers against the document, on a seeded inventory (with a checked verification sample),
with a valid analyst token (the secretariat's for what only the secretariat reads).

The operations are driven through `APIOperation.as_strategy()` with Hypothesis rather
than `schemathesis.pytest.from_fixture`: that lazy loader of schemathesis 4.32.5 sets a
private attribute pytest 9 no longer has (`Node._nodeid`)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from imvo_survey.extensions import db
from imvo_survey.verification.requests import record_check
from imvo_survey.verification.services import draw_sample

from .. import factories
from . import bearer, seed_inventory, token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance, ignored_auth]
OPERATIONS = ["GET /rounds", "GET /rounds/{round}", "GET /rounds/{round}/matrix", "GET /rounds/{round}/activities",
              "GET /rounds/{round}/dilemmas", "GET /rounds/{round}/bottlenecks", "GET /rounds/{round}/verification",
              "GET /benchmark", "GET /openapi.json"]
#: Operations only the secretariat's token reads (an analyst's gets a 403).
SECRETARIAT_ONLY = {"GET /rounds/{round}/verification"}
EXAMPLES = 30


def isolated(app):
    """The app as a WSGI callable that runs each request in its own app context (as in
    production, and as tests/conftest.py's IsolatedClient does for the test client)."""

    def wsgi(environ, start_response):
        with app.app_context():
            return list(app(environ, start_response))

    return wsgi


@pytest.fixture
def rounds():
    baseline, later = seed_inventory()
    sample = draw_sample(later, percent=100, seed=3)
    for member in sample.members:
        for activity in member.response.activities:
            record_check(member, activity, "confirmed", "", None)
    db.session.commit()
    return baseline, later


@pytest.fixture
def api_schema(app, rounds):
    """The document as the app serves it, with an inventory behind it."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", isolated(app))


def realistic(rounds) -> dict:
    """Values that exist, for the parameters whose documented type (any string) is
    too wide to hit them by chance: without these, almost every generated round would
    be a 404 and every comparison round a 400, and the 200s would go untested."""
    references = [rounds[1].slug, rounds[0].slug, str(rounds[1].id)]
    return {"round": st.sampled_from(references),
            "compare": st.sampled_from([rounds[0].slug, rounds[1].slug, str(rounds[0].id)]),
            "row": st.sampled_from(["voedsel_drank", "energie", "banken", "_total", "_none", "wholesale_retail",
                                    "voedsel_drank|branch_association"])}


def steer(case, data, values: dict) -> None:
    """Three times in four, replace a generated value by a realistic one (whether the
    parameter is sent at all stays Hypothesis's choice)."""
    for container in (case.path_parameters, case.query):
        for name, strategy in values.items():
            if container and name in container and data.draw(st.integers(0, 3), label=f"keep {name}") < 3:
                container[name] = data.draw(strategy, label=name)


@pytest.fixture
def tokens():
    return {"analyst": token_for(factories.make_user("analyst")),
            "secretariat": token_for(factories.make_user("secretariat"))}


def test_every_operation_is_tested(api_schema):
    documented = [f"{method.upper()} {path}" for path, item in api_schema.raw_schema["paths"].items()
                  for method in item]
    assert sorted(documented) == sorted(OPERATIONS)


@pytest.mark.parametrize("label", OPERATIONS)
def test_operation_conforms_to_the_document(api_schema, rounds, tokens, label):
    """No server errors, and every answer as documented: status, content type, headers
    and body; an operation that needs a token refuses requests without one."""
    operation = api_schema.find_operation_by_label(label)
    token = tokens["secretariat" if label in SECRETARIAT_ONLY else "analyst"]
    values, statuses = realistic(rounds), []

    @given(case=operation.as_strategy(), data=st.data())
    # No shrinking: a failure is reported as found (with a curl line to reproduce it),
    # instead of after minutes of narrowing it down.
    @settings(max_examples=EXAMPLES, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case, data):
        steer(case, data, values)
        response = case.call_and_validate(headers=bearer(token), checks=CHECKS)
        statuses.append(response.status_code)

    check()
    assert 200 in statuses, "no request succeeded: the 200 answers went untested"
